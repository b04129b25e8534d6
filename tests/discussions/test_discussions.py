"""Discussions and pull requests against the in-process local Hub (asyncio and trio)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hubclient import (
    AsyncHubClient,
    DiscussionComment,
    DiscussionCommit,
    DiscussionEvent,
    DiscussionNotFoundError,
    DiscussionStatusChange,
    DiscussionTitleChange,
    HfHubHTTPError,
    HFValidationError,
    PullRequestNotMergeableError,
    RepositoryNotFoundError,
)
from hubclient._areas import _community
from hubclient.models.discussions import parse_discussion_event
from hubclient.testing import ALICE_READ_TOKEN, BOB_TOKEN, LocalHub

from .conftest import make_client

pytestmark = pytest.mark.anyio


async def _nums(items: object) -> list[int]:
    return [d.num async for d in items]  # type: ignore[attr-defined]


async def test_numbers_are_shared_and_listing_filters_and_pages(
    client: AsyncHubClient, repo: str
) -> None:
    pr = await client.create_pull_request(repo, "  Add weights  ", description="please")
    assert (pr.num, pr.status, pr.is_pull_request, pr.title) == (1, "draft", True, "Add weights")
    assert pr.git_reference == "refs/pr/1"
    assert pr.target_branch == "refs/heads/main"
    assert pr.url == f"{client.endpoint}/alice/model/discussions/1"
    first = pr.events[0]
    assert isinstance(first, DiscussionComment)
    assert first.content == "please"
    for i in range(12):  # more than a page of the fixture hub (10)
        await client.create_discussion(repo, f"Question {i}", token=BOB_TOKEN)
    nums = await _nums(client.get_repo_discussions(repo))
    assert nums == list(range(13, 0, -1))  # newest first, over two pages
    assert await _nums(client.get_repo_discussions(repo, discussion_type="pull_request")) == [1]
    assert len(await _nums(client.get_repo_discussions(repo, author="bob"))) == 12
    assert await _nums(client.get_repo_discussions(repo, author="nobody")) == []
    await client.change_discussion_status(repo, 2, "closed", comment="answered")
    closed = await _nums(client.get_repo_discussions(repo, discussion_status="closed"))
    assert closed == [2]
    open_ones = await _nums(client.get_repo_discussions(repo, discussion_status="open"))
    assert 1 in open_ones
    assert 2 not in open_ones
    # the pull request is a ref from the start
    assert (await client.model_info(repo, revision="refs/pr/1")).sha == (
        await client.model_info(repo)
    ).sha
    with pytest.raises(HFValidationError):
        await _nums(client.get_repo_discussions(repo, discussion_type="issue"))  # type: ignore[arg-type]


async def test_pull_request_lifecycle_moves_main(client: AsyncHubClient, repo: str) -> None:
    pr = await client.create_pull_request(repo, "Update a")
    await client.upload_file(
        path_or_fileobj=b"two\n", path_in_repo="a.txt", repo_id=repo, revision=pr.git_reference
    )
    details = await client.get_discussion_details(repo, pr.num)
    commits = [e for e in details.events if isinstance(e, DiscussionCommit)]
    assert len(commits) == 1
    assert commits[0].author == "alice"
    assert "-one\n+two" in (details.diff or "")
    assert details.conflicting_files == []
    with pytest.raises(PullRequestNotMergeableError) as draft:
        await client.merge_pull_request(repo, pr.num)
    assert "draft" in (draft.value.server_message or "")
    status = await client.change_discussion_status(repo, pr.num, "open")
    assert isinstance(status, DiscussionStatusChange)
    assert status.new_status == "open"
    before = (await client.model_info(repo)).sha
    merged = await client.merge_pull_request(repo, pr.num, comment="Thanks!")
    assert merged is not None
    assert merged.new_status == "merged"
    details = await client.get_discussion_details(repo, pr.num)
    assert details.status == "merged"
    assert details.merge_commit_oid
    info = await client.model_info(repo)
    assert info.sha == details.merge_commit_oid != before
    folder = await client.snapshot_download(repo)
    assert (Path(folder) / "a.txt").read_bytes() == b"two\n"
    kinds = [e.type for e in details.events]
    assert kinds == ["comment", "commit", "status-change", "comment", "status-change"]
    assert all(e.author == "alice" and e.created_at for e in details.events)
    with pytest.raises(PullRequestNotMergeableError) as again:
        await client.merge_pull_request(repo, pr.num)
    assert again.value.status_code == 400
    assert "merged" in (again.value.server_message or "")


async def test_community_pull_request_by_commit(local_hub: LocalHub, repo: str) -> None:
    async with make_client(local_hub, token=BOB_TOKEN) as bob, make_client(local_hub) as alice:
        info = await bob.upload_file(
            path_or_fileobj=b"sea\n",
            path_in_repo="c.txt",
            repo_id=repo,
            create_pr=True,
            commit_message="Add c",
            commit_description="A new file",
        )
        assert info.pr_num == 1
        pr = await alice.get_discussion_details(repo, 1)
        assert (pr.status, pr.author, pr.title) == ("open", "bob", "Add c")
        assert isinstance(pr.events[0], DiscussionComment)
        assert pr.events[0].content == "A new file"
        # bob may push more to his pull request, not to main
        await bob.upload_file(
            path_or_fileobj=b"sea2\n", path_in_repo="c.txt", repo_id=repo, revision="refs/pr/1"
        )
        with pytest.raises(HfHubHTTPError) as denied:
            await bob.upload_file(path_or_fileobj=b"x", path_in_repo="c.txt", repo_id=repo)
        assert denied.value.status_code == 403
        # bob cannot merge; alice can
        with pytest.raises(HfHubHTTPError) as cannot:
            await bob.merge_pull_request(repo, 1)
        assert cannot.value.status_code == 403
        await alice.merge_pull_request(repo, 1)
        folder = Path(await alice.snapshot_download(repo))
        assert (folder / "c.txt").read_bytes() == b"sea2\n"


async def test_conflicts_are_reported_and_block_the_merge(
    client: AsyncHubClient, repo: str
) -> None:
    info = await client.upload_file(
        path_or_fileobj=b"pr side\n", path_in_repo="a.txt", repo_id=repo, create_pr=True
    )
    await client.upload_file(path_or_fileobj=b"main side\n", path_in_repo="a.txt", repo_id=repo)
    head = (await client.model_info(repo)).sha
    details = await client.get_discussion_details(repo, info.pr_num or 0)
    assert details.conflicting_files == ["a.txt"]
    with pytest.raises(PullRequestNotMergeableError) as refused:
        await client.merge_pull_request(repo, details.num)
    assert refused.value.status_code == 409
    assert "a.txt" in (refused.value.server_message or "")
    assert (await client.model_info(repo)).sha == head  # nothing merged
    # a change both sides made identically is no conflict; others merge file by file
    other = await client.upload_file(
        path_or_fileobj=b"new\n", path_in_repo="b.txt", repo_id=repo, create_pr=True
    )
    await client.upload_file(path_or_fileobj=b"third\n", path_in_repo="z.txt", repo_id=repo)
    await client.merge_pull_request(repo, other.pr_num or 0)
    folder = Path(await client.snapshot_download(repo))
    assert (folder / "b.txt").read_bytes() == b"new\n"
    assert (folder / "z.txt").read_bytes() == b"third\n"


async def test_closed_pull_request_cannot_be_merged(client: AsyncHubClient, repo: str) -> None:
    info = await client.upload_file(
        path_or_fileobj=b"x\n", path_in_repo="x.txt", repo_id=repo, create_pr=True
    )
    await client.change_discussion_status(repo, info.pr_num or 0, "closed")
    with pytest.raises(PullRequestNotMergeableError) as refused:
        await client.merge_pull_request(repo, info.pr_num or 0)
    assert isinstance(refused.value, ValueError)
    assert "closed" in str(refused.value)
    discussion = await client.create_discussion(repo, "Not a PR")
    with pytest.raises(PullRequestNotMergeableError):
        await client.merge_pull_request(repo, discussion.num)


async def test_comments_edit_hide_rename(local_hub: LocalHub, repo: str) -> None:
    async with make_client(local_hub) as alice, make_client(local_hub, token=BOB_TOKEN) as bob:
        d = await bob.create_discussion(repo, "A question")
        comment = await bob.comment_discussion(repo, d.num, "Hello **world**")
        assert comment.content == "Hello **world**"
        assert not comment.edited
        edited = await bob.edit_discussion_comment(repo, d.num, comment.id, "Hello again")
        assert edited.id == comment.id
        assert edited.edited
        assert edited.content == "Hello again"
        assert edited.number_of_edits == 2
        assert edited.last_edited_by == "bob"
        with pytest.raises(HfHubHTTPError) as not_yours:
            await alice.edit_discussion_comment(repo, d.num, comment.id, "mine now")
        assert not_yours.value.status_code == 403
        with pytest.warns(UserWarning, match="irreversible"):
            hidden = await alice.hide_discussion_comment(repo, d.num, comment.id)  # repo owner
        assert hidden.hidden
        renamed = await bob.rename_discussion(repo, d.num, "A better question")
        assert isinstance(renamed, DiscussionTitleChange)
        assert (renamed.old_title, renamed.new_title) == ("A question", "A better question")
        details = await alice.get_discussion_details(repo, d.num)
        assert details.title == "A better question"
        shown = next(e for e in details.events if e.id == comment.id)
        assert isinstance(shown, DiscussionComment)
        assert shown.hidden
        assert "again" not in shown.content


async def test_bad_inputs_get_typed_errors(local_hub: LocalHub, repo: str) -> None:
    async with make_client(local_hub) as client:
        with pytest.raises(DiscussionNotFoundError) as missing:
            await client.comment_discussion(repo, 42, "anyone?")
        assert missing.value.status_code == 404
        with pytest.raises(DiscussionNotFoundError):
            await client.get_discussion_details(repo, 42)
        d = await client.create_discussion(repo, "Exists")
        with pytest.raises(DiscussionNotFoundError):
            await client.edit_discussion_comment(repo, d.num, "deadbeef", "x")
        with pytest.raises(RepositoryNotFoundError):
            await client.comment_discussion("alice/missing", 1, "x")
        with pytest.raises(HFValidationError):
            await client.comment_discussion(repo, 0, "x")
        with pytest.raises(HFValidationError):
            await client.create_discussion(repo, "no")  # shorter than 3 characters
        with pytest.raises(HFValidationError):
            await client.change_discussion_status(repo, d.num, "published")  # type: ignore[arg-type]
        with pytest.raises(HFValidationError):
            await client.edit_discussion_comment(repo, d.num, "../x", "x")
    async with make_client(local_hub, token=ALICE_READ_TOKEN) as reader:
        with pytest.raises(HfHubHTTPError) as read_only:
            await reader.comment_discussion(repo, d.num, "x")
        assert read_only.value.status_code == 403


def test_unknown_event_types_parse_into_the_generic_event() -> None:
    event = parse_discussion_event(
        {
            "id": "abc",
            "type": "pinning-change",
            "createdAt": "2024-01-01T00:00:00.000Z",
            "author": {"name": "alice"},
            "data": {"pinned": True},
            "somethingNew": 1,
        }
    )
    assert type(event) is DiscussionEvent
    assert (event.type, event.author, event.data) == ("pinning-change", "alice", {"pinned": True})
    assert event.model_extra == {"somethingNew": 1}
    deleted = parse_discussion_event(
        {"id": "x", "type": "comment", "createdAt": "2024-01-01T00:00:00Z", "data": {}}
    )
    assert isinstance(deleted, DiscussionComment)
    assert deleted.author == "deleted"


async def test_page_index_listing_is_bounded(
    monkeypatch: pytest.MonkeyPatch, anyio_backend: str
) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["p"])
        item = {
            "num": page + 1,
            "title": "t",
            "status": "open",
            "createdAt": "2024-01-01T00:00:00.000Z",
            "repo": {"name": "a/b", "type": "model"},
            "isPullRequest": False,
        }
        return httpx.Response(200, json={"discussions": [item], "count": 10**9, "start": page})

    monkeypatch.setattr(_community, "MAX_PAGES", 5)
    async with AsyncHubClient(
        "http://hub.test", token=False, transport=httpx.MockTransport(endless)
    ) as client:
        seen: list[int] = []

        async def walk() -> None:
            async for d in client.get_repo_discussions("a/b"):
                seen.append(d.num)

        with pytest.raises(HfHubHTTPError, match="did not end after 5 pages"):
            await walk()
        assert seen == [1, 2, 3, 4, 5]

    def stuck(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"discussions": [], "count": 3, "start": 0, "x": 1})

    async with AsyncHubClient(
        "http://hub.test", token=False, transport=httpx.MockTransport(stuck)
    ) as client:
        assert [d async for d in client.get_repo_discussions("a/b")] == []  # empty page: stop

    def garbage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>oops</html>")

    async with AsyncHubClient(
        "http://hub.test", token=False, transport=httpx.MockTransport(garbage)
    ) as client:
        with pytest.raises(HfHubHTTPError, match="expected"):
            await client.get_discussion_details("a/b", 1)


async def test_upload_attachment(client: AsyncHubClient, tmp_path: Path) -> None:
    image = tmp_path / "shot.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    url = await client.upload_attachment(image)
    assert url.startswith(client.endpoint)
    assert url.endswith(".png")
    async with httpx.AsyncClient(transport=client._http._pool._transport) as http:
        fetched = await http.get(url)
    assert fetched.content == image.read_bytes()
    with pytest.raises(HFValidationError):
        await client.upload_attachment(tmp_path / "notes.txt")
