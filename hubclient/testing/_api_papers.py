"""Hub handlers for papers: a paper's page (JSON and markdown), search, and the daily papers.

Papers live in the Hub-wide ``papers`` document (``LocalHub.add_paper`` writes it): each
paper's fields as the Hub sends them, and its daily-papers submission if it has one. A paper's
linked models, datasets and Spaces are the repos whose card tags hold ``arxiv:<id>``, as on the
Hub.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from hubclient.testing._api_repos import card_of, repo_info_json
from hubclient.testing._card import card_tags
from hubclient.testing._errors import HubError
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["daily_papers", "paper_info", "paper_markdown", "search_papers"]

_DEFAULT_DAILY_LIMIT = 50
_MAX_LIMIT = 100


def papers(ctx: Ctx) -> dict[str, dict[str, Any]]:
    """The papers of the local Hub by id (a copy)."""
    doc = ctx.state.documents.hub("papers")
    with doc.lock:
        return {k: dict(v) for k, v in doc.data.get("papers", {}).items()}


def _paper(ctx: Ctx, paper_id: str) -> dict[str, Any]:
    found = papers(ctx).get(paper_id)
    if found is None:
        raise HubError(404, f"Paper {paper_id} not found")
    return found


def _public(paper: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in paper.items() if not k.startswith("_")}


def _linked(ctx: Ctx, paper_id: str, repo_type: str) -> list[dict[str, Any]]:
    tag = f"arxiv:{paper_id}"
    out: list[dict[str, Any]] = []
    for repo in ctx.store.repos(repo_type):
        if not ctx.can_read(repo):
            continue
        if tag in card_tags(card_of(ctx, repo)):
            head = repo.resolve(None).commit
            out.append(repo_info_json(ctx, repo, head, listing=True, full=False))
    return sorted(out, key=lambda item: str(item["id"]))


async def paper_info(ctx: Ctx, paper_id: str) -> Response:
    paper = _public(_paper(ctx, paper_id))
    for key, repo_type in (("Models", "model"), ("Datasets", "dataset"), ("Spaces", "space")):
        linked = _linked(ctx, paper_id, repo_type)
        paper[f"linked{key}"] = linked
        if key != "Spaces":
            paper[f"numTotal{key}"] = len(linked)
    return json_response(paper)


async def paper_markdown(ctx: Ctx, name: str) -> Response:
    if not name.endswith(".md"):
        raise HubError(404, f"Not found: {ctx.request.url.path}")
    paper = _paper(ctx, name[: -len(".md")])
    authors = ", ".join(str(a.get("name", "")) for a in paper.get("authors", []))
    text = f"# {paper.get('title', '')}\n\n"
    if authors:
        text += f"Authors: {authors}\n\n"
    text += f"## Abstract\n\n{paper.get('summary', '')}\n"
    return Response(text.encode(), 200, media_type="text/markdown; charset=utf-8")


def _limit(ctx: Ctx, default: int) -> int:
    raw = ctx.query("limit")
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise HubError.bad_request(f"Invalid limit: {raw}")
    return min(int(raw), _MAX_LIMIT)


def _entry(paper: dict[str, Any]) -> dict[str, Any]:
    """A paper as the listings send it: the paper nested, the daily submission around it."""
    daily = paper.get("_daily") or {}
    out: dict[str, Any] = {
        "paper": _public(paper),
        "title": paper.get("title"),
        "summary": paper.get("summary"),
        "numComments": daily.get("numComments", 0),
    }
    if daily:
        out["publishedAt"] = daily["submittedAt"]
        out["submittedBy"] = daily["submittedBy"]
    return out


async def search_papers(ctx: Ctx) -> Response:
    query = (ctx.query("q") or "").lower()
    found = [
        paper
        for paper_id, paper in sorted(papers(ctx).items())
        if not query
        or query in paper_id
        or query in str(paper.get("title", "")).lower()
        or query in str(paper.get("summary", "")).lower()
    ]
    return json_response([_entry(p) for p in found[: _limit(ctx, _MAX_LIMIT)]])


async def daily_papers(ctx: Ctx) -> Response:
    entries = [p for p in papers(ctx).values() if p.get("_daily")]
    date, week, month = ctx.query("date"), ctx.query("week"), ctx.query("month")
    submitter = ctx.query("submitter")

    def keep(paper: dict[str, Any]) -> bool:
        daily = paper["_daily"]
        day = str(daily["submittedAt"])[:10]
        if date and day != date:
            return False
        if month and not day.startswith(month):
            return False
        if week and daily.get("_week") != week:
            return False
        return not (submitter and daily["submittedBy"].get("user") != submitter)

    entries = [p for p in entries if keep(p)]
    sort = ctx.query("sort") or "publishedAt"
    if sort not in ("publishedAt", "trending"):
        raise HubError.bad_request(f"Invalid sort: {sort}")
    if sort == "trending":
        entries.sort(key=lambda p: (-int(p.get("upvotes", 0)), str(p["id"])))
    else:
        entries.sort(key=lambda p: (str(p["_daily"]["submittedAt"]), str(p["id"])), reverse=True)
    page = ctx.query("p") or "0"
    if not page.isdigit():
        raise HubError.bad_request(f"Invalid page: {page}")
    size = _limit(ctx, _DEFAULT_DAILY_LIMIT)
    start = int(page) * size
    return json_response([_entry(p) for p in entries[start : start + size]])


ROUTES = [
    Route("GET", "/api/papers/search", search_papers),
    Route("GET", "/api/papers/{paper_id}", paper_info),
    Route("GET", "/api/daily_papers", daily_papers),
    Route("GET", "/papers/{name}", paper_markdown),
]
