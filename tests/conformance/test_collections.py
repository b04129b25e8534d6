"""huggingface_hub 2.4.0 drives the collection routes of the served local Hub, and hubclient
reads the same collections back."""

from __future__ import annotations

from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from huggingface_hub.errors import HfHubHTTPError

from hubclient import AsyncHubClient
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance


def _key(c: Any) -> tuple[Any, ...]:
    owner = c.owner["name"]
    items = [(i.item_object_id, i.item_id, i.item_type, i.position, i.note) for i in c.items]
    return (c.slug, c.title, owner, c.private, c.theme, c.upvotes, c.description, items, c.url)


def test_collections(conf: Conformance) -> None:
    api = conf.api
    model = conf.new_repo("coll-model")
    data = conf.new_repo("coll-data", repo_type="dataset")
    c = api.create_collection("ICCV 2023", description="Demos")
    assert c.slug.startswith("alice/iccv-2023-")
    c = api.add_collection_item(c.slug, model, "model", note="Ours")
    c = api.add_collection_item(c.slug, data, "dataset")
    c = api.add_collection_item(c.slug, "2311.12983", "paper")
    c = api.add_collection_item(c.slug, model, "model", exists_ok=True)
    with pytest.raises(HfHubHTTPError):
        api.add_collection_item(c.slug, model, "model")
    assert [i.item_id for i in c.items] == [model, data, "2311.12983"]
    api.update_collection_item(c.slug, c.items[2].item_object_id, note="Read", position=0)
    api.delete_collection_item(c.slug, c.items[1].item_object_id)
    api.delete_collection_item(c.slug, "0" * 24, missing_ok=True)
    updated = api.update_collection_metadata(c.slug, title="ICCV Oct", theme="green")
    assert updated.title == "ICCV Oct"
    assert updated.slug.endswith(c.slug.rsplit("-", 1)[1])
    assert api.create_collection("ICCV Oct", exists_ok=True).slug == updated.slug
    for i in range(3):
        api.create_collection(f"Other {i}", private=i == 0)
    org = api.create_collection("Org one", namespace="acme")
    api.update_collection_resource_group(org.slug, "66980ecfc1e12a49c8f0e42d")
    listed = list(api.list_collections(owner="alice"))  # pages of 2
    assert len(listed) == 4
    assert [c.title for c in api.list_collections(item=f"models/{model}")] == ["ICCV Oct"]
    assert len(list(conf.bob.list_collections(owner="alice"))) == 3  # the private one is hidden
    theirs = [api.get_collection(x.slug) for x in listed]
    with start_blocking_portal() as portal:

        async def read() -> tuple[list[Any], list[Any]]:
            async with AsyncHubClient(conf.endpoint, token=ALICE_TOKEN) as client:
                mine = [x async for x in client.list_collections(owner="alice")]
                return mine, [await client.get_collection(x.slug) for x in mine]

        ours_listed, ours = portal.call(read)
    # (huggingface_hub's listed collections point at huggingface.co whatever the endpoint)
    assert [_key(x)[:-1] for x in ours_listed] == [_key(x)[:-1] for x in listed]
    assert [x.position for x in ours_listed] == [x.position for x in listed]
    assert [_key(x) for x in ours] == [_key(x) for x in theirs]
    assert [x.last_updated for x in ours] == [x.last_updated for x in theirs]
    api.delete_collection(org.slug)
    api.delete_collection(org.slug, missing_ok=True)
