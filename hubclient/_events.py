"""Server-sent event streams (Space and Job logs, Job metrics) that resume, end, or fail typed.

The Hub streams logs as SSE: ``data: {"data": "<line>", "timestamp": "<iso>"}`` events, empty
``data:`` or ``:`` comments as keep-alives; every new connection replays the history first.
:func:`stream_events` reads such a stream and hands out each event's JSON object once:

* **Cuts are resumed.** A connection that breaks (mid-line too: a partial line is never handed
  out) is opened again after a backoff, and the replay is skipped up to where we were (by
  position, or after the last event seen when the first request asked for a ``tail``). After
  ``max_reconnects`` breaks in a row without a new event, :class:`LogStreamError`.
* **No follow:** what the server has now, then stop: at the first event logged after the
  answer's ``Date`` (+1 s, huggingface_hub's rule), at the end of the stream, or after
  ``idle_timeout`` seconds without a byte.
* **Follow:** until the server ends the stream and ``keep_going()`` (is the Space still
  building? is the Job still running?) says no; while it says yes, reconnect every
  ``poll_interval`` seconds. ``idle_timeout`` of silence counts as such an end.
* **Bounded:** lines longer than ``max_line`` bytes, events that are not JSON objects and
  HTTP errors (404 of a deleted Space…) raise typed errors; cancellation stops at once.
"""

from __future__ import annotations

import email.utils
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
import httpx

from hubclient._http import HubHttp, error_from_response
from hubclient.errors import LogStreamError

__all__ = ["StreamOptions", "parse_timestamp", "stream_events"]

logger = logging.getLogger("hubclient")

_RESUMABLE = (httpx.TransportError, httpx.DecodingError)


@dataclass(frozen=True)
class StreamOptions:
    """How one stream is read (see the module docstring)."""

    follow: bool = False
    idle_timeout: float = 5.0
    poll_interval: float = 1.0
    max_reconnects: int = 5
    replay: bool = True
    """Whether each connection replays the history (logs do; metrics stream the present)."""
    tolerated_statuses: tuple[int, ...] = ()
    """Statuses that mean "nothing to stream (any more)" rather than an error (metrics: 406)."""
    max_line: int = 1 << 20
    backoff_max: float = 10.0
    retry: bool | None = None
    """Whether a 5xx/429 before the stream starts is retried by the HTTP layer (default: yes)."""


class _Idle(Exception):
    """No byte arrived for ``idle_timeout`` seconds."""


class _Cut(Exception):
    """The stream ended in the middle of a line or an event."""


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp (``Z``, nanoseconds allowed) as an aware datetime, else None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # fromisoformat takes at most 6 fraction digits
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _replay_end(response: httpx.Response) -> datetime | None:
    date = response.headers.get("date")
    if not date:
        return None
    try:
        when = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when + timedelta(seconds=1)


async def _lines(response: httpx.Response, options: StreamOptions) -> AsyncIterator[bytes]:
    """The lines of the body (without their end), each read within ``idle_timeout``."""
    chunks = response.aiter_bytes()
    buffer = b""
    while True:
        with anyio.move_on_after(options.idle_timeout) as idle:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                chunk = None
        if idle.cancelled_caught:
            raise _Idle
        if chunk is None:
            if buffer:
                raise _Cut(f"the stream ended in the middle of a line ({len(buffer)} bytes)")
            return
        buffer += chunk
        while True:
            end = buffer.find(b"\n")
            if end < 0:
                break
            line, buffer = buffer[:end], buffer[end + 1 :]
            yield line[:-1] if line.endswith(b"\r") else line
        if len(buffer) > options.max_line:
            raise LogStreamError(
                f"a line of {response.url!s} is longer than {options.max_line} bytes",
                url=str(response.url),
            )


async def _events(response: httpx.Response, options: StreamOptions) -> AsyncIterator[str | None]:
    """The data of each event (``None`` for a keep-alive), as the SSE format frames them."""
    data: list[str] = []
    async for raw in _lines(response, options):
        line = raw.decode("utf-8", "replace")
        if not line:
            if data:
                text = "\n".join(data)
                data = []
                yield text if text.strip() else None
            continue
        if line.startswith(":"):
            yield None  # a comment: keep-alive
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
        # "event", "id" and "retry" carry nothing the Hub's streams need
    if data:
        raise _Cut("the stream ended in the middle of an event")


def _decode(text: str, url: str, events: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise LogStreamError(
            f"{url} sent an event that is not a JSON object", url=url, events=events
        )
    return value


class _Position:
    """Where we are in the history the server replays on every connection."""

    def __init__(self, replay: bool) -> None:
        self.replay = replay
        self.next_index = 0  # replay index of the next event to hand out
        self.last: dict[str, Any] | None = None
        self.after: dict[str, Any] | None = None  # resume after this event (history after a tail)
        self.index = -1
        self.handed_out = 0

    def connect(self, tailed: bool) -> None:
        self.index = -1
        if tailed:  # the first answer was a tail: where it sits in the full history is unknown
            self.after = self.last

    def accept(self, event: dict[str, Any]) -> bool:
        self.index += 1
        if not self.replay:
            return True
        if self.after is not None:
            if event == self.after:
                self.after, self.next_index = None, self.index + 1
                return False
            seen, now = (
                parse_timestamp(self.after.get("timestamp")),
                parse_timestamp(event.get("timestamp")),
            )
            if seen is not None and now is not None and now <= seen:
                return False
            self.after, self.next_index = None, self.index  # the tail's last event is gone
        return self.index >= self.next_index

    def handed(self, event: dict[str, Any]) -> None:
        self.next_index += 1
        self.handed_out += 1
        self.last = event


async def stream_events(
    http: HubHttp,
    url: str,
    *,
    token: str | bool | None,
    options: StreamOptions,
    params: Mapping[str, Any] | None = None,
    keep_going: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Each event of the stream at ``url`` once, as a JSON object (see the module docstring).

    ``params`` go with the first request only (a ``tail``: later connections replay the whole
    history and skip what was handed out). ``keep_going()`` decides, in follow mode, whether a
    stream the server ended should be opened again.
    """
    position = _Position(options.replay)
    failures = 0
    first = True
    tailed = False
    while True:
        position.connect(tailed)
        request_params = params if first else None
        tailed = tailed or bool(first and params)
        first = False
        ended = False  # the server ended the stream (or went quiet): not a failure
        try:
            async with http.stream(
                "GET",
                url,
                params=request_params,
                token=token,
                timeout=httpx.Timeout(30.0, read=None),
                raise_for_status=False,
                retry=options.retry,
                headers={"accept": "text/event-stream", "cache-control": "no-cache"},
            ) as response:
                status = response.status_code
                if status in options.tolerated_statuses:
                    ended = True
                elif status >= 400:
                    await response.aread()
                    raise error_from_response(response, method="GET")
                else:
                    replay_end = None if options.follow else _replay_end(response)
                    async for text in _events(response, options):
                        if text is None:
                            continue
                        event = _decode(text, url, position.handed_out)
                        if not position.accept(event):
                            continue
                        stamp = parse_timestamp(event.get("timestamp"))
                        if replay_end is not None and stamp is not None and stamp > replay_end:
                            return  # no follow: this was logged after we asked
                        position.handed(event)
                        failures = 0
                        yield event
                    ended = True
        except _Idle:
            if not options.follow:
                return  # the replay is drained
            ended = True
        except (_Cut, *_RESUMABLE) as exc:
            failures += 1
            if failures > options.max_reconnects:
                raise LogStreamError(
                    f"the stream {url} broke {failures} times in a row ({exc!r}); "
                    f"{position.handed_out} events were handed out",
                    url=url,
                    events=position.handed_out,
                ) from exc
            delay = min(options.backoff_max, 0.5 * 2 ** (failures - 1))
            logger.info("stream %s broke (%r); resuming in %.1fs", url, exc, delay)
            await anyio.sleep(delay)
            continue
        if ended:
            if not options.follow or keep_going is None or not await keep_going():
                return
            await anyio.sleep(options.poll_interval)
