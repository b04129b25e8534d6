"""Repo cards: parsed and written back as huggingface_hub writes them, validated by the Hub,
pushed through commits, metadata merged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient, HubClient
from hubclient.cards import (
    DatasetCard,
    EvalResult,
    ModelCard,
    RepoCardError,
    SpaceCard,
    ametadata_update,
    metadata_load,
    metadata_save,
    metadata_update,
)
from hubclient.testing import ALICE_TOKEN, LocalHub

MODEL_INDEX = """---
language: en
license: mit
tags:
- a
- b
- a
custom_key: {nested: [1, 2]}
model-index:
- name: my-model
  results:
  - task: {type: text-classification, name: Text Classification}
    dataset: {type: imdb, name: IMDB, split: test}
    metrics:
    - {type: accuracy, value: 0.91, name: Accuracy}
    - {type: f1, value: 0.88}
---

# My model
Some text — with unicode ✓.
"""

CARDS = {
    "model-index": MODEL_INDEX,
    "crlf": "---\r\nlicense: apache-2.0\r\nlibrary_name: timm\r\n---\r\n\r\n# T\r\nbody\r\n",
    "no front matter": "# Just a title\n",
    "empty front matter": "---\n---\ntext\n",
    "order kept": "---\nzeta: 1\nlicense: mit\nalpha: [x]\npipeline_tag: fill-mask\n---\nx\n",
}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_cards_round_trip_as_huggingface_hub_writes_them(name: str) -> None:
    from huggingface_hub import DatasetCard as HfDatasetCard
    from huggingface_hub import ModelCard as HfModelCard
    from huggingface_hub import SpaceCard as HfSpaceCard

    content = CARDS[name]
    for ours, theirs in ((ModelCard, HfModelCard), (DatasetCard, HfDatasetCard)):
        card, hf = ours(content), theirs(content)
        assert card.content == hf.content
        assert card.data.to_dict() == hf.data.to_dict()  # type: ignore[no-untyped-call]
        assert card.text == hf.text
    if "model-index" not in content:
        assert SpaceCard(content).content == HfSpaceCard(content).content


def test_typed_metadata() -> None:
    card = ModelCard(MODEL_INDEX)
    assert card.data.license == "mit"
    assert card.data.tags == ["a", "b"]  # made unique, in order
    assert card.data["custom_key"] == {"nested": [1, 2]}
    assert card.data.model_name == "my-model"
    assert card.data.eval_results is not None
    first, second = card.data.eval_results
    assert (first.metric_type, first.metric_value, first.dataset_split) == (
        "accuracy",
        0.91,
        "test",
    )
    assert second.metric_name is None
    card.data.license = "apache-2.0"
    card.data["brand_new"] = True
    assert "brand_new: true" in card.content
    assert "license: apache-2.0" in card.content
    with pytest.raises(RepoCardError, match="model-index"):
        ModelCard("---\nmodel-index: [{results: []}]\n---\n")
    assert (
        ModelCard(
            "---\nmodel-index: [{results: []}]\n---\n", ignore_metadata_errors=True
        ).data.eval_results
        is None
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("---\nlicense: [mit\n---\n", "not valid YAML"),
        ("---\n- a\n- b\n---\n", "must be a mapping"),
        ("---\n\tlicense: mit\n---\n", "not valid YAML"),
    ],
)
def test_invalid_yaml_is_a_clear_error(content: str, message: str) -> None:
    with pytest.raises(RepoCardError, match=message):
        ModelCard(content)


@pytest.fixture
def client(local_hub: LocalHub) -> Iterator[HubClient]:
    local_hub.seed_repo("alice/m", {"README.md": MODEL_INDEX, "w.bin": b"0"})
    with HubClient(
        local_hub.hub_url, token=ALICE_TOKEN, transport=local_hub.async_transport()
    ) as hub:
        yield hub


def test_push_validates_then_commits(client: HubClient, local_hub: LocalHub) -> None:
    card = ModelCard.load("alice/m", client=client)
    assert card.data.model_name == "my-model"
    card.data.tags = ["c"]
    info = card.push_to_hub("alice/m", client=client, commit_message="tags")
    assert info.oid
    again = ModelCard.load("alice/m", client=client)
    assert again.data.tags == ["c"]
    assert again.content == card.content

    with pytest.raises(RepoCardError, match="tags"):
        card.data["tags"] = {"not": "a list"}  # a typed field: refused at once
    local_hub.log.clear()
    card.data["models"] = {"not": "a list"}  # not a field of a model card: the Hub refuses it
    with pytest.raises(RepoCardError, match="models"):
        card.push_to_hub("alice/m", client=client)
    assert local_hub.log.count(path="/commit/") == 0  # refused: nothing committed
    assert local_hub.log.count(path="/validate-yaml") == 1


def test_metadata_update_merges(client: HubClient) -> None:
    index = [
        {
            "name": "my-model",
            "results": [
                {
                    "task": {"type": "text-classification", "name": "Text Classification"},
                    "dataset": {"type": "imdb", "name": "IMDB", "split": "test"},
                    "metrics": [{"type": "recall", "value": 0.5}],
                }
            ],
        }
    ]
    metadata_update("alice/m", {"model-index": index, "new": 1}, client=client)
    card = ModelCard.load("alice/m", client=client)
    assert card.data.eval_results is not None
    assert [r.metric_type for r in card.data.eval_results] == ["accuracy", "f1", "recall"]
    assert card.data["new"] == 1
    with pytest.raises(ValueError, match="existing meta data field 'license'"):
        metadata_update("alice/m", {"license": "gpl"}, client=client)
    index[0]["results"][0]["metrics"][0]["value"] = 0.6  # type: ignore[index]
    with pytest.raises(ValueError, match="existing metric"):
        metadata_update("alice/m", {"model-index": index}, client=client)
    metadata_update(
        "alice/m", {"model-index": index, "license": "gpl"}, overwrite=True, client=client
    )
    card = ModelCard.load("alice/m", client=client)
    assert card.data.license == "gpl"
    assert card.data.eval_results is not None
    assert card.data.eval_results[-1].metric_value == 0.6


def test_metadata_update_creates_a_readme(client: HubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/empty", {"w.bin": b"0"})
    metadata_update("alice/empty", {"license": "mit"}, client=client)
    assert ModelCard.load("alice/empty", client=client).data.license == "mit"
    local_hub.seed_repo("alice/space", {"app.py": b"x"}, repo_type="space")
    with pytest.raises(ValueError, match="Space"):
        metadata_update("alice/space", {"sdk": "gradio"}, repo_type="space", client=client)


def test_metadata_load_and_save_keep_the_body(tmp_path: Path) -> None:
    from huggingface_hub import metadata_save as hf_metadata_save

    ours, theirs = tmp_path / "ours.md", tmp_path / "theirs.md"
    for path in (ours, theirs):
        path.write_bytes(CARDS["crlf"].encode())
    data = {"license": "mit", "tags": ["x", "ÿ"]}
    metadata_save(ours, data)
    hf_metadata_save(theirs, data)
    assert ours.read_bytes() == theirs.read_bytes()
    assert b"\r\n# T\r\nbody\r\n" in ours.read_bytes()
    assert metadata_load(ours) == data
    fresh = tmp_path / "new.md"
    metadata_save(fresh, {"a": 1})
    assert metadata_load(fresh) == {"a": 1}
    assert metadata_load(tmp_path / "ours.md") is not None
    (tmp_path / "plain.md").write_text("# none\n")
    assert metadata_load(tmp_path / "plain.md") is None


@pytest.mark.anyio
async def test_async_cards(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/a", {"README.md": "---\nlicense: mit\n---\nhi\n"})
    async with AsyncHubClient(
        local_hub.hub_url, token=ALICE_TOKEN, transport=local_hub.async_transport()
    ) as client:
        card = await ModelCard.aload("alice/a", client=client)
        assert card.data.license == "mit"
        card.data.eval_results = [
            EvalResult(
                task_type="t", dataset_type="d", dataset_name="D", metric_type="m", metric_value=1
            )
        ]
        card.data.model_name = "a"
        await card.apush_to_hub("alice/a", client=client)
        await ametadata_update("alice/a", {"library_name": "x"}, client=client)
        again = await ModelCard.aload("alice/a", client=client)
        assert again.data.library_name == "x"
        assert again.data.eval_results is not None
        assert again.data.eval_results[0].metric_type == "m"
        with pytest.raises(RepoCardError):
            await client.validate_repo_card("---\ntags: {a: 1}\n---\n")
