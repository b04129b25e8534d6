"""hf_xet, loaded only when a transfer uses it, and the glue that runs it under our event loop.

hf_xet is thread-based: every call blocks (releasing the GIL) and its progress callbacks come
from its own threads. `run_blocking` runs a call in a worker thread and, when the caller is
cancelled, aborts the hf_xet operation so that the thread ends promptly. `ProgressSlot` takes
hf_xet's progress reports from any thread without blocking it; the event loop reads the latest
one on its own schedule.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

import anyio
import anyio.to_thread

__all__ = ["ProgressSlot", "hf_xet", "run_blocking", "session"]

T = TypeVar("T")

_lock = threading.Lock()
_session: Any = None
_session_pid: int | None = None


def hf_xet() -> ModuleType | None:
    """The hf_xet module, or None when it is not installed (the ``xet`` extra)."""
    try:
        return importlib.import_module("hf_xet")
    except ImportError:
        return None


def session() -> Any:
    """The process's ``hf_xet.XetSession`` (one runtime and connection pool; a fork gets its
    own)."""
    global _session, _session_pid
    module = hf_xet()
    if module is None:  # pragma: no cover - callers check `hf_xet()` first
        raise RuntimeError("hf_xet is not installed (pip install 'hubclient[xet]')")
    with _lock:
        if _session is None or _session_pid != os.getpid():
            _session = module.XetSession()
            _session_pid = os.getpid()
        return _session


async def run_blocking(call: Callable[[], T], abort: Callable[[], object]) -> T:
    """``call()`` in a worker thread; cancelling the caller aborts the hf_xet operation."""
    try:
        return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        with contextlib.suppress(Exception):  # an abort that fails leaves nothing to stop
            abort()
        raise


class ProgressSlot:
    """The latest ``(group report, {task: item report})`` hf_xet sent, kept for the loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: tuple[Any, dict[Any, Any]] | None = None
        self.version = 0

    def __call__(self, group: Any, items: Any) -> None:  # called on hf_xet's threads
        with self._lock:
            self._latest = (group, dict(items or {}))
            self.version += 1

    def take(self) -> tuple[Any, dict[Any, Any]] | None:
        with self._lock:
            return self._latest
