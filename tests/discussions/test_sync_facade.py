"""The community methods through the generated sync facade (iterators are lazy iterators)."""

from __future__ import annotations

from hubclient import DiscussionComment, HubClient
from hubclient.testing import ALICE_TOKEN, ServedHub


def test_hubclient(served_hub: ServedHub) -> None:
    served_hub.hub.seed_repo("alice/model", {"a.txt": b"a\n"})
    with HubClient(served_hub.hub_url, token=ALICE_TOKEN) as client:
        pr = client.create_pull_request("alice/model", "Sync PR")
        client.comment_discussion("alice/model", pr.num, "from a script")
        listed = list(client.get_repo_discussions("alice/model"))
        assert [d.num for d in listed] == [pr.num]
        details = client.get_discussion_details("alice/model", pr.num)
        assert [type(e) for e in details.events] == [DiscussionComment, DiscussionComment]
        collection = client.create_collection("From sync")
        assert [c.slug for c in client.list_collections(owner="alice")] == [collection.slug]
