"""Repo cards: the README.md of a repo, its YAML front matter as typed models.

Needs the ``cards`` extra (``pip install 'hubclient[cards]'``, which brings PyYAML)::

    from hubclient.cards import ModelCard, metadata_update

    card = ModelCard.load("acme/bert")
    print(card.data.license, card.data.eval_results)
    card.data.tags = [*(card.data.tags or []), "new-tag"]
    card.push_to_hub("acme/bert")                 # validated by the Hub, then one commit
    metadata_update("acme/bert", {"license": "mit"}, overwrite=True)
"""

from __future__ import annotations

try:
    import yaml  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("hubclient.cards needs PyYAML: pip install 'hubclient[cards]'") from exc

from hubclient.cards._card import DatasetCard, ModelCard, RepoCard, SpaceCard
from hubclient.cards._data import (
    CardData,
    DatasetCardData,
    EvalResult,
    ModelCardData,
    SpaceCardData,
    eval_results_to_model_index,
    model_index_to_eval_results,
)
from hubclient.cards._metadata import (
    ametadata_update,
    metadata_load,
    metadata_save,
    metadata_update,
)
from hubclient.errors import RepoCardError

__all__ = [
    "CardData",
    "DatasetCard",
    "DatasetCardData",
    "EvalResult",
    "ModelCard",
    "ModelCardData",
    "RepoCard",
    "RepoCardError",
    "SpaceCard",
    "SpaceCardData",
    "ametadata_update",
    "eval_results_to_model_index",
    "metadata_load",
    "metadata_save",
    "metadata_update",
    "model_index_to_eval_results",
]
