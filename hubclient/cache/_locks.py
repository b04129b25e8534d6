"""Per-blob file locks (``.locks/{repo}/{etag}.lock``), taken without blocking the event loop.

The lock only spares a second process (or task) the same download; correctness never depends
on it (unique temp files, verification and atomic renames do that). It is the same file and
the same ``flock(2)`` huggingface_hub takes through ``filelock``, so the two clients also avoid
each other's work. On POSIX the flock is taken directly (a few system calls, no Python
machinery per blob); elsewhere, or where ``flock`` is missing, ``filelock`` does it (and falls
back to a soft lock).
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from filelock import BaseFileLock, FileLock, SoftFileLock, Timeout

from hubclient.errors import HubClientError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LockTimeoutError", "blob_lock"]

T = TypeVar("T")


class LockTimeoutError(HubClientError, TimeoutError):
    """Another process held a cache lock for longer than the allowed wait."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(
            f"Waited {waited:.0f}s for the cache lock {path}: another process is downloading "
            "the same file into this cache. Wait for it, raise lock_timeout, or, if no such "
            "process is running any more, delete the lock file."
        )
        self.path = path


_NO_FLOCK = frozenset({errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK, errno.EINVAL})


class _Flock:
    """An exclusive ``flock`` on a lock file, created group-writable (0o664) like filelock's."""

    def __init__(self, path: str) -> None:
        self.lock_file = path
        self._fd: int | None = None

    def try_acquire(self) -> bool | None:
        """True: held; False: held by someone else; None: this file system has no flock."""
        assert fcntl is not None
        try:
            fd = self._open()
        except FileNotFoundError:
            os.makedirs(os.path.dirname(self.lock_file), exist_ok=True)
            fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as err:
            os.close(fd)
            if err.errno in _NO_FLOCK:
                return None
            raise
        self._fd = fd
        return True

    def _open(self) -> int:
        try:
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o664)
        except FileExistsError:
            return os.open(self.lock_file, os.O_RDWR)
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o664)  # not narrowed by the umask: a shared cache stays shared
        return fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None and fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


_Held = BaseFileLock | _Flock


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


def _attempt(path: str, then: Callable[[], Any] | None) -> tuple[_Held | None, Any]:
    """A worker thread's job: try the lock and, once held, run ``then`` in the same trip."""
    held: _Held | None = None
    native = _Flock(path) if fcntl is not None else None
    state = native.try_acquire() if native is not None else None
    if state:
        held = native
    elif state is None:  # no flock here: filelock (soft lock fallback included)
        held = _try_acquire(FileLock(path, mode=0o664, thread_local=False))
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
    start = time.monotonic()
    delay = poll
    held: _Held | None = None
    result: Any = None
    while held is None:
        with anyio.CancelScope(shield=True):  # never lose an acquired lock to a cancellation
            held, result = await anyio.to_thread.run_sync(_attempt, str(path), then)
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
