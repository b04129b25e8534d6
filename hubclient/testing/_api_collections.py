"""Hub handlers of collections (the Hub-wide ``collections`` document).

A collection is ``{"id", "namespace", "title", "description", "private", "theme", "position",
"upvotes", "lastUpdated", "items": [{"_id", "id", "type", "note"}]}``; its slug is
``{namespace}/{title as a slug}-{id}``, and it is found by the trailing id (a renamed
collection keeps answering at its old slug, as on the Hub).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from starlette.responses import Response

from hubclient.testing._documents import Document
from hubclient.testing._errors import HubError
from hubclient.testing._people import user_json
from hubclient.testing._records import iso_date
from hubclient.testing._routes import Route
from hubclient.testing._store import REPO_TYPES
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES"]

_THEMES = ("default", "orange", "blue", "green", "purple", "pink", "indigo")
_ITEM_TYPES = ("model", "dataset", "space", "paper", "collection")
_PAPER = re.compile(r"\d{4}\.\d{4,5}\Z")
_ID = re.compile(r"[0-9a-f]{24}\Z")
_LISTED_ITEMS = 4


def _doc(ctx: Ctx) -> Document:
    return ctx.state.documents.hub("collections")


def _all(doc: Document) -> dict[str, dict[str, Any]]:
    found = doc.data.setdefault("items", {})
    assert isinstance(found, dict)
    return found


def _slug(record: dict[str, Any]) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", record["title"].lower()).strip("-") or "collection"
    return f"{record['namespace']}/{words[:60]}-{record['id']}"


def _visible(ctx: Ctx, record: dict[str, Any]) -> bool:
    return not record["private"] or (
        ctx.identity is not None and ctx.identity.member_of(record["namespace"])
    )


def _find(ctx: Ctx, namespace: str, slug: str) -> dict[str, Any]:
    tail = slug.rsplit("-", 1)[-1]
    record = _all(_doc(ctx)).get(tail) if _ID.match(tail) else None
    if record is None or record["namespace"] != namespace or not _visible(ctx, record):
        raise HubError(404, f"Collection {namespace}/{slug} not found")
    return record


def _writable(ctx: Ctx, namespace: str, slug: str) -> dict[str, Any]:
    record = _find(ctx, namespace, slug)
    ctx.check_write(record["namespace"])
    return record


def _item_json(ctx: Ctx, item: dict[str, Any], position: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "_id": item["_id"],
        "id": item["id"],
        "type": item["type"],
        "position": position,
    }
    if item.get("note"):
        out["note"] = {"text": item["note"], "html": item["note"]}
    if item["type"] in REPO_TYPES:
        repo = ctx.store.find(item["type"], item["id"])
        if repo is not None:
            out.update({"author": repo.namespace, "private": repo.private, "repoType": repo.type})
    if item["type"] == "collection":
        target = _all(_doc(ctx)).get(item["id"])
        if target is not None:
            out["slug"] = _slug(target)
            out["title"] = target["title"]
    return out


def _json(ctx: Ctx, record: dict[str, Any], *, listed: bool = False) -> dict[str, Any]:
    items = record["items"][:_LISTED_ITEMS] if listed else record["items"]
    return {
        "slug": _slug(record),
        "title": record["title"],
        "description": record.get("description"),
        "owner": user_json(ctx.state.accounts, ctx.hub_url, record["namespace"]),
        "items": [_item_json(ctx, item, i) for i, item in enumerate(items)],
        "lastUpdated": record["lastUpdated"],
        "position": record["position"],
        "private": record["private"],
        "theme": record["theme"],
        "upvotes": record["upvotes"],
        "isUpvotedByUser": False,
        "shareUrl": f"{ctx.hub_url}/collections/{_slug(record)}",
    }


def _touch(record: dict[str, Any]) -> None:
    record["lastUpdated"] = iso_date(time.time())


async def list_collections(ctx: Ctx) -> Response:
    owners = ctx.query_list("owner")
    wanted = ctx.query_list("item")
    q = (ctx.query("q") or "").lower()
    sort = ctx.query("sort") or "lastModified"
    if sort not in ("lastModified", "trending", "upvotes"):
        raise HubError.bad_request(f"Invalid sort: {sort}")
    doc = _doc(ctx)
    with doc.lock:
        records = [dict(r) for r in _all(doc).values() if _visible(ctx, r)]
    chosen = []
    for record in records:
        if owners and record["namespace"] not in owners:
            continue
        keys = {f"{i['type']}s/{i['id']}" for i in record["items"]}
        if wanted and not all(w in keys for w in wanted):
            continue
        if q and q not in (record["title"] + " " + (record.get("description") or "")).lower():
            continue
        chosen.append(record)
    chosen.sort(key=lambda r: r["lastUpdated"], reverse=True)
    if sort in ("upvotes", "trending"):
        chosen.sort(key=lambda r: r["upvotes"], reverse=True)
    page, headers = ctx.page(chosen, min(100, ctx.config.page_size))
    # the listing's entries carry no position (clients number them as they come)
    entries = [_json(ctx, r, listed=True) for r in page]
    for entry in entries:
        entry.pop("position", None)
    return json_response(entries, headers=headers)


async def get_collection(ctx: Ctx, namespace: str, slug: str) -> Response:
    doc = _doc(ctx)
    with doc.lock:
        record = dict(_find(ctx, namespace, slug))
    return json_response(_json(ctx, record))


def _check_item(ctx: Ctx, item: Any) -> tuple[str, str]:
    if not isinstance(item, dict):
        raise HubError.bad_request("Expected item: {id, type}")
    item_id, kind = item.get("id"), item.get("type")
    if kind not in _ITEM_TYPES or not isinstance(item_id, str) or not item_id:
        raise HubError.bad_request(f"Invalid item: {item!r}")
    if kind in REPO_TYPES:
        repo = ctx.store.find(kind, item_id)
        if repo is None or not ctx.can_read(repo):
            raise HubError(404, f"{kind} {item_id} not found")
    elif kind == "paper":
        if not _PAPER.match(item_id):
            raise HubError(404, f"Paper {item_id} not found")
    else:
        tail = item_id.rsplit("-", 1)[-1]
        target = _all(_doc(ctx)).get(tail) if _ID.match(tail) else None
        if target is None or not _visible(ctx, target):
            raise HubError(404, f"Collection {item_id} not found")
        item_id = target["id"]
    return item_id, kind


def _check_note(note: Any) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str) or len(note) > 500:
        raise HubError.bad_request("A note is a string of at most 500 characters")
    return note


async def create_collection(ctx: Ctx) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    title, namespace = body.get("title"), body.get("namespace")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 60:
        raise HubError.bad_request("title must be 1 to 60 characters")
    if not isinstance(namespace, str) or not namespace:
        raise HubError.bad_request("Missing namespace")
    ctx.check_write(namespace)
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 150):
        raise HubError.bad_request("description must be at most 150 characters")
    doc = _doc(ctx)
    with doc.lock:
        records = _all(doc)
        for record in records.values():
            if record["namespace"] == namespace and record["title"] == title.strip():
                raise HubError(409, "Collection already exists", body={"slug": _slug(record)})
        record = {
            "id": uuid.uuid4().hex[:24],
            "namespace": namespace,
            "title": title.strip(),
            "description": description,
            "private": bool(body.get("private", False)),
            "theme": "default",
            "position": sum(r["namespace"] == namespace for r in records.values()),
            "upvotes": 0,
            "items": [],
        }
        if body.get("resourceGroupId") is not None:
            record["resourceGroupId"] = str(body["resourceGroupId"])
        if body.get("item") is not None:
            item_id, kind = _check_item(ctx, body["item"])
            record["items"].append({"_id": uuid.uuid4().hex[:24], "id": item_id, "type": kind})
        _touch(record)
        records[record["id"]] = record
        doc.save()
        answer = _json(ctx, record)
    return json_response(answer)


async def update_collection(ctx: Ctx, namespace: str, slug: str) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    doc = _doc(ctx)
    with doc.lock:
        record = _writable(ctx, namespace, slug)
        if "title" in body:
            title = body["title"]
            if not isinstance(title, str) or not 1 <= len(title.strip()) <= 60:
                raise HubError.bad_request("title must be 1 to 60 characters")
            record["title"] = title.strip()
        if "description" in body:
            record["description"] = body["description"]
        if "private" in body:
            record["private"] = bool(body["private"])
        if "theme" in body:
            if body["theme"] not in _THEMES:
                raise HubError.bad_request(f"Invalid theme: {body['theme']!r}")
            record["theme"] = body["theme"]
        if "position" in body:
            if not isinstance(body["position"], int) or body["position"] < 0:
                raise HubError.bad_request("position must be a non-negative integer")
            record["position"] = body["position"]
        _touch(record)
        doc.save()
        answer = _json(ctx, record)
    return json_response({"success": True, "data": answer})


async def delete_collection(ctx: Ctx, namespace: str, slug: str) -> Response:
    doc = _doc(ctx)
    with doc.lock:
        record = _writable(ctx, namespace, slug)
        del _all(doc)[record["id"]]
        doc.save()
    return json_response({})


async def resource_group(ctx: Ctx, namespace: str, slug: str) -> Response:
    body = await ctx.json_body()
    group = body.get("resourceGroupId") if isinstance(body, dict) else None
    doc = _doc(ctx)
    with doc.lock:
        record = _writable(ctx, namespace, slug)
        if record["namespace"] not in ctx.state.accounts.orgs():
            raise HubError.bad_request("Only an organization's collections have resource groups")
        if group is not None and not isinstance(group, str):
            raise HubError.bad_request("resourceGroupId is a string or null")
        record["resourceGroupId"] = group
        doc.save()
    return json_response({"success": True})


async def add_item(ctx: Ctx, namespace: str, slug: str) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    note = _check_note(body.get("note"))
    doc = _doc(ctx)
    with doc.lock:
        record = _writable(ctx, namespace, slug)
        item_id, kind = _check_item(ctx, body.get("item"))
        if any(i["id"] == item_id and i["type"] == kind for i in record["items"]):
            raise HubError(409, f"{kind} {item_id} is already in the collection")
        item: dict[str, Any] = {"_id": uuid.uuid4().hex[:24], "id": item_id, "type": kind}
        if note:
            item["note"] = note
        record["items"].append(item)
        _touch(record)
        doc.save()
        answer = _json(ctx, record)
    return json_response(answer)


def _find_item(record: dict[str, Any], item_object_id: str) -> dict[str, Any]:
    for item in record["items"]:
        if item["_id"] == item_object_id:
            found: dict[str, Any] = item
            return found
    raise HubError(404, f"Item {item_object_id} not found in the collection")


async def update_item(ctx: Ctx, namespace: str, slug: str, item_object_id: str) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    doc = _doc(ctx)
    with doc.lock:
        record = _writable(ctx, namespace, slug)
        item = _find_item(record, item_object_id)
        if "note" in body:
            item["note"] = _check_note(body["note"])
        if "position" in body:
            position = body["position"]
            if not isinstance(position, int) or position < 0:
                raise HubError.bad_request("position must be a non-negative integer")
            record["items"].remove(item)
            record["items"].insert(min(position, len(record["items"])), item)
        _touch(record)
        doc.save()
        answer = _json(ctx, record)
    return json_response({"success": True, "data": answer})


async def delete_item(ctx: Ctx, namespace: str, slug: str, item_object_id: str) -> Response:
    doc = _doc(ctx)
    with doc.lock:
        record = _writable(ctx, namespace, slug)
        record["items"].remove(_find_item(record, item_object_id))
        _touch(record)
        doc.save()
    return json_response({})


ROUTES = [
    Route("GET", "/api/collections", list_collections),
    Route("POST", "/api/collections", create_collection),
    Route("GET", "/api/collections/{namespace}/{slug}", get_collection),
    Route("PATCH", "/api/collections/{namespace}/{slug}", update_collection),
    Route("DELETE", "/api/collections/{namespace}/{slug}", delete_collection),
    Route("POST", "/api/collections/{namespace}/{slug}/resource-group", resource_group),
    Route("POST", "/api/collections/{namespace}/{slug}/items", add_item),
    Route("PATCH", "/api/collections/{namespace}/{slug}/items/{item_object_id}", update_item),
    Route("DELETE", "/api/collections/{namespace}/{slug}/items/{item_object_id}", delete_item),
]
