"""huggingface_hub 2.4.0 drives the likes and people routes of the served local Hub, and
hubclient returns the same data."""

from __future__ import annotations

from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from huggingface_hub.errors import RepositoryNotFoundError

from hubclient import AsyncHubClient
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance


def _user(u: Any) -> tuple[Any, ...]:
    return (u.username, u.fullname, u.avatar_url, u.is_following, u.num_models, u.num_followers)


def test_likes_and_people(conf: Conformance) -> None:
    api, hub = conf.api, conf.hub
    model = conf.new_repo("liked")
    data = conf.new_repo("liked-data", repo_type="dataset")
    for user in ("carol", "dave", "erin"):
        hub.add_user(user, orgs=["acme"])
        hub.follow(user, "alice")
        hub.like(user, model)
    hub.like("alice", model)
    hub.like("alice", data, repo_type="dataset")
    hub.follow("alice", "bob")
    hub.follow("carol", "acme")
    likes = api.list_liked_repos()
    assert (likes.user, likes.total, likes.models, likes.datasets) == ("alice", 2, [model], [data])
    assert [u.username for u in api.list_repo_likers(model)] == ["alice", "carol", "dave", "erin"]
    conf.bob.unlike(model)
    api.unlike(model)
    with pytest.raises(RepositoryNotFoundError):
        api.unlike("alice/does-not-exist")
    theirs: dict[str, Any] = {
        "overview": _user(api.get_user_overview("alice")),
        "org": vars(api.get_organization_overview("acme")),
        "followers": [_user(u) for u in api.list_user_followers("alice")],
        "following": [_user(u) for u in api.list_user_following("alice")],
        "members": [_user(u) for u in api.list_organization_members("acme")],
        "org_followers": [_user(u) for u in api.list_organization_followers("acme")],
        "likers": [u.username for u in api.list_repo_likers(model)],
        "likes": vars(api.list_liked_repos("carol")),
    }
    assert theirs["likers"] == ["carol", "dave", "erin"]
    assert [u[0] for u in theirs["followers"]] == ["carol", "dave", "erin"]
    assert len(theirs["members"]) == 4
    with start_blocking_portal() as portal:

        async def read() -> dict[str, Any]:
            async with AsyncHubClient(conf.endpoint, token=ALICE_TOKEN) as c:
                org = await c.get_organization_overview("acme")
                return {
                    "overview": _user(await c.get_user_overview("alice")),
                    "org": org,
                    "followers": [_user(u) async for u in c.list_user_followers("alice")],
                    "following": [_user(u) async for u in c.list_user_following("alice")],
                    "members": [_user(u) async for u in c.list_organization_members("acme")],
                    "org_followers": [
                        _user(u) async for u in c.list_organization_followers("acme")
                    ],
                    "likers": [u.username async for u in c.list_repo_likers(model)],
                    "likes": await c.list_liked_repos("carol"),
                }

        ours = portal.call(read)
    for key in ("overview", "followers", "following", "members", "org_followers", "likers"):
        assert ours[key] == theirs[key], key
    for field in ("name", "fullname", "avatar_url", "num_users", "num_models", "num_followers"):
        assert getattr(ours["org"], field) == theirs["org"][field]
    for field in ("user", "total", "models", "datasets", "spaces", "kernels"):
        assert getattr(ours["likes"], field) == theirs["likes"][field]
