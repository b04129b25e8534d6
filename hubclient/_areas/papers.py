"""Papers on the Hub: a paper's page, its markdown, search, and the daily papers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from hubclient._answers import parse_json
from hubclient._areas._base import Area
from hubclient.models.papers import PaperInfo

__all__ = ["NOTES", "PapersArea"]

_NESTED_FIELDS = (
    "the fields of the paper nested in each entry (ai_summary, ai_keywords, githubRepo, …) "
    "are read too; huggingface_hub 2.4.0 reads them only outside it"
)
#: Behaviour the signatures do not show (the parity ledger, docs/parity.md, reads it).
NOTES: dict[str, str] = dict.fromkeys(("list_papers", "list_daily_papers"), _NESTED_FIELDS)


def _paper_id(id: str) -> str:
    if not id or "/" in id or id in (".", ".."):
        raise ValueError(f"Invalid paper id {id!r}: an arXiv id such as '2305.13245'")
    return quote(id, safe="")


def _papers(items: Any) -> list[PaperInfo]:
    if not isinstance(items, list):
        raise TypeError(f"a list was expected, not {type(items).__name__}")
    return [PaperInfo.model_validate(item) for item in items]


class PapersArea(Area):
    """Papers (``paper_info``, ``read_paper``, ``list_papers``, ``list_daily_papers``)."""

    async def paper_info(self, id: str) -> PaperInfo:
        """The Hub's page of a paper (arXiv id): title, authors, upvotes, linked repos.

        Raises ``HfHubHTTPError`` (404) when the Hub has no page for it.

        Example::

            paper = await client.paper_info("2305.13245")
            print(paper.title, paper.num_total_models)
        """
        response = await self._http.request("GET", f"/api/papers/{_paper_id(id)}")
        return parse_json(response, PaperInfo.model_validate, expected="a paper")

    async def read_paper(self, id: str) -> str:
        """The paper page as markdown (what the Hub serves at ``/papers/{id}.md``).

        Example::

            text = await client.read_paper("2305.13245")
        """
        response = await self._http.request("GET", f"/papers/{_paper_id(id)}.md")
        return response.text

    async def list_papers(
        self,
        *,
        query: str | None = None,
        limit: int | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[PaperInfo]:
        """Papers matching ``query`` (all the Hub lists when None), at most ``limit``.

        Example::

            async for paper in client.list_papers(query="attention", limit=10):
                print(paper.id, paper.title)
        """
        params: dict[str, Any] = {}
        if query:
            params["q"] = query
        if limit is not None:
            params["limit"] = limit
        response = await self._http.request("GET", "/api/papers/search", params=params, token=token)
        for paper in parse_json(response, _papers, expected="a list of papers"):
            yield paper

    async def list_daily_papers(
        self,
        *,
        date: str | None = None,
        token: str | bool | None = None,
        week: str | None = None,
        month: str | None = None,
        submitter: str | None = None,
        sort: str | None = None,
        p: int | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[PaperInfo]:
        """The daily papers of a ``date`` (``YYYY-MM-DD``), ``week`` (``2025-W09``) or
        ``month`` (``2025-02``), or the latest; by ``submitter``; ``sort`` is ``publishedAt``
        or ``trending``; ``p`` and ``limit`` select a page (the Hub's defaults: 0 and 50).

        Example::

            async for paper in client.list_daily_papers(date="2025-10-29"):
                print(paper.title, paper.submitted_by)
        """
        params = {
            key: value
            for key, value in {
                "p": p,
                "limit": limit,
                "sort": sort,
                "date": date,
                "week": week,
                "month": month,
                "submitter": submitter,
            }.items()
            if value is not None
        }
        response = await self._http.request("GET", "/api/daily_papers", params=params, token=token)
        for paper in parse_json(response, _papers, expected="a list of daily papers"):
            yield paper
