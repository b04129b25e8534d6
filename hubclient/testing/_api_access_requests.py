"""Hub handlers of gated repos' access requests (the ``access`` document, see ``_gating.py``).

Users ask with ``POST /{repo}/ask-access`` (the Hub's gate form) or ``LocalHub.request_access``;
a repo gated ``auto`` accepts at once, ``manual`` leaves the request pending until its owners
handle it. The file routes consult the same document (``Ctx.check_gated``).
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response

from hubclient.testing._documents import Documents
from hubclient.testing._errors import HubError
from hubclient.testing._gating import access_document, requests_of
from hubclient.testing._people import user_json
from hubclient.testing._records import iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES", "add_request"]

_STATUSES = ("pending", "accepted", "rejected")


def add_request(
    documents: Documents, repo: Repo, user: str, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Record ``user``'s request for ``repo`` (accepted at once when the gate is ``auto``);
    an existing request is kept as it is. Returns the request."""
    doc = access_document(documents, repo)
    with doc.lock:
        found = requests_of(doc).get(user)
        if found is not None:
            return dict(found)
        request: dict[str, Any] = {
            "requestId": uuid.uuid4().hex[:24],
            "status": "accepted" if repo.gated == "auto" else "pending",
            "timestamp": iso_date(time.time()),
        }
        if fields:
            request["fields"] = dict(fields)
        requests_of(doc)[user] = request
        doc.save()
        return dict(request)


def _admin(ctx: Ctx, repo: Repo) -> None:
    ctx.check_write(repo.namespace)
    if not repo.gated:
        raise HubError.bad_request(f"Repo {repo.id} is not gated")


def _entry(ctx: Ctx, user: str, request: dict[str, Any]) -> dict[str, Any]:
    person = user_json(ctx.state.accounts, ctx.hub_url, user)
    person["email"] = f"{user}@example.com"
    out: dict[str, Any] = {
        "user": person,
        "requestId": request["requestId"],
        "status": request["status"],
        "timestamp": request["timestamp"],
    }
    if request.get("fields"):
        out["fields"] = request["fields"]
    return out


async def list_requests(ctx: Ctx, repo: Repo, status: str) -> Response:
    if status not in _STATUSES:
        raise HubError(404, f"Not found: {status}")
    _admin(ctx, repo)
    doc = access_document(ctx.state.documents, repo)
    with doc.lock:
        chosen = [(u, dict(r)) for u, r in requests_of(doc).items() if r["status"] == status]
    chosen.sort(key=lambda item: (item[1]["timestamp"], item[0]))
    page, headers = ctx.page(chosen, ctx.config.page_size)
    return json_response([_entry(ctx, u, r) for u, r in page], headers=headers)


async def handle(ctx: Ctx, repo: Repo) -> Response:
    _admin(ctx, repo)
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    status = body.get("status")
    if status not in _STATUSES:
        raise HubError.bad_request(f"Invalid status: {status!r}")
    reason = body.get("rejectionReason")
    if reason is not None and (status != "rejected" or not isinstance(reason, str)):
        raise HubError.bad_request("rejectionReason goes with a rejection only")
    doc = access_document(ctx.state.documents, repo)
    with doc.lock:
        requests = requests_of(doc)
        user = body.get("user")
        if user is None and isinstance(body.get("requestId"), str):
            user = next(
                (u for u, r in requests.items() if r["requestId"] == body["requestId"]), None
            )
        request = requests.get(user) if isinstance(user, str) else None
        if request is None:
            raise HubError(404, "No access request for this user on this repo")
        if request["status"] == status:
            raise HubError(404, f"The request of {user} is already {status}")
        request["status"] = status
        request.pop("rejectionReason", None)
        if reason:
            request["rejectionReason"] = reason
        doc.save()
    return json_response({})


async def grant(ctx: Ctx, repo: Repo) -> Response:
    _admin(ctx, repo)
    body = await ctx.json_body()
    user = body.get("user") if isinstance(body, dict) else None
    if not isinstance(user, str) or user not in ctx.state.accounts.users():
        raise HubError(404, f"User {user!r} not found")
    doc = access_document(ctx.state.documents, repo)
    with doc.lock:
        requests = requests_of(doc)
        found = requests.get(user)
        if found is not None and found["status"] == "accepted":
            raise HubError.bad_request(f"{user} already has access to {repo.id}")
        requests[user] = {
            "requestId": found["requestId"] if found else uuid.uuid4().hex[:24],
            "status": "accepted",
            "timestamp": iso_date(time.time()),
        }
        doc.save()
    return json_response({"success": True})


async def ask_access(ctx: Ctx, repo: Repo) -> Response:
    """The gate form: the caller asks for access (JSON or form fields are the answers)."""
    identity = ctx.require_identity()
    if not repo.gated:
        raise HubError.bad_request(f"Repo {repo.id} is not gated")
    if "form-urlencoded" in (ctx.request.headers.get("content-type") or ""):
        raw = (await ctx.request.body()).decode("utf-8", "replace")
        fields: Any = dict(parse_qsl(raw, keep_blank_values=True))
    else:
        fields = await ctx.json_body()
    if not isinstance(fields, dict):
        raise HubError.bad_request("Expected the form's fields")
    request = add_request(ctx.state.documents, repo, identity.user, fields)
    return json_response({"status": request["status"]})


ROUTES = [
    Route("GET", "/api/{types}/{repo}/user-access-request/{status}", list_requests),
    Route("POST", "/api/{types}/{repo}/user-access-request/handle", handle),
    Route("POST", "/api/{types}/{repo}/user-access-request/grant", grant),
    Route("POST", "/{prefix?}/{repo}/ask-access", ask_access),
]
