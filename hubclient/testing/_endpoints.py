"""Inference Endpoints of the local Hub: simulated deployments whose lifecycle a test controls.

An endpoint is a record of the Hub's ``endpoints`` document: what was asked (compute, model,
provider, type, route) and a *timeline* of states in the hub's clock: ``pending`` → after
``pending_seconds`` ``initializing`` → after ``initializing_seconds`` ``running`` (its URL
answers) or ``failed``. ``pause`` makes it ``paused`` until ``resume`` deploys it again;
``scale-to-zero`` makes it ``scaledToZero``, and the next request to its URL wakes it
(``initializing`` for ``cold_start_seconds``, 503 meanwhile); an update goes ``updating`` →
``running`` (or ``updateFailed``). Times and outcomes come from an :class:`EndpointPlan`
(``hub.endpoints.plan(...)``, for every endpoint or one by name).

The deployed URL is on the endpoints origin itself: ``{origin}/inference/{namespace}/{name}``,
with its health route and a tiny echo model behind it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from hubclient.testing._documents import Document
from hubclient.testing._records import iso_date
from hubclient.testing._web import HubState

__all__ = ["CATALOG", "PROVIDERS", "EndpointPlan", "EndpointsControl"]


@dataclass(frozen=True)
class EndpointPlan:
    """How the next deployments and updates of endpoints go (times in clock seconds)."""

    pending_seconds: float = 1.0
    initializing_seconds: float = 2.0
    outcome: Literal["running", "failed"] = "running"
    update_seconds: float = 1.0
    update_outcome: Literal["running", "updateFailed"] = "running"
    cold_start_seconds: float = 2.0
    message: str = "Endpoint failed to start: the container exited with code 1"

    def __post_init__(self) -> None:
        if self.outcome not in ("running", "failed"):
            raise ValueError(f"a deployment ends running or failed, not {self.outcome!r}")
        if self.update_outcome not in ("running", "updateFailed"):
            raise ValueError(f"an update ends running or updateFailed, not {self.update_outcome!r}")


@dataclass
class _Plans:
    default: EndpointPlan = field(default_factory=EndpointPlan)
    by_name: dict[str, EndpointPlan] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, name: str) -> EndpointPlan:
        with self.lock:
            return self.by_name.get(name, self.default)


def plan_of(state: HubState, name: str) -> EndpointPlan:
    plans = state.controls.get("endpoints")
    if plans is None:
        plans = state.controls.setdefault("endpoints", _Plans())
    assert isinstance(plans, _Plans)
    return plans.of(name)


def endpoints_doc(state: HubState) -> Document:
    doc = state.documents.hub("endpoints")
    with doc.lock:
        doc.data.setdefault("endpoints", {})
    return doc


def _compute(
    key: str,
    accelerator: str,
    itype: str,
    size: str,
    arch: str,
    count: int,
    cpus: int | None,
    memory: float,
    gpu_memory: int | None,
    price: float,
    status: str,
    quota: int,
) -> dict[str, Any]:
    return {
        "id": key,
        "accelerator": accelerator,
        "numAccelerators": count,
        **({"numCpus": cpus} if cpus is not None else {}),
        "memoryGb": memory,
        "gpuMemoryGb": gpu_memory,
        "instanceType": itype,
        "instanceSize": size,
        "architecture": arch,
        "status": status,
        "pricePerHour": price,
        "quota": {"maxAccelerators": quota, "usedAccelerators": 0},
    }


PROVIDERS: list[dict[str, Any]] = [
    {
        "name": "aws",
        "status": "available",
        "regions": [
            {
                "name": "us-east-1",
                "label": "N. Virginia",
                "status": "available",
                "computes": [
                    _compute(
                        "aws-us-east-1-intel-icl-x2",
                        "cpu",
                        "intel-icl",
                        "x2",
                        "Intel Ice Lake",
                        1,
                        2,
                        4.0,
                        None,
                        0.067,
                        "available",
                        60,
                    ),
                    _compute(
                        "aws-us-east-1-intel-spr-x1",
                        "cpu",
                        "intel-spr",
                        "x1",
                        "Intel Sapphire Rapids",
                        1,
                        None,
                        2.0,
                        None,
                        0.033,
                        "available",
                        60,
                    ),
                    _compute(
                        "aws-us-east-1-nvidia-l4-x1",
                        "gpu",
                        "nvidia-l4",
                        "x1",
                        "Nvidia L4",
                        1,
                        7,
                        30.0,
                        24,
                        0.8,
                        "available",
                        16,
                    ),
                    _compute(
                        "aws-us-east-1-nvidia-a10g-x1",
                        "gpu",
                        "nvidia-a10g",
                        "x1",
                        "Nvidia A10G",
                        1,
                        6,
                        24.0,
                        24,
                        1.0,
                        "available",
                        8,
                    ),
                ],
            }
        ],
    },
    {
        "name": "gcp",
        "status": "available",
        "regions": [
            {
                "name": "us-east4",
                "label": "Virginia",
                "status": "available",
                "computes": [
                    _compute(
                        "gcp-us-east4-nvidia-a100-x8",
                        "gpu",
                        "nvidia-a100",
                        "x8",
                        "Nvidia A100",
                        8,
                        96,
                        680.0,
                        640,
                        28.8,
                        "reserved",
                        2,
                    ),
                ],
            }
        ],
    },
]

CATALOG: list[dict[str, Any]] = [
    {
        "repoId": "Qwen/Qwen2.5-Coder-7B-Instruct",
        "modelName": "Qwen2.5-Coder-7B-Instruct",
        "authorName": "Qwen",
        "license": "Apache 2.0",
        "task": "text-generation",
        "createdAt": "2025-01-15T10:00:00.000Z",
        "recipes": [
            {
                "publicId": "quick-lemon-q7c0d3r1",
                "accelerator": "gpu",
                "engineType": "vllm",
                "compute": "aws-us-east-1-nvidia-l4-x1",
            },
            {
                "publicId": "slow-melon-q7c0d3r2",
                "accelerator": "cpu",
                "engineType": "llamacpp",
                "ggufFile": "qwen2.5-coder-7b-instruct-q4_k_m.gguf",
                "compute": "aws-us-east-1-intel-spr-x1",
            },
        ],
    },
    {
        "repoId": "BAAI/bge-small-en-v1.5",
        "modelName": "bge-small-en-v1.5",
        "authorName": "BAAI",
        "license": "MIT",
        "task": "sentence-embeddings",
        "createdAt": "2025-02-01T10:00:00.000Z",
        "recipes": [
            {
                "publicId": "tidy-kiwi-bge5m4ll",
                "accelerator": "cpu",
                "engineType": "tei",
                "compute": "aws-us-east-1-intel-icl-x2",
            },
        ],
    },
]


def _computes() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (v["name"], r["name"], c) for v in PROVIDERS for r in v["regions"] for c in r["computes"]
    ]


def find_compute(
    vendor: Any, region: Any, accelerator: Any, itype: Any, size: Any
) -> dict[str, Any] | None:
    """The compute of the provider catalogue with these values, or None."""
    for v, r, c in _computes():
        found = (v, r, c["accelerator"], c["instanceType"], c["instanceSize"])
        if found == (vendor, region, accelerator, itype, size):
            return c
    return None


def compute_by_id(key: str) -> tuple[str, str, dict[str, Any]]:
    """The vendor, region and compute of a compute id."""
    for v, r, c in _computes():
        if c["id"] == key:
            return v, r, c
    raise KeyError(key)


def state_at(record: dict[str, Any], now: float) -> dict[str, Any]:
    current: dict[str, Any] = record["timeline"][0]
    for step in record["timeline"]:
        if step["at"] <= now:
            current = step
    return current


def lay_out(record: dict[str, Any], now: float, plan: EndpointPlan, kind: str) -> None:
    """The next states from now: a deployment, an update, a wake-up, a pause…"""
    steps = [s for s in record["timeline"] if s["at"] <= now]
    if kind == "deploy":
        steps += [
            {"at": now, "state": "pending", "message": "Endpoint waiting to be scheduled"},
            {
                "at": now + plan.pending_seconds,
                "state": "initializing",
                "message": "Endpoint is initializing",
            },
        ]
        ready = now + plan.pending_seconds + plan.initializing_seconds
        if plan.outcome == "failed":
            steps.append({"at": ready, "state": "failed", "message": plan.message})
        else:
            steps.append({"at": ready, "state": "running", "message": "Endpoint is ready"})
    elif kind == "update":
        steps.append({"at": now, "state": "updating", "message": "Endpoint waiting for the update"})
        outcome = plan.update_outcome
        message = "Endpoint is ready" if outcome == "running" else "Endpoint update failed"
        steps.append({"at": now + plan.update_seconds, "state": outcome, "message": message})
    elif kind == "wake":
        steps.append({"at": now, "state": "initializing", "message": "Endpoint is waking up"})
        steps.append(
            {
                "at": now + plan.cold_start_seconds,
                "state": "running",
                "message": "Endpoint is ready",
            }
        )
    elif kind == "pause":
        steps.append({"at": now, "state": "paused", "message": "Endpoint is paused"})
    elif kind == "zero":
        steps.append({"at": now, "state": "scaledToZero", "message": "Endpoint is scaled to zero"})
    else:
        raise ValueError(kind)
    record["timeline"] = steps[-20:]
    record["updatedAt"] = now


def endpoint_json(record: dict[str, Any], now: float, origin: str) -> dict[str, Any]:
    """The endpoint as the Endpoints API answers it at ``now``."""
    current = state_at(record, now)
    state = current["state"]
    payload = record["payload"]
    model = dict(payload.get("model") or {})
    if model.get("secrets"):
        model["secrets"] = dict.fromkeys(model["secrets"], "********")
    image = model.get("image") or {}
    custom = image.get("custom") if isinstance(image, dict) else None
    if isinstance(custom, dict) and isinstance(custom.get("credentials"), dict):
        model["image"] = {
            "custom": {**custom, "credentials": {"username": "***", "password": "***"}}
        }
    ready = 1 if state == "running" else 0
    target = 0 if state in ("paused", "scaledToZero") else 1
    status: dict[str, Any] = {
        "createdAt": iso_date(record["createdAt"]),
        "createdBy": record["createdBy"],
        "updatedAt": iso_date(record["updatedAt"]),
        "updatedBy": record["createdBy"],
        "private": None,
        "state": state,
        "message": current.get("message"),
        "readyReplica": ready,
        "targetReplica": target,
    }
    if state in ("running", "updating", "scaledToZero", "updateFailed"):
        status["url"] = f"{origin}/inference/{record['namespace']}/{record['name']}"
    out: dict[str, Any] = {
        "name": record["name"],
        "type": payload.get("type", "authenticated"),
        "accountId": None,
        "provider": payload.get("provider"),
        "healthRoute": "/health",
        "compute": payload.get("compute"),
        "model": model,
        "status": status,
    }
    for key in ("route", "tags", "cacheHttpResponses", "privateService"):
        if payload.get(key) is not None:
            out[key] = payload[key]
    return out


class EndpointsControl:
    """What a test controls about Inference Endpoints (``hub.endpoints``): plans and a look."""

    def __init__(self, state: HubState) -> None:
        self._state = state

    def plan(self, name: str | None = None, **changes: Any) -> EndpointPlan:
        """Set how the next deployments go, for every endpoint (``name=None``) or for one;
        returns the plan now in force. ``changes`` are :class:`EndpointPlan` fields."""
        plan_of(self._state, "")  # make sure the plans exist
        plans: _Plans = self._state.controls["endpoints"]
        with plans.lock:
            base = plans.by_name.get(name, plans.default) if name else plans.default
            plan = replace(base, **changes)
            if name is None:
                plans.default = plan
            else:
                plans.by_name[name] = plan
        return plan

    def state(self, namespace: str, name: str) -> str:
        """The state of an endpoint now."""
        doc = endpoints_doc(self._state)
        with doc.lock:
            record = doc.data["endpoints"].get(namespace, {}).get(name)
            if record is None:
                raise KeyError(f"no endpoint {namespace}/{name}")
            return str(state_at(record, self._state.clock.now())["state"])
