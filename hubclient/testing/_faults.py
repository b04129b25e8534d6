"""Fault injection and a request log for the local Hub, as one ASGI middleware.

`instrument(app, origin=..., faults=..., log=...)` wraps the hub app or the storage app. Every HTTP
request that goes through it is recorded in the `RequestLog` (also when a fault answers it or the
app raises), and the first `FaultRule` of `Faults` that matches and fires changes what the client
gets:

* ``status``: answer the rule's status with a JSON error body, ``X-Error-Message`` and, when asked,
  ``Retry-After`` and ``RateLimit: "api";r=0;t=N`` (the request body is drained first);
* ``delay``: sleep, then let the request through;
* ``drop``: close the connection without an answer, or after the headers and ``after_bytes`` of
  the body when ``after_bytes > 0``;
* ``truncate``: send the real headers (full ``Content-Length``), then only ``after_bytes`` of the
  body, then cut the connection.

A cut connection is signalled by raising `ConnectionDropped` out of the middleware (the in-process
transport turns it into an httpx transport error). Under uvicorn the middleware closes the server's
socket itself, so the client sees a real connection cut (no answer at all, or a short body).

Both classes are thread-safe: uvicorn serves the apps from a background thread while tests read the
log and add rules from theirs. Only anyio is used, so the middleware runs under asyncio and trio.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal, Protocol

import anyio
import anyio.lowlevel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "ConnectionDropped",
    "FaultAction",
    "FaultRule",
    "Faults",
    "Origin",
    "RequestLog",
    "RequestRecord",
    "instrument",
]

FaultAction = Literal["status", "delay", "drop", "truncate"]
Origin = str
"""The name of an origin of the local Hub: ``"hub"``, ``"storage"``, or an extra origin's
(``"endpoints"``, …; see ``LocalHub.add_origin``)."""


class ConnectionDropped(Exception):
    """Raised by the middleware when a fault cuts the connection (``drop``, ``truncate``)."""


@dataclass
class FaultRule:
    """What to break, for which requests, and how often.

    A request matches when its origin, method and path (``re.search`` on the decoded path, without
    the query) match. The first `skip` matching requests pass untouched; after that the rule fires
    with the given `probability` (drawn from the seeded RNG of its `Faults`) until it has fired
    `times` times (``None``: no limit).

    Example::

        hub.faults.add(FaultRule(status=503, method="GET", path=r"/resolve/", times=2))
        hub.faults.add(FaultRule(action="status", status=429, retry_after=1))
        hub.faults.add(FaultRule(action="truncate", origin="storage", after_bytes=1000))
    """

    action: FaultAction = "status"
    status: int = 503
    origin: Origin | None = None
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    skip: int = 0
    probability: float = 1.0
    retry_after: float | None = None
    ratelimit_reset: int | None = None
    delay: float = 0.0
    after_bytes: int = 0

    def __post_init__(self) -> None:
        if self.action not in ("status", "delay", "drop", "truncate"):
            raise ValueError(f"unknown fault action {self.action!r}")
        if self.origin is not None and not (
            isinstance(self.origin, str) and re.fullmatch(r"[a-z][a-z0-9-]{0,31}", self.origin)
        ):
            raise ValueError(f"origin must be an origin's name or None, not {self.origin!r}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0 or None")
        if self.skip < 0 or self.after_bytes < 0 or self.delay < 0:
            raise ValueError("skip, after_bytes and delay must be >= 0")
        if self.action == "status" and not 100 <= self.status <= 599:
            raise ValueError(f"invalid HTTP status {self.status}")
        if self.path is not None:
            re.compile(self.path)  # fail early on a bad pattern


@dataclass
class _RuleState:
    rule: FaultRule
    pattern: re.Pattern[str] | None
    matched: int = 0
    fired: int = 0


class Faults:
    """The fault rules of one local Hub, evaluated in the order they were added.

    Thread-safe. The RNG behind `FaultRule.probability` is seeded, so a run is reproducible.
    """

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._states: list[_RuleState] = []

    def add(self, rule: FaultRule) -> FaultRule:
        """Add a rule (after the existing ones) and return it, to ask `fired(rule)` later."""
        pattern = re.compile(rule.path) if rule.path is not None else None
        with self._lock:
            self._states.append(_RuleState(rule, pattern))
        return rule

    def remove(self, rule: FaultRule) -> None:
        """Remove one rule (no error if it is not there)."""
        with self._lock:
            self._states = [s for s in self._states if s.rule is not rule]

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._states = []

    @property
    def rules(self) -> list[FaultRule]:
        """The current rules, in evaluation order (a copy of the list)."""
        with self._lock:
            return [s.rule for s in self._states]

    def fired(self, rule: FaultRule) -> int:
        """How many times `rule` has fired (0 for a rule that is not registered)."""
        with self._lock:
            return next((s.fired for s in self._states if s.rule is rule), 0)

    def matched(self, rule: FaultRule) -> int:
        """How many requests matched `rule` (fired, skipped, or let through by chance)."""
        with self._lock:
            return next((s.matched for s in self._states if s.rule is rule), 0)

    def pick(self, origin: str, method: str, path: str) -> FaultRule | None:
        """Decide the fault for one request: the first matching rule that fires, or ``None``.

        Counts the request against every rule it reaches (the rules after the one that fires are
        not reached).
        """
        with self._lock:
            for state in self._states:
                rule = state.rule
                if rule.origin is not None and rule.origin != origin:
                    continue
                if rule.method is not None and rule.method.upper() != method.upper():
                    continue
                if state.pattern is not None and state.pattern.search(path) is None:
                    continue
                state.matched += 1
                if state.matched <= rule.skip:
                    continue
                if rule.times is not None and state.fired >= rule.times:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                state.fired += 1
                return rule
        return None


@dataclass(frozen=True)
class RequestRecord:
    """One request as the local Hub saw it.

    `status` is the status line sent to the client (0 when none was sent: dropped connection,
    crash, client gone). `request_bytes`/`response_bytes` count the body bytes actually received
    and sent. `fault` is the action of the rule that fired (``"status"``, ``"delay"``, ``"drop"``,
    ``"truncate"``) or ``None``. `started` and `ended` come from `time.monotonic()`.
    """

    origin: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int
    request_bytes: int
    response_bytes: int
    fault: str | None
    started: float
    ended: float
    response_headers: dict[str, str] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.ended - self.started


class RequestLog:
    """Every request both origins received, in the order they ended. Thread-safe.

    Example::

        blob_gets = hub.log.filter(origin="storage", method="GET")
        assert len(blob_gets) == 1
        assert hub.log.max_in_flight(origin="storage", method="PUT") <= 4
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[RequestRecord]:
        """A copy of the records."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def filter(
        self,
        origin: str | None = None,
        method: str | None = None,
        path: str | None = None,
        *,
        status: int | None = None,
        fault: str | None = None,
    ) -> list[RequestRecord]:
        """The records matching every given criterion; `path` is a regex (``re.search``)."""
        pattern = re.compile(path) if path is not None else None
        return [
            r
            for r in self.records
            if (origin is None or r.origin == origin)
            and (method is None or r.method == method.upper())
            and (pattern is None or pattern.search(r.path) is not None)
            and (status is None or r.status == status)
            and (fault is None or r.fault == fault)
        ]

    def count(
        self, origin: str | None = None, method: str | None = None, path: str | None = None
    ) -> int:
        """How many requests match."""
        return len(self.filter(origin, method, path))

    def max_in_flight(
        self, origin: str | None = None, method: str | None = None, path: str | None = None
    ) -> int:
        """The peak number of matching requests that were being served at the same time."""
        return peak_concurrency(self.filter(origin, method, path))

    def bytes_sent(
        self, origin: str | None = None, method: str | None = None, path: str | None = None
    ) -> int:
        """Request body bytes the clients sent (uploads) in the matching requests."""
        return sum(r.request_bytes for r in self.filter(origin, method, path))

    def bytes_received(
        self, origin: str | None = None, method: str | None = None, path: str | None = None
    ) -> int:
        """Response body bytes the clients were sent (downloads) in the matching requests."""
        return sum(r.response_bytes for r in self.filter(origin, method, path))


def peak_concurrency(records: Iterable[RequestRecord]) -> int:
    """The largest number of overlapping ``[started, ended)`` intervals."""
    events: list[tuple[float, int]] = []
    for r in records:
        events.append((r.started, 1))
        events.append((r.ended, -1))
    # at equal times -1 sorts first: an end and a start at the same instant don't overlap
    events.sort()
    peak = current = 0
    for _, delta in events:
        current += delta
        peak = max(peak, current)
    return peak


class _Transport(Protocol):
    def close(self) -> None: ...

    def is_closing(self) -> bool: ...


def _server_transport(receive: Receive) -> _Transport | None:
    """The socket transport of the server cycle behind `receive`, when the server is uvicorn.

    uvicorn's ``receive`` is a bound method of its request-response cycle, which holds the asyncio
    transport. Closing it is the only way an ASGI app can cut a connection without a 500 first.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if callable(getattr(transport, "close", None)) and callable(
        getattr(transport, "is_closing", None)
    ):
        return transport
    return None


def _headers_dict(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def _status_response(rule: FaultRule, method: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    try:
        phrase = HTTPStatus(rule.status).phrase
    except ValueError:
        phrase = "Error"
    message = f"Injected fault: {rule.status} {phrase}"
    body = json.dumps({"error": message}).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-error-message", message.encode("latin-1")),
        (b"x-request-id", f"fault-{uuid.uuid4().hex}".encode()),
    ]
    if rule.retry_after is not None:
        value = rule.retry_after
        text = str(int(value)) if float(value).is_integer() else str(value)
        headers.append((b"retry-after", text.encode()))
    if rule.ratelimit_reset is not None:
        headers.append((b"ratelimit", f'"api";r=0;t={rule.ratelimit_reset}'.encode()))
        headers.append((b"ratelimit-policy", b'"fixed window";"api";q=500;w=300'))
    return headers, (b"" if method == "HEAD" else body)


class _Instrumented:
    def __init__(self, app: ASGIApp, origin: str, faults: Faults, log: RequestLog) -> None:
        self.app = app
        self.origin = origin
        self.faults = faults
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _Exchange(self, scope, receive, send).run()


class _Exchange:
    """One request going through the middleware: its counters, its fault and its record.

    The record is added to the log *before* the client can see the end of the exchange (before
    the last body message is handed to the server, before the connection is cut), so a test that
    reads the log right after its request returned always finds that request there.
    """

    def __init__(self, owner: _Instrumented, scope: Scope, receive: Receive, send: Send) -> None:
        self.owner = owner
        self.scope = scope
        self._receive = receive
        self._send = send
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.rule: FaultRule | None = None
        self.started = time.monotonic()
        self.status = 0
        self.request_bytes = 0
        self.response_bytes = 0
        self.response_headers: dict[str, str] = {}
        self.expected_bytes: int | None = None
        self.recorded = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.request_bytes += len(message.get("body", b""))
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.response_headers = _headers_dict(message.get("headers", []))
            length = self.response_headers.get("content-length")
            self.expected_bytes = int(length) if length and length.isdigit() else None
            if self.method == "HEAD" or self.status in (204, 304) or self.expected_bytes == 0:
                self.record()  # the client is done once it has the headers
        elif message["type"] == "http.response.body":
            self.response_bytes += len(message.get("body", b""))
            if not message.get("more_body", False) or (
                self.expected_bytes is not None and self.response_bytes >= self.expected_bytes
            ):
                self.record()  # the client is done once it has Content-Length bytes
        await self._send(message)

    def record(self) -> None:
        """Add this request to the log (once)."""
        if self.recorded:
            return
        self.recorded = True
        self.owner.log.add(
            RequestRecord(
                origin=self.owner.origin,
                method=self.method,
                path=self.path,
                query=self.scope.get("query_string", b"").decode("latin-1"),
                headers=_headers_dict(self.scope.get("headers", [])),
                status=self.status,
                request_bytes=self.request_bytes,
                response_bytes=self.response_bytes,
                fault=self.rule.action if self.rule is not None else None,
                started=self.started,
                ended=time.monotonic(),
                response_headers=self.response_headers,
            )
        )

    async def run(self) -> None:
        self.rule = rule = self.owner.faults.pick(self.owner.origin, self.method, self.path)
        try:
            if rule is None:
                await self.owner.app(self.scope, self.receive, self.send)
            elif rule.action == "delay":
                await anyio.sleep(rule.delay)
                await self.owner.app(self.scope, self.receive, self.send)
            elif rule.action == "status":
                await self._answer_status(rule)
            elif rule.action == "drop" and rule.after_bytes == 0:
                await self._cut()
            else:  # drop after some bytes, truncate
                await self._send_partially(rule)
        finally:
            self.record()  # the app crashed, or never finished its answer

    async def _drain(self) -> None:
        while True:
            message = await self.receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return

    async def _answer_status(self, rule: FaultRule) -> None:
        await self._drain()
        headers, body = _status_response(rule, self.method)
        await self.send({"type": "http.response.start", "status": rule.status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body, "more_body": False})

    async def _send_partially(self, rule: FaultRule) -> None:
        """Run the app, forward its headers and the first `after_bytes` of its body, then cut."""
        budget = rule.after_bytes

        async def limited_send(message: Message) -> None:
            nonlocal budget
            if message["type"] != "http.response.body":
                await self.send(message)
                return
            body: bytes = message.get("body", b"")
            chunk = body[:budget]
            budget -= len(chunk)
            if chunk:  # never mark the body complete: the connection is cut instead
                await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
            if budget <= 0 or not message.get("more_body", False):
                raise ConnectionDropped(
                    f"{rule.action}: connection cut after {self.response_bytes} body bytes"
                )

        with contextlib.suppress(ConnectionDropped):
            await self.owner.app(self.scope, self.receive, limited_send)
        await self._cut()

    async def _cut(self) -> None:
        self.record()
        transport = _server_transport(self._receive)
        if transport is None:
            raise ConnectionDropped(f"connection dropped ({self.method} {self.path})")
        transport.close()
        # Let the event loop report the lost connection to the server before the app returns, so
        # that uvicorn neither answers 500 nor complains about an unfinished response.
        for _ in range(3):
            await anyio.lowlevel.checkpoint()


def instrument(app: ASGIApp, *, origin: str, faults: Faults, log: RequestLog) -> ASGIApp:
    """Wrap an ASGI app so that `faults` apply to it and every HTTP request lands in `log`.

    `origin` (``"hub"``, ``"storage"`` or an extra origin's name) is matched against
    `FaultRule.origin` and stored in each record. Other scopes (lifespan, websocket) pass
    through untouched.
    """
    return _Instrumented(app, origin, faults, log)
