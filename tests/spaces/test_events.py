"""The SSE reader against servers that misbehave in ways the local Hub never does.

A transport below hubclient's HTTP layer plays the server (the whole HTTP layer still runs):
malformed events, endless lines, answers logged after the request, history that replays.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable

import httpx
import pytest

from hubclient import AsyncHubClient, LogStreamError
from hubclient._events import StreamOptions, parse_timestamp, stream_events

pytestmark = pytest.mark.anyio


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> AsyncHubClient:
    return AsyncHubClient(
        "http://hub.test", token="hf_x", transport=httpx.MockTransport(handler), max_retries=0
    )


def _event(data: str, stamp: float) -> bytes:
    moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)) + ".000Z"
    return f"data: {json.dumps({'data': data, 'timestamp': moment})}\n\n".encode()


async def _read(client: AsyncHubClient, **options: object) -> list[dict[str, object]]:
    opts = StreamOptions(**options)  # type: ignore[arg-type]
    return [e async for e in stream_events(client._http, "/logs", token=None, options=opts)]


async def test_keep_alives_comments_and_multi_line_data() -> None:
    body = b': keep-alive\n\ndata:\n\ndata: {"data": \ndata: "x"}\n\n' + _event("y", 1e9)

    async with _client(lambda r: httpx.Response(200, content=body)) as client:
        events = await _read(client)
    assert [e["data"] for e in events] == ["x", "y"]


async def test_an_event_that_is_not_a_json_object_is_a_typed_error() -> None:
    body = _event("ok", 1e9) + b"data: [1, 2]\n\n"
    async with _client(lambda r: httpx.Response(200, content=body)) as client:
        with pytest.raises(LogStreamError, match="not a JSON object") as caught:
            await _read(client)
    assert caught.value.events == 1


async def test_an_endless_line_is_a_typed_error() -> None:
    body = b"data: " + b"x" * 5000
    async with _client(lambda r: httpx.Response(200, content=body)) as client:
        with pytest.raises(LogStreamError, match="longer than 1024 bytes"):
            await _read(client, max_line=1024)


async def test_a_replay_stops_at_what_was_logged_after_the_answer() -> None:
    """No follow: huggingface_hub's rule, events after the answer's Date (+1 s) are not read."""
    now = time.time()
    body = _event("old", now - 10) + _event("new", now - 5) + _event("future", now + 60)
    headers = {"date": email.utils.formatdate(now, usegmt=True)}
    async with _client(lambda r: httpx.Response(200, content=body, headers=headers)) as client:
        events = await _read(client)
    assert [e["data"] for e in events] == ["old", "new"]


async def test_a_cut_replay_resumes_after_what_was_handed_out() -> None:
    history = [_event(f"line {i}", 1e9 + i) for i in range(6)]
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        whole = b"".join(history)
        if len(calls) == 1:  # cut in the middle of the fourth event's line

            async def cut() -> object:
                yield whole[: len(b"".join(history[:3])) + 20]
                raise httpx.RemoteProtocolError("peer closed connection")

            return httpx.Response(200, content=cut())  # type: ignore[arg-type]
        return httpx.Response(200, content=whole)

    async with _client(handler) as client:
        events = await _read(client, backoff_max=0.01)
    assert [e["data"] for e in events] == [f"line {i}" for i in range(6)]
    assert len(calls) == 2


def test_timestamps_parse_as_the_hub_writes_them() -> None:
    nanos = parse_timestamp("2023-10-26T12:41:53.263078506Z")
    assert nanos is not None
    assert nanos.microsecond == 263078
    assert parse_timestamp("2023-10-26T12:41:53Z") is not None
    assert parse_timestamp("yesterday") is None
    assert parse_timestamp(None) is None
