"""Likes and people against the in-process local Hub (asyncio and trio)."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, HfHubHTTPError, HFValidationError, RepositoryNotFoundError
from hubclient.testing import BOB_TOKEN, LocalHub

from .conftest import make_client

pytestmark = pytest.mark.anyio


async def test_likes(local_hub: LocalHub, client: AsyncHubClient, repo: str) -> None:
    local_hub.seed_repo("alice/data", {"d.csv": b"a\n"}, repo_type="dataset")
    local_hub.seed_repo("alice/secret", {"a.txt": b"a"}, private=True)
    local_hub.like("alice", repo)
    local_hub.like("alice", "alice/data", repo_type="dataset")
    local_hub.like("alice", "alice/secret")
    local_hub.like("bob", repo)
    likes = await client.list_liked_repos()  # the token's user
    assert (likes.user, likes.total) == ("alice", 3)
    assert sorted(likes.models) == ["alice/model", "alice/secret"]
    assert likes.datasets == ["alice/data"]
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        assert (await bob.list_liked_repos("alice")).models == ["alice/model"]  # private hidden
        assert [u.username async for u in bob.list_repo_likers(repo)] == ["alice", "bob"]
        await bob.unlike(repo)
        await bob.unlike(repo)  # twice is fine
        assert [u.username async for u in bob.list_repo_likers(repo)] == ["alice"]
        with pytest.raises(RepositoryNotFoundError):
            await bob.unlike("alice/missing")
    with pytest.raises(HfHubHTTPError) as unknown:
        await client.list_liked_repos("nobody")
    assert unknown.value.status_code == 404


async def test_people(local_hub: LocalHub, client: AsyncHubClient, repo: str) -> None:
    for i in range(12):
        local_hub.add_user(f"fan{i}", orgs=["acme"] if i < 11 else [])
        local_hub.follow(f"fan{i}", "alice")
    local_hub.follow("fan0", "acme")
    local_hub.follow("alice", "bob")
    local_hub.seed_repo("acme/tool", {"a.txt": b"a"})
    user = await client.get_user_overview("alice")
    assert (user.username, user.num_models, user.num_followers, user.num_following) == (
        "alice",
        1,
        12,
        1,
    )
    assert [o.name for o in user.orgs] == ["acme"]
    followers = [u.username async for u in client.list_user_followers("alice")]  # two pages
    assert sorted(followers) == sorted(f"fan{i}" for i in range(12))
    following = [u async for u in client.list_user_following("alice")]
    assert [(u.username, u.is_following) for u in following] == [("bob", True)]
    org = await client.get_organization_overview("acme")
    assert (org.name, org.num_users, org.num_models, org.num_followers) == ("acme", 12, 1, 1)
    members = [u.username async for u in client.list_organization_members("acme")]
    assert len(members) == 12
    assert "alice" in members
    assert [u.username async for u in client.list_organization_followers("acme")] == ["fan0"]
    with pytest.raises(HfHubHTTPError) as missing:
        await client.get_user_overview("nobody")
    assert missing.value.status_code == 404
    with pytest.raises(HfHubHTTPError):
        await client.get_organization_overview("alice")  # a user, not an org
    with pytest.raises(HFValidationError):
        await client.get_user_overview("../etc")
