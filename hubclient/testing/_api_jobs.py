"""Hub API handlers for Jobs and scheduled jobs (the lifecycles are simulated in ``_jobs.py``).

Specs are checked as the Hub checks them: a flavor it offers, an image, a command list, labels
of letters, digits, ``-`` and ``_`` (at most 100 chars), exposed ports (public ones among them),
volumes, a schedule it can parse; anything else is a 400. A namespace's jobs are its members'.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.responses import Response

from hubclient.testing import _cron, _jobs
from hubclient.testing._api_spaces import check_volumes
from hubclient.testing._errors import HubError
from hubclient.testing._hardware import JOB_FLAVORS, flavor_json
from hubclient.testing._routes import Route
from hubclient.testing._sse import sse_response
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES"]

_LABEL = re.compile(r"[A-Za-z0-9_.-]{1,100}\Z")
_LABEL_VALUE = re.compile(r"[A-Za-z0-9_.-]{0,100}\Z")


def _member(ctx: Ctx, namespace: str, *, write: bool) -> str:
    """The namespace's type, if the caller belongs to it (403/401 otherwise)."""
    if write:
        ctx.check_write(namespace)
    else:
        identity = ctx.require_identity()
        if not identity.member_of(namespace):
            raise HubError(403, f"You don't have access to the jobs of {namespace}")
    return "user" if ctx.identity is not None and ctx.identity.user == namespace else "org"


async def _body(ctx: Ctx) -> dict[str, Any]:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    return body


def check_labels(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HubError.bad_request("labels must be an object of strings")
    for key, item in value.items():
        if not isinstance(key, str) or not _LABEL.match(key):
            raise HubError.bad_request(f"Invalid label key: {key!r}")
        if not isinstance(item, str) or not _LABEL_VALUE.match(item):
            raise HubError.bad_request(f"Invalid label value for {key}: {item!r}")
    return dict(value)


def check_expose(value: Any) -> dict[str, list[int]]:
    if not isinstance(value, dict):
        raise HubError.bad_request("expose must be {ports, portsPublic}")
    ports, public = value.get("ports") or [], value.get("portsPublic") or []
    for port in [*ports, *public]:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise HubError.bad_request(f"Invalid port: {port!r}")
    if not set(public) <= set(ports):
        raise HubError.bad_request("portsPublic must be a subset of ports")
    return {"ports": list(ports), "portsPublic": list(public)}


def check_spec(spec: Any) -> dict[str, Any]:
    """A job spec as the Hub accepts it (400 otherwise), cleaned."""
    if not isinstance(spec, dict):
        raise HubError.bad_request("Expected a job spec object")
    if not spec.get("dockerImage") and not spec.get("spaceId"):
        raise HubError.bad_request("A job needs a dockerImage or a spaceId")
    command = spec.get("command")
    if not isinstance(command, list) or not command or not all(isinstance(c, str) for c in command):
        raise HubError.bad_request("command must be a non-empty list of strings")
    flavor = spec.get("flavor") or "cpu-basic"
    if flavor not in JOB_FLAVORS:
        raise HubError.bad_request(
            f"Invalid flavor: {flavor!r}. Available flavors: {', '.join(JOB_FLAVORS)}"
        )
    out = dict(spec)
    out["flavor"] = flavor
    for key in ("environment", "secrets"):
        value = spec.get(key) or {}
        if not isinstance(value, dict):
            raise HubError.bad_request(f"{key} must be an object")
        out[key] = {str(k): str(v) for k, v in value.items()}
    limit = spec.get("timeoutSeconds")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise HubError.bad_request(f"Invalid timeoutSeconds: {limit!r}")
    attempts = spec.get("attempts", 1)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or not 1 <= attempts <= 10:
        raise HubError.bad_request(f"Invalid attempts: {attempts!r}")
    out["labels"] = check_labels(spec.get("labels"))
    if spec.get("volumes") is not None:
        out["volumes"] = check_volumes(spec["volumes"])
    if spec.get("expose") is not None:
        out["expose"] = check_expose(spec["expose"])
    network = spec.get("network")
    if network is not None and (not isinstance(network, dict) or not network.get("group")):
        raise HubError.bad_request("network needs a group")
    return out


def _find(ctx: Ctx, doc: Any, namespace: str, job_id: str) -> dict[str, Any]:
    job = doc.data["jobs"].get(job_id)
    if job is None or job["namespace"] != namespace:
        raise HubError(404, f"Job {job_id} not found")
    return dict(job)


def _answer(ctx: Ctx, job: dict[str, Any]) -> Response:
    return json_response(_jobs.job_json(job, ctx.state.clock.now(), ctx.hub_url))


# --- jobs ---


async def run_job(ctx: Ctx, namespace: str) -> Response:
    owner_type = _member(ctx, namespace, write=True)
    spec = check_spec(await _body(ctx))
    identity = ctx.require_identity()
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        job = _jobs.create_job(
            ctx.state,
            spec,
            namespace=namespace,
            owner_type=owner_type,
            initiator={"type": "user", "id": f"id-{identity.user}", "name": identity.user},
        )
        _jobs.add_job(doc, job)
        doc.save()
    return _answer(ctx, job)


async def list_jobs(ctx: Ctx, namespace: str) -> Response:
    _member(ctx, namespace, write=False)
    stages = {s.upper() for s in ctx.request.query_params.getlist("stage")}
    wanted: dict[str, str] = {}
    for label in ctx.request.query_params.getlist("label"):
        key, _, value = label.partition("=")
        wanted[key] = value
    now = ctx.state.clock.now()
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _jobs.catch_up(ctx.state, doc)
        jobs = [dict(j) for j in doc.data["jobs"].values() if j["namespace"] == namespace]
    jobs = [
        j
        for j in jobs
        if (not stages or _jobs.stage_at(j, now)[0] in stages)
        and all(j["labels"].get(k) == v for k, v in wanted.items())
    ]
    jobs.sort(key=lambda j: j["createdAt"], reverse=True)
    page, headers = ctx.page(jobs, ctx.config.page_size)
    return json_response([_jobs.job_json(j, now, ctx.hub_url) for j in page], headers=headers)


async def inspect_job(ctx: Ctx, namespace: str, job_id: str) -> Response:
    _member(ctx, namespace, write=False)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _jobs.catch_up(ctx.state, doc)
        job = _find(ctx, doc, namespace, job_id)
    return _answer(ctx, job)


async def cancel_job(ctx: Ctx, namespace: str, job_id: str) -> Response:
    _member(ctx, namespace, write=True)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        job = doc.data["jobs"].get(job_id)
        if job is None or job["namespace"] != namespace:
            raise HubError(404, f"Job {job_id} not found")
        _jobs.cancel(job, ctx.state.clock.now())
        doc.save()
    return json_response({})


async def rerun_job(ctx: Ctx, namespace: str, job_id: str) -> Response:
    owner_type = _member(ctx, namespace, write=True)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        old = _find(ctx, doc, namespace, job_id)
        job = _jobs.create_job(
            ctx.state,
            old["spec"],
            namespace=namespace,
            owner_type=owner_type,
            initiator={"type": "duplicated-job", "id": job_id},
        )
        _jobs.add_job(doc, job)
        doc.save()
    return _answer(ctx, job)


async def _update(ctx: Ctx, namespace: str, job_id: str, key: str, value: Any) -> Response:
    _member(ctx, namespace, write=True)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        job = doc.data["jobs"].get(job_id)
        if job is None or job["namespace"] != namespace:
            raise HubError(404, f"Job {job_id} not found")
        if key == "labels":
            job["labels"] = value
            job["spec"] = {**job["spec"], "labels": value}
        else:
            job["spec"] = {**job["spec"], key: value}
        doc.save()
        job = dict(job)
    return _answer(ctx, job)


async def update_labels(ctx: Ctx, namespace: str, job_id: str) -> Response:
    body = await _body(ctx)
    return await _update(ctx, namespace, job_id, "labels", check_labels(body.get("labels")))


async def update_expose(ctx: Ctx, namespace: str, job_id: str) -> Response:
    body = await _body(ctx)
    return await _update(ctx, namespace, job_id, "expose", check_expose(body))


async def logs(ctx: Ctx, namespace: str, job_id: str) -> Response:
    _member(ctx, namespace, write=False)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _find(ctx, doc, namespace, job_id)
    clock = ctx.state.clock
    tail_text = ctx.query("tail")
    skip = 0
    if tail_text is not None:
        if not tail_text.isdigit():
            raise HubError.bad_request(f"Invalid tail: {tail_text!r}")
        skip = max(0, _jobs.lines_so_far(doc, job_id, clock.now()) - int(tail_text))
    return sse_response(ctx, lambda: _jobs.log_stream(doc, job_id, clock.now, skip))


async def metrics(ctx: Ctx, namespace: str, job_id: str) -> Response:
    _member(ctx, namespace, write=False)
    clock = ctx.state.clock
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        job = _find(ctx, doc, namespace, job_id)
    if _jobs.stage_at(job, clock.now())[0] in _jobs.TERMINAL:
        raise HubError(406, "Job is not running")
    since = clock.now()
    return sse_response(ctx, lambda: _jobs.metrics_stream(doc, job_id, since, clock.now))


async def list_hardware(ctx: Ctx) -> Response:
    return json_response([flavor_json(name) for name in JOB_FLAVORS])


# --- scheduled jobs ---


async def create_scheduled(ctx: Ctx, namespace: str) -> Response:
    owner_type = _member(ctx, namespace, write=True)
    body = await _body(ctx)
    spec = check_spec(body.get("jobSpec"))
    schedule = _jobs.check_schedule(body.get("schedule"))
    now = ctx.state.clock.now()
    scheduled = {
        "id": uuid.uuid4().hex[:24],
        "namespace": namespace,
        "ownerType": owner_type,
        "createdAt": now,
        "jobSpec": spec,
        "schedule": schedule,
        "suspend": bool(body.get("suspend", False)),
        "concurrency": bool(body.get("concurrency", False)),
        "nextRunAt": _cron.next_run(schedule, now),
        "lastJob": None,
    }
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        doc.data["scheduled"][scheduled["id"]] = scheduled
        doc.save()
    return json_response(_jobs.scheduled_json(scheduled))


def _scheduled(doc: Any, namespace: str, scheduled_id: str) -> dict[str, Any]:
    found = doc.data["scheduled"].get(scheduled_id)
    if found is None or found["namespace"] != namespace:
        raise HubError(404, f"Scheduled job {scheduled_id} not found")
    assert isinstance(found, dict)
    return found


async def list_scheduled(ctx: Ctx, namespace: str) -> Response:
    _member(ctx, namespace, write=False)
    label = ctx.query("label")
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _jobs.catch_up(ctx.state, doc)
        items = [
            _jobs.scheduled_json(s)
            for s in doc.data["scheduled"].values()
            if s["namespace"] == namespace
        ]
    if label:
        key, _, value = label.partition("=")
        items = [i for i in items if (i["jobSpec"].get("labels") or {}).get(key) == value]
    return json_response(items)


async def inspect_scheduled(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    _member(ctx, namespace, write=False)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _jobs.catch_up(ctx.state, doc)
        return json_response(_jobs.scheduled_json(_scheduled(doc, namespace, scheduled_id)))


async def delete_scheduled(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    _member(ctx, namespace, write=True)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _scheduled(doc, namespace, scheduled_id)
        del doc.data["scheduled"][scheduled_id]
        doc.save()
    return json_response({})


async def _set(ctx: Ctx, namespace: str, scheduled_id: str, **changes: Any) -> dict[str, Any]:
    _member(ctx, namespace, write=True)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _jobs.catch_up(ctx.state, doc)
        scheduled = _scheduled(doc, namespace, scheduled_id)
        scheduled.update(changes)
        if "schedule" in changes or changes.get("suspend") is False:
            scheduled["nextRunAt"] = _cron.next_run(scheduled["schedule"], ctx.state.clock.now())
        doc.save()
        return _jobs.scheduled_json(scheduled)


async def suspend_scheduled(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    await _set(ctx, namespace, scheduled_id, suspend=True)
    return json_response({})


async def resume_scheduled(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    await _set(ctx, namespace, scheduled_id, suspend=False)
    return json_response({})


async def update_schedule(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    body = await _body(ctx)
    schedule = _jobs.check_schedule(body.get("schedule"))
    return json_response(await _set(ctx, namespace, scheduled_id, schedule=schedule))


async def update_scheduled_labels(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    body = await _body(ctx)
    labels = check_labels(body.get("labels"))
    _member(ctx, namespace, write=True)
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        scheduled = _scheduled(doc, namespace, scheduled_id)
        scheduled["jobSpec"] = {**scheduled["jobSpec"], "labels": labels}
        doc.save()
        return json_response(_jobs.scheduled_json(scheduled))


async def trigger_scheduled(ctx: Ctx, namespace: str, scheduled_id: str) -> Response:
    _member(ctx, namespace, write=True)
    now = ctx.state.clock.now()
    doc = _jobs.jobs_doc(ctx.state)
    with doc.lock:
        _jobs.catch_up(ctx.state, doc)
        scheduled = _scheduled(doc, namespace, scheduled_id)
        running = [
            j
            for j in doc.data["jobs"].values()
            if j["initiator"].get("id") == scheduled_id
            and _jobs.stage_at(j, now)[0] not in _jobs.TERMINAL
        ]
        if running and not scheduled.get("concurrency"):
            raise HubError(409, "A run of this scheduled job is still going (concurrency is off)")
        job = _jobs.create_job(
            ctx.state,
            scheduled["jobSpec"],
            namespace=namespace,
            owner_type=scheduled["ownerType"],
            initiator={"type": "scheduled-job", "id": scheduled_id},
        )
        _jobs.add_job(doc, job)
        scheduled["lastJob"] = {"id": job["id"], "at": job["createdAt"]}
        doc.save()
    return _answer(ctx, job)


ROUTES = [
    Route("GET", "/api/jobs/hardware", list_hardware),
    Route("GET", "/api/jobs/{namespace}", list_jobs),
    Route("POST", "/api/jobs/{namespace}", run_job),
    Route("GET", "/api/jobs/{namespace}/{job_id}", inspect_job),
    Route("POST", "/api/jobs/{namespace}/{job_id}/cancel", cancel_job),
    Route("POST", "/api/jobs/{namespace}/{job_id}/duplicate", rerun_job),
    Route("PUT", "/api/jobs/{namespace}/{job_id}/labels", update_labels),
    Route("PUT", "/api/jobs/{namespace}/{job_id}/expose", update_expose),
    Route("GET", "/api/jobs/{namespace}/{job_id}/logs", logs),
    Route("GET", "/api/jobs/{namespace}/{job_id}/metrics", metrics),
    Route("GET", "/api/scheduled-jobs/{namespace}", list_scheduled),
    Route("POST", "/api/scheduled-jobs/{namespace}", create_scheduled),
    Route("GET", "/api/scheduled-jobs/{namespace}/{scheduled_id}", inspect_scheduled),
    Route("DELETE", "/api/scheduled-jobs/{namespace}/{scheduled_id}", delete_scheduled),
    Route("POST", "/api/scheduled-jobs/{namespace}/{scheduled_id}/suspend", suspend_scheduled),
    Route("POST", "/api/scheduled-jobs/{namespace}/{scheduled_id}/resume", resume_scheduled),
    Route("POST", "/api/scheduled-jobs/{namespace}/{scheduled_id}/schedule", update_schedule),
    Route("POST", "/api/scheduled-jobs/{namespace}/{scheduled_id}/run", trigger_scheduled),
    Route("PUT", "/api/scheduled-jobs/{namespace}/{scheduled_id}/labels", update_scheduled_labels),
]
