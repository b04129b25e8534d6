"""Hub handlers for dataset extras: a benchmark dataset's leaderboard.

Entries live in the Hub-wide ``leaderboards`` document (``LocalHub.add_leaderboard_entry``).
By default the Hub leaves out models whose card declares a ``base_model`` (its leaderboard
page shows root models); ``?base_model=false`` lists every entry. Ranks follow the filtered
list, best score first.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from hubclient.testing._api_repos import card_of
from hubclient.testing._errors import HubError
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["leaderboard"]


def _author(ctx: Ctx, namespace: str) -> dict[str, Any]:
    kind = "org" if namespace in ctx.state.accounts.orgs() else "user"
    return {
        "type": kind,
        "name": namespace,
        "fullname": namespace.capitalize(),
        "avatarUrl": f"{ctx.hub_url}/avatars/{namespace}.svg",
    }


def _declares_base_model(ctx: Ctx, model_id: str) -> bool:
    model = ctx.store.find("model", model_id)
    if model is None:
        return False
    card = card_of(ctx, model) or {}
    return card.get("base_model") not in (None, "", [])


async def leaderboard(ctx: Ctx, repo: Repo) -> Response:
    doc = ctx.state.documents.hub("leaderboards")
    with doc.lock:
        rows = [dict(r) for r in doc.data.get(repo.id, [])]
    if not rows:
        raise HubError(404, f"Dataset {repo.id} has no leaderboard")
    base_model = ctx.query("base_model")
    only_base = base_model is None or base_model.strip().lower() not in ("false", "0")
    if only_base:
        rows = [r for r in rows if not _declares_base_model(ctx, r["modelId"])]
    rows.sort(key=lambda r: (-float(r["value"]), r["modelId"]))
    out = [
        {"rank": i + 1, **r, "author": _author(ctx, r["modelId"].split("/", 1)[0])}
        for i, r in enumerate(rows)
    ]
    return json_response(out)


ROUTES = [
    Route("GET", "/api/{types}/{repo}/leaderboard", leaderboard, types=("datasets",)),
]
