"""What every mirroring job shares: failures as records, and running a plan's repos at once.

:func:`run_plan` runs one coroutine per plan item, at most ``max_repos`` at once, keeps the
results in plan order, and turns an unexpected exception of one repo into a failed result so
that the others go on (cancellation, a ``BaseException``, still propagates).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

import anyio

from hubclient.download._groups import first_error
from hubclient.mirror._types import (
    MirrorError,
    MirrorPlanItem,
    MirrorProgress,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
    MirrorStage,
)

__all__ = ["failure_result", "mirror_error", "run_plan"]


def mirror_error(
    exc: BaseException, *, ref: str | None = None, path: str | None = None
) -> MirrorError:
    """A failure as recorded in a result: the exception's class name, message and HTTP status
    (from the error itself, or from the response it carries).

    Example::

        mirror_error(RepositoryNotFoundError("...", status_code=404))  # type, message, 404

    An exception group (what a task group raises) is recorded as its first error, the one
    a caller can act on, not as ``ExceptionGroup``.
    """
    exc = first_error(exc)
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if path is None:  # per-file code tags the exceptions it lets through with their path
        tagged = getattr(exc, "path_in_repo", None)
        path = tagged if isinstance(tagged, str) else None
    return MirrorError(
        type=type(exc).__name__,
        message=str(exc) or repr(exc),
        status_code=status if isinstance(status, int) else None,
        ref=ref,
        path=path,
    )


def failure_result(
    item: MirrorPlanItem,
    *,
    source: str,
    destination: str,
    error: BaseException,
    started: float,
    progress: MirrorProgressCallback | None,
) -> MirrorResult:
    """The result of a repo whose job raised: no work counted, the error recorded."""
    if progress is not None:
        progress(MirrorProgress(item.repo_id, item.repo_type, MirrorStage.FAILED))
    return MirrorResult(
        repo_id=item.repo_id,
        repo_type=item.repo_type,
        dest_repo_id=item.dest_repo_id or item.repo_id,
        source=source,
        destination=destination,
        revision=item.revision,
        errors=[mirror_error(error)],
        duration_seconds=time.monotonic() - started,
    )


async def run_plan(
    items: Sequence[MirrorPlanItem],
    run: Callable[[MirrorPlanItem], Awaitable[MirrorResult]],
    *,
    max_repos: int,
    source: str,
    destination: Callable[[MirrorPlanItem], str],
    progress: MirrorProgressCallback | None,
) -> MirrorReport:
    """``run`` every item, ``max_repos`` at once; a QUEUED event per item first.

    ``max_repos`` workers take the items in plan order (a plan of 100,000 repos costs 100,000
    results, not 100,000 tasks). ``source`` and ``destination(item)`` name the two ends in a
    failed repo's result.

    Example::

        report = await run_plan(items, one_repo, max_repos=4, source=url,
                                destination=lambda item: dest_url, progress=None)
    """
    started = time.monotonic()
    results: list[MirrorResult | None] = [None] * len(items)
    if progress is not None:
        for item in items:
            progress(MirrorProgress(item.repo_id, item.repo_type, MirrorStage.QUEUED))
    queue = iter(enumerate(items))

    async def worker() -> None:
        for index, item in queue:  # workers share the iterator: each item is taken once
            repo_started = time.monotonic()
            try:
                results[index] = await run(item)
            except Exception as err:  # anyio cancellation is a BaseException: it propagates
                results[index] = failure_result(
                    item,
                    source=source,
                    destination=destination(item),
                    error=err,
                    started=repo_started,
                    progress=progress,
                )

    async with anyio.create_task_group() as tg:
        for _ in range(min(max_repos, len(items))):
            tg.start_soon(worker)
    return MirrorReport(
        results=[r for r in results if r is not None],
        duration_seconds=time.monotonic() - started,
    )
