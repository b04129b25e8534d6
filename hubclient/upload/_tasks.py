"""Run coroutines concurrently; the first failure cancels the rest and is raised as is.

Callers catch the typed error (``RepositoryNotFoundError``...), never an exception group.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import anyio

__all__ = ["run_concurrently"]


async def run_concurrently(jobs: Iterable[Callable[[], Awaitable[None]]]) -> None:
    """Await every job at once (bound them yourself); on the first exception cancel the others
    and raise it once they have stopped."""
    failures: list[Exception] = []

    async def guarded(job: Callable[[], Awaitable[None]], scope: anyio.CancelScope) -> None:
        try:
            await job()
        except Exception as exc:
            failures.append(exc)
            scope.cancel()

    async with anyio.create_task_group() as tg:
        for job in jobs:
            tg.start_soon(guarded, job, tg.cancel_scope)
    if failures:
        raise failures[0]
