"""huggingface_hub 2.4.0 drives the discussions and pull request routes of the served local Hub,
and hubclient reads the same data back."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from huggingface_hub import CommitOperationAdd
from huggingface_hub.community import (
    DiscussionComment,
    DiscussionCommit,
    DiscussionStatusChange,
    DiscussionTitleChange,
)
from huggingface_hub.errors import HfHubHTTPError

from hubclient import AsyncHubClient
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance


def test_discussions_and_pull_requests(conf: Conformance) -> None:
    api, bob = conf.api, conf.bob
    repo_id = conf.new_repo("community")
    api.upload_file(path_or_fileobj=b"one\n", path_in_repo="a.txt", repo_id=repo_id)
    pr = api.create_discussion(repo_id, pull_request=True, title="Test Pull Request")
    discussion = bob.create_discussion(repo_id, title=" Test discussion !  ")
    assert (pr.num, pr.status, pr.is_pull_request) == (1, "draft", True)
    assert (discussion.num, discussion.title, discussion.author) == (2, "Test discussion !", "bob")
    assert api.get_discussion_details(repo_id, 2) == discussion
    for i in range(3):  # more than a page (the conformance hub pages by 2)
        api.create_discussion(repo_id, title=f"Question {i}")
    assert [d.num for d in api.get_repo_discussions(repo_id)] == [5, 4, 3, 2, 1]
    assert [d.num for d in api.get_repo_discussions(repo_id, discussion_type="pull_request")] == [1]
    assert [d.num for d in api.get_repo_discussions(repo_id, author="bob")] == [2]
    api.change_discussion_status(repo_id, 3, "closed")
    assert [d.num for d in api.get_repo_discussions(repo_id, discussion_status="closed")] == [3]
    assert api.repo_info(repo_id, revision="refs/pr/1").sha == api.repo_info(repo_id).sha

    comment = bob.comment_discussion(repo_id, 2, "Hello **there**")
    assert isinstance(comment, DiscussionComment)
    assert comment.content == "Hello **there**"
    edited = bob.edit_discussion_comment(repo_id, 2, comment.id, "Edited 🤗")
    assert edited.edited
    assert edited.content == "Edited 🤗"
    assert edited.id == comment.id
    assert edited.last_edited_by == "bob"
    assert edited.rendered
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        hidden = api.hide_discussion_comment(repo_id, 2, comment.id)
    assert hidden.hidden
    renamed = bob.rename_discussion(repo_id, 2, "New title2")
    assert isinstance(renamed, DiscussionTitleChange)
    assert renamed.old_title == "Test discussion !"
    details = api.get_discussion_details(repo_id, 2)
    assert renamed.id in {e.id for e in details.events}

    api.create_commit(
        repo_id,
        [CommitOperationAdd("file.test", b"Content")],
        commit_message="Commit some file",
        revision=pr.git_reference,
    )
    status = api.change_discussion_status(repo_id, pr.num, "open")
    assert isinstance(status, DiscussionStatusChange)
    assert status.new_status == "open"
    api.merge_pull_request(repo_id, pr.num, comment="merging")
    merged = api.get_discussion_details(repo_id, pr.num)
    assert merged.status == "merged"
    assert merged.merge_commit_oid == api.repo_info(repo_id).sha
    assert merged.target_branch == "refs/heads/main"
    assert merged.conflicting_files == []
    assert any(isinstance(e, DiscussionCommit) for e in merged.events)
    with pytest.raises(HfHubHTTPError) as again:
        api.merge_pull_request(repo_id, pr.num)
    assert again.value.response.status_code == 400

    # a community pull request by commit, with a conflict
    info = bob.create_commit(
        repo_id, [CommitOperationAdd("a.txt", b"bob\n")], commit_message="Bob's a", create_pr=True
    )
    assert info.pr_num == 6
    api.upload_file(path_or_fileobj=b"alice\n", path_in_repo="a.txt", repo_id=repo_id)
    community = api.get_discussion_details(repo_id, 6)
    assert (community.status, community.author, community.conflicting_files) == (
        "open",
        "bob",
        ["a.txt"],
    )
    assert "+bob" in (community.diff or "")
    with pytest.raises(HfHubHTTPError) as conflict:
        api.merge_pull_request(repo_id, 6)
    assert conflict.value.response.status_code == 409

    image = conf.tmp / "shot.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    url = api.upload_attachment(image)
    assert url.startswith(conf.endpoint)
    assert url.endswith(".png")

    draft = bob.create_pull_request(repo_id, "Bob's draft", description="Nothing yet")
    assert (draft.num, draft.status, draft.is_pull_request, draft.author) == (
        7,
        "draft",
        True,
        "bob",
    )
    assert draft.git_reference == "refs/pr/7"
    opening = draft.events[0]
    assert isinstance(opening, DiscussionComment)
    assert opening.content == "Nothing yet"

    # hubclient reads what huggingface_hub wrote, field for field
    theirs = [api.get_discussion_details(repo_id, n) for n in range(1, 8)]
    with start_blocking_portal() as portal:
        client = AsyncHubClient(conf.endpoint, token=ALICE_TOKEN)

        async def read() -> tuple[list[Any], list[Any]]:
            listed = [d async for d in client.get_repo_discussions(repo_id)]
            details = [await client.get_discussion_details(repo_id, n) for n in range(1, 8)]
            await client.aclose()
            return listed, details

        listed, ours = portal.call(read)
    assert [d.num for d in listed] == [d.num for d in api.get_repo_discussions(repo_id)]
    for mine, hf in zip(ours, theirs, strict=True):
        fields = ("num", "title", "status", "author", "is_pull_request", "created_at", "url")
        assert [getattr(mine, f) for f in fields] == [getattr(hf, f) for f in fields]
        assert (mine.target_branch, mine.merge_commit_oid, mine.diff) == (
            hf.target_branch,
            hf.merge_commit_oid,
            hf.diff,
        )
        assert mine.conflicting_files == hf.conflicting_files
        assert [(e.id, e.type, e.author, e.created_at) for e in mine.events] == [
            (e.id, e.type, e.author, e.created_at) for e in hf.events
        ]
        for m, h in zip(mine.events, hf.events, strict=True):
            for attr in ("content", "edited", "hidden", "new_status", "oid", "summary"):
                assert getattr(m, attr, None) == getattr(h, attr, None)
