"""Where a cluster job runs, and its knobs: :class:`MirrorCluster` (and the strings it parses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ClusterLike", "MirrorCluster", "as_cluster"]

GIB = 1024**3


@dataclass(frozen=True, slots=True)
class MirrorCluster:
    """Run a bulk job on a Ray cluster (``pip install 'hubclient[ray]'``).

    Attributes:
        address: the cluster, as ``ray.init`` takes it: ``"auto"`` (the cluster this machine
            belongs to, or ``RAY_ADDRESS``), ``"ray://head:10001"`` (Ray Client),
            ``"head:6379"``; None starts a local cluster on this machine for the job.
        workers: for a local cluster, how many worker processes run tasks at once (default:
            the machine's CPUs).
        task_retries: how many times a task is run again when its worker dies (the repo
            resumes from what landed at the destination).
        cpus_per_task: Ray CPUs one task takes (I/O-bound: a fraction runs several tasks
            per core, each in its own worker process).
        split_bytes: a repo whose LFS objects add up to more than this is spread over several
            tasks: batches of about this many bytes, sent by tasks of their own, then one task
            commits (None: every repo is one task).
        lease_seconds: a task silent this long is dead: the bytes it held return to the job.
        heartbeat_seconds: how often a task renews its lease, sends its progress and learns
            the 429 pauses the other tasks met.
        runtime_env: Ray's runtime environment for the tasks (e.g. ``{"pip": ["hubclient"]}``
            for a cluster without hubclient installed). Never put a token here: Ray keeps it
            with the job. Credentials reach the tasks through the job's coordinator.

    Example::

        report = await hub.mirror_repos("plan.txt", to=url, to_token=t,
                                        cluster=MirrorCluster(address="auto"))
    """

    address: str | None = None
    workers: int | None = None
    engine: Literal["ray"] = "ray"
    task_retries: int = 3
    cpus_per_task: float = 1.0
    split_bytes: int | None = 4 * GIB
    lease_seconds: float = 30.0
    heartbeat_seconds: float = 1.0
    runtime_env: dict[str, Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.engine != "ray":
            raise ValueError(f"unknown cluster engine {self.engine!r} (ray)")
        if self.workers is not None and self.workers < 1:
            raise ValueError("MirrorCluster.workers must be at least 1")
        if self.workers is not None and self.address is not None:
            raise ValueError("MirrorCluster.workers is for a local cluster (address=None)")
        if self.task_retries < 0:
            raise ValueError("MirrorCluster.task_retries must be >= 0")
        if self.cpus_per_task <= 0:
            raise ValueError("MirrorCluster.cpus_per_task must be positive")
        if self.split_bytes is not None and self.split_bytes < 1:
            raise ValueError("MirrorCluster.split_bytes must be at least 1 (or None)")
        if self.lease_seconds <= 0 or self.heartbeat_seconds <= 0:
            raise ValueError("MirrorCluster.lease_seconds/heartbeat_seconds must be positive")
        if self.heartbeat_seconds * 3 > self.lease_seconds:
            raise ValueError("MirrorCluster.lease_seconds must be at least 3 heartbeats")

    @property
    def local(self) -> bool:
        return self.address is None


ClusterLike = MirrorCluster | str


def as_cluster(value: ClusterLike) -> MirrorCluster:
    """A :class:`MirrorCluster` from itself or an address string: ``"local"`` /
    ``"local:N"`` (a local cluster, N workers), or a Ray address (``"auto"``,
    ``"ray://head:10001"``, ``"head:6379"``).

    Example::

        as_cluster("local:2") == MirrorCluster(workers=2)
    """
    if isinstance(value, MirrorCluster):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"cluster must be a MirrorCluster or an address, not {value!r}")
    text = value.strip()
    if text == "local":
        return MirrorCluster()
    if text.startswith("local:"):
        count = text.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"bad cluster {value!r}: local:N takes a number of workers")
        return MirrorCluster(workers=int(count))
    if any(c.isspace() for c in text):
        raise ValueError(f"bad cluster address {value!r}")
    return MirrorCluster(address=text)
