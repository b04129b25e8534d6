"""Server-sent event answers of the local Hub (Space logs, Job logs and metrics).

A stream is a *source*: called at any time, it says which events exist (each with the clock
time it happens at) and whether more may come. The answer replays every event whose time has
come, then, served on a socket, sends the next ones as the clock reaches them, with a
``: keep-alive`` comment every `KEEPALIVE` seconds, until the source says nothing more will
come (or `MAX_STREAM` seconds pass). In-process (``ctx.buffered``) the client only reads the
answer once it is complete, so it ends after the replay: a client that follows reconnects.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import StreamingResponse

from hubclient.testing._web import Ctx

__all__ = ["KEEPALIVE", "MAX_STREAM", "Event", "Stream", "sse_response"]

KEEPALIVE = 15.0
"""Real seconds between keep-alive comments while a stream waits (the Hub sends one every 30)."""
MAX_STREAM = 600.0
"""Real seconds after which a stream ends anyway (a server never holds a socket forever)."""
_TICK = 0.05


@dataclass(frozen=True)
class Event:
    """One event: when it happens (clock seconds), its JSON, and its SSE type (or none)."""

    at: float
    data: dict[str, Any]
    kind: str | None = None

    def encode(self) -> bytes:
        head = f"event: {self.kind}\n" if self.kind else ""
        return f"{head}data: {json.dumps(self.data, separators=(',', ':'))}\n\n".encode()


@dataclass(frozen=True)
class Stream:
    """What a source says: the events so far and to come (sorted by time), and whether it may
    still add events that are not in the list yet."""

    events: list[Event]
    open: bool
    generation: str = ""
    """Which run of the thing the events come from (a build, a container): when it changes
    (a restart replaced the logs), an open stream ends, as the Hub's does with its container."""


def sse_response(ctx: Ctx, source: Callable[[], Stream]) -> StreamingResponse:
    """Answer with the events of ``source`` (see the module docstring)."""
    clock = ctx.state.clock
    buffered = ctx.buffered

    async def body() -> AsyncIterator[bytes]:
        sent = 0
        started = last_beat = time.monotonic()
        generation: str | None = None
        yield b": connected\n\n"
        while True:
            now = clock.now()
            stream = source()
            if generation is None:
                generation = stream.generation
            elif stream.generation != generation:
                return
            due = [e for e in stream.events if e.at <= now]
            for event in due[sent:]:
                yield event.encode()
            sent = max(sent, len(due))
            pending = [e.at for e in stream.events[sent:] if e.at > now]
            if buffered or not (pending or stream.open):
                return
            if time.monotonic() - started > MAX_STREAM:
                return
            if time.monotonic() - last_beat >= KEEPALIVE:
                last_beat = time.monotonic()
                yield b": keep-alive\n\n"
            await clock.sleep_until(min(pending, default=now + _TICK), at_most=_TICK)

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
