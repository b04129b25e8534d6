"""list_repo_refs, list_repo_commits, create/delete branch and tag."""

from __future__ import annotations

import pytest

from hubclient import (
    AsyncHubClient,
    GitCommitInfo,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.testing import BOB_TOKEN, LocalHub

pytestmark = pytest.mark.anyio


@pytest.fixture
def history(local_hub: LocalHub) -> list[str]:
    """Three commits on alice/hist, oldest first."""
    return [
        local_hub.seed_repo("alice/hist", {"a.txt": b"1"}, message="first"),
        local_hub.seed_repo("alice/hist", {"a.txt": b"2"}, message="second"),
        local_hub.seed_repo("alice/hist", {"a.txt": b"3"}, message="third"),
    ]


async def test_list_repo_refs(client: AsyncHubClient, history: list[str]) -> None:
    refs = await client.list_repo_refs("alice/hist")
    assert [(b.name, b.ref, b.target_commit) for b in refs.branches] == [
        ("main", "refs/heads/main", history[-1])
    ]
    assert refs.tags == []
    assert refs.converts == []
    assert refs.pull_requests is None
    with_prs = await client.list_repo_refs("alice/hist", include_pull_requests=True)
    assert with_prs.pull_requests == []


async def test_branches(client: AsyncHubClient, history: list[str]) -> None:
    await client.create_branch("alice/hist", branch="dev")
    await client.create_branch("alice/hist", branch="old", revision=history[0])
    await client.create_branch("alice/hist", branch="feature/x")  # quoted as one segment
    refs = await client.list_repo_refs("alice/hist")
    heads = {b.name: b.target_commit for b in refs.branches}
    assert heads == {
        "main": history[-1],
        "dev": history[-1],
        "old": history[0],
        "feature/x": history[-1],
    }
    with pytest.raises(HfHubHTTPError) as err:
        await client.create_branch("alice/hist", branch="dev")
    assert err.value.status_code == 409
    await client.create_branch("alice/hist", branch="dev", exist_ok=True)
    assert (await client.model_info("alice/hist", revision="old")).sha == history[0]

    await client.delete_branch("alice/hist", branch="dev")
    await client.delete_branch("alice/hist", branch="feature/x")
    names = {b.name for b in (await client.list_repo_refs("alice/hist")).branches}
    assert names == {"main", "old"}
    with pytest.raises(HfHubHTTPError):
        await client.delete_branch("alice/hist", branch="dev")


async def test_branch_from_unknown_revision(client: AsyncHubClient, history: list[str]) -> None:
    with pytest.raises((RevisionNotFoundError, HfHubHTTPError)):
        await client.create_branch("alice/hist", branch="x", revision="no-such-rev")


async def test_branch_needs_write_access(client: AsyncHubClient, history: list[str]) -> None:
    with pytest.raises(HfHubHTTPError) as err:
        await client.create_branch("alice/hist", branch="bobs", token=BOB_TOKEN)
    assert err.value.status_code in (401, 403)


async def test_tags(client: AsyncHubClient, history: list[str]) -> None:
    await client.create_tag("alice/hist", tag="v1", revision=history[0], tag_message="one")
    await client.create_tag("alice/hist", tag="latest")
    refs = await client.list_repo_refs("alice/hist")
    assert {t.name: t.target_commit for t in refs.tags} == {"v1": history[0], "latest": history[-1]}
    assert (await client.model_info("alice/hist", revision="v1")).sha == history[0]
    with pytest.raises(HfHubHTTPError) as err:
        await client.create_tag("alice/hist", tag="v1")
    assert err.value.status_code == 409
    await client.create_tag("alice/hist", tag="v1", exist_ok=True)
    await client.delete_tag("alice/hist", tag="v1")
    assert [t.name for t in (await client.list_repo_refs("alice/hist")).tags] == ["latest"]
    with pytest.raises((RevisionNotFoundError, HfHubHTTPError)):
        await client.delete_tag("alice/hist", tag="v1")


async def test_list_repo_commits(client: AsyncHubClient, history: list[str]) -> None:
    commits = await client.list_repo_commits("alice/hist")
    assert all(isinstance(c, GitCommitInfo) for c in commits)
    ids = [c.commit_id for c in commits]
    assert ids[:3] == history[::-1]  # newest first
    assert [c.title for c in commits[:3]] == ["third", "second", "first"]
    assert commits[0].created_at is not None
    older = await client.list_repo_commits("alice/hist", revision=history[1])
    assert [c.commit_id for c in older][:2] == [history[1], history[0]]
    formatted = await client.list_repo_commits("alice/hist", formatted=True)
    assert [c.commit_id for c in formatted] == ids


async def test_list_repo_commits_errors(client: AsyncHubClient, history: list[str]) -> None:
    with pytest.raises(RevisionNotFoundError):
        await client.list_repo_commits("alice/hist", revision="nope")
    with pytest.raises(RepositoryNotFoundError):
        await client.list_repo_refs("alice/nope")
