"""The front matter of a README alone: read it, write it, update it on the Hub."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hubclient import AsyncHubClient, CommitInfo, HubClient, RemoteEntryNotFoundError
from hubclient.cards._card import (
    YAML_BLOCK,
    RepoCard,
    _default_client,
    card_class,
    parse_front_matter,
    yaml_dump,
)
from hubclient.cards._data import ModelCardData, model_index_to_eval_results
from hubclient.errors import RepoCardError

__all__ = ["ametadata_update", "metadata_load", "metadata_save", "metadata_update"]


def metadata_load(local_path: str | Path) -> dict[str, Any] | None:
    """The front matter of a local README as a dict (None when it has none)."""
    content = Path(local_path).read_text(encoding="utf-8-sig")
    data, _ = parse_front_matter(content)
    return data


def metadata_save(local_path: str | Path, data: dict[str, Any]) -> None:
    """Write ``data`` as the front matter of a README (created when missing), keeping its
    body and its line endings."""
    path = Path(local_path)
    content, eol = "", "\n"
    if path.exists():
        with path.open(newline="", encoding="utf-8-sig") as f:
            content = f.read()
            newlines = f.newlines
        if isinstance(newlines, tuple):
            eol = newlines[0]
        elif isinstance(newlines, str):
            eol = newlines
    block = f"---{eol}{yaml_dump(data, line_break=eol)}---{eol}"
    match = YAML_BLOCK.search(content)
    output = content[: match.start()] + block + content[match.end() :] if match else block + content
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write(output)


def _merge(card: RepoCard, repo_id: str, metadata: dict[str, Any], overwrite: bool) -> None:
    """Fold ``metadata`` into the card as huggingface_hub does: eval results merged metric by
    metric, other keys set (a different value needs ``overwrite``)."""
    for key, value in metadata.items():
        if key == "model-index":
            if not isinstance(card.data, ModelCardData):
                raise RepoCardError("model-index belongs to a model card")
            if not (isinstance(value, list) and value and isinstance(value[0], dict)):
                raise RepoCardError("model-index must be a non-empty list of mappings")
            value[0].setdefault("name", card.data.model_name or repo_id)
            try:
                name, new_results = model_index_to_eval_results(value)
            except (KeyError, TypeError, ValueError) as exc:
                raise RepoCardError(f"invalid model-index: {exc!r}") from exc
            if card.data.eval_results is None:
                card.data.model_name = name
                card.data.eval_results = new_results
                continue
            existing = list(card.data.eval_results)
            for new in new_results:
                same = next((old for old in existing if new.is_equal_except_value(old)), None)
                if same is None:
                    existing.append(new)
                    continue
                if new != same and not overwrite:
                    raise ValueError(
                        "You passed a new value for the existing metric 'name: "
                        f"{new.metric_name}, type: {new.metric_type}'. Set `overwrite=True` to "
                        "overwrite existing metrics."
                    )
                same.metric_value = new.metric_value
                if same.verified:
                    same.verify_token = new.verify_token
            card.data.eval_results = existing
        else:
            current = card.data.get(key)
            if current is not None and not overwrite and current != value:
                raise ValueError(
                    f"You passed a new value for the existing meta data field '{key}'. Set "
                    "`overwrite=True` to overwrite existing metadata."
                )
            card.data[key] = value


def metadata_update(
    repo_id: str,
    metadata: dict[str, Any],
    *,
    repo_type: str | None = None,
    overwrite: bool = False,
    token: str | None = None,
    commit_message: str | None = None,
    commit_description: str | None = None,
    revision: str | None = None,
    create_pr: bool = False,
    parent_commit: str | None = None,
    client: HubClient | None = None,
) -> CommitInfo:
    """Update the front matter of a repo's README on the Hub (eval results merged), validated
    by the Hub, in one commit. A repo without a README gets one (but a Space must have one).

    Example::

        metadata_update("acme/bert", {"license": "mit"}, overwrite=True)
    """
    hub = client or _default_client()
    cls = card_class(repo_type)
    try:
        card = cls.load(repo_id, repo_type=repo_type, token=token, revision=revision, client=hub)
    except RemoteEntryNotFoundError:
        if repo_type == "space":
            raise ValueError(
                "Cannot update metadata on a Space that doesn't contain a `README.md` file."
            ) from None
        card = cls("")
    _merge(card, repo_id, metadata, overwrite)
    return card.push_to_hub(
        repo_id,
        token=token,
        repo_type=repo_type,
        commit_message=commit_message or "Update metadata with hubclient",
        commit_description=commit_description,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
        client=hub,
    )


async def ametadata_update(
    repo_id: str,
    metadata: dict[str, Any],
    *,
    repo_type: str | None = None,
    overwrite: bool = False,
    token: str | None = None,
    commit_message: str | None = None,
    commit_description: str | None = None,
    revision: str | None = None,
    create_pr: bool = False,
    parent_commit: str | None = None,
    client: AsyncHubClient,
) -> CommitInfo:
    """:func:`metadata_update` on an :class:`AsyncHubClient`."""
    cls = card_class(repo_type)
    try:
        card = await cls.aload(
            repo_id, repo_type=repo_type, token=token, revision=revision, client=client
        )
    except RemoteEntryNotFoundError:
        if repo_type == "space":
            raise ValueError(
                "Cannot update metadata on a Space that doesn't contain a `README.md` file."
            ) from None
        card = cls("")
    _merge(card, repo_id, metadata, overwrite)
    return await card.apush_to_hub(
        repo_id,
        token=token,
        repo_type=repo_type,
        commit_message=commit_message or "Update metadata with hubclient",
        commit_description=commit_description,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
        client=client,
    )
