"""list_models / list_datasets / list_spaces: async iterators over Link-paginated listings."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, DatasetInfo, ModelInfo, SpaceInfo
from hubclient.testing import LocalHub

pytestmark = pytest.mark.anyio


@pytest.fixture
def many_models(local_hub: LocalHub) -> list[str]:
    ids = [f"alice/m{i:02d}" for i in range(7)] + ["acme/org-model", "bob/other"]
    for repo_id in ids:
        local_hub.seed_repo(repo_id, {"README.md": f"# {repo_id}\n".encode()})
    return ids


async def test_list_models_follows_pagination(
    client: AsyncHubClient, local_hub: LocalHub, many_models: list[str]
) -> None:
    local_hub.log.clear()
    # limit=2 is the page size sent to the hub, but we stop after 5 items ourselves
    got = [m async for m in client.list_models(author="alice", limit=5)]
    assert all(isinstance(m, ModelInfo) for m in got)
    assert len(got) == 5
    assert {m.id for m in got} <= {i for i in many_models if i.startswith("alice/")}
    # every item of a listing gets siblings=None when the listing does not carry them
    pages = local_hub.log.filter(origin="hub", method="GET", path=r"^/api/models$")
    assert len(pages) >= 1


async def test_list_models_all_pages(
    local_hub: LocalHub, client: AsyncHubClient, many_models: list[str]
) -> None:
    local_hub.log.clear()
    ids = [m.id async for m in client.list_models(author="alice")]
    assert sorted(ids) == sorted(i for i in many_models if i.startswith("alice/"))
    first, *follow_ups = local_hub.log.filter(origin="hub", path=r"^/api/models$")
    assert "author=alice" in first.query
    for record in follow_ups:  # follow-ups are the server's absolute next URLs, cursor included
        assert "cursor=" in record.query


async def test_list_models_search_and_full(client: AsyncHubClient, many_models: list[str]) -> None:
    found = [m async for m in client.list_models(search="org-model", full=True)]
    assert [m.id for m in found] == ["acme/org-model"]
    assert found[0].sha is not None
    assert len(found[0].sha) == 40


async def test_list_models_limit_zero_sends_nothing(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.log.clear()
    assert [m async for m in client.list_models(limit=0)] == []
    assert len(local_hub.log) == 0


async def test_list_models_rejects_bad_combination(client: AsyncHubClient) -> None:
    with pytest.raises(ValueError, match="expand"):
        client.list_models(expand=["sha"], full=True)


async def test_list_datasets_and_spaces(local_hub: LocalHub, client: AsyncHubClient) -> None:
    local_hub.seed_repo("alice/ds1", {"a.csv": b"x"}, repo_type="dataset")
    local_hub.seed_repo("alice/sp1", {"app.py": b"x"}, repo_type="space")
    local_hub.seed_repo("alice/model-only", {"a.txt": b"x"})
    datasets = [d async for d in client.list_datasets(author="alice")]
    spaces = [s async for s in client.list_spaces(author="alice")]
    assert [d.id for d in datasets] == ["alice/ds1"]
    assert isinstance(datasets[0], DatasetInfo)
    assert [s.id for s in spaces] == ["alice/sp1"]
    assert isinstance(spaces[0], SpaceInfo)


async def test_list_models_emissions_thresholds_filter_on_the_card(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    cards = {
        "alice/light": "---\nco2_eq_emissions: 12.5\n---\n",
        "alice/heavy": "---\nco2_eq_emissions:\n  emissions: 900\n---\n",
        "alice/unknown": "# no metadata\n",
    }
    for repo_id, card in cards.items():
        local_hub.seed_repo(repo_id, {"README.md": card.encode()})
    kept = [
        m.id
        async for m in client.list_models(
            author="alice", cardData=True, emissions_thresholds=(10, 100)
        )
    ]
    assert kept == ["alice/light"]
    heavy = client.list_models(author="alice", cardData=True, emissions_thresholds=(500, None))  # type: ignore[arg-type]
    assert [m.id async for m in heavy] == ["alice/heavy"]
    with pytest.raises(ValueError, match="cardData=True"):
        client.list_models(emissions_thresholds=(0, 1))
