"""Discussions and pull requests: list, read, open, comment, rename, close, merge."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any, Literal

import anyio

from hubclient._areas._base import Area
from hubclient._areas._community import answer, json_answer, page_index_items, parse_item
from hubclient._urls import api_prefix, normalize_repo_type
from hubclient.errors import (
    BadRequestError,
    DiscussionNotFoundError,
    HfHubHTTPError,
    HFValidationError,
    PullRequestNotMergeableError,
    RepositoryNotFoundError,
)
from hubclient.models.discussions import (
    Discussion,
    DiscussionComment,
    DiscussionStatusChange,
    DiscussionTitleChange,
    DiscussionWithDetails,
)

__all__ = ["DiscussionsArea"]

_TYPES = ("all", "discussion", "pull_request")
_STATUSES = ("all", "open", "closed")
_ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}
_ATTACHMENT_MAX = {"video": 50 * 1024 * 1024}
_ATTACHMENT_DEFAULT_MAX = 10 * 1024 * 1024


def _check_num(discussion_num: int) -> int:
    if isinstance(discussion_num, bool) or not isinstance(discussion_num, int):
        raise HFValidationError("Invalid discussion_num, must be a positive integer")
    if discussion_num <= 0:
        raise HFValidationError("Invalid discussion_num, must be a positive integer")
    return discussion_num


def _discussion_path(repo_type: str | None, repo_id: str, num: int, resource: str = "") -> str:
    path = f"{api_prefix(repo_type, repo_id)}/discussions/{_check_num(num)}"
    return f"{path}/{resource}" if resource else path


def _not_found(err: HfHubHTTPError, num: int) -> HfHubHTTPError:
    """A 404 of a discussion route that is not about the repo: the discussion is missing."""
    if err.status_code == 404 and not isinstance(err, RepositoryNotFoundError):
        return DiscussionNotFoundError(
            f"{err.args[0]}\nDiscussion #{num} (or the comment) does not exist in this repo.",
            status_code=err.status_code,
            url=err.url,
            method=err.method,
            request_id=err.request_id,
            server_message=err.server_message,
            error_code=err.error_code,
            headers=err.headers,
        )
    return err


class DiscussionsArea(Area):
    """Discussions and pull requests (``get_repo_discussions``, ``create_pull_request``,
    ``comment_discussion``, ``merge_pull_request``, …)."""

    async def get_repo_discussions(
        self,
        repo_id: str,
        *,
        author: str | None = None,
        discussion_type: Literal["all", "discussion", "pull_request"] | None = None,
        discussion_status: Literal["all", "open", "closed"] | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> AsyncGenerator[Discussion, None]:
        """Iterate over the discussions and pull requests of a repo, newest first.

        Filters: ``author`` (a user name), ``discussion_type`` (``discussion`` /
        ``pull_request`` / ``all``), ``discussion_status`` (``open`` / ``closed`` / ``all``).
        Pages are fetched lazily (the Hub pages this listing by index, not ``Link``); a
        server that never reaches its last page is stopped after ``MAX_PAGES`` pages.

        Example::

            prs = client.get_repo_discussions("acme/model", discussion_type="pull_request")
            async for pr in prs:
                print(pr.num, pr.title, pr.status)
        """
        kind = normalize_repo_type(repo_type)
        if discussion_type is not None and discussion_type not in _TYPES:
            raise HFValidationError(f"Invalid discussion_type, must be one of {_TYPES}")
        if discussion_status is not None and discussion_status not in _STATUSES:
            raise HFValidationError(f"Invalid discussion_status, must be one of {_STATUSES}")
        params: dict[str, Any] = {}
        if discussion_type is not None:
            params["type"] = discussion_type
        if discussion_status is not None:
            params["status"] = discussion_status
        if author is not None:
            params["author"] = author
        pages = page_index_items(
            self._http,
            f"{api_prefix(kind, repo_id)}/discussions",
            key="discussions",
            params=params,
            token=token,
        )
        extra = {"endpoint": self._http.endpoint}
        async with contextlib.aclosing(pages):
            async for response, item in pages:
                yield parse_item(item, Discussion, "a discussion", response=response, extra=extra)

    async def get_discussion_details(
        self,
        repo_id: str,
        discussion_num: int,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> DiscussionWithDetails:
        """A discussion or pull request with its events (comments, commits, status and title
        changes); for a pull request also its target branch, conflicting files, merge commit
        and diff. Raises ``DiscussionNotFoundError`` when there is no such number.

        Example::

            pr = await client.get_discussion_details("acme/model", 3)
            print(pr.status, pr.target_branch, [e.type for e in pr.events])
        """
        path = _discussion_path(repo_type, repo_id, discussion_num)
        try:
            response = await self._http.request("GET", path, params={"diff": "1"}, token=token)
        except HfHubHTTPError as err:
            raise _not_found(err, discussion_num) from None
        return answer(
            response,
            DiscussionWithDetails,
            "a discussion",
            extra={"endpoint": self._http.endpoint},
        )

    async def create_discussion(
        self,
        repo_id: str,
        title: str,
        *,
        token: str | bool | None = None,
        description: str | None = None,
        repo_type: str | None = None,
        pull_request: bool = False,
    ) -> DiscussionWithDetails:
        """Open a discussion (or, with ``pull_request=True``, a draft pull request: push
        commits to its ``git_reference`` and ``change_discussion_status(…, "open")`` it).

        ``title`` is stripped and must be 3 to 200 characters long.

        Example::

            d = await client.create_discussion("acme/model", "Typo in the card")
            print(d.num, d.url)
        """
        kind = normalize_repo_type(repo_type)
        title = title.strip() if isinstance(title, str) else title
        if not isinstance(title, str) or not 3 <= len(title) <= 200:
            raise HFValidationError("title must be a string of 3 to 200 characters")
        text = (description or "").strip() or (
            f"{'Pull Request' if pull_request else 'Discussion'} opened with the"
            " [huggingface_hub Python library](https://huggingface.co/docs/huggingface_hub)"
        )
        response = await self._http.request(
            "POST",
            f"{api_prefix(kind, repo_id)}/discussions",
            json={"title": title, "description": text, "pullRequest": bool(pull_request)},
            token=token,
        )
        num = answer(response, int, "the new discussion's number", pick=lambda d: d["num"])
        return await self.get_discussion_details(repo_id, num, repo_type=kind, token=token)

    async def create_pull_request(
        self,
        repo_id: str,
        title: str,
        *,
        token: str | bool | None = None,
        description: str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionWithDetails:
        """Open a draft pull request (``create_discussion(…, pull_request=True)``).

        Example::

            pr = await client.create_pull_request("acme/model", "Add weights")
            await client.upload_file(path_or_fileobj=b"…", path_in_repo="w.bin",
                                     repo_id="acme/model", revision=pr.git_reference)
        """
        return await self.create_discussion(
            repo_id,
            title,
            token=token,
            description=description,
            repo_type=repo_type,
            pull_request=True,
        )

    async def _post_change(
        self,
        repo_id: str,
        discussion_num: int,
        resource: str,
        body: dict[str, Any] | None,
        *,
        repo_type: str | None,
        token: str | bool | None,
    ) -> Any:
        path = _discussion_path(repo_type, repo_id, discussion_num, resource)
        try:
            response = await self._http.request("POST", path, json=body, token=token)
        except HfHubHTTPError as err:
            raise _not_found(err, discussion_num) from None
        return response

    async def comment_discussion(
        self,
        repo_id: str,
        discussion_num: int,
        comment: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> DiscussionComment:
        """Post a markdown comment; returns it. ``DiscussionNotFoundError`` for a missing
        discussion.

        Example::

            c = await client.comment_discussion("acme/model", 3, "Looks good, thanks!")
            print(c.id, c.created_at)
        """
        if not isinstance(comment, str) or not comment.strip():
            raise HFValidationError("comment must be a non-empty string")
        response = await self._post_change(
            repo_id,
            discussion_num,
            "comment",
            {"comment": comment},
            repo_type=repo_type,
            token=token,
        )
        return answer(
            response, DiscussionComment, "the new comment", pick=lambda d: d["newMessage"]
        )

    async def edit_discussion_comment(
        self,
        repo_id: str,
        discussion_num: int,
        comment_id: str,
        new_content: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> DiscussionComment:
        """Replace the content of a comment (``edited`` becomes True; the history is kept).

        Example::

            c = await client.edit_discussion_comment("acme/model", 3, c.id, "Fixed typo")
        """
        response = await self._post_change(
            repo_id,
            discussion_num,
            f"comment/{_comment_id(comment_id)}/edit",
            {"content": new_content},
            repo_type=repo_type,
            token=token,
        )
        return answer(
            response, DiscussionComment, "the edited comment", pick=lambda d: d["updatedComment"]
        )

    async def hide_discussion_comment(
        self,
        repo_id: str,
        discussion_num: int,
        comment_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> DiscussionComment:
        """Hide a comment (irreversible: its content cannot be read any more).

        Example::

            c = await client.hide_discussion_comment("acme/model", 3, c.id)
            assert c.hidden
        """
        warnings.warn(
            "Hidden comments' content cannot be retrieved anymore. Hiding a comment is "
            "irreversible.",
            UserWarning,
            stacklevel=2,
        )
        response = await self._post_change(
            repo_id,
            discussion_num,
            f"comment/{_comment_id(comment_id)}/hide",
            None,
            repo_type=repo_type,
            token=token,
        )
        return answer(
            response, DiscussionComment, "the hidden comment", pick=lambda d: d["updatedComment"]
        )

    async def rename_discussion(
        self,
        repo_id: str,
        discussion_num: int,
        new_title: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> DiscussionTitleChange:
        """Change the title of a discussion; returns the ``title-change`` event.

        Example::

            event = await client.rename_discussion("acme/model", 3, "Add fp16 weights")
            print(event.old_title, "->", event.new_title)
        """
        response = await self._post_change(
            repo_id,
            discussion_num,
            "title",
            {"title": new_title},
            repo_type=repo_type,
            token=token,
        )
        return answer(
            response, DiscussionTitleChange, "the title change", pick=lambda d: d["newTitle"]
        )

    async def change_discussion_status(
        self,
        repo_id: str,
        discussion_num: int,
        new_status: Literal["open", "closed"],
        *,
        token: str | bool | None = None,
        comment: str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionStatusChange:
        """Close or re-open a discussion or pull request (``open`` also publishes a draft
        pull request), with an optional comment.

        Example::

            await client.change_discussion_status("acme/model", 3, "closed", comment="Stale")
        """
        if new_status not in ("open", "closed"):
            raise HFValidationError("Invalid status, valid statuses are: 'open' and 'closed'")
        body: dict[str, Any] = {"status": new_status}
        if comment and comment.strip():
            body["comment"] = comment.strip()
        response = await self._post_change(
            repo_id, discussion_num, "status", body, repo_type=repo_type, token=token
        )
        return answer(
            response, DiscussionStatusChange, "the status change", pick=lambda d: d["newStatus"]
        )

    async def merge_pull_request(
        self,
        repo_id: str,
        discussion_num: int,
        *,
        token: str | bool | None = None,
        comment: str | None = None,
        repo_type: str | None = None,
    ) -> DiscussionStatusChange | None:
        """Merge an open pull request into its target branch, with an optional comment.

        Returns the ``status-change`` event of the merge when the Hub sends it.
        ``PullRequestNotMergeableError`` when the Hub refuses (the PR is closed, merged, a
        draft, a discussion, or conflicts with the target branch); nothing is merged then.

        Example::

            await client.merge_pull_request("acme/model", 3, comment="Thanks!")
            pr = await client.get_discussion_details("acme/model", 3)
            print(pr.status, pr.merge_commit_oid)
        """
        body = {"comment": comment.strip()} if comment and comment.strip() else None
        try:
            response = await self._post_change(
                repo_id, discussion_num, "merge", body, repo_type=repo_type, token=token
            )
        except HfHubHTTPError as err:
            if isinstance(err, BadRequestError) or err.status_code == 409:
                raise PullRequestNotMergeableError(
                    str(err.args[0]),
                    status_code=err.status_code,
                    url=err.url,
                    method=err.method,
                    request_id=err.request_id,
                    server_message=err.server_message,
                    error_code=err.error_code,
                    headers=err.headers,
                ) from None
            raise
        data = json_answer(response, "the merge") if response.content else None
        if isinstance(data, dict) and isinstance(data.get("newStatus"), dict):
            return answer(
                response, DiscussionStatusChange, "the merge", pick=lambda d: d["newStatus"]
            )
        return None

    async def upload_attachment(self, path: str | Path, *, token: str | bool | None = None) -> str:
        """Upload an image, video or audio file for use in a comment; returns its URL.

        PNG, JPEG, GIF, WebP, MP4, MOV, WebM, MP3 and WAV; at most 10 MB (50 MB for videos).

        Example::

            url = await client.upload_attachment("screenshot.png")
            await client.comment_discussion("acme/model", 3, f"![screenshot]({url})")
        """
        path = Path(path)
        content_type = _ATTACHMENT_TYPES.get(path.suffix.lower())
        if content_type is None:
            raise HFValidationError(
                f"Cannot upload '{path}': supported formats are {', '.join(_ATTACHMENT_TYPES)}."
            )
        limit = _ATTACHMENT_MAX.get(content_type.split("/", 1)[0], _ATTACHMENT_DEFAULT_MAX)
        size = (await anyio.Path(path).stat()).st_size
        if size > limit:
            raise HFValidationError(f"Cannot upload '{path}': {size} bytes, the limit is {limit}")
        content = await anyio.Path(path).read_bytes()
        response = await self._http.request(
            "POST",
            "/uploads",
            content=content,
            headers={"Content-Type": content_type},
            token=token,
        )
        url = response.text.strip()
        if not url.startswith(("http://", "https://")):
            raise HfHubHTTPError(
                f"Unexpected answer from POST {response.url}: expected the attachment's URL",
                status_code=response.status_code,
                url=str(response.url),
                method="POST",
            )
        return url


def _comment_id(comment_id: str) -> str:
    if not isinstance(comment_id, str) or not comment_id.isalnum():
        raise HFValidationError(f"Invalid comment_id: {comment_id!r}")
    return comment_id.lower()
