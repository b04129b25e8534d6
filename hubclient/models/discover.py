"""Finding things on the Hub: the tag catalogues and Space search."""

from __future__ import annotations

from pydantic import Field

from hubclient.models._base import HubModel
from hubclient.models.spaces import SpaceRuntime

__all__ = ["SpaceSearchResult"]


class SpaceSearchResult(HubModel):
    """One Space found by ``search_spaces`` (semantic search), with its relevance."""

    id: str
    author: str = ""
    title: str = ""
    emoji: str | None = None
    sdk: str | None = None
    likes: int = 0
    private: bool = False
    tags: list[str] | None = None
    runtime: SpaceRuntime | None = None
    ai_short_description: str | None = Field(default=None, alias="ai_short_description")
    ai_category: str | None = Field(default=None, alias="ai_category")
    semantic_relevancy_score: float | None = None
    trending_score: int | None = None
