"""Discussions and pull requests: the threads, and the events of a thread.

The Hub sends a discussion as ``{"num", "title", "status", "author": {"name", …}, "repo":
{"name", "type"}, "isPullRequest", "createdAt", …}`` and its events as ``{"id", "type",
"createdAt", "author": {…}, "data": {…}}``. The models read those shapes into huggingface_hub's
attribute names (``author`` is the user name, ``repo_id`` / ``repo_type``), keep the raw ``data``
of every event, and keep every field they do not know.

Events are a discriminated union on ``type``: ``comment``, ``status-change``, ``commit`` and
``title-change`` have their own class; any other type (the Hub adds some now and then) parses
into the generic :class:`DiscussionEvent` instead of failing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, TypeAdapter, model_validator

from hubclient.models._base import HubModel

__all__ = [
    "AnyDiscussionEvent",
    "Discussion",
    "DiscussionComment",
    "DiscussionCommit",
    "DiscussionEvent",
    "DiscussionStatusChange",
    "DiscussionTitleChange",
    "DiscussionWithDetails",
    "parse_discussion_event",
]

DiscussionStatus = Literal["open", "closed", "merged", "draft"]

_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}


def _author_name(value: Any) -> Any:
    """``{"name": "alice", …}`` → ``"alice"``; a deleted author is ``"deleted"``."""
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else "deleted"
    return "deleted" if value is None else value


class Discussion(HubModel):
    """A discussion or pull request of a repo (as listed by ``get_repo_discussions``).

    Example::

        async for d in client.get_repo_discussions("acme/model", discussion_type="pull_request"):
            print(d.num, d.status, d.title, d.git_reference)
    """

    title: str
    status: str
    """``open``, ``closed``, ``merged`` (pull requests) or ``draft`` (pull requests)."""
    num: int
    repo_id: str = ""
    repo_type: str = "model"
    author: str = "deleted"
    is_pull_request: bool = False
    created_at: datetime
    endpoint: str = "https://huggingface.co"
    pinned: bool | None = None
    num_comments: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        out["author"] = _author_name(out.get("author"))
        repo = out.pop("repo", None)
        if isinstance(repo, dict):
            out.setdefault("repo_id", repo.get("name", ""))
            out.setdefault("repo_type", repo.get("type", "model"))
        return out

    @property
    def git_reference(self) -> str | None:
        """``refs/pr/<num>`` for a pull request (where its commits go), else None."""
        return f"refs/pr/{self.num}" if self.is_pull_request else None

    @property
    def url(self) -> str:
        """The discussion's page on the Hub."""
        prefix = _PREFIXES.get(self.repo_type, f"{self.repo_type}s/")
        return f"{self.endpoint}/{prefix}{self.repo_id}/discussions/{self.num}"


class DiscussionEvent(HubModel):
    """One event of a discussion: ``id``, ``type``, ``created_at``, ``author`` and the raw
    ``data``. Events of a type hubclient does not know are of this class."""

    id: str
    type: str
    created_at: datetime
    author: str = "deleted"
    data: dict[str, Any] = Field(default_factory=dict)
    """The event's ``data`` object as the Hub sent it."""

    @model_validator(mode="before")
    @classmethod
    def _author_from_wire(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = dict(value)
            value["author"] = _author_name(value.get("author"))
            if not isinstance(value.get("data"), dict):
                value["data"] = {}
        return value


class DiscussionComment(DiscussionEvent):
    """A comment: its markdown ``content``, whether it was ``edited`` or ``hidden``."""

    type: Literal["comment"] = "comment"
    content: str = ""
    edited: bool = False
    hidden: bool = False

    @model_validator(mode="before")
    @classmethod
    def _comment_from_wire(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            data = value["data"]
            latest = data.get("latest") if isinstance(data.get("latest"), dict) else {}
            value = dict(value)
            value.setdefault("content", latest.get("raw") or "")
            value.setdefault("edited", bool(data.get("edited", False)))
            value.setdefault("hidden", bool(data.get("hidden", False)))
        return value

    @property
    def rendered(self) -> str:
        """The comment rendered as HTML (as the Hub rendered it)."""
        return str(self._latest.get("html", ""))

    @property
    def last_edited_at(self) -> datetime | None:
        """When the comment was last written."""
        value = self._latest.get("updatedAt")
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    @property
    def last_edited_by(self) -> str:
        """Who wrote the comment's current content."""
        return str(_author_name(self._latest.get("author")))

    @property
    def edit_history(self) -> list[dict[str, Any]]:
        """Every version of the comment, newest first (the Hub's ``history``)."""
        history = self.data.get("history")
        return list(history) if isinstance(history, list) else []

    @property
    def number_of_edits(self) -> int:
        return len(self.edit_history)

    @property
    def _latest(self) -> dict[str, Any]:
        latest = self.data.get("latest")
        return latest if isinstance(latest, dict) else {}


class DiscussionStatusChange(DiscussionEvent):
    """A change of status: ``new_status`` is ``open``, ``closed`` or ``merged``."""

    type: Literal["status-change"] = "status-change"
    new_status: str = ""

    @model_validator(mode="before")
    @classmethod
    def _status_from_wire(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            value = dict(value)
            value.setdefault("new_status", value["data"].get("status", ""))
        return value


class DiscussionCommit(DiscussionEvent):
    """A commit pushed to a pull request: its ``summary`` and ``oid``."""

    type: Literal["commit"] = "commit"
    summary: str = ""
    oid: str = ""

    @model_validator(mode="before")
    @classmethod
    def _commit_from_wire(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            value = dict(value)
            value.setdefault("summary", value["data"].get("subject", ""))
            value.setdefault("oid", value["data"].get("oid", ""))
        return value


class DiscussionTitleChange(DiscussionEvent):
    """A rename: ``old_title`` → ``new_title``."""

    type: Literal["title-change"] = "title-change"
    old_title: str = ""
    new_title: str = ""

    @model_validator(mode="before")
    @classmethod
    def _title_from_wire(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            value = dict(value)
            value.setdefault("old_title", value["data"].get("from", ""))
            value.setdefault("new_title", value["data"].get("to", ""))
        return value


_KNOWN_EVENTS = {"comment", "status-change", "commit", "title-change"}


def _event_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in _KNOWN_EVENTS else "other"


AnyDiscussionEvent = Annotated[
    Annotated[DiscussionComment, Tag("comment")]
    | Annotated[DiscussionStatusChange, Tag("status-change")]
    | Annotated[DiscussionCommit, Tag("commit")]
    | Annotated[DiscussionTitleChange, Tag("title-change")]
    | Annotated[DiscussionEvent, Tag("other")],
    Discriminator(_event_tag),
]
"""An event of any type: the class of its ``type``, or :class:`DiscussionEvent`."""

_EVENT_ADAPTER: TypeAdapter[AnyDiscussionEvent] = TypeAdapter(AnyDiscussionEvent)


def parse_discussion_event(data: Any) -> DiscussionEvent:
    """The event of the Hub's JSON ``data``, of the class its ``type`` names.

    Example::

        event = parse_discussion_event({"id": "1", "type": "pinned", "createdAt": "…", "data": {}})
        assert type(event) is DiscussionEvent
    """
    event = _EVENT_ADAPTER.validate_python(data)
    assert isinstance(event, DiscussionEvent)
    return event


class DiscussionWithDetails(Discussion):
    """A discussion with its events; for a pull request also its target branch, conflicting
    files, merge commit and diff.

    Example::

        pr = await client.get_discussion_details("acme/model", 3)
        for event in pr.events:
            if isinstance(event, DiscussionComment):
                print(event.author, event.content)
    """

    events: list[AnyDiscussionEvent] = Field(default_factory=list)
    conflicting_files: list[str] | bool | None = None
    """Paths that conflict with the target branch; ``True`` when the Hub cannot list them."""
    target_branch: str | None = None
    merge_commit_oid: str | None = None
    diff: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _details_from_wire(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        if out.get("isPullRequest", out.get("is_pull_request")):
            raw = out.get("changes")
            changes: dict[str, Any] = raw if isinstance(raw, dict) else {}
            out.setdefault("target_branch", changes.get("base"))
            out.setdefault("merge_commit_oid", changes.get("mergeCommitId"))
            out.setdefault("conflicting_files", out.get("filesWithConflicts"))
        return out
