"""Jobs of the local Hub: simulated runs whose timing and outcome a test controls.

A job is a record of the Hub's ``jobs`` document: its spec, owner, labels, and a *timeline* in
the hub's clock laid out when it is created: ``SCHEDULING`` now → ``RUNNING`` after
``scheduling_seconds`` → ``COMPLETED`` (or ``ERROR``) after ``running_seconds`` (or at the
spec's ``timeoutSeconds``: ``ERROR``, "Job timeout"); a cancel cuts it to ``CANCELED``. Its log
lines and one metrics sample per clock second while it runs come with it. The outcome and times
come from a :class:`JobPlan` (``hub.jobs.plan(...)``, for all jobs or those with some labels);
by default an ``echo`` command logs its arguments. Scheduled jobs start runs when the clock
passes their next CRON time (looked at lazily, at most `MAX_CATCH_UP` runs at once).

Example::

    hub = LocalHub(clock=ManualClock())
    hub.jobs.plan(running_seconds=30, logs=("epoch 1", "epoch 2"))
    hub.jobs.plan(labels={"kind": "flaky"}, outcome="ERROR", error="CUDA out of memory")
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from hubclient.testing import _cron
from hubclient.testing._documents import Document
from hubclient.testing._errors import HubError
from hubclient.testing._records import iso_date
from hubclient.testing._sse import Event, Stream
from hubclient.testing._web import HubState

__all__ = ["MAX_CATCH_UP", "JobPlan", "JobsControl"]

TERMINAL = frozenset({"COMPLETED", "CANCELED", "ERROR", "DELETED"})
MAX_CATCH_UP = 50
_KEEP_JOBS = 5000
_STARTED = "===== Job started at {} ====="


@dataclass(frozen=True)
class JobPlan:
    """How the next jobs go (times in clock seconds)."""

    scheduling_seconds: float = 0.5
    running_seconds: float = 2.0
    outcome: Literal["COMPLETED", "ERROR"] = "COMPLETED"
    logs: tuple[str, ...] | None = None
    """The lines it prints (default: the arguments of an ``echo`` command, else none)."""
    error: str = "Process exited with code 1"

    def __post_init__(self) -> None:
        if self.outcome not in ("COMPLETED", "ERROR"):
            raise ValueError(f"a job ends COMPLETED or ERROR, not {self.outcome!r}")
        if self.scheduling_seconds < 0 or self.running_seconds < 0:
            raise ValueError("durations are >= 0")


@dataclass
class _Plans:
    default: JobPlan = field(default_factory=JobPlan)
    by_labels: list[tuple[dict[str, str], JobPlan]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, labels: dict[str, str]) -> JobPlan:
        with self.lock:
            for wanted, plan in reversed(self.by_labels):
                if all(labels.get(k) == v for k, v in wanted.items()):
                    return plan
            return self.default


def _plans(state: HubState) -> _Plans:
    plans = state.controls.get("jobs")
    if plans is None:
        plans = state.controls.setdefault("jobs", _Plans())
    assert isinstance(plans, _Plans)
    return plans


def jobs_doc(state: HubState) -> Document:
    doc = state.documents.hub("jobs")
    with doc.lock:
        doc.data.setdefault("jobs", {})
        doc.data.setdefault("scheduled", {})
    return doc


def _new_id() -> str:
    return uuid.uuid4().hex[:24]


def _lines(command: list[str], plan: JobPlan) -> list[str]:
    if plan.logs is not None:
        return list(plan.logs)
    if command[:1] == ["echo"]:
        return [" ".join(command[1:])]
    return []


def create_job(
    state: HubState,
    spec: dict[str, Any],
    *,
    namespace: str,
    owner_type: str,
    initiator: dict[str, Any],
    at: float | None = None,
) -> dict[str, Any]:
    """A new job record with its whole timeline, created now (or ``at``: a scheduled run that
    was due then); call holding the jobs document's lock."""
    now = state.clock.now() if at is None else at
    labels = dict(spec.get("labels") or {})
    plan = _plans(state).of(labels)
    start = now + plan.scheduling_seconds
    end = start + plan.running_seconds
    outcome, message = plan.outcome, (plan.error if plan.outcome == "ERROR" else None)
    limit = spec.get("timeoutSeconds")
    if isinstance(limit, int) and start + limit < end:
        end, outcome, message = start + limit, "ERROR", "Job timeout"
    texts = _lines(list(spec.get("command") or []), plan)
    if outcome == "ERROR" and message != "Job timeout":
        texts.append(message or "")
    span = max(end - start, 0.0)
    lines = [
        {"at": start + span * (i + 1) / (len(texts) + 1), "data": text}
        for i, text in enumerate(texts)
    ]
    return {
        "id": _new_id(),
        "namespace": namespace,
        "ownerType": owner_type,
        "createdAt": now,
        "spec": spec,
        "labels": labels,
        "initiator": initiator,
        "timeline": [
            {"at": now, "stage": "SCHEDULING"},
            {"at": start, "stage": "RUNNING"},
            {"at": end, "stage": outcome, "message": message},
        ],
        "lines": [{"at": start, "data": _STARTED.format(iso_date(start))}, *lines],
        "replica": uuid.uuid4().hex[:5],
    }


def add_job(doc: Document, job: dict[str, Any]) -> None:
    jobs: dict[str, Any] = doc.data["jobs"]
    jobs[job["id"]] = job
    while len(jobs) > _KEEP_JOBS:
        jobs.pop(next(iter(jobs)))


def stage_at(job: dict[str, Any], now: float) -> tuple[str, str | None]:
    stage, message = "SCHEDULING", None
    for step in job["timeline"]:
        if step["at"] <= now:
            stage, message = step["stage"], step.get("message")
    return stage, message


def _at(job: dict[str, Any], stage: str) -> float | None:
    return next((s["at"] for s in job["timeline"] if s["stage"] == stage), None)


def cancel(job: dict[str, Any], now: float) -> None:
    stage, _ = stage_at(job, now)
    if stage in TERMINAL:
        return
    job["timeline"] = [s for s in job["timeline"] if s["at"] <= now]
    job["timeline"].append({"at": now, "stage": "CANCELED", "message": "Canceled by user"})
    job["lines"] = [line for line in job["lines"] if line["at"] <= now]


def job_json(job: dict[str, Any], now: float, hub_url: str) -> dict[str, Any]:
    """The job as ``GET /api/jobs/{namespace}/{id}`` answers it at ``now``."""
    spec = job["spec"]
    stage, message = stage_at(job, now)
    started = _at(job, "RUNNING")
    ended = job["timeline"][-1]["at"] if job["timeline"][-1]["stage"] in TERMINAL else None
    started = started if started is not None and started <= now else None
    ended = ended if ended is not None and ended <= now else None
    status: dict[str, Any] = {"stage": stage, "message": message}
    expose = spec.get("expose")
    if expose and stage == "RUNNING":
        status["exposeUrls"] = [f"https://{job['id']}--{p}.hf.jobs" for p in expose["ports"]]
    if (spec.get("ssh") or {}).get("enabled"):
        status["sshUrl"] = f"ssh://{job['id']}@ssh.hf.jobs"
    created = job["createdAt"]
    out: dict[str, Any] = {
        "id": job["id"],
        "createdAt": iso_date(created),
        "command": spec.get("command"),
        "arguments": spec.get("arguments", []),
        "environment": spec.get("environment", {}),
        "secrets": dict.fromkeys(spec.get("secrets") or {}),
        "flavor": spec.get("flavor"),
        "labels": job["labels"] or None,
        "status": status,
        "durations": {
            "schedulingSecs": int((started if started is not None else now) - created),
            "runningSecs": None
            if started is None
            else int((ended if ended is not None else now) - started),
            "totalSecs": int((ended if ended is not None else now) - created),
        },
        "owner": {
            "id": f"id-{job['namespace']}",
            "name": job["namespace"],
            "type": job["ownerType"],
        },
        "initiator": job["initiator"],
        "retry": max(0, int(spec.get("attempts", 1)) - 1),
    }
    for key, wire in (("dockerImage", "dockerImage"), ("spaceId", "spaceId")):
        if spec.get(key):
            out[wire] = spec[key]
    for key in ("volumes", "expose", "network", "timeoutSeconds"):
        if spec.get(key) is not None:
            out[key] = spec[key]
    if started is not None:
        out["startedAt"] = iso_date(started)
    if ended is not None:
        out["finishedAt"] = iso_date(ended)
    out["url"] = f"{hub_url}/jobs/{job['namespace']}/{job['id']}"
    return out


def log_stream(doc: Document, job_id: str, now_of: Any, skip: int) -> Stream:
    """The job's log lines after the first ``skip`` (a ``tail`` fixed when the stream began)."""
    with doc.lock:
        job = doc.data["jobs"].get(job_id)
        if job is None:
            return Stream([], False)
        now = now_of()
        lines = list(job["lines"])[skip:]
        stage, _ = stage_at(job, now)
    events = [Event(x["at"], {"data": x["data"], "timestamp": iso_date(x["at"])}) for x in lines]
    return Stream(events, stage not in TERMINAL)


def lines_so_far(doc: Document, job_id: str, now: float) -> int:
    with doc.lock:
        job = doc.data["jobs"].get(job_id)
        return 0 if job is None else sum(1 for x in job["lines"] if x["at"] <= now)


def metrics_stream(doc: Document, job_id: str, since: float, now_of: Any) -> Stream:
    """One sample per clock second of running time, from the moment the stream was asked."""
    with doc.lock:
        job = doc.data["jobs"].get(job_id)
        if job is None:
            return Stream([], False)
        start, end = _at(job, "RUNNING"), job["timeline"][-1]["at"]
        replica, flavor = job["replica"], job["spec"].get("flavor")
        canceled = job["timeline"][-1]["stage"] == "CANCELED"
        now = now_of()
    if start is None:
        return Stream([], False)
    first = max(start, since)
    rng = random.Random(replica)
    events: list[Event] = []
    t = first
    limit = min(end, max(now, first) + 5)  # the next few seconds; the source is asked again
    while t <= limit and len(events) < 100:
        gpus = (
            {}
            if str(flavor).startswith("cpu")
            else {"gpu0": {"utilization": rng.randint(0, 100), "memory_used_bytes": 0}}
        )
        sample = {
            "cpu_usage_pct": rng.randint(0, 100),
            "cpu_millicores": 2000,
            "memory_used_bytes": rng.randint(1, 8) * 2**28,
            "memory_total_bytes": 16 * 2**30,
            "rx_bps": 0,
            "tx_bps": 0,
            "gpus": gpus,
            "replica": replica,
        }
        events.append(Event(t, sample, kind="metric"))
        t += 1.0
    return Stream(events, not canceled and end > now)


def catch_up(state: HubState, doc: Document) -> None:
    """Start the runs of scheduled jobs whose time has come (call holding the lock)."""
    now = state.clock.now()
    for scheduled in doc.data["scheduled"].values():
        for _ in range(MAX_CATCH_UP):
            due = scheduled.get("nextRunAt")
            if due is None or due > now or scheduled.get("suspend"):
                break
            scheduled["nextRunAt"] = _cron.next_run(scheduled["schedule"], due)
            running = [
                j
                for j in doc.data["jobs"].values()
                if j["initiator"].get("id") == scheduled["id"]
                and stage_at(j, due)[0] not in TERMINAL
            ]
            if running and not scheduled.get("concurrency"):
                continue  # a run is still going: this one is skipped
            job = create_job(
                state,
                scheduled["jobSpec"],
                namespace=scheduled["namespace"],
                owner_type=scheduled["ownerType"],
                initiator={"type": "scheduled-job", "id": scheduled["id"]},
                at=due,
            )
            add_job(doc, job)
            scheduled["lastJob"] = {"id": job["id"], "at": job["createdAt"]}


def scheduled_json(scheduled: dict[str, Any]) -> dict[str, Any]:
    last = scheduled.get("lastJob")
    spec = dict(scheduled["jobSpec"])
    return {
        "id": scheduled["id"],
        "createdAt": iso_date(scheduled["createdAt"]),
        "jobSpec": spec,
        "schedule": scheduled["schedule"],
        "suspend": bool(scheduled.get("suspend")),
        "concurrency": bool(scheduled.get("concurrency")),
        "status": {
            "lastJob": None if last is None else {"id": last["id"], "at": iso_date(last["at"])},
            "nextJobRunAt": None
            if scheduled.get("nextRunAt") is None
            else iso_date(scheduled["nextRunAt"]),
        },
        "owner": {
            "id": f"id-{scheduled['namespace']}",
            "name": scheduled["namespace"],
            "type": scheduled["ownerType"],
        },
    }


class JobsControl:
    """What a test controls about Jobs (``hub.jobs``): plans, forced ends, a look at a job."""

    def __init__(self, state: HubState) -> None:
        self._state = state

    def plan(self, labels: dict[str, str] | None = None, **changes: Any) -> JobPlan:
        """Set how the next jobs go: all of them (``labels=None``), or those whose labels
        include ``labels``; returns the plan now in force. ``changes`` are :class:`JobPlan`
        fields."""
        plans = _plans(self._state)
        with plans.lock:
            if labels is None:
                plans.default = replace(plans.default, **changes)
                return plans.default
            base = next((p for w, p in plans.by_labels if w == labels), plans.default)
            plan = replace(base, **changes)
            plans.by_labels = [(w, p) for w, p in plans.by_labels if w != labels]
            plans.by_labels.append((dict(labels), plan))
            return plan

    def finish(self, job_id: str, stage: Literal["COMPLETED", "ERROR"] = "COMPLETED") -> None:
        """End a job now with ``stage`` (as if its process exited)."""
        doc = jobs_doc(self._state)
        with doc.lock:
            job = doc.data["jobs"].get(job_id)
            if job is None:
                raise KeyError(f"no job {job_id}")
            now = self._state.clock.now()
            if stage_at(job, now)[0] in TERMINAL:
                return
            job["timeline"] = [s for s in job["timeline"] if s["at"] <= now]
            if stage_at(job, now)[0] == "SCHEDULING":
                job["timeline"].append({"at": now, "stage": "RUNNING"})
            job["timeline"].append({"at": now, "stage": stage, "message": None})
            job["lines"] = [x for x in job["lines"] if x["at"] <= now]
            doc.save()

    def stage(self, job_id: str) -> str:
        """The stage of a job now."""
        doc = jobs_doc(self._state)
        with doc.lock:
            job = doc.data["jobs"].get(job_id)
            if job is None:
                raise KeyError(f"no job {job_id}")
            return stage_at(job, self._state.clock.now())[0]


def check_schedule(schedule: Any) -> str:
    try:
        _cron.parse(schedule)
    except _cron.CronError as exc:
        raise HubError.bad_request(f"Invalid schedule: {exc}") from None
    return str(schedule)
