"""Hub handlers of webhooks (``/api/settings/webhooks``) and the payloads the Hub sends.

Webhooks live in the Hub-wide ``webhooks`` document, each owned by the user who made it. The
:class:`~hubclient.testing._webhook_delivery.WebhookOutbox` listens to the Hub's events
(``_events.py``) and calls :func:`payloads_for` to find the webhooks an event concerns and the
version-3 payload each gets.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from hubclient.testing._accounts import Accounts
from hubclient.testing._documents import Document, Documents
from hubclient.testing._errors import HubError
from hubclient.testing._events import HubEvent
from hubclient.testing._people import hex_id
from hubclient.testing._routes import Route
from hubclient.testing._web import PREFIXES, Ctx, json_response

__all__ = ["ROUTES", "payloads_for"]

_DOMAINS = ("repo", "discussion")
_WATCHED = ("user", "org", "model", "dataset", "space")
_ID = re.compile(r"[0-9a-f]{24}\Z")
_MAX_WEBHOOKS = 100


def webhooks_document(documents: Documents) -> Document:
    return documents.hub("webhooks")


def _all(doc: Document) -> dict[str, dict[str, Any]]:
    found = doc.data.setdefault("items", {})
    assert isinstance(found, dict)
    return found


def _json(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "url": record.get("url"),
        "job": None,
        "watched": record["watched"],
        "domains": record["domains"],
        "secret": record.get("secret"),
        "disabled": record["disabled"],
    }


def _check_body(body: Any, *, creating: bool) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    changes: dict[str, Any] = {}
    if "jobSourceId" in body:
        raise HubError.bad_request("Webhooks that trigger Jobs are not served by this local Hub")
    if "url" in body or creating:
        url = body.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise HubError.bad_request(f"Invalid webhook url: {url!r}")
        changes["url"] = url
    watched = body.get("watched")
    if watched is not None or creating:
        if not isinstance(watched, list) or (creating and not watched):
            raise HubError.bad_request("watched must be a non-empty list of {type, name}")
        for item in watched:
            if not isinstance(item, dict) or item.get("type") not in _WATCHED:
                raise HubError.bad_request(f"Invalid watched item: {item!r}")
            if not isinstance(item.get("name"), str) or not item["name"]:
                raise HubError.bad_request(f"Invalid watched item: {item!r}")
        if watched:
            changes["watched"] = [{"type": i["type"], "name": i["name"]} for i in watched]
    if "domains" in body or creating:
        domains = body.get("domains", list(_DOMAINS))
        if not isinstance(domains, list) or not domains or any(d not in _DOMAINS for d in domains):
            raise HubError.bad_request(f"domains must be a non-empty subset of {_DOMAINS}")
        changes["domains"] = list(dict.fromkeys(domains))
    if "secret" in body:
        secret = body["secret"]
        if secret is not None and (not isinstance(secret, str) or not secret.isascii()):
            raise HubError.bad_request("A webhook secret is ASCII text")
        changes["secret"] = secret or None
    return changes


def _mine(ctx: Ctx, webhook_id: str) -> dict[str, Any]:
    identity = ctx.require_identity()
    record = _all(webhooks_document(ctx.state.documents)).get(webhook_id)
    if record is None or record["owner"] != identity.user:
        raise HubError(404, f"Webhook {webhook_id} not found")
    return record


async def list_webhooks(ctx: Ctx) -> Response:
    identity = ctx.require_identity()
    doc = webhooks_document(ctx.state.documents)
    with doc.lock:
        mine = [_json(r) for r in _all(doc).values() if r["owner"] == identity.user]
    return json_response(mine)


async def create_webhook(ctx: Ctx) -> Response:
    identity = ctx.check_write(ctx.require_identity().user)
    changes = _check_body(await ctx.json_body(), creating=True)
    doc = webhooks_document(ctx.state.documents)
    with doc.lock:
        records = _all(doc)
        if sum(r["owner"] == identity.user for r in records.values()) >= _MAX_WEBHOOKS:
            raise HubError.bad_request(f"At most {_MAX_WEBHOOKS} webhooks per user")
        record: dict[str, Any] = {
            "id": uuid.uuid4().hex[:24],
            "owner": identity.user,
            "disabled": False,
        }
        record.update(changes)
        records[record["id"]] = record
        doc.save()
        answer = _json(record)
    return json_response({"webhook": answer})


async def get_webhook(ctx: Ctx, webhook_id: str) -> Response:
    doc = webhooks_document(ctx.state.documents)
    with doc.lock:
        answer = _json(_mine(ctx, webhook_id))
    return json_response({"webhook": answer})


async def update_webhook(ctx: Ctx, webhook_id: str) -> Response:
    ctx.check_write(ctx.require_identity().user)
    changes = _check_body(await ctx.json_body(), creating=False)
    doc = webhooks_document(ctx.state.documents)
    with doc.lock:
        record = _mine(ctx, webhook_id)
        record.update(changes)
        doc.save()
        answer = _json(record)
    return json_response({"webhook": answer})


async def _set_disabled(ctx: Ctx, webhook_id: str, disabled: bool) -> Response:
    ctx.check_write(ctx.require_identity().user)
    doc = webhooks_document(ctx.state.documents)
    with doc.lock:
        record = _mine(ctx, webhook_id)
        record["disabled"] = disabled
        doc.save()
        answer = _json(record)
    return json_response({"webhook": answer})


async def enable_webhook(ctx: Ctx, webhook_id: str) -> Response:
    return await _set_disabled(ctx, webhook_id, False)


async def disable_webhook(ctx: Ctx, webhook_id: str) -> Response:
    return await _set_disabled(ctx, webhook_id, True)


async def delete_webhook(ctx: Ctx, webhook_id: str) -> Response:
    ctx.check_write(ctx.require_identity().user)
    doc = webhooks_document(ctx.state.documents)
    with doc.lock:
        record = _mine(ctx, webhook_id)
        del _all(doc)[record["id"]]
        doc.save()
    return json_response({})


# --- payloads ---


def _watches(record: dict[str, Any], event: HubEvent) -> bool:
    namespace = event.repo_id.split("/", 1)[0]
    for item in record["watched"]:
        kind, name = item["type"], item["name"]
        if kind in ("user", "org") and name == namespace:
            return True
        if kind == event.repo.type and name == event.repo_id:
            return True
    return False


def _payload(record: dict[str, Any], event: HubEvent) -> dict[str, Any]:
    repo = event.repo
    web = f"{event.hub_url}/{PREFIXES[repo.type]}{event.repo_id}"
    repo_json: dict[str, Any] = {
        "type": repo.type,
        "name": event.repo_id,
        "id": repo.uid[:24],
        "private": repo.private,
        "url": {"web": web, "api": f"{event.hub_url}/api/{repo.type}s/{event.repo_id}"},
        "owner": {"id": hex_id(f"user:{event.repo_id.split('/', 1)[0]}")},
    }
    if event.scope.startswith("repo"):
        repo_json["headSha"] = repo.refs.heads.get("main")
    out: dict[str, Any] = {"event": {"action": event.action, "scope": event.scope}}
    out["repo"] = repo_json
    if event.discussion is not None:
        d = event.discussion
        url = f"{web}/discussions/{d['num']}"
        discussion: dict[str, Any] = {
            "id": hex_id(f"{repo.uid}:discussion:{d['num']}"),
            "num": d["num"],
            "title": d["title"],
            "url": {"web": url, "api": f"{repo_json['url']['api']}/discussions/{d['num']}"},
            "status": d["status"],
            "author": {"id": hex_id(f"user:{d.get('author')}")},
            "isPullRequest": d["isPullRequest"],
            "pinned": bool(d.get("pinned", False)),
        }
        if d["isPullRequest"]:
            discussion["changes"] = {"base": d["base"]}
            if d.get("mergeCommitId"):
                discussion["changes"]["mergeCommitId"] = d["mergeCommitId"]
        out["discussion"] = discussion
        if event.comment is not None:
            c = event.comment
            hidden = bool(c["data"].get("hidden"))
            out["comment"] = {
                "id": c["id"],
                "author": {"id": hex_id(f"user:{c.get('author')}")},
                "content": None if hidden else c["data"]["latest"]["raw"],
                "hidden": hidden,
                "url": {"web": f"{url}#{c['id']}"},
            }
    if event.updated_refs:
        out["updatedRefs"] = [
            {"ref": ref, "oldSha": old, "newSha": new} for ref, old, new in event.updated_refs
        ]
    if event.updated_config is not None:
        out["updatedConfig"] = event.updated_config
    if event.moved_to is not None:
        out["movedTo"] = {
            "name": event.moved_to,
            "owner": {"id": hex_id(f"user:{event.moved_to.split('/', 1)[0]}")},
        }
    out["webhook"] = {"id": record["id"], "version": 3}
    return out


def payloads_for(
    documents: Documents, accounts: Accounts, event: HubEvent
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The enabled webhooks ``event`` concerns (domain, watched, and a private repo only for
    owners who can read it), each with its payload: ``[(webhook record, payload)]``."""
    domain = event.scope.split(".", 1)[0]
    doc = webhooks_document(documents)
    with doc.lock:
        records = [dict(r) for r in _all(doc).values()]
    users = accounts.users()
    out = []
    for record in records:
        if record["disabled"] or domain not in record["domains"] or not _watches(record, event):
            continue
        namespace = event.repo_id.split("/", 1)[0]
        if event.repo.private and namespace not in (
            record["owner"],
            *users.get(record["owner"], []),
        ):
            continue
        out.append((record, _payload(record, event)))
    return out


ROUTES = [
    Route("GET", "/api/settings/webhooks", list_webhooks),
    Route("POST", "/api/settings/webhooks", create_webhook),
    Route("GET", "/api/settings/webhooks/{webhook_id}", get_webhook),
    Route("POST", "/api/settings/webhooks/{webhook_id}", update_webhook),
    Route("DELETE", "/api/settings/webhooks/{webhook_id}", delete_webhook),
    Route("POST", "/api/settings/webhooks/{webhook_id}/enable", enable_webhook),
    Route("POST", "/api/settings/webhooks/{webhook_id}/disable", disable_webhook),
]
