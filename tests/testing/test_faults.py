"""Fault injection and the request log, on a tiny Starlette app of our own.

In-process through `httpx.ASGITransport` (asyncio and trio), and on real sockets under uvicorn for
what only a socket shows: a dropped connection, a truncated body, a drained body on keep-alive.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from hubclient.testing import ALICE_TOKEN, LocalHub
from hubclient.testing._faults import (
    ConnectionDropped,
    FaultRule,
    Faults,
    RequestLog,
    RequestRecord,
    instrument,
    peak_concurrency,
)

BASE = "http://app.local"


class TinyApp:
    """A Starlette app that counts the requests it really served."""

    def __init__(self) -> None:
        self.served = 0
        self.gate_count = 0
        self.gate_size = 0
        self._gate_open: anyio.Event | None = None  # created in the serving event loop
        self.app = Starlette(
            routes=[
                Route("/data", self.data, methods=["GET", "HEAD"]),
                Route("/echo", self.echo, methods=["POST", "PUT"]),
                Route("/stream", self.stream),
                Route("/boom", self.boom),
                Route("/gate", self.gate),
            ]
        )

    async def data(self, request: Request) -> Response:
        self.served += 1
        n = int(request.query_params.get("n", "1000"))
        return Response(bytes(i % 251 for i in range(n)), media_type="application/octet-stream")

    async def echo(self, request: Request) -> Response:
        self.served += 1
        body = await request.body()
        return JSONResponse({"received": len(body)})

    async def stream(self, request: Request) -> Response:
        self.served += 1

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"s" * 100

        return StreamingResponse(chunks(), headers={"content-length": "1000"})

    async def boom(self, request: Request) -> Response:
        self.served += 1
        raise RuntimeError("the app crashed")

    async def gate(self, request: Request) -> Response:
        """Answers only once `gate_size` requests are inside at the same time."""
        self.served += 1
        if self._gate_open is None:
            self._gate_open = anyio.Event()
        gate = self._gate_open
        self.gate_count += 1
        if self.gate_count >= self.gate_size:
            gate.set()
        await gate.wait()
        return Response(b"ok")


@pytest.fixture
def tiny() -> TinyApp:
    return TinyApp()


@pytest.fixture
def faults() -> Faults:
    return Faults(seed=1)


@pytest.fixture
def log() -> RequestLog:
    return RequestLog()


def client_for(
    tiny: TinyApp, faults: Faults, log: RequestLog, origin: str = "hub"
) -> httpx.AsyncClient:
    app = instrument(tiny.app, origin=origin, faults=faults, log=log)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


# --- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": "explode"},
        {"origin": "Not an origin"},
        {"probability": 1.5},
        {"times": -1},
        {"skip": -1},
        {"after_bytes": -3},
        {"delay": -0.1},
        {"status": 42},
        {"path": "("},
    ],
)
def test_invalid_rules_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, re.error)):
        FaultRule(**kwargs)


def test_skip_then_times_then_pass() -> None:
    faults = Faults()
    rule = faults.add(FaultRule(skip=1, times=2))
    picks = [faults.pick("hub", "GET", "/x") for _ in range(5)]
    assert picks == [None, rule, rule, None, None]
    assert faults.fired(rule) == 2
    assert faults.matched(rule) == 5


def test_unlimited_times() -> None:
    faults = Faults()
    rule = faults.add(FaultRule(times=None))
    assert all(faults.pick("storage", "PUT", "/p") is rule for _ in range(50))
    assert faults.fired(rule) == 50


def test_matching_by_origin_method_and_path() -> None:
    faults = Faults()
    rule = faults.add(FaultRule(origin="storage", method="put", path=r"^/parts/\d+$", times=None))
    assert faults.pick("hub", "PUT", "/parts/1") is None
    assert faults.pick("storage", "GET", "/parts/1") is None
    assert faults.pick("storage", "PUT", "/parts/x") is None
    assert faults.pick("storage", "PUT", "/parts/12") is rule
    assert faults.matched(rule) == 1


def test_first_rule_that_fires_wins_and_later_rules_are_not_reached() -> None:
    faults = Faults()
    first = faults.add(FaultRule(status=500, path="/a", times=1))
    second = faults.add(FaultRule(status=503, times=None))
    assert faults.pick("hub", "GET", "/a") is first
    assert faults.pick("hub", "GET", "/a") is second  # first is used up
    assert faults.pick("hub", "GET", "/b") is second
    assert faults.matched(second) == 2


def test_probability_is_reproducible_with_a_seed() -> None:
    def run(seed: int) -> list[bool]:
        faults = Faults(seed=seed)
        faults.add(FaultRule(probability=0.5, times=None))
        return [faults.pick("hub", "GET", "/") is not None for _ in range(200)]

    first = run(7)
    assert first == run(7)
    assert 50 < sum(first) < 150  # both outcomes happen
    assert first != run(8)


def test_probability_zero_never_fires_and_one_always_does() -> None:
    faults = Faults()
    never = faults.add(FaultRule(probability=0.0, times=None))
    always = faults.add(FaultRule(probability=1.0, times=None))
    assert all(faults.pick("hub", "GET", "/") is always for _ in range(20))
    assert faults.fired(never) == 0
    assert faults.matched(never) == 20


def test_remove_clear_and_unknown_rule() -> None:
    faults = Faults()
    a = faults.add(FaultRule(times=None))
    b = faults.add(FaultRule(times=None))
    assert faults.rules == [a, b]
    faults.remove(a)
    assert faults.rules == [b]
    assert faults.fired(a) == 0
    faults.clear()
    assert faults.rules == []
    assert faults.pick("hub", "GET", "/") is None


def test_faults_are_thread_safe() -> None:
    faults = Faults()
    rule = faults.add(FaultRule(times=100))
    hits: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        n = sum(1 for _ in range(500) if faults.pick("hub", "GET", "/") is not None)
        with lock:
            hits.append(n)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(hits) == 100
    assert faults.fired(rule) == 100
    assert faults.matched(rule) == 4000


# --- the log on its own ------------------------------------------------------------------------


def record(started: float, ended: float, **kw: Any) -> RequestRecord:
    base: dict[str, Any] = {
        "origin": "hub",
        "method": "GET",
        "path": "/",
        "query": "",
        "headers": {},
        "status": 200,
        "request_bytes": 0,
        "response_bytes": 0,
        "fault": None,
    }
    base.update(kw)
    return RequestRecord(started=started, ended=ended, **base)


def test_peak_concurrency() -> None:
    assert peak_concurrency([]) == 0
    assert peak_concurrency([record(0, 1), record(1, 2), record(2, 3)]) == 1  # touching ends
    assert peak_concurrency([record(0, 10), record(1, 2), record(1.5, 3), record(5, 6)]) == 3


def test_log_filters_counts_and_bytes() -> None:
    log = RequestLog()
    log.add(record(0, 1, origin="storage", method="PUT", path="/p/1", request_bytes=10))
    log.add(record(0, 1, origin="storage", method="PUT", path="/p/2", request_bytes=5))
    log.add(record(0, 1, origin="storage", method="GET", path="/b", response_bytes=7))
    log.add(record(0, 1, origin="hub", method="GET", path="/b", response_bytes=3, status=503))
    assert len(log) == 4
    assert log.count(origin="storage") == 3
    assert log.count(method="get") == 2
    assert [r.path for r in log.filter(path=r"^/p/")] == ["/p/1", "/p/2"]
    assert log.filter(status=503)[0].origin == "hub"
    assert log.bytes_sent(origin="storage", method="PUT") == 15
    assert log.bytes_received(path="/b") == 10
    assert log.max_in_flight(origin="storage") == 3
    copy = log.records
    copy.clear()
    assert len(log) == 4
    log.clear()
    assert len(log) == 0


# --- the middleware in-process (asyncio and trio) ----------------------------------------------


@pytest.mark.anyio
async def test_requests_are_recorded(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    async with client_for(tiny, faults, log, origin="storage") as client:
        r = await client.post("/echo?x=1&y=2", content=b"a" * 1234, headers={"X-Custom": "Yes"})
        assert r.json() == {"received": 1234}
        r = await client.get("/data", params={"n": 321})
        assert len(r.content) == 321
    first, second = log.records
    assert (first.origin, first.method, first.path, first.query) == (
        "storage",
        "POST",
        "/echo",
        "x=1&y=2",
    )
    assert first.headers["x-custom"] == "Yes"
    assert first.request_bytes == 1234
    assert first.status == 200
    assert first.fault is None
    assert first.response_headers["content-type"] == "application/json"
    assert second.response_bytes == 321
    assert second.request_bytes == 0
    assert first.started <= first.ended <= second.started <= second.ended


@pytest.mark.anyio
async def test_status_fault(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    rule = faults.add(FaultRule(status=503, method="POST", path="^/echo$"))
    async with client_for(tiny, faults, log) as client:
        r = await client.post("/echo", content=b"z" * 5000)
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/json"
        assert "503" in r.json()["error"]
        assert r.headers["x-error-message"] == r.json()["error"]
        assert r.headers["content-length"] == str(len(r.content))
        assert r.headers["x-request-id"]
        assert "retry-after" not in r.headers
        assert "ratelimit" not in r.headers
        assert tiny.served == 0
        r = await client.post("/echo", content=b"z")  # times=1: used up
        assert r.status_code == 200
    assert faults.fired(rule) == 1
    faulted, ok = log.records
    assert (faulted.status, faulted.fault, faulted.request_bytes) == (503, "status", 5000)
    assert (ok.status, ok.fault) == (200, None)


@pytest.mark.anyio
async def test_status_500(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    faults.add(FaultRule(status=500))
    async with client_for(tiny, faults, log) as client:
        r = await client.get("/data")
    assert r.status_code == 500
    assert r.json() == {"error": "Injected fault: 500 Internal Server Error"}


@pytest.mark.anyio
async def test_429_with_retry_after_and_ratelimit(
    tiny: TinyApp, faults: Faults, log: RequestLog
) -> None:
    faults.add(FaultRule(status=429, retry_after=3))
    faults.add(FaultRule(status=429, ratelimit_reset=17))
    faults.add(FaultRule(status=429, retry_after=0.5))
    async with client_for(tiny, faults, log) as client:
        first = await client.get("/data")
        second = await client.get("/data")
        third = await client.get("/data")
    assert first.status_code == second.status_code == 429
    assert first.headers["retry-after"] == "3"
    assert "ratelimit" not in first.headers
    assert second.headers["ratelimit"] == '"api";r=0;t=17'
    assert "retry-after" not in second.headers
    assert third.headers["retry-after"] == "0.5"


@pytest.mark.anyio
async def test_status_fault_on_head_has_no_body(
    tiny: TinyApp, faults: Faults, log: RequestLog
) -> None:
    faults.add(FaultRule(status=502, method="HEAD"))
    async with client_for(tiny, faults, log) as client:
        r = await client.head("/data")
    assert r.status_code == 502
    assert r.content == b""
    assert int(r.headers["content-length"]) > 0
    assert r.headers["x-error-message"]


@pytest.mark.anyio
async def test_origin_filter_in_the_middleware(
    tiny: TinyApp, faults: Faults, log: RequestLog
) -> None:
    faults.add(FaultRule(status=500, origin="storage"))
    async with client_for(tiny, faults, log, origin="hub") as client:
        r = await client.get("/data")
    assert r.status_code == 200
    assert log.records[0].origin == "hub"


@pytest.mark.anyio
async def test_delay_then_proceed(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    faults.add(FaultRule(action="delay", delay=0.05, path="/data"))
    async with client_for(tiny, faults, log) as client:
        r = await client.get("/data", params={"n": 10})
    assert r.status_code == 200
    assert len(r.content) == 10
    assert tiny.served == 1
    (rec,) = log.records
    assert rec.fault == "delay"
    assert rec.duration >= 0.045  # a lower bound: the sleep cannot end early


@pytest.mark.anyio
async def test_drop_in_process(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    faults.add(FaultRule(action="drop"))
    async with client_for(tiny, faults, log) as client:
        with pytest.raises(ConnectionDropped):
            await client.get("/data")
        r = await client.get("/data")  # times=1
        assert r.status_code == 200
    assert tiny.served == 1
    dropped = log.records[0]
    assert (dropped.status, dropped.fault, dropped.response_bytes) == (0, "drop", 0)


@pytest.mark.anyio
@pytest.mark.parametrize(("action", "after"), [("truncate", 0), ("truncate", 250), ("drop", 250)])
async def test_partial_body_in_process(
    tiny: TinyApp, faults: Faults, log: RequestLog, action: Any, after: int
) -> None:
    faults.add(FaultRule(action=action, after_bytes=after))
    async with client_for(tiny, faults, log) as client:
        with pytest.raises(ConnectionDropped):
            await client.get("/stream")
    (rec,) = log.records
    assert (rec.status, rec.fault, rec.response_bytes) == (200, action, after)
    assert rec.response_headers["content-length"] == "1000"


@pytest.mark.anyio
async def test_truncate_a_single_chunk_body(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    faults.add(FaultRule(action="truncate", after_bytes=99))
    async with client_for(tiny, faults, log) as client:
        with pytest.raises(ConnectionDropped):
            await client.get("/data", params={"n": 5000})
    assert log.records[0].response_bytes == 99


@pytest.mark.anyio
async def test_app_crash_is_recorded(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    async with client_for(tiny, faults, log) as client:
        with pytest.raises(RuntimeError, match="crashed"):
            await client.get("/boom")
    (rec,) = log.records
    assert rec.path == "/boom"
    assert rec.status in (0, 500)  # Starlette's error middleware may answer 500 before re-raising
    assert rec.fault is None


@pytest.mark.anyio
async def test_max_in_flight(tiny: TinyApp, faults: Faults, log: RequestLog) -> None:
    tiny.gate_size = 3
    async with client_for(tiny, faults, log) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(client.get, "/gate")
        await client.get("/data")
        await client.get("/data")
    assert log.max_in_flight(path="^/gate$") == 3
    assert log.max_in_flight(path="^/data$") == 1
    assert log.max_in_flight() == 3


@pytest.mark.anyio
async def test_other_scopes_pass_through(faults: Faults, log: RequestLog) -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        return None

    faults.add(FaultRule(times=None))
    await instrument(inner, origin="hub", faults=faults, log=log)(
        {"type": "lifespan"}, receive, send
    )
    assert seen == ["lifespan"]
    assert len(log) == 0


# --- real sockets under uvicorn ----------------------------------------------------------------


@contextmanager
def serve(app: Any) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served(tiny: TinyApp, faults: Faults, log: RequestLog) -> Iterator[str]:
    with serve(instrument(tiny.app, origin="hub", faults=faults, log=log)) as url:
        yield url


def test_drop_on_a_socket_sends_nothing(
    served: str, tiny: TinyApp, faults: Faults, log: RequestLog
) -> None:
    faults.add(FaultRule(action="drop", path="/data"))
    with httpx.Client(base_url=served) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.get("/data")
        assert client.get("/data").status_code == 200
    assert tiny.served == 1
    assert [(r.status, r.fault) for r in log.records] == [(0, "drop"), (200, None)]


def test_drop_of_a_large_upload_on_a_socket(
    served: str, tiny: TinyApp, faults: Faults, log: RequestLog
) -> None:
    faults.add(FaultRule(action="drop", method="PUT"))
    with httpx.Client(base_url=served) as client:
        with pytest.raises(httpx.TransportError):
            client.put("/echo", content=b"u" * (8 << 20))
        assert client.put("/echo", content=b"u" * 10).json() == {"received": 10}
    assert tiny.served == 1


def read_into(response: httpx.Response, buffer: bytearray) -> None:
    for chunk in response.iter_raw():
        buffer.extend(chunk)


@pytest.mark.parametrize(("action", "after"), [("drop", 300), ("truncate", 300), ("truncate", 0)])
@pytest.mark.parametrize("path", ["/stream", "/data"])
def test_partial_body_on_a_socket(
    served: str, faults: Faults, log: RequestLog, action: Any, after: int, path: str
) -> None:
    faults.add(FaultRule(action=action, after_bytes=after))
    got = bytearray()
    with httpx.Client(base_url=served) as client:
        with client.stream("GET", path) as r:
            assert r.status_code == 200
            assert r.headers["content-length"] == "1000"
            with pytest.raises(httpx.RemoteProtocolError, match=r"complete message body"):
                read_into(r, got)
        r2 = client.get(path)  # a fresh connection works
        assert len(r2.content) == 1000
    assert len(got) == after
    faulted = log.records[0]
    assert (faulted.status, faulted.fault, faulted.response_bytes) == (200, action, after)


def test_status_fault_drains_the_body_for_keep_alive(
    served: str, tiny: TinyApp, faults: Faults, log: RequestLog
) -> None:
    faults.add(FaultRule(status=503, method="POST"))
    body = b"k" * (3 << 20)
    with httpx.Client(base_url=served) as client:
        r = client.post("/echo", content=body)
        assert r.status_code == 503
        assert json.loads(r.content)["error"].startswith("Injected fault: 503")
        r = client.post("/echo", content=b"next")
        assert r.json() == {"received": 4}
        r = client.get("/data", params={"n": 7})
        assert len(r.content) == 7
    assert log.records[0].request_bytes == len(body)
    # one keep-alive connection served all three: nothing was left unread in the socket
    assert tiny.served == 2


def test_concurrency_on_a_socket(served: str, tiny: TinyApp, log: RequestLog) -> None:
    tiny.gate_size = 4
    results: list[int] = []

    def hit() -> None:
        with httpx.Client(base_url=served) as client:
            results.append(client.get("/gate").status_code)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [200] * 4
    assert log.max_in_flight(method="GET", path="/gate") == 4


# --- end to end through the local Hub ----------------------------------------------------------
# The same faults, wired by the local Hub into both of its origins, seen by a plain httpx client.


def hub_client(hub: LocalHub) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=hub.async_transport(),
        headers={"authorization": f"Bearer {ALICE_TOKEN}"},
        timeout=30,
    )


def seed_lfs(hub: LocalHub, size: int = 50_000) -> bytes:
    content = bytes(i % 251 for i in range(size))
    hub.seed_repo("alice/faults", {"w.bin": content, "a.txt": b"regular"})
    return content


@pytest.mark.anyio
@pytest.mark.parametrize("status", [500, 503])
async def test_hub_answers_an_injected_status(local_hub: LocalHub, status: int) -> None:
    rule = local_hub.faults.add(FaultRule(status=status, path="^/api/whoami-v2$"))
    async with hub_client(local_hub) as client:
        failed = await client.get(f"{local_hub.hub_url}/api/whoami-v2")
        ok = await client.get(f"{local_hub.hub_url}/api/whoami-v2")
    assert failed.status_code == status
    assert failed.json()["error"] == failed.headers["x-error-message"]
    assert ok.status_code == 200
    assert ok.json()["name"] == "alice"
    assert local_hub.faults.fired(rule) == 1
    assert [(r.status, r.fault) for r in local_hub.log.filter(path="whoami")] == [
        (status, "status"),
        (200, None),
    ]


@pytest.mark.anyio
async def test_storage_answers_an_injected_status(local_hub: LocalHub) -> None:
    seed_lfs(local_hub)
    local_hub.faults.add(FaultRule(status=503, origin="storage", method="GET"))
    async with hub_client(local_hub) as client:
        redirect = await client.get(f"{local_hub.hub_url}/alice/faults/resolve/main/w.bin")
        assert redirect.status_code == 302
        location = redirect.headers["location"]
        assert location.startswith(local_hub.storage_url)
        assert (await client.get(location)).status_code == 503
        assert (await client.get(location)).status_code == 200
    assert [r.status for r in local_hub.log.filter(origin="storage")] == [503, 200]
    assert [r.status for r in local_hub.log.filter(origin="hub")] == [302]


@pytest.mark.anyio
async def test_hub_rate_limits(local_hub: LocalHub) -> None:
    local_hub.faults.add(FaultRule(status=429, retry_after=2, path="whoami"))
    local_hub.faults.add(FaultRule(status=429, ratelimit_reset=30, path="whoami"))
    async with hub_client(local_hub) as client:
        first = await client.get(f"{local_hub.hub_url}/api/whoami-v2")
        second = await client.get(f"{local_hub.hub_url}/api/whoami-v2")
    assert first.status_code == second.status_code == 429
    assert first.headers["retry-after"] == "2"
    assert second.headers["ratelimit"] == '"api";r=0;t=30'


@pytest.mark.anyio
async def test_hub_delays(local_hub: LocalHub) -> None:
    local_hub.faults.add(FaultRule(action="delay", delay=0.05, path="whoami"))
    async with hub_client(local_hub) as client:
        r = await client.get(f"{local_hub.hub_url}/api/whoami-v2")
    assert r.status_code == 200
    (rec,) = local_hub.log.filter(path="whoami")
    assert rec.fault == "delay"
    assert rec.duration >= 0.045


@pytest.mark.anyio
async def test_in_process_drop_and_truncate_become_transport_errors(local_hub: LocalHub) -> None:
    seed_lfs(local_hub)
    local_hub.faults.add(FaultRule(action="drop", path="whoami"))
    local_hub.faults.add(FaultRule(action="truncate", origin="storage", after_bytes=100))
    async with hub_client(local_hub) as client:
        with pytest.raises(httpx.TransportError):
            await client.get(f"{local_hub.hub_url}/api/whoami-v2")
        redirect = await client.get(f"{local_hub.hub_url}/alice/faults/resolve/main/w.bin")
        with pytest.raises(httpx.TransportError):
            await client.get(redirect.headers["location"])
    assert [r.fault for r in local_hub.log.records] == ["drop", None, "truncate"]


@pytest.mark.anyio
async def test_probability_and_counts_through_the_hub(local_hub: LocalHub) -> None:
    rule = local_hub.faults.add(FaultRule(status=503, probability=0.5, times=None, path="whoami"))
    async with hub_client(local_hub) as client:
        statuses = [
            (await client.get(f"{local_hub.hub_url}/api/whoami-v2")).status_code for _ in range(30)
        ]
    assert set(statuses) == {200, 503}
    assert statuses.count(503) == local_hub.faults.fired(rule)
    assert local_hub.faults.matched(rule) == 30


@pytest.mark.anyio
async def test_skip_and_times_through_the_hub(local_hub: LocalHub) -> None:
    local_hub.faults.add(FaultRule(status=500, skip=1, times=2, path="whoami"))
    async with hub_client(local_hub) as client:
        statuses = [
            (await client.get(f"{local_hub.hub_url}/api/whoami-v2")).status_code for _ in range(4)
        ]
    assert statuses == [200, 500, 500, 200]


def test_served_drop_and_truncate(served_hub: Any) -> None:
    content = seed_lfs(served_hub.hub, size=200_000)
    hub = served_hub.hub
    hub.faults.add(FaultRule(action="drop", path="whoami"))
    hub.faults.add(FaultRule(action="truncate", origin="storage", after_bytes=1000))
    hub.faults.add(FaultRule(action="drop", origin="storage", after_bytes=5000))
    auth = {"authorization": f"Bearer {ALICE_TOKEN}"}
    with httpx.Client(headers=auth, timeout=30) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.get(f"{served_hub.hub_url}/api/whoami-v2")
        assert client.get(f"{served_hub.hub_url}/api/whoami-v2").json()["name"] == "alice"
        resolve = f"{served_hub.hub_url}/alice/faults/resolve/main/w.bin"
        location = client.get(resolve).headers["location"]
        assert location.startswith(served_hub.storage_url)
        for expected in (1000, 5000):
            got = bytearray()
            with client.stream("GET", location) as r:
                assert r.status_code == 200
                assert r.headers["content-length"] == str(len(content))
                with pytest.raises(httpx.RemoteProtocolError):
                    read_into(r, got)
            assert bytes(got) == content[:expected]
        assert client.get(location).content == content
    storage = hub.log.filter(origin="storage", method="GET")
    assert [(r.fault, r.response_bytes) for r in storage] == [
        ("truncate", 1000),
        ("drop", 5000),
        (None, len(content)),
    ]


def test_served_status_and_delay(served_hub: Any) -> None:
    hub = served_hub.hub
    hub.faults.add(FaultRule(status=503, retry_after=1, method="POST"))
    hub.faults.add(FaultRule(action="delay", delay=0.05, path="whoami"))
    auth = {"authorization": f"Bearer {ALICE_TOKEN}"}
    with httpx.Client(headers=auth, timeout=30) as client:
        r = client.post(f"{served_hub.hub_url}/api/validate-yaml", json={"content": "x" * 100_000})
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        # the body was drained: the same keep-alive connection serves the next request
        assert client.get(f"{served_hub.hub_url}/api/whoami-v2").status_code == 200
    (delayed,) = hub.log.filter(path="whoami")
    assert delayed.fault == "delay"


def test_a_request_is_logged_before_its_client_sees_the_end(
    served: str, tiny: TinyApp, log: RequestLog
) -> None:
    with httpx.Client(base_url=served) as client:
        for i in range(20):
            if i % 3 == 0:
                client.head("/data")
            elif i % 3 == 1:
                client.get("/stream")  # Content-Length, then an empty last message
            else:
                client.get("/data", params={"n": 10})
            assert len(log) == i + 1
