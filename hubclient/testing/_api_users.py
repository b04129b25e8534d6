"""Hub handlers of likes and people: who liked what, who follows whom, overviews, members.

State lives in the Hub-wide ``people`` document: ``{"likes": {user: [{"repo": {"name",
"type"}, "createdAt"}]}, "following": {user: [names]}}``. Liking is not an API operation on the
Hub any more (tokens cannot like); tests make users like and follow with ``LocalHub.like`` and
``LocalHub.follow``.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import Response

from hubclient.testing._accounts import Accounts
from hubclient.testing._documents import Document, Documents
from hubclient.testing._errors import HubError
from hubclient.testing._people import hex_id, user_json
from hubclient.testing._records import iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._store import REPO_TYPES
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES", "follow", "like"]


def _doc(documents: Documents) -> Document:
    return documents.hub("people")


def _likes(doc: Document) -> dict[str, list[dict[str, Any]]]:
    found = doc.data.setdefault("likes", {})
    assert isinstance(found, dict)
    return found


def _following(doc: Document) -> dict[str, list[str]]:
    found = doc.data.setdefault("following", {})
    assert isinstance(found, dict)
    return found


def like(documents: Documents, user: str, repo: Repo) -> None:
    """``user`` likes ``repo`` (once)."""
    doc = _doc(documents)
    with doc.lock:
        mine = _likes(doc).setdefault(user, [])
        if not any(e["repo"] == {"name": repo.id, "type": repo.type} for e in mine):
            mine.append(
                {"repo": {"name": repo.id, "type": repo.type}, "createdAt": iso_date(time.time())}
            )
            doc.save()


def follow(documents: Documents, user: str, target: str) -> None:
    """``user`` follows the user or organisation ``target`` (once)."""
    doc = _doc(documents)
    with doc.lock:
        mine = _following(doc).setdefault(user, [])
        if target not in mine:
            mine.append(target)
            doc.save()


def _known(accounts: Accounts, name: str, *, org: bool) -> None:
    found = name in accounts.orgs() if org else name in accounts.users()
    if not found:
        raise HubError(404, f"{'Organization' if org else 'User'} {name} not found")


def _person(ctx: Ctx, name: str) -> dict[str, Any]:
    out = user_json(ctx.state.accounts, ctx.hub_url, name)
    if ctx.identity is not None:
        doc = _doc(ctx.state.documents)
        with doc.lock:
            out["isFollowing"] = name in _following(doc).get(ctx.identity.user, [])
    return out


def _page(ctx: Ctx, names: list[str]) -> Response:
    page, headers = ctx.page(names, ctx.config.page_size)
    return json_response([_person(ctx, n) for n in page], headers=headers)


async def unlike(ctx: Ctx, repo: Repo) -> Response:
    identity = ctx.require_identity()
    doc = _doc(ctx.state.documents)
    with doc.lock:
        mine = _likes(doc).get(identity.user, [])
        kept = [e for e in mine if e["repo"] != {"name": repo.id, "type": repo.type}]
        if len(kept) != len(mine):
            _likes(doc)[identity.user] = kept
            doc.save()
    return json_response({})


async def liked_repos(ctx: Ctx, user: str) -> Response:
    _known(ctx.state.accounts, user, org=False)
    doc = _doc(ctx.state.documents)
    with doc.lock:
        entries = [dict(e) for e in _likes(doc).get(user, [])]
    visible = []
    for entry in entries:
        repo = ctx.store.find(entry["repo"]["type"], entry["repo"]["name"])
        if repo is not None and ctx.can_read(repo):
            visible.append(entry)
    visible.sort(key=lambda e: e["createdAt"], reverse=True)
    page, headers = ctx.page(visible, ctx.config.page_size)
    return json_response(page, headers=headers)


def _likers_of(documents: Documents, repo: Repo) -> list[str]:
    doc = _doc(documents)
    with doc.lock:
        return sorted(
            user
            for user, entries in _likes(doc).items()
            if any(e["repo"] == {"name": repo.id, "type": repo.type} for e in entries)
        )


async def likers(ctx: Ctx, repo: Repo) -> Response:
    return _page(ctx, _likers_of(ctx.state.documents, repo))


def _followers_of(documents: Documents, name: str) -> list[str]:
    doc = _doc(documents)
    with doc.lock:
        return sorted(u for u, targets in _following(doc).items() if name in targets)


def _counts(ctx: Ctx, namespace: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for repo_type in REPO_TYPES:
        repos = [r for r in ctx.store.repos(repo_type) if r.namespace == namespace]
        counts[f"num{repo_type.capitalize()}s"] = sum(ctx.can_read(r) for r in repos)
    return counts


async def user_overview(ctx: Ctx, user: str) -> Response:
    accounts = ctx.state.accounts
    _known(accounts, user, org=False)
    doc = _doc(ctx.state.documents)
    with doc.lock:
        num_likes = len(_likes(doc).get(user, []))
        num_following = len(_following(doc).get(user, []))
    out = _person(ctx, user)
    out.update(_counts(ctx, user))
    out.update(
        {
            "details": None,
            "numLikes": num_likes,
            "numFollowing": num_following,
            "numFollowers": len(_followers_of(ctx.state.documents, user)),
            "numDiscussions": 0,
            "numPapers": 0,
            "numUpvotes": 0,
            "createdAt": "2024-01-01T00:00:00.000Z",
            "orgs": [
                {
                    "_id": hex_id(f"org:{org}"),
                    "name": org,
                    "fullname": org.capitalize(),
                    "avatarUrl": f"{ctx.hub_url}/avatars/{org}.svg",
                }
                for org in accounts.users().get(user, [])
            ],
        }
    )
    return json_response(out)


async def following(ctx: Ctx, user: str) -> Response:
    _known(ctx.state.accounts, user, org=False)
    doc = _doc(ctx.state.documents)
    with doc.lock:
        targets = [t for t in _following(doc).get(user, []) if t in ctx.state.accounts.users()]
    return _page(ctx, targets)


async def user_followers(ctx: Ctx, user: str) -> Response:
    _known(ctx.state.accounts, user, org=False)
    return _page(ctx, _followers_of(ctx.state.documents, user))


def _members(accounts: Accounts, org: str) -> list[str]:
    return sorted(u for u, orgs in accounts.users().items() if org in orgs)


async def org_overview(ctx: Ctx, org: str) -> Response:
    _known(ctx.state.accounts, org, org=True)
    out: dict[str, Any] = {
        "_id": hex_id(f"org:{org}"),
        "name": org,
        "fullname": org.capitalize(),
        "avatarUrl": f"{ctx.hub_url}/avatars/{org}.svg",
        "type": "org",
        "isVerified": False,
        "isEnterprise": False,
        "numUsers": len(_members(ctx.state.accounts, org)),
        "numFollowers": len(_followers_of(ctx.state.documents, org)),
        "numPapers": 0,
        "details": None,
    }
    out.update(_counts(ctx, org))
    if ctx.identity is not None:
        doc = _doc(ctx.state.documents)
        with doc.lock:
            out["isFollowing"] = org in _following(doc).get(ctx.identity.user, [])
    return json_response(out)


async def org_members(ctx: Ctx, org: str) -> Response:
    _known(ctx.state.accounts, org, org=True)
    return _page(ctx, _members(ctx.state.accounts, org))


async def org_followers(ctx: Ctx, org: str) -> Response:
    _known(ctx.state.accounts, org, org=True)
    return _page(ctx, _followers_of(ctx.state.documents, org))


ROUTES = [
    Route("DELETE", "/api/{types}/{repo}/like", unlike),
    Route("GET", "/api/{types}/{repo}/likers", likers),
    Route("GET", "/api/users/{user}/likes", liked_repos),
    Route("GET", "/api/users/{user}/overview", user_overview),
    Route("GET", "/api/users/{user}/followers", user_followers),
    Route("GET", "/api/users/{user}/following", following),
    Route("GET", "/api/organizations/{org}/overview", org_overview),
    Route("GET", "/api/organizations/{org}/members", org_members),
    Route("GET", "/api/organizations/{org}/followers", org_followers),
]
