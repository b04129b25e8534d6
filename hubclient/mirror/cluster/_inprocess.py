"""An engine that runs a cluster job's tasks in this process: the reference for the driver,
the worker and the coordinator without a cluster (the fast tests, the scaling simulation).

Every task is an anyio task with its own clients, talking to a :class:`Coordinator` object
through the same :class:`~._worker.Link` calls a Ray task makes to its actor. ``slots``
tasks run at once (the "worker processes"); ``transports`` maps a Hub endpoint to an httpx
transport (an in-process local Hub). ``crash`` lets a test end a task attempt as a dead
worker would (its coordinator lease left to expire) and have it run again.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc

from hubclient.mirror._types import MirrorProgress
from hubclient.mirror.cluster._coordinator import Coordinator, Secrets
from hubclient.mirror.cluster._spec import TaskOutcome, TaskSpec
from hubclient.mirror.cluster._worker import run_task

__all__ = ["DirectLink", "InProcessEngine"]


class DirectLink:
    """A :class:`~._worker.Link` to a coordinator in this process."""

    def __init__(self, coordinator: Coordinator) -> None:
        self._coordinator = coordinator

    async def call(self, method: str, *args: Any) -> Any:
        answer = getattr(self._coordinator, method)(*args)
        if inspect.isawaitable(answer):
            return await answer
        return answer

    def send(self, method: str, *args: Any) -> None:
        answer = getattr(self._coordinator, method)(*args)
        if inspect.isawaitable(answer):
            raise TypeError(f"{method} is a coroutine: call it, do not send it")


class _TaskCrashed(Exception):
    """A task attempt ended as a killed worker's would (for ``crash``)."""


class InProcessEngine:
    """Runs task specs as anyio tasks, ``slots`` at once, with retries (see the module doc).

    Example::

        async with InProcessEngine.running(coordinator, slots=2) as engine:
            report = await run_job(items, engine=engine, ...)
    """

    def __init__(
        self,
        coordinator: Coordinator,
        tg: anyio.abc.TaskGroup,
        *,
        slots: int,
        retries: int = 3,
        heartbeat_seconds: float = 1.0,
        transports: dict[str, Any] | None = None,
        crash: Callable[[TaskSpec, int], bool] | None = None,
    ) -> None:
        self.coordinator = coordinator
        self._tg = tg
        self._slots = anyio.Semaphore(slots)
        self._retries = retries
        self._heartbeat = heartbeat_seconds
        self._transports = transports or {}
        self._crash = crash
        self._done: dict[int, TaskOutcome | BaseException] = {}
        self._changed = anyio.Event()
        self._next = 0
        self.attempts = 0

    @classmethod
    @asynccontextmanager
    async def running(
        cls, coordinator: Coordinator, *, secrets: dict[str, Secrets] | None = None, **kw: Any
    ) -> AsyncIterator[InProcessEngine]:
        coordinator.set_secrets(secrets or {})
        async with anyio.create_task_group() as tg:
            engine = cls(coordinator, tg, **kw)
            yield engine
            tg.cancel_scope.cancel()

    def submit(self, spec: TaskSpec) -> int:
        handle = self._next
        self._next += 1
        self._tg.start_soon(self._run, handle, spec)
        return handle

    async def _run(self, handle: int, spec: TaskSpec) -> None:
        outcome: TaskOutcome | BaseException
        for attempt in range(self._retries + 1):
            async with self._slots:
                self.attempts += 1
                try:
                    outcome = await self._attempt(spec, attempt)
                except _TaskCrashed as exc:
                    outcome = exc
                    continue  # a dead worker: the engine runs the task again
                except Exception as exc:
                    outcome = exc
                break
        self._done[handle] = outcome
        self._changed.set()

    async def _attempt(self, spec: TaskSpec, attempt: int) -> TaskOutcome:
        link = DirectLink(self.coordinator)
        if self._crash is None or not self._crash(spec, attempt):
            return await run_task(
                spec, link, heartbeat_seconds=self._heartbeat, transports=self._transports
            )
        # run until the test says the worker dies, then vanish without a goodbye: cancel the
        # attempt and leave its lease at the coordinator to expire, as a killed process would
        with anyio.move_on_after(self._heartbeat * 2):
            await run_task(
                spec, _Mute(link), heartbeat_seconds=self._heartbeat, transports=self._transports
            )
        raise _TaskCrashed(f"worker of task {spec.kind} {spec.index} died (attempt {attempt})")

    async def wait(
        self, handles: Sequence[Any], seconds: float
    ) -> list[tuple[Any, TaskOutcome | BaseException]]:
        with anyio.move_on_after(seconds):
            while not any(h in self._done for h in handles):
                event = self._changed
                await event.wait()
                self._changed = anyio.Event()
        return [(h, self._done.pop(h)) for h in handles if h in self._done]

    async def drain_progress(self) -> list[MirrorProgress]:
        return self.coordinator.drain_progress()


class _Mute:
    """A link whose releases and goodbye are lost (the process died before it could send
    them): what the attempt held comes back only when its lease expires."""

    def __init__(self, link: DirectLink) -> None:
        self._link = link

    async def call(self, method: str, *args: Any) -> Any:
        return await self._link.call(method, *args)

    def send(self, method: str, *args: Any) -> None:
        if method not in ("leave", "release_bytes"):
            self._link.send(method, *args)
