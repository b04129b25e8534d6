"""Hub API handlers for Spaces: runtime, hardware, sleep time, pause/restart, dev mode, secrets,
variables, volumes, logs (SSE), the hardware and template lists, the ZeroGPU quota, duplicate.

The lifecycle behind them is simulated in ``_spaces.py``; these handlers check who may do what,
validate bodies as the Hub does (400 for hardware it does not offer, a bad secret key, a volume
without a mount path), and answer the runtime after each change.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from hubclient.testing import _spaces
from hubclient.testing._errors import HubError, Redirect
from hubclient.testing._hardware import SPACE_FLAVORS, flavor_json
from hubclient.testing._records import iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._sse import Stream, sse_response
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES"]

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,255}\Z")
_VOLUME_TYPES = ("bucket", "model", "dataset", "space")
_TEMPLATES = [
    {"name": "Gradio", "repoId": "gradio-templates/chatbot", "sdk": "gradio"},
    {"name": "Streamlit", "repoId": "streamlit/streamlit-template-space", "sdk": "docker"},
    {"name": "JupyterLab", "repoId": "SpacesExamples/jupyterlab", "sdk": "docker"},
    {"name": "Static HTML", "repoId": "static-templates/blank", "sdk": "static"},
]
_ZERO_GPU_BASE = 1500.0


def _space(repo: Repo) -> Repo:
    if repo.type != "space":
        raise HubError(404, "Only Spaces have a runtime")
    return repo


async def _body(ctx: Ctx) -> dict[str, Any]:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    return body


def _runtime(ctx: Ctx, repo: Repo) -> Response:
    return json_response(_spaces.runtime_json(ctx.state, repo))


async def get_runtime(ctx: Ctx, repo: Repo) -> Response:
    return _runtime(ctx, _space(repo))


def _flavor(value: Any) -> str:
    if not isinstance(value, str) or value not in SPACE_FLAVORS:
        raise HubError.bad_request(
            f"Invalid hardware flavor: {value!r}. Available flavors: {', '.join(SPACE_FLAVORS)}"
        )
    return value


def _seconds(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or (value < 1 and value != -1):
        raise HubError.bad_request(f"Invalid {what}: {value!r} (seconds > 0, or -1 for never)")
    return value


async def request_hardware(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    body = await _body(ctx)
    flavor = _flavor(body.get("flavor"))
    sleep = body.get("sleepTimeSeconds")
    if sleep is not None:
        sleep = _seconds(sleep, "sleepTimeSeconds")
    _spaces.check_not_static(repo, "change the hardware of")
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        now = _spaces.refresh(ctx.state, repo, doc)
        doc.data["requested"] = flavor
        if sleep is not None:
            doc.data["sleepTime"] = sleep
        if doc.data["hasApp"]:
            _spaces.restart(doc.data, now, _spaces.plan_of(ctx.state, repo.id))
        doc.save()
    return _runtime(ctx, repo)


async def set_sleep_time(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    body = await _body(ctx)
    seconds = _seconds(body.get("seconds"), "seconds")
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        doc.data["sleepTime"] = seconds  # cpu-basic keeps its fixed 48 h (see the runtime)
        doc.save()
    return _runtime(ctx, repo)


async def pause(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    _spaces.check_not_static(repo, "pause")
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        now = _spaces.refresh(ctx.state, repo, doc)
        doc.data["timeline"] = [s for s in doc.data["timeline"] if s["at"] <= now]
        doc.data["timeline"].append({"at": now, "stage": "PAUSED", "hardware": None})
        doc.data["paused"] = True
        doc.save()
    return _runtime(ctx, repo)


async def restart(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    _spaces.check_not_static(repo, "restart")
    plan = _spaces.plan_of(ctx.state, repo.id)
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        now = _spaces.refresh(ctx.state, repo, doc)
        started = any(run["start"] <= now for run in doc.data["runs"])
        if not doc.data["hasApp"]:
            doc.data["paused"] = False
        elif ctx.flag("factory") or not started:  # never built yet, or still building: rebuild
            _spaces.build(doc.data, now, plan, doc.data["builtSha"] or "0" * 40)
        else:
            _spaces.restart(doc.data, now, plan)
        doc.save()
    return _runtime(ctx, repo)


async def dev_mode(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    body = await _body(ctx)
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        raise HubError.bad_request("Expected 'enabled': true or false")
    _spaces.check_not_static(repo, "set dev mode on")
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        doc.data["devMode"] = enabled
        doc.save()
    return _runtime(ctx, repo)


# --- secrets and variables ---


def _key(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise HubError.bad_request(
            f"Invalid {what} key {value!r}: must start with a letter or an underscore and "
            "contain only letters, digits and underscores"
        )
    return value


def _entries(values: dict[str, Any], *, with_value: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, entry in values.items():
        item: dict[str, Any] = {"description": entry.get("description"), "updatedAt": entry["at"]}
        if with_value:
            item["value"] = entry["value"]
        out[key] = item
    return out


async def _set_entry(ctx: Ctx, repo: Repo, area: str, what: str) -> dict[str, Any]:
    _space(repo)
    ctx.check_write(repo.namespace)
    body = await _body(ctx)
    key = _key(body.get("key"), what)
    value = body.get("value")
    if not isinstance(value, str):
        raise HubError.bad_request(f"Expected a string 'value' for the {what} {key}")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        raise HubError.bad_request("Expected a string 'description'")
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        entries: dict[str, Any] = doc.data[area]
        old = entries.get(key, {})
        entries[key] = {
            "value": value,
            "description": description if description is not None else old.get("description"),
            "at": iso_date(ctx.state.clock.now()),
        }
        doc.save()
        return dict(entries)


async def _delete_entry(ctx: Ctx, repo: Repo, area: str, what: str) -> dict[str, Any]:
    _space(repo)
    ctx.check_write(repo.namespace)
    body = await _body(ctx)
    key = _key(body.get("key"), what)
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        entries: dict[str, Any] = doc.data[area]
        entries.pop(key, None)
        doc.save()
        return dict(entries)


async def get_secrets(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        return json_response(_entries(doc.data["secrets"], with_value=False))


async def add_secret(ctx: Ctx, repo: Repo) -> Response:
    await _set_entry(ctx, repo, "secrets", "secret")
    return json_response({})


async def delete_secret(ctx: Ctx, repo: Repo) -> Response:
    await _delete_entry(ctx, repo, "secrets", "secret")
    return json_response({})


async def get_variables(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        return json_response(_entries(doc.data["variables"], with_value=True))


async def add_variable(ctx: Ctx, repo: Repo) -> Response:
    entries = await _set_entry(ctx, repo, "variables", "variable")
    return json_response(_entries(entries, with_value=True))


async def delete_variable(ctx: Ctx, repo: Repo) -> Response:
    entries = await _delete_entry(ctx, repo, "variables", "variable")
    return json_response(_entries(entries, with_value=True))


# --- volumes ---


def check_volumes(value: Any) -> list[dict[str, Any]]:
    """The volumes of a body, as the Hub checks them (a list of mounts at distinct paths)."""
    if not isinstance(value, list):
        raise HubError.bad_request("Expected 'volumes' to be a list")
    out: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            raise HubError.bad_request("Each volume is a JSON object")
        if item.get("type") not in _VOLUME_TYPES:
            raise HubError.bad_request(f"Invalid volume type: {item.get('type')!r}")
        source, mount = item.get("source"), item.get("mountPath")
        if not isinstance(source, str) or source.count("/") != 1:
            raise HubError.bad_request(f"Invalid volume source: {source!r}")
        if not isinstance(mount, str) or not mount.startswith("/") or mount == "/":
            raise HubError.bad_request(f"Invalid mount path: {mount!r} (absolute, not '/')")
        if any(o["mountPath"] == mount for o in out):
            raise HubError.bad_request(f"Two volumes are mounted at {mount}")
        clean = {
            k: item[k] for k in ("type", "source", "mountPath", "revision", "path") if k in item
        }
        clean["readOnly"] = bool(item.get("readOnly", item["type"] != "bucket"))
        out.append(clean)
    return out


async def set_volumes(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    body = await _body(ctx)
    volumes = check_volumes(body.get("volumes"))
    _spaces.check_not_static(repo, "mount volumes in")
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        doc.data["volumes"] = volumes or None
        doc.save()
    return json_response({})


async def delete_volumes(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    ctx.check_write(repo.namespace)
    doc = _spaces.space_doc(ctx.state, repo)
    with doc.lock:
        if not doc.data["volumes"]:
            raise HubError.bad_request("This Space has no volumes")
        doc.data["volumes"] = None
        doc.save()
    return json_response({})


# --- logs ---


async def logs(ctx: Ctx, repo: Repo, kind: str) -> Response:
    _space(repo)
    if kind not in ("build", "run"):
        raise HubError(404, f"Not found: logs/{kind}")
    state = ctx.state
    _spaces.stage_of(state, repo)  # catch up with the repo before the answer starts

    def source() -> Stream:
        if not _still_there(ctx, repo):  # a deleted Space's stream ends (its next ask is a 404)
            return Stream([], open=False, generation="deleted")
        return _spaces.log_stream(state, repo, kind)  # type: ignore[arg-type]

    return sse_response(ctx, source)


def _still_there(ctx: Ctx, repo: Repo) -> bool:
    try:
        found = ctx.store.find("space", repo.id)
    except Redirect:
        return True  # moved: the same Space under its new name
    return found is not None and found.uid == repo.uid


# --- lists and the quota ---


async def list_hardware(ctx: Ctx) -> Response:
    return json_response([flavor_json(name) for name in SPACE_FLAVORS])


async def list_templates(ctx: Ctx) -> Response:
    return json_response({"templates": [{**t, "preferredPrivate": False} for t in _TEMPLATES]})


async def zero_gpu_quota(ctx: Ctx) -> Response:
    if ctx.identity is None:
        raise HubError(401, "Invalid credentials in Authorization header")
    return json_response(
        {"base": _ZERO_GPU_BASE, "current": _ZERO_GPU_BASE, "resetsAt": None, "overquotaUsed": 0}
    )


# --- duplicate ---


async def duplicate(ctx: Ctx, repo: Repo) -> Response:
    _space(repo)
    body = await _body(ctx)
    target = body.get("repository")
    if not isinstance(target, str) or target.count("/") != 1:
        raise HubError.bad_request("Expected 'repository' as namespace/name")
    identity = ctx.check_write(target.split("/", 1)[0])
    url = f"{ctx.hub_url}/spaces/{target}"
    private = body.get("private")
    if body.get("visibility") is not None:
        private = body["visibility"] != "public"
    hardware = _flavor(body["hardware"]) if body.get("hardware") is not None else None
    sleep = body.get("sleepTimeSeconds")
    if sleep is not None:
        sleep = _seconds(sleep, "sleepTimeSeconds")
    volumes = check_volumes(body["volumes"]) if body.get("volumes") is not None else None
    extra: dict[str, dict[str, Any]] = {"secrets": {}, "variables": {}}
    for area in ("secrets", "variables"):
        for item in body.get(area) or []:
            if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                raise HubError.bad_request(f"Each of '{area}' is {{key, value, description?}}")
            key = _key(item.get("key"), area[:-1])
            extra[area][key] = {"value": item["value"], "description": item.get("description")}
    if ctx.store.find("space", target) is not None:
        raise HubError(409, "You already created this space repo", body={"url": url})
    copy = ctx.store.duplicate(
        repo,
        target,
        author=identity.user,
        private=bool(repo.private if private is None else private),
        sdk=_spaces.sdk_of(repo),
    )
    source = _spaces.space_doc(ctx.state, repo)
    with source.lock:
        variables = {k: dict(v) for k, v in source.data["variables"].items()}
    doc = _spaces.space_doc(ctx.state, copy)
    stamp = iso_date(ctx.state.clock.now())
    with doc.lock:
        doc.data["variables"] = variables
        for area, entries in extra.items():
            for key, entry in entries.items():
                doc.data[area][key] = {**entry, "at": stamp}
        if hardware is not None:
            doc.data["requested"] = hardware
        if sleep is not None:
            doc.data["sleepTime"] = sleep
        doc.data["volumes"] = volumes or None
        doc.save()
    _spaces.stage_of(ctx.state, copy)  # the copy builds from now
    return json_response({"url": url})


ROUTES = [
    Route("GET", "/api/spaces/hardware", list_hardware),
    Route("GET", "/api/spaces/templates", list_templates),
    Route("GET", "/api/spaces/zero-gpu/quota", zero_gpu_quota),
    Route("GET", "/api/{types}/{repo}/runtime", get_runtime, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/hardware", request_hardware, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/sleeptime", set_sleep_time, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/pause", pause, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/restart", restart, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/dev-mode", dev_mode, types=("spaces",)),
    Route("GET", "/api/{types}/{repo}/secrets", get_secrets, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/secrets", add_secret, types=("spaces",)),
    Route("DELETE", "/api/{types}/{repo}/secrets", delete_secret, types=("spaces",)),
    Route("GET", "/api/{types}/{repo}/variables", get_variables, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/variables", add_variable, types=("spaces",)),
    Route("DELETE", "/api/{types}/{repo}/variables", delete_variable, types=("spaces",)),
    Route("PUT", "/api/{types}/{repo}/volumes", set_volumes, types=("spaces",)),
    Route("DELETE", "/api/{types}/{repo}/volumes", delete_volumes, types=("spaces",)),
    Route("GET", "/api/{types}/{repo}/logs/{kind}", logs, types=("spaces",)),
    Route("POST", "/api/{types}/{repo}/duplicate", duplicate, types=("spaces",)),
]
