"""Task groups that raise the error itself, not an exception group around it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import anyio

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found,unused-ignore]

__all__ = ["first_error", "unwrap_groups"]


def _leaves(group: BaseExceptionGroup[BaseException]) -> Iterator[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


def first_error(exc: BaseException) -> BaseException:
    """``exc``, or for an exception group its first real error (not a cancellation, which
    is only the echo of it), as :func:`unwrap_groups` raises it."""
    if not isinstance(exc, BaseExceptionGroup):
        return exc
    cancelled = anyio.get_cancelled_exc_class()
    leaves = list(_leaves(exc))
    return next((e for e in leaves if not isinstance(e, cancelled)), leaves[0] if leaves else exc)


@contextlib.contextmanager
def unwrap_groups() -> Iterator[None]:
    """Re-raise the first real error of a task group (cancellations are only the echo of it),
    so callers can ``except RepositoryNotFoundError`` as with a plain call."""
    try:
        yield
    except BaseExceptionGroup as group:
        cancelled = anyio.get_cancelled_exc_class()
        leaves = list(_leaves(group))
        for exc in leaves:
            if not isinstance(exc, cancelled):
                raise exc from group
        raise
