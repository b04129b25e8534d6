"""The driver of a cluster job: the plan streamed into tasks, outcomes gathered into one report.

Engine-neutral: an :class:`Engine` submits task specs and says which finished; the driver
keeps at most ``window`` tasks in flight (each serves one repo, so the job's repos in flight
stay under ``max_concurrent_repos`` across the whole cluster), submits the plan in order as
tasks finish (a plan of a million repos is never a million pending tasks), and:

* a repo task that comes back :class:`~._spec.Split` (a very large repo) is followed by its
  ``objects`` tasks, ahead of the rest of the plan, then by the repo task again, which
  commits what they sent;
* a task that failed for good (the engine gave up retrying it, or it raised) becomes a
  failed result for its repo, as on one machine; a failed ``objects`` task only means the
  repo's own task sends those objects;
* the progress events of every task are drained from the coordinator and handed to the
  user's callback, here on the driver.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from hubclient.mirror._jobs import failure_result
from hubclient.mirror._types import (
    MirrorPlanItem,
    MirrorProgress,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
    MirrorStage,
)
from hubclient.mirror.cluster._spec import ObjectsDone, Split, TaskOutcome, TaskSpec

__all__ = ["Engine", "run_job"]

#: Seconds between two looks at the engine (and two progress drains).
POLL_SECONDS = 0.2


class Engine(Protocol):
    """What the driver needs of a distributed engine (Ray, or the in-process one)."""

    def submit(self, spec: TaskSpec) -> Any: ...

    async def wait(
        self, handles: Sequence[Any], seconds: float
    ) -> list[tuple[Any, TaskOutcome | BaseException]]:
        """The tasks of ``handles`` that are done, as soon as one is (or none after
        ``seconds``)."""
        ...

    async def drain_progress(self) -> list[MirrorProgress]: ...


@dataclass
class _SplitRepo:
    spec: TaskSpec
    left: int
    sent: set[str] = field(default_factory=set)
    deduped: int = 0


async def run_job(
    items: Sequence[MirrorPlanItem],
    *,
    engine: Engine,
    make_spec: Callable[[int, MirrorPlanItem], TaskSpec],
    window: int,
    progress: MirrorProgressCallback | None,
    source: str,
    destination: Callable[[MirrorPlanItem], str],
) -> MirrorReport:
    """Run every item of the plan on ``engine`` (see the module doc); results in plan order."""
    started = time.monotonic()
    results: list[MirrorResult | None] = [None] * len(items)
    if progress is not None:
        for item in items:
            progress(MirrorProgress(item.repo_id, item.repo_type, MirrorStage.QUEUED))
    plan = iter(enumerate(items))
    urgent: deque[TaskSpec] = deque()  # a split repo's tasks go before the rest of the plan
    pending: dict[Any, TaskSpec] = {}
    splits: dict[int, _SplitRepo] = {}
    deduped: dict[int, int] = {}  # what a split repo's objects tasks saved by Xet dedup
    submitted_at: dict[int, float] = {}
    drained = started

    def next_spec() -> TaskSpec | None:
        if urgent:
            return urgent.popleft()
        for index, item in plan:
            submitted_at[index] = time.monotonic()
            return make_spec(index, item)
        return None

    def fail(spec: TaskSpec, error: BaseException) -> None:
        results[spec.index] = failure_result(
            spec.item,
            source=source,
            destination=destination(spec.item),
            error=error,
            started=submitted_at.get(spec.index, started),
            progress=progress,
        )

    def settle(spec: TaskSpec, outcome: TaskOutcome | BaseException) -> None:
        if spec.kind == "objects":
            state = splits[spec.index]
            if isinstance(outcome, ObjectsDone):
                state.sent.update(outcome.sent)
                state.deduped += outcome.bytes_deduped
            state.left -= 1
            if state.left == 0:  # every batch landed (or failed): the repo commits
                deduped[spec.index] = state.deduped
                urgent.appendleft(
                    replace(state.spec, split_bytes=None, presend=frozenset(state.sent))
                )
                del splits[spec.index]
        elif isinstance(outcome, Split):
            splits[spec.index] = _SplitRepo(spec, left=len(outcome.batches))
            urgent.extend(replace(spec, kind="objects", objects=b) for b in outcome.batches)
        elif isinstance(outcome, MirrorResult):
            outcome.bytes_deduped += deduped.pop(spec.index, 0)
            results[spec.index] = outcome
        elif isinstance(outcome, BaseException):
            fail(spec, outcome)
        else:
            fail(spec, TypeError(f"a task returned {type(outcome).__name__}"))

    while True:
        while len(pending) < window:
            spec = next_spec()
            if spec is None:
                break
            pending[engine.submit(spec)] = spec
        if not pending:
            break
        for handle, outcome in await engine.wait(list(pending), POLL_SECONDS):
            settle(pending.pop(handle), outcome)
        # progress is drained (a round trip to the coordinator) only for a callback, and at
        # most once a poll: a finished task's slot is refilled without waiting for it
        if progress is not None and time.monotonic() - drained >= POLL_SECONDS:
            _forward(await engine.drain_progress(), progress)
            drained = time.monotonic()
    if progress is not None:
        _forward(await engine.drain_progress(), progress)
    return MirrorReport(
        results=[r for r in results if r is not None],
        duration_seconds=time.monotonic() - started,
    )


def _forward(events: list[MirrorProgress], progress: MirrorProgressCallback | None) -> None:
    if progress is None:
        return
    for event in events:
        progress(event)
