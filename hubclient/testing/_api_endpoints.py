"""The Inference Endpoints origin of the local Hub: the Endpoints API (``/v2/...``), the
Inference Catalog (``/api/v1/catalog/...``) and the deployed endpoints (``/inference/...``).

Bodies are checked as the API checks them (a name of lowercase letters, digits and ``-``; a
compute the provider catalogue has and can give; a model repo that exists; replicas that make
sense); the lifecycle is simulated in ``_endpoints.py``.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from hubclient.testing import _endpoints
from hubclient.testing._errors import HubError
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES"]

_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?\Z")
_TYPES = ("public", "authenticated", "private")


def _member(ctx: Ctx, namespace: str, *, write: bool) -> None:
    if write:
        ctx.check_write(namespace)
        return
    if not ctx.require_identity().member_of(namespace):
        raise HubError(403, f"You don't have access to the endpoints of {namespace}")


async def _body(ctx: Ctx) -> dict[str, Any]:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    return body


def _user(ctx: Ctx) -> dict[str, str]:
    user = ctx.require_identity().user
    return {"id": f"id-{user}", "name": user}


def _answer(ctx: Ctx, record: dict[str, Any]) -> Response:
    return json_response(_endpoints.endpoint_json(record, ctx.state.clock.now(), ctx.hub_url))


def _record(doc: Any, namespace: str, name: str) -> dict[str, Any]:
    record = doc.data["endpoints"].get(namespace, {}).get(name)
    if record is None:
        raise HubError(404, f"Endpoint {name} not found")
    assert isinstance(record, dict)
    return record


def _check_scaling(scaling: Any) -> None:
    if not isinstance(scaling, dict):
        raise HubError.bad_request("compute.scaling must be an object")
    low, high = scaling.get("minReplica", 0), scaling.get("maxReplica", 1)
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high and high >= 1):
        raise HubError.bad_request(f"Invalid replicas: min {low!r}, max {high!r}")


def _check_create(ctx: Ctx, body: dict[str, Any]) -> None:
    name = body.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise HubError.bad_request(
            f"Invalid endpoint name {name!r}: lowercase letters, digits and '-', at most 32"
        )
    compute, model, provider = body.get("compute"), body.get("model"), body.get("provider")
    if (
        not isinstance(compute, dict)
        or not isinstance(model, dict)
        or not isinstance(provider, dict)
    ):
        raise HubError.bad_request("compute, model and provider are required")
    found = _endpoints.find_compute(
        provider.get("vendor"),
        provider.get("region"),
        compute.get("accelerator"),
        compute.get("instanceType"),
        compute.get("instanceSize"),
    )
    if found is None or found["status"] in ("not_available", "deprecated"):
        raise HubError.bad_request(
            "Invalid compute: no available instance "
            f"{provider.get('vendor')}/{provider.get('region')}/{compute.get('accelerator')}/"
            f"{compute.get('instanceType')}/{compute.get('instanceSize')} "
            "(see GET /v2/provider/{namespace})"
        )
    _check_scaling(compute.get("scaling") or {})
    repository = model.get("repository")
    if not isinstance(repository, str) or ctx.store.find("model", repository) is None:
        raise HubError.bad_request(f"Repository {repository!r} not found on the Hub")
    if body.get("type", "authenticated") not in _TYPES:
        raise HubError.bad_request(f"Invalid type {body.get('type')!r}: one of {_TYPES}")


def _create(ctx: Ctx, namespace: str, payload: dict[str, Any]) -> dict[str, Any]:
    now = ctx.state.clock.now()
    name = payload["name"]
    doc = _endpoints.endpoints_doc(ctx.state)
    with doc.lock:
        mine = doc.data["endpoints"].setdefault(namespace, {})
        if name in mine:
            raise HubError(409, f"Endpoint {name} already exists")
        record = {
            "name": name,
            "namespace": namespace,
            "createdAt": now,
            "updatedAt": now,
            "createdBy": _user(ctx),
            "payload": payload,
            "timeline": [],
        }
        _endpoints.lay_out(record, now, _endpoints.plan_of(ctx.state, name), "deploy")
        mine[name] = record
        doc.save()
        return dict(record)


async def create(ctx: Ctx, namespace: str) -> Response:
    _member(ctx, namespace, write=True)
    body = await _body(ctx)
    _check_create(ctx, body)
    return _answer(ctx, _create(ctx, namespace, body))


async def list_endpoints(ctx: Ctx, namespace: str) -> Response:
    _member(ctx, namespace, write=False)
    now = ctx.state.clock.now()
    doc = _endpoints.endpoints_doc(ctx.state)
    with doc.lock:
        records = [dict(r) for r in doc.data["endpoints"].get(namespace, {}).values()]
    items = [_endpoints.endpoint_json(r, now, ctx.hub_url) for r in records]
    return json_response({"items": items})


async def get_endpoint(ctx: Ctx, namespace: str, name: str) -> Response:
    _member(ctx, namespace, write=False)
    doc = _endpoints.endpoints_doc(ctx.state)
    with doc.lock:
        return _answer(ctx, dict(_record(doc, namespace, name)))


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        out[key] = (
            _merge(old[key], value)
            if isinstance(value, dict) and isinstance(old.get(key), dict) and key != "image"
            else value
        )
    return out


async def update(ctx: Ctx, namespace: str, name: str) -> Response:
    _member(ctx, namespace, write=True)
    body = await _body(ctx)
    if not body:
        raise HubError.bad_request("Nothing to update")
    doc = _endpoints.endpoints_doc(ctx.state)
    now = ctx.state.clock.now()
    with doc.lock:
        record = _record(doc, namespace, name)
        payload = _merge(record["payload"], body)
        compute, provider = payload["compute"], payload["provider"]
        if (
            _endpoints.find_compute(
                provider.get("vendor"),
                provider.get("region"),
                compute.get("accelerator"),
                compute.get("instanceType"),
                compute.get("instanceSize"),
            )
            is None
        ):
            raise HubError.bad_request("Invalid compute for this provider and region")
        _check_scaling(compute.get("scaling") or {})
        record["payload"] = payload
        _endpoints.lay_out(record, now, _endpoints.plan_of(ctx.state, name), "update")
        doc.save()
        return _answer(ctx, dict(record))


async def delete(ctx: Ctx, namespace: str, name: str) -> Response:
    _member(ctx, namespace, write=True)
    doc = _endpoints.endpoints_doc(ctx.state)
    with doc.lock:
        _record(doc, namespace, name)
        del doc.data["endpoints"][namespace][name]
        doc.save()
    return json_response({})


async def _transition(ctx: Ctx, namespace: str, name: str, action: str) -> Response:
    _member(ctx, namespace, write=True)
    doc = _endpoints.endpoints_doc(ctx.state)
    now = ctx.state.clock.now()
    with doc.lock:
        record = _record(doc, namespace, name)
        state = _endpoints.state_at(record, now)["state"]
        plan = _endpoints.plan_of(ctx.state, name)
        if action == "resume":
            if state in ("running", "pending", "initializing", "updating"):
                raise HubError.bad_request(f"Endpoint {name} is already running ({state})")
            _endpoints.lay_out(record, now, plan, "deploy")
        elif action == "pause":
            _endpoints.lay_out(record, now, plan, "pause")
        else:
            if state in ("paused", "failed"):
                raise HubError.bad_request(f"Cannot scale a {state} endpoint to zero")
            _endpoints.lay_out(record, now, plan, "zero")
        doc.save()
        return _answer(ctx, dict(record))


async def pause(ctx: Ctx, namespace: str, name: str) -> Response:
    return await _transition(ctx, namespace, name, "pause")


async def resume(ctx: Ctx, namespace: str, name: str) -> Response:
    return await _transition(ctx, namespace, name, "resume")


async def scale_to_zero(ctx: Ctx, namespace: str, name: str) -> Response:
    return await _transition(ctx, namespace, name, "zero")


async def providers(ctx: Ctx, namespace: str) -> Response:
    _member(ctx, namespace, write=False)
    return json_response({"vendors": _endpoints.PROVIDERS})


# --- the catalog ---


def _catalog_item(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: v for k, v in item.items() if k != "recipes"},
        "recipes": [{k: v for k, v in r.items() if k != "compute"} for r in item["recipes"]],
    }


async def catalog_list(ctx: Ctx) -> Response:
    items = list(_endpoints.CATALOG)
    wanted = {key: ctx.query(key) for key in ("accelerator", "engine", "license", "task")}
    search = (ctx.query("search") or "").lower()
    if wanted["accelerator"]:
        items = [
            i for i in items if any(r["accelerator"] == wanted["accelerator"] for r in i["recipes"])
        ]
    if wanted["engine"]:
        items = [i for i in items if any(r["engineType"] == wanted["engine"] for r in i["recipes"])]
    for key in ("license", "task"):
        if wanted[key]:
            items = [i for i in items if i[key] == wanted[key]]
    if search:
        items = [i for i in items if search in i["repoId"].lower()]
    limit = ctx.query("limit")
    if limit is not None and limit.isdigit():
        items = items[: int(limit)]
    return json_response({"items": [_catalog_item(i) for i in items]})


def _deploy_recipe(
    ctx: Ctx, body: dict[str, Any], repo_id: str, recipe: dict[str, Any]
) -> Response:
    namespace = body.get("namespace")
    if not isinstance(namespace, str):
        raise HubError.bad_request("Expected 'namespace'")
    _member(ctx, namespace, write=True)
    vendor, region, compute = _endpoints.compute_by_id(recipe["compute"])
    config = body.get("config") or {}
    name = (
        config.get("name")
        or f"{repo_id.split('/')[1].lower().replace('.', '-')[:24]}-{recipe['publicId'][-4:]}"
    )
    if not _NAME.match(name):
        raise HubError.bad_request(f"Invalid endpoint name {name!r}")
    payload = {
        "name": name,
        "type": "authenticated",
        "provider": {"vendor": vendor, "region": region},
        "compute": {
            "accelerator": compute["accelerator"],
            "instanceType": compute["instanceType"],
            "instanceSize": compute["instanceSize"],
            "scaling": {"minReplica": 0, "maxReplica": 1, "scaleToZeroTimeout": 15},
        },
        "model": {
            "repository": repo_id,
            "revision": recipe.get("revision"),
            "framework": "pytorch",
            "task": next(i["task"] for i in _endpoints.CATALOG if i["repoId"] == repo_id),
            "image": {recipe["engineType"]: {"url": f"local/{recipe['engineType']}:latest"}},
        },
    }
    record = _create(ctx, namespace, payload)
    return json_response(
        {"endpoint": _endpoints.endpoint_json(record, ctx.state.clock.now(), ctx.hub_url)}
    )


async def deploy_model(ctx: Ctx, repo_id: str) -> Response:
    body = await _body(ctx)
    item = next((i for i in _endpoints.CATALOG if i["repoId"] == repo_id), None)
    if item is None:
        raise HubError(404, f"{repo_id} is not in the catalog")
    recipes = item["recipes"]
    if body.get("accelerator"):
        recipes = [r for r in recipes if r["accelerator"] == body["accelerator"]]
    if body.get("ggufFile"):
        recipes = [r for r in recipes if r.get("ggufFile") == body["ggufFile"]]
    if not recipes:
        raise HubError.bad_request(f"No recipe of {repo_id} matches")
    return _deploy_recipe(ctx, body, repo_id, recipes[0])


async def deploy_recipe(ctx: Ctx, recipe_id: str) -> Response:
    body = await _body(ctx)
    for item in _endpoints.CATALOG:
        for recipe in item["recipes"]:
            if recipe["publicId"] == recipe_id:
                return _deploy_recipe(ctx, body, item["repoId"], recipe)
    raise HubError(404, f"Recipe {recipe_id} not found")


# --- the deployed endpoints ---


async def deployed(ctx: Ctx, namespace: str, name: str, path: str) -> Response:
    doc = _endpoints.endpoints_doc(ctx.state)
    now = ctx.state.clock.now()
    with doc.lock:
        record = _record(doc, namespace, name)
        kind = record["payload"].get("type", "authenticated")
        if kind != "public":
            _member(ctx, namespace, write=False)
        state = _endpoints.state_at(record, now)["state"]
        if state == "scaledToZero":  # a request wakes it: a cold start
            _endpoints.lay_out(record, now, _endpoints.plan_of(ctx.state, name), "wake")
            doc.save()
            state = _endpoints.state_at(record, now)["state"]
    if state != "running":
        raise HubError(503, f"Endpoint {name} is not ready ({state})")
    if path == "health" and ctx.request.method == "GET":
        return json_response({"status": "ok"})
    body = await ctx.json_body()
    inputs = body.get("inputs", "") if isinstance(body, dict) else ""
    return json_response([{"generated_text": f"{inputs} (from {name})"}])


ROUTES = [
    Route(("GET",), "/v2/endpoint/{namespace}", list_endpoints),
    Route(("POST",), "/v2/endpoint/{namespace}", create),
    Route(("GET",), "/v2/endpoint/{namespace}/{name}", get_endpoint),
    Route(("PUT",), "/v2/endpoint/{namespace}/{name}", update),
    Route(("DELETE",), "/v2/endpoint/{namespace}/{name}", delete),
    Route(("POST",), "/v2/endpoint/{namespace}/{name}/pause", pause),
    Route(("POST",), "/v2/endpoint/{namespace}/{name}/resume", resume),
    Route(("POST",), "/v2/endpoint/{namespace}/{name}/scale-to-zero", scale_to_zero),
    Route(("GET",), "/v2/provider/{namespace}", providers),
    Route(("GET",), "/api/v1/catalog/list", catalog_list),
    Route(("POST",), "/api/v1/catalog/model/{repo_id}/deploy", deploy_model),
    Route(("POST",), "/api/v1/catalog/recipe/{recipe_id}/deploy", deploy_recipe),
    Route(("GET", "POST"), "/inference/{namespace}/{name}/{path*}", deployed),
]
