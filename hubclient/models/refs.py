"""Branches, tags and commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel

__all__ = ["GitCommitInfo", "GitRefInfo", "GitRefs", "ResolvedRevision", "pinned_revision"]


class ResolvedRevision(str):
    """A revision already resolved to a commit (``resolve_revision``).

    A ``str``: its value is the revision asked for (``"main"``, ``"refs/pr/4"``; ``"main"`` when
    none was), so URLs and messages stay readable; ``resolved`` is the commit it pointed to.
    ``hf_hub_download``, ``snapshot_download`` and the other downloads given one use the commit
    (pinned: every file comes from the same commit, and a cached one costs no request), as
    huggingface_hub does. It remembers its repo: given for another repo, the revision asked for
    is what counts.

    Example::

        revision = await client.resolve_revision("acme/model")
        config = await client.hf_hub_download("acme/model", "config.json", revision=revision)
        weights = await client.hf_hub_download("acme/model", "model.safetensors", revision=revision)
    """

    initial: str | None
    resolved: str
    repo_id: str | None
    repo_type: str

    def __new__(
        cls,
        resolved: str,
        initial: str | None = None,
        repo_id: str | None = None,
        repo_type: str | None = None,
    ) -> ResolvedRevision:
        self = super().__new__(cls, initial if initial is not None else "main")
        self.initial = initial
        self.resolved = resolved
        self.repo_id = repo_id
        self.repo_type = repo_type or "model"
        return self

    def fits(self, repo_id: str, repo_type: str | None) -> bool:
        """Whether the commit belongs to this repo (an instance made by hand fits any)."""
        return self.repo_id is None or (self.repo_id, self.repo_type) == (
            repo_id,
            repo_type or "model",
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.resolved, self.initial, self.repo_id, self.repo_type))

    def __repr__(self) -> str:
        return f"ResolvedRevision(initial={self.initial!r}, resolved={self.resolved!r})"


def pinned_revision(revision: str | None, repo_id: str, repo_type: str | None) -> str | None:
    """The commit of a :class:`ResolvedRevision` made for this repo; any other revision as is."""
    if isinstance(revision, ResolvedRevision):
        return revision.resolved if revision.fits(repo_id, repo_type) else revision.initial
    return revision


class GitRefInfo(HubModel):
    """One git ref: ``name`` (``main``), ``ref`` (``refs/heads/main``), ``target_commit`` (sha)."""

    name: str
    ref: str
    target_commit: str


class GitRefs(HubModel):
    """All refs of a repo (``list_repo_refs``); ``pull_requests`` only when asked for."""

    branches: list[GitRefInfo] = Field(default_factory=list)
    converts: list[GitRefInfo] = Field(default_factory=list)
    tags: list[GitRefInfo] = Field(default_factory=list)
    pull_requests: list[GitRefInfo] | None = None


class GitCommitInfo(HubModel):
    """One commit of ``list_repo_commits`` (newest first)."""

    commit_id: str = Field(validation_alias=AliasChoices("id", "commitId", "commit_id"))
    authors: list[str] = Field(default_factory=list)
    created_at: datetime = Field(validation_alias=AliasChoices("date", "createdAt", "created_at"))
    title: str = ""
    message: str = ""
    formatted_title: str | None = None
    formatted_message: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        authors = data.get("authors")
        if isinstance(authors, list):
            data["authors"] = [
                a.get("user", "") if isinstance(a, dict) else str(a) for a in authors
            ]
        formatted = data.pop("formatted", None)
        if isinstance(formatted, dict):
            data.setdefault("formatted_title", formatted.get("title"))
            data.setdefault("formatted_message", formatted.get("message"))
        return data
