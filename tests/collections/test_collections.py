"""Collections against the in-process local Hub (asyncio and trio)."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, HfHubHTTPError, HFValidationError
from hubclient.testing import BOB_TOKEN, LocalHub

from .conftest import make_client

pytestmark = pytest.mark.anyio


async def test_collection_lifecycle(client: AsyncHubClient, repo: str, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/data", {"d.csv": b"a\n"}, repo_type="dataset")
    c = await client.create_collection("ICCV 2023", description="My demos")
    assert c.slug.startswith("alice/iccv-2023-")
    assert c.owner.name == c.owner["name"] == "alice"
    assert (c.title, c.description, c.private, c.items) == ("ICCV 2023", "My demos", False, [])
    assert c.url == f"{client.endpoint}/collections/{c.slug}"
    c = await client.add_collection_item(c.slug, repo, "model", note="Ours")
    c = await client.add_collection_item(c.slug, "alice/data", "dataset")
    c = await client.add_collection_item(c.slug, "2311.12983", "paper")
    assert [(i.item_id, i.item_type, i.position, i.note) for i in c.items] == [
        (repo, "model", 0, "Ours"),
        ("alice/data", "dataset", 1, None),
        ("2311.12983", "paper", 2, None),
    ]
    with pytest.raises(HfHubHTTPError) as twice:
        await client.add_collection_item(c.slug, repo, "model")
    assert twice.value.status_code == 409
    same = await client.add_collection_item(c.slug, repo, "model", exists_ok=True)
    assert len(same.items) == 3
    paper = c.items[2]
    await client.update_collection_item(c.slug, paper.item_object_id, note="Read it", position=0)
    c = await client.get_collection(c.slug)
    assert next((i.item_id, i.note) for i in c.items) == ("2311.12983", "Read it")
    await client.delete_collection_item(c.slug, c.items[1].item_object_id)
    await client.delete_collection_item(c.slug, "0" * 24, missing_ok=True)
    renamed = await client.update_collection_metadata(
        c.slug, title="ICCV Oct 2023", theme="pink", private=True
    )
    assert renamed.slug != c.slug
    assert renamed.slug.split("-")[-1] == c.slug.split("-")[-1]
    assert (renamed.theme, renamed.private) == ("pink", True)
    assert (await client.get_collection(c.slug)).title == "ICCV Oct 2023"  # the id finds it
    again = await client.create_collection("ICCV Oct 2023", exists_ok=True)
    assert again.slug == renamed.slug
    with pytest.raises(HfHubHTTPError) as conflict:
        await client.create_collection("ICCV Oct 2023")
    assert conflict.value.status_code == 409
    await client.delete_collection(renamed.slug)
    await client.delete_collection(renamed.slug, missing_ok=True)
    with pytest.raises(HfHubHTTPError) as gone:
        await client.get_collection(renamed.slug)
    assert gone.value.status_code == 404


async def test_listing_filters_privacy_and_pages(local_hub: LocalHub, repo: str) -> None:
    async with make_client(local_hub) as alice, make_client(local_hub, token=BOB_TOKEN) as bob:
        for i in range(12):
            c = await alice.create_collection(f"Set {i}")
            for n in range(6 if i == 0 else 0):
                local_hub.seed_repo(f"alice/m{n}", {"a.txt": b"a"})
                await alice.add_collection_item(c.slug, f"alice/m{n}", "model")
        secret = await alice.create_collection("Secret", private=True, namespace="acme")
        await alice.add_collection_item(secret.slug, repo, "model")
        await bob.create_collection("Bob's")
        mine = [c async for c in alice.list_collections(owner="alice")]
        assert len(mine) == 12  # over two pages of 10
        assert [len(c.items) for c in mine if c.title == "Set 0"] == [4]  # truncated to 4
        assert len((await alice.get_collection(mine[-1].slug)).items) in (0, 6)
        assert [c.title async for c in alice.list_collections(item=f"models/{repo}")] == ["Secret"]
        assert [c.title async for c in bob.list_collections(item=f"models/{repo}")] == []
        assert len([c async for c in alice.list_collections(limit=3)]) == 3
        owners = {c.owner.name async for c in alice.list_collections(owner=["alice", "bob"])}
        assert owners == {"alice", "bob"}
        with pytest.raises(HfHubHTTPError) as hidden:
            await bob.get_collection(secret.slug)
        assert hidden.value.status_code == 404
        with pytest.raises(HfHubHTTPError) as not_yours:
            await bob.add_collection_item(mine[0].slug, repo, "model")
        assert not_yours.value.status_code == 403
        await alice.update_collection_resource_group(secret.slug, "66980ecfc1e12a49c8f0e42d")


async def test_bad_inputs(client: AsyncHubClient, repo: str) -> None:
    c = await client.create_collection("Things")
    with pytest.raises(HfHubHTTPError) as missing:
        await client.add_collection_item(c.slug, "alice/nope", "model")
    assert missing.value.status_code == 404
    with pytest.raises(HFValidationError):
        await client.add_collection_item(c.slug, repo, "model", note="x" * 501)
    with pytest.raises(HFValidationError):
        await client.get_collection("no-namespace")
    with pytest.raises(HFValidationError):
        await client.update_collection_item(c.slug, "../x", note="x")
    with pytest.raises(HfHubHTTPError) as user_group:
        await client.update_collection_resource_group(c.slug, "66980ecfc1e12a49c8f0e42d")
    assert user_group.value.status_code == 400
