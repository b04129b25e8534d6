"""The Ray engine: tasks are Ray tasks, the coordinator an async actor on the driver's node.

Ray is imported here only, when a job asks for a cluster (``pip install 'hubclient[ray]'``).

* The job connects to the cluster (``ray.init(address=...)``), or starts a local one with
  ``workers`` worker slots; a Ray already initialised by the caller is used as is and left
  running.
* The coordinator is an async actor (``max_concurrency`` high: a budget request waits inside
  it), placed on the driver's node and owned by the driver: it lives as long as the job.
  The tokens reach it by a method call after it started, so they are neither in its
  creation arguments (which Ray keeps to restart an actor) nor in any task's arguments.
* Each task is a Ray task retried ``task_retries`` times when its worker dies (Ray's
  ``max_retries``: a system failure, not an exception of ours); inside, it runs our async
  engine with ``anyio.run`` (asyncio) and awaits the actor's answers.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread

from hubclient.errors import HubClientError
from hubclient.mirror._types import MirrorProgress
from hubclient.mirror.cluster._config import MirrorCluster
from hubclient.mirror.cluster._coordinator import Coordinator, CoordinatorStats, Secrets
from hubclient.mirror.cluster._spec import TaskOutcome, TaskSpec
from hubclient.mirror.cluster._worker import run_task

__all__ = ["ClusterUnavailableError", "RayEngine"]

logger = logging.getLogger("hubclient.mirror")

#: Object store of a local cluster: tasks exchange small specs and results only.
LOCAL_OBJECT_STORE_BYTES = 128 * 1024 * 1024


class ClusterUnavailableError(HubClientError):
    """The cluster engine is not installed, or the cluster cannot be reached."""


def import_ray() -> Any:
    """Ray, or a clear error saying how to get it."""
    try:
        import ray
    except ImportError:
        raise ClusterUnavailableError(
            "Mirroring on a cluster needs Ray: pip install 'hubclient[ray]'"
        ) from None
    return ray


class CoordinatorActor:
    """The :class:`Coordinator` as a Ray async actor: every method a coroutine, so each runs
    as a task of the actor's event loop."""

    def __init__(self, max_bytes: int, lease_seconds: float) -> None:
        self._c = Coordinator(
            max_bytes=max_bytes, lease_seconds=lease_seconds, clock=time.monotonic
        )

    async def join(self, holder: str) -> None:
        await self._c.join(holder)

    async def start(
        self, holder: str, roles: list[str]
    ) -> tuple[dict[str, Secrets], dict[str, float]]:
        return await self._c.start(holder, roles)

    async def heartbeat(
        self, holder: str, events: list[MirrorProgress], pauses: list[tuple[str, float]]
    ) -> dict[str, float]:
        return await self._c.heartbeat(holder, events, pauses)

    async def leave(self, holder: str) -> None:
        self._c.leave(holder)

    async def acquire_bytes(self, holder: str, amount: int, within: float) -> bool:
        return await self._c.acquire_bytes(holder, amount, within)

    async def release_bytes(self, holder: str, amount: int) -> None:
        self._c.release_bytes(holder, amount)

    async def set_secrets(self, secrets: dict[str, Secrets]) -> None:
        self._c.set_secrets(secrets)

    async def secrets(self, role: str) -> Secrets:
        return self._c.secrets(role)

    async def drain_progress(self) -> list[MirrorProgress]:
        return self._c.drain_progress()

    async def snapshot(self) -> CoordinatorStats:
        return self._c.snapshot()


class ActorLink:
    """A :class:`~._worker.Link` to the coordinator actor, from inside a Ray task."""

    def __init__(self, actor: Any) -> None:
        self._actor = actor

    async def call(self, method: str, *args: Any) -> Any:
        return await getattr(self._actor, method).remote(*args)

    def send(self, method: str, *args: Any) -> None:
        getattr(self._actor, method).remote(*args)


def ray_task(spec: TaskSpec, actor: Any, heartbeat_seconds: float) -> TaskOutcome:
    """The body of every Ray task of a job (runs in a worker process)."""

    async def main() -> TaskOutcome:
        return await run_task(spec, ActorLink(actor), heartbeat_seconds=heartbeat_seconds)

    return anyio.run(main, backend="asyncio")


class RayEngine:
    """The :class:`~._driver.Engine` of a job on Ray (use :meth:`running`)."""

    def __init__(self, ray: Any, cluster: MirrorCluster, actor: Any) -> None:
        self._ray = ray
        self._cluster = cluster
        self.actor = actor
        self._task = ray.remote(ray_task).options(
            max_retries=cluster.task_retries,
            retry_exceptions=False,
            num_cpus=cluster.cpus_per_task,
            name="hubclient-mirror",
        )

    @classmethod
    @asynccontextmanager
    async def running(
        cls, cluster: MirrorCluster, *, max_bytes: int, secrets: dict[str, Secrets]
    ) -> AsyncIterator[RayEngine]:
        ray = import_ray()
        started = False
        if not ray.is_initialized():
            await anyio.to_thread.run_sync(_init, ray, cluster)
            started = True
        try:
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            strategy = NodeAffinitySchedulingStrategy(
                node_id=ray.get_runtime_context().get_node_id(), soft=False
            )
            actor = (
                ray.remote(CoordinatorActor)
                .options(num_cpus=0, max_concurrency=10_000, scheduling_strategy=strategy)
                .remote(max_bytes, cluster.lease_seconds)
            )
            try:
                await anyio.to_thread.run_sync(ray.get, actor.set_secrets.remote(secrets))
                yield cls(ray, cluster, actor)
            finally:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(ray.kill, actor)
        finally:
            if started:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(ray.shutdown)

    def submit(self, spec: TaskSpec) -> Any:
        return self._task.remote(spec, self.actor, self._cluster.heartbeat_seconds)

    async def wait(
        self, handles: Sequence[Any], seconds: float
    ) -> list[tuple[Any, TaskOutcome | BaseException]]:
        ray = self._ray

        def wait_and_get() -> list[tuple[Any, TaskOutcome | BaseException]]:
            # back as soon as one task is done (its slot is free), with any others done by then
            ready, rest = ray.wait(list(handles), num_returns=1, timeout=seconds)
            if ready and rest:
                more, _ = ray.wait(rest, num_returns=len(rest), timeout=0)
                ready += more
            out: list[tuple[Any, TaskOutcome | BaseException]] = []
            for ref in ready:
                try:
                    out.append((ref, ray.get(ref)))
                except Exception as exc:  # the task failed for good (retries spent, or raised)
                    out.append((ref, exc))
            return out

        return await anyio.to_thread.run_sync(wait_and_get)

    async def drain_progress(self) -> list[MirrorProgress]:
        events: list[MirrorProgress] = await anyio.to_thread.run_sync(
            self._ray.get, self.actor.drain_progress.remote()
        )
        return events

    async def stats(self) -> CoordinatorStats:
        stats: CoordinatorStats = await anyio.to_thread.run_sync(
            self._ray.get, self.actor.snapshot.remote()
        )
        return stats


#: Tries at starting a local cluster: Ray gives its raylet 30 s to register, which a loaded
#: machine can miss; a second try usually makes it.
LOCAL_START_TRIES = 3


def _init(ray: Any, cluster: MirrorCluster) -> None:
    tries = LOCAL_START_TRIES if cluster.local else 1
    for attempt in range(1, tries + 1):
        try:
            if cluster.local:
                ray.init(
                    address="local",  # a new instance, whatever runs here or RAY_ADDRESS says
                    num_cpus=cluster.workers,
                    object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                    runtime_env=cluster.runtime_env,
                )
            else:
                ray.init(
                    address=cluster.address,
                    log_to_driver=False,
                    configure_logging=False,
                    runtime_env=cluster.runtime_env,
                )
            return
        except Exception as exc:
            with contextlib.suppress(Exception):
                ray.shutdown()
            if attempt < tries:
                logger.warning("starting a local Ray failed (%s); trying again", exc)
                continue
            where = "a local cluster" if cluster.local else f"the cluster at {cluster.address}"
            raise ClusterUnavailableError(
                f"Cannot start or reach {where}: {type(exc).__name__}: {exc}"
            ) from exc
