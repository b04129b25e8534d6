"""The local Hub's clock: what "now" is for Spaces building, Jobs running, Endpoints starting.

Lifecycles are timelines in this clock's seconds (epoch-based, so timestamps are real dates).
`WallClock` (the default) moves by itself: a build of 2 s takes 2 s. `ManualClock` moves only
when a test says so (``hub.advance(30)``): a test walks a Space through BUILDING → RUNNING, or
fifty Jobs to COMPLETED, without sleeping and without a race. Both are thread-safe (the served
Hub reads them from its own thread).

Example::

    hub = LocalHub(clock=ManualClock())
    ...                                  # restart a Space: its build takes 5 clock seconds
    hub.advance(5)                       # now it is RUNNING, its logs say so
"""

from __future__ import annotations

import email.utils
import math
import threading
import time
from typing import Protocol

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Clock", "ManualClock", "WallClock", "dated"]

#: How often a waiter on a manual clock looks at it again (real seconds).
_MANUAL_TICK = 0.01


class Clock(Protocol):
    """Seconds since the epoch, and a way to wait for a moment of them."""

    def now(self) -> float:
        """The current time, in seconds since the epoch."""
        ...

    async def sleep_until(self, when: float, *, at_most: float) -> None:
        """Return at ``when``, or after ``at_most`` real seconds, whichever comes first."""
        ...


class WallClock:
    """The real time (``time.time()``)."""

    def now(self) -> float:
        return time.time()

    async def sleep_until(self, when: float, *, at_most: float) -> None:
        await anyio.sleep(max(0.0, min(at_most, when - time.time())))


class ManualClock:
    """A clock that stands still until `advance` (or `set`) moves it.

    Starts at ``start`` (default: the real time when it is made).
    """

    def __init__(self, start: float | None = None) -> None:
        self._lock = threading.Lock()
        self._now = time.time() if start is None else float(start)

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds``; return the new time."""
        if not seconds >= 0 or math.isinf(seconds):
            raise ValueError(f"a clock moves forward by a finite amount, not {seconds!r}")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, when: float) -> None:
        """Move the clock to ``when`` (never backwards)."""
        with self._lock:
            if when < self._now:
                raise ValueError("a clock does not go back")
            self._now = float(when)

    async def sleep_until(self, when: float, *, at_most: float) -> None:
        deadline = time.monotonic() + max(0.0, at_most)
        while self.now() < when:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await anyio.sleep(min(_MANUAL_TICK, left))


def dated(app: ASGIApp, clock: Clock) -> ASGIApp:
    """``app`` with a ``Date`` header of ``clock`` on every answer (the served Hub's uvicorn
    adds none of its own), so that a client comparing ``Date`` with the timestamps of logs
    sees one time, the Hub's, even on a manual clock."""

    async def with_date(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"date" for name, _ in headers):
                    stamp = email.utils.formatdate(clock.now(), usegmt=True)
                    headers.append((b"date", stamp.encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_dated)

    return with_date
