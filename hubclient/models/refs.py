"""Branches, tags and commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel

__all__ = ["GitCommitInfo", "GitRefInfo", "GitRefs"]


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
