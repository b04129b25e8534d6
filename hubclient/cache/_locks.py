"""Per-blob file locks (``.locks/{repo}/{etag}.lock``), taken without blocking the event loop.

The lock only spares a second process (or task) the same download; correctness never depends
on it (unique temp files, verification and atomic renames do that). It is the same file and
the same ``flock`` huggingface_hub takes, so the two clients also avoid each other's work.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from filelock import BaseFileLock, FileLock, SoftFileLock, Timeout

__all__ = ["LockTimeoutError", "blob_lock"]

T = TypeVar("T")


class LockTimeoutError(TimeoutError):
    """Another process held a cache lock for longer than the allowed wait."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(
            f"Waited {waited:.0f}s for the cache lock {path}: another process is downloading "
            "the same file into this cache. Wait for it, raise lock_timeout, or, if no such "
            "process is running any more, delete the lock file."
        )
        self.path = path


def _try_acquire(lock: BaseFileLock) -> BaseFileLock | None:
    """One non-blocking attempt. Falls back to a soft lock on file systems without ``flock``."""
    try:
        try:
            lock.acquire(blocking=False)
        except FileNotFoundError:
            Path(lock.lock_file).parent.mkdir(parents=True, exist_ok=True)
            lock.acquire(blocking=False)
        return lock
    except Timeout:
        return None
    except NotImplementedError:
        soft = SoftFileLock(lock.lock_file, thread_local=False)
        try:
            soft.acquire(blocking=False)
        except Timeout:
            return None
        return soft


def _attempt(lock: BaseFileLock, then: Callable[[], Any] | None) -> tuple[BaseFileLock | None, Any]:
    """A worker thread's job: try the lock and, once held, run ``then`` in the same trip."""
    held = _try_acquire(lock)
    if held is None or then is None:
        return held, None
    try:
        return held, then()
    except BaseException:
        with contextlib.suppress(OSError):
            held.release()
        raise


@contextlib.asynccontextmanager
async def blob_lock(
    path: Path,
    *,
    lock_timeout: float | None = None,
    then: Callable[[], T] | None = None,
    poll: float = 0.05,
    max_poll: float = 0.5,
) -> AsyncIterator[T | None]:
    """Hold the file lock at ``path`` for the body of the ``async with``.

    Attempts never block the loop (each is a non-blocking ``flock`` in a worker thread); the
    wait between attempts is a cancellable ``anyio.sleep``. ``then`` runs in the worker
    thread right after the lock is taken (one trip instead of two); its result is what the
    ``async with`` gives. Raises :class:`LockTimeoutError` after ``lock_timeout`` seconds
    (None: wait as long as it takes).
    """
    lock: BaseFileLock = FileLock(str(path), mode=0o664, thread_local=False)
    start = time.monotonic()
    delay = poll
    held: BaseFileLock | None = None
    result: Any = None
    while held is None:
        with anyio.CancelScope(shield=True):  # never lose an acquired lock to a cancellation
            held, result = await anyio.to_thread.run_sync(_attempt, lock, then)
        if held is not None:
            break
        waited = time.monotonic() - start
        if lock_timeout is not None and waited >= lock_timeout:
            raise LockTimeoutError(path, waited)
        await anyio.sleep(delay if lock_timeout is None else min(delay, lock_timeout - waited))
        delay = min(max_poll, delay * 1.5)
    try:
        yield result
    finally:
        with contextlib.suppress(OSError):
            held.release()
