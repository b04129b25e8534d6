"""Spaces of the local Hub: a simulated runtime whose lifecycle a test controls.

A Space's state is a document of its repo (``state/space.json``): requested hardware, sleep
time, dev mode, secrets, variables, volumes, and a *timeline* of stages in the hub's clock.
Nothing runs: a commit that changes the app (or a restart, a hardware request) lays out the
next stages at once, e.g. ``BUILDING`` now → ``APP_STARTING`` at +build → ``RUNNING`` at
+build+start, with build and run log lines at their times, and reading the runtime reads the
timeline at the clock's "now". How long each step takes and how it ends come from a
:class:`SpacePlan` (``hub.spaces.plan(...)``): ``RUNNING``, ``BUILD_ERROR`` or
``RUNTIME_ERROR``. With a `ManualClock` nothing moves until the test advances it.

Example::

    hub = LocalHub(clock=ManualClock())
    hub.spaces.plan(build_seconds=10, start_seconds=2)
    hub.spaces.plan("alice/broken", outcome="BUILD_ERROR")
    hub.seed_repo("alice/demo", {"app.py": "print(1)"}, repo_type="space")
    hub.spaces.runtime("alice/demo")["stage"]   # BUILDING
    hub.advance(12)                              # RUNNING
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from hubclient.testing._card import card_data
from hubclient.testing._documents import Document
from hubclient.testing._errors import HubError
from hubclient.testing._records import iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._sse import Event, Stream
from hubclient.testing._web import HubState

__all__ = ["SpacePlan", "SpacesControl", "plan_of", "runtime_json", "space_doc"]

Outcome = Literal["RUNNING", "BUILD_ERROR", "RUNTIME_ERROR"]
RUNNING_LIKE = frozenset({"RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"})
_KEEP_RUNS = 5
_APP_FILES = {"gradio": "app.py", "streamlit": "app.py", "docker": "Dockerfile"}
CPU_BASIC_SLEEP = 172800


@dataclass(frozen=True)
class SpacePlan:
    """How the next builds and starts of a Space go (times in clock seconds)."""

    build_seconds: float = 1.0
    start_seconds: float = 0.5
    outcome: Outcome = "RUNNING"
    build_logs: tuple[str, ...] = (
        "--> FROM docker.io/library/python:3.10",
        "--> RUN pip install --no-cache-dir -r requirements.txt",
        "--> COPY --link ./ /home/user/app",
        "--> Pushing image",
    )
    run_logs: tuple[str, ...] = ("* Running on local URL:  http://0.0.0.0:7860",)
    error: str = "the app exited with code 1"

    def __post_init__(self) -> None:
        if self.outcome not in ("RUNNING", "BUILD_ERROR", "RUNTIME_ERROR"):
            raise ValueError(
                f"a Space plan ends RUNNING, BUILD_ERROR or RUNTIME_ERROR, not {self.outcome!r}"
            )
        if self.build_seconds < 0 or self.start_seconds < 0:
            raise ValueError("durations are >= 0")


@dataclass
class _Plans:
    default: SpacePlan = field(default_factory=SpacePlan)
    per_space: dict[str, SpacePlan] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, repo_id: str) -> SpacePlan:
        with self.lock:
            return self.per_space.get(repo_id, self.default)


def _plans(state: HubState) -> _Plans:
    plans = state.controls.get("spaces")
    if plans is None:
        plans = state.controls.setdefault("spaces", _Plans())
    assert isinstance(plans, _Plans)
    return plans


def plan_of(state: HubState, repo_id: str) -> SpacePlan:
    """The plan the next build or start of ``repo_id`` follows."""
    return _plans(state).of(repo_id)


def space_doc(state: HubState, repo: Repo) -> Document:
    """The Space's document, reset if it belonged to an earlier repo of the same folder."""
    doc = state.documents.repo(repo, "space")
    with doc.lock:
        if doc.data.get("uid") != repo.uid:
            doc.data.clear()
            doc.data.update(
                {
                    "uid": repo.uid,
                    "requested": "cpu-basic",
                    "sleepTime": None,
                    "devMode": False,
                    "paused": False,
                    "secrets": {},
                    "variables": {},
                    "volumes": None,
                    "builtSha": None,
                    "hasApp": False,
                    "timeline": [],
                    "builds": [],
                    "runs": [],
                }
            )
    return doc


def sdk_of(repo: Repo) -> str:
    return str(repo.meta.get("sdk") or "gradio")


def _has_app(state: HubState, repo: Repo, commit: str) -> bool:
    snapshot = repo.snapshot(commit)
    sdk = sdk_of(repo)
    wanted = _APP_FILES.get(sdk, "index.html")
    readme = snapshot.files.get("README.md")
    if readme is not None and not readme.lfs and readme.size < 100_000 and sdk != "docker":
        card = card_data(state.store.objects.read_bytes(readme.sha256).decode("utf-8", "replace"))
        if card and isinstance(card.get("app_file"), str):
            wanted = card["app_file"]
    return wanted in snapshot.files


def _stage_at(data: dict[str, Any], now: float) -> str:
    if data.get("paused"):
        return "PAUSED"
    stage = "NO_APP_FILE"
    for step in data["timeline"]:
        if step["at"] <= now:
            stage = step["stage"]
    return stage


def _hardware_at(data: dict[str, Any], now: float) -> str | None:
    current = None
    for step in data["timeline"]:
        if step["at"] <= now and "hardware" in step:
            current = step["hardware"]
    return current


def _lines(start: float, span: float, texts: list[str]) -> list[dict[str, Any]]:
    count = max(1, len(texts))
    return [{"at": start + span * i / count, "data": text + "\n"} for i, text in enumerate(texts)]


def _keep(runs: list[dict[str, Any]], new: dict[str, Any]) -> list[dict[str, Any]]:
    return [*runs, new][-_KEEP_RUNS:]


def _start(data: dict[str, Any], at: float, plan: SpacePlan, steps: list[dict[str, Any]]) -> None:
    """The app starts at ``at``: RUNNING (or RUNTIME_ERROR) after ``start_seconds``."""
    ready = at + plan.start_seconds
    if plan.outcome == "RUNTIME_ERROR":
        steps.append({"at": ready, "stage": "RUNTIME_ERROR", "hardware": None})
        texts = [
            f"===== Application Startup at {iso_date(ready)} =====",
            "Traceback (most recent call last):",
            '  File "/home/user/app/app.py", line 1, in <module>',
            f"RuntimeError: {plan.error}",
        ]
    else:
        steps.append({"at": ready, "stage": "RUNNING", "hardware": data["requested"]})
        texts = [f"===== Application Startup at {iso_date(ready)} =====", *plan.run_logs]
    run = {"id": uuid.uuid4().hex[:12], "start": at, "lines": _lines(ready, 0.0, texts)}
    data["runs"] = _keep(data["runs"], run)


def build(data: dict[str, Any], now: float, plan: SpacePlan, sha: str) -> None:
    """Lay out a build that starts now (and the start of the app if it builds)."""
    was_running = _stage_at(data, now) in RUNNING_LIKE
    steps = [s for s in data["timeline"] if s["at"] <= now]
    steps.append({"at": now, "stage": "RUNNING_BUILDING" if was_running else "BUILDING"})
    done = now + plan.build_seconds
    texts = [
        f"===== Build Queued at {iso_date(now)} / Commit SHA: {sha[:7]} =====",
        *plan.build_logs,
    ]
    if plan.outcome == "BUILD_ERROR":
        steps.append({"at": done, "stage": "BUILD_ERROR", "hardware": None})
        texts.append(f"ERROR: failed to build: {plan.error}")
    else:
        texts.append("--> Build complete")
        steps.append(
            {"at": done, "stage": "RUNNING_APP_STARTING" if was_running else "APP_STARTING"}
        )
        _start(data, done, plan, steps)
    data["paused"] = False
    data["timeline"] = steps
    entry = {
        "id": uuid.uuid4().hex[:12],
        "start": now,
        "lines": _lines(now, plan.build_seconds, texts),
    }
    data["builds"] = _keep(data["builds"], entry)


def restart(data: dict[str, Any], now: float, plan: SpacePlan) -> None:
    """The app restarts now on the requested hardware (no rebuild)."""
    steps = [s for s in data["timeline"] if s["at"] <= now]
    steps.append({"at": now, "stage": "APP_STARTING"})
    data["paused"] = False
    _start(data, now, plan, steps)
    data["timeline"] = steps


def refresh(state: HubState, repo: Repo, doc: Document) -> float:
    """Catch up with the repo (a new commit builds); the clock's now (call holding the lock)."""
    now = state.clock.now()
    data = doc.data
    head = repo.resolve(None).commit if repo.refs.heads else None
    if head is not None and head != data["builtSha"]:
        data["builtSha"] = head
        data["hasApp"] = _has_app(state, repo, head)
        if data["hasApp"]:
            if sdk_of(repo) == "static":
                data["timeline"] = [{"at": now, "stage": "RUNNING", "hardware": "cpu-basic"}]
            else:
                build(data, now, _plans(state).of(repo.id), head)
        doc.save()
    return now


def stage_of(state: HubState, repo: Repo) -> str:
    doc = space_doc(state, repo)
    with doc.lock:
        now = refresh(state, repo, doc)
        return _stage_at(doc.data, now)


def runtime_json(state: HubState, repo: Repo) -> dict[str, Any]:
    """``GET /api/spaces/{repo}/runtime``, as the clock says now."""
    doc = space_doc(state, repo)
    with doc.lock:
        now = refresh(state, repo, doc)
        data = doc.data
        stage = _stage_at(data, now)
        current = None if stage in ("PAUSED", "NO_APP_FILE") else _hardware_at(data, now)
        requested = data["requested"]
        sleep = CPU_BASIC_SLEEP if requested == "cpu-basic" else data["sleepTime"]
        out: dict[str, Any] = {
            "stage": stage,
            "hardware": {"current": current, "requested": requested},
            "storage": None,
            "gcTimeout": sleep,
            "replicas": {"current": 1 if stage in RUNNING_LIKE else 0, "requested": 1},
            "devMode": bool(data["devMode"]),
            "domains": [
                {"domain": f"{repo.id.replace('/', '-').lower()}.hf.space", "stage": "READY"}
            ],
            "sdk": sdk_of(repo),
        }
        if data["volumes"]:
            out["volumes"] = data["volumes"]
        return out


def log_stream(state: HubState, repo: Repo, kind: Literal["build", "run"]) -> Stream:
    """The build or run log of the Space's current build or container, as events."""
    doc = space_doc(state, repo)
    with doc.lock:
        now = refresh(state, repo, doc)
        data = doc.data
        entries = data["builds" if kind == "build" else "runs"]
        visible = [e for e in entries if e["start"] <= now]
        later = any(s["at"] > now for s in data["timeline"])
        if not visible:
            return Stream([], later)
        current = visible[-1]
        events = [
            Event(line["at"], {"data": line["data"], "timestamp": iso_date(line["at"])})
            for line in current["lines"]
        ]
        newer = any(e["start"] > now for e in entries)  # it ends when that one starts
        return Stream(events, later or newer, current["id"])


class SpacesControl:
    """What a test controls about Spaces (``hub.spaces``): plans, and a look at the runtime."""

    def __init__(self, state: HubState) -> None:
        self._state = state

    def plan(self, repo_id: str | None = None, **changes: Any) -> SpacePlan:
        """Set how the next builds go, for every Space (``repo_id=None``) or for one; returns
        the plan now in force. ``changes`` are :class:`SpacePlan` fields."""
        plans = _plans(self._state)
        with plans.lock:
            base = plans.per_space.get(repo_id, plans.default) if repo_id else plans.default
            plan = replace(base, **changes)
            if repo_id is None:
                plans.default = plan
            else:
                plans.per_space[repo_id] = plan
        return plan

    def _repo(self, repo_id: str) -> Repo:
        repo = self._state.store.find("space", repo_id)
        if repo is None:
            raise KeyError(f"no Space {repo_id}")
        return repo

    def runtime(self, repo_id: str) -> dict[str, Any]:
        """The runtime the Hub would answer now."""
        return runtime_json(self._state, self._repo(repo_id))

    def rebuild(self, repo_id: str) -> None:
        """Start a build now, as a new commit would."""
        repo = self._repo(repo_id)
        doc = space_doc(self._state, repo)
        with doc.lock:
            now = refresh(self._state, repo, doc)
            build(doc.data, now, _plans(self._state).of(repo_id), doc.data["builtSha"] or "0" * 7)
            doc.save()

    def secrets(self, repo_id: str) -> dict[str, str]:
        """The secrets' values (what the app would see), which the API never gives back."""
        doc = space_doc(self._state, self._repo(repo_id))
        with doc.lock:
            return {k: v["value"] for k, v in doc.data["secrets"].items()}


def check_not_static(repo: Repo, action: str) -> None:
    if sdk_of(repo) == "static":
        raise HubError.bad_request(
            f"Cannot {action} a static Space: static Spaces are always running and never billed."
        )
