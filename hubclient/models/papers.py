"""Papers on the Hub: ``paper_info``, ``list_papers``, ``list_daily_papers``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel
from hubclient.models.repos import DatasetInfo, ModelInfo, SpaceInfo
from hubclient.models.users import Organization, User

__all__ = ["PaperAuthor", "PaperInfo"]


class PaperAuthor(HubModel):
    """An author of a paper, and the Hub user claiming it (if any)."""

    name: str = ""
    user: User | None = None
    status: str | None = None
    status_last_changed_at: datetime | None = None
    hidden: bool | None = None


class PaperInfo(HubModel):
    """A paper page (an arXiv id), as ``paper_info`` and the listings give it.

    The daily-papers listing nests the paper under ``paper``; its fields are read from there
    (``submitted_at`` and ``submitted_by`` are the daily entry's).

    Example::

        paper = await client.paper_info("2305.13245")
        print(paper.title, paper.upvotes, [a.name for a in paper.authors or []])
    """

    id: str
    authors: list[PaperAuthor] | None = None
    published_at: datetime | None = None
    title: str | None = None
    summary: str | None = None
    upvotes: int | None = None
    discussion_id: str | None = None
    source: str | None = None
    comments: int = Field(default=0, validation_alias=AliasChoices("numComments", "comments"))
    submitted_at: datetime | None = Field(
        default=None, validation_alias=AliasChoices("submittedOnDailyAt", "submitted_at")
    )
    submitted_by: User | None = Field(
        default=None,
        validation_alias=AliasChoices("submittedOnDailyBy", "submittedBy", "submitted_by"),
    )
    ai_summary: str | None = Field(default=None, alias="ai_summary")
    ai_keywords: list[str] | None = Field(default=None, alias="ai_keywords")
    organization: Organization | None = None
    project_page: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    linked_models: list[ModelInfo] | None = None
    num_total_models: int | None = None
    linked_datasets: list[DatasetInfo] | None = None
    num_total_datasets: int | None = None
    linked_spaces: list[SpaceInfo] | None = None

    @model_validator(mode="before")
    @classmethod
    def _flatten_daily_entry(cls, data: Any) -> Any:
        # a daily-papers entry: {"paper": {...}, "title": ..., "publishedAt": <submitted>, ...}
        if not isinstance(data, dict) or not isinstance(data.get("paper"), dict):
            return data
        out = dict(data)
        paper = dict(out.pop("paper"))
        if "publishedAt" in out and "submittedOnDailyAt" not in out:
            out["submittedOnDailyAt"] = out.pop("publishedAt")
        for key, value in paper.items():
            if out.get(key) is None:
                out[key] = value
        return out
