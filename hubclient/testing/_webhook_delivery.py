"""The local Hub's webhook deliveries: an outbox fed by the Hub's events, and a sender that
posts them, off the request path, with the secret header and bounded retries.

* The **outbox** (:class:`WebhookOutbox`, ``LocalHub.webhooks``) listens to the event bus; for
  each webhook an event concerns it queues a :class:`Delivery` (the request that changed the
  Hub only queues). Each webhook takes at most ``policy.daily_limit`` triggers per 24 hours,
  as on the Hub; past that a delivery is recorded as ``rate-limited`` and not sent.
* The **sender** (:meth:`WebhookOutbox.run`) posts due deliveries, a few at once, each
  ``POST <url>`` with the JSON payload, ``Content-Type: application/json`` and, when the webhook
  has one, ``X-Webhook-Secret``. A 2xx answer delivers it. A network error, a timeout, 408, 429
  or 5xx is tried again after ``retry_base * 2**n`` seconds (a ``Retry-After`` of 429/503 is
  honoured up to ``retry_max``), up to ``max_attempts`` tries; any other answer (a receiver
  refusing the secret answers 401/403) fails it at once. Every attempt is recorded.
* Where the sender runs: a served hub runs one on a thread of its own for as long as it serves
  (real sockets); an in-process hub runs one in the caller's event loop inside
  ``async with hub.deliver_webhooks(apps={origin: asgi_app}):`` (origins in ``apps`` are
  answered in-process, any other URL over the network).

The Hub's documentation describes the payloads, the secret header and the daily limit, not a
retry schedule: the schedule above is this local Hub's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import anyio
import anyio.lowlevel
import httpx

from hubclient.testing._accounts import Accounts
from hubclient.testing._api_webhooks import payloads_for
from hubclient.testing._documents import Documents
from hubclient.testing._events import EventBus, HubEvent

__all__ = ["Attempt", "Delivery", "DeliveryPolicy", "WebhookOutbox"]

_log = logging.getLogger("hubclient.testing")
_HISTORY = 10_000
_DAY = 24 * 3600.0


@dataclass
class DeliveryPolicy:
    """How the local Hub delivers (tests make the waits short)."""

    max_attempts: int = 4
    retry_base: float = 1.0
    retry_max: float = 60.0
    timeout: float = 10.0
    daily_limit: int = 1000
    concurrency: int = 8


@dataclass(frozen=True)
class Attempt:
    """One try: the status answered (None when the network failed) or the error, and when."""

    status: int | None
    error: str | None
    at: float


@dataclass
class Delivery:
    """One payload for one webhook, and what became of it (``pending``, ``delivered``,
    ``failed``, ``rate-limited``, or ``dropped`` when more than 10,000 waited for a sender)."""

    id: str
    webhook_id: str
    url: str
    secret: str | None
    payload: dict[str, Any]
    created: float
    state: str = "pending"
    attempts: list[Attempt] = field(default_factory=list)
    next_at: float = 0.0

    @property
    def scope(self) -> str:
        return str(self.payload["event"]["scope"])

    @property
    def action(self) -> str:
        return str(self.payload["event"]["action"])


class WebhookOutbox:
    """The deliveries of one local Hub: queued from its events, sent by :meth:`run`."""

    def __init__(self, documents: Documents, accounts: Accounts, events: EventBus) -> None:
        self.policy = DeliveryPolicy()
        self._documents = documents
        self._accounts = accounts
        self._lock = threading.Condition()
        self._queue: deque[Delivery] = deque()
        self._history: deque[Delivery] = deque(maxlen=_HISTORY)
        self._in_flight = 0
        self._wakers: list[Callable[[], None]] = []
        events.subscribe(self._on_event)

    # --- queueing ---

    def _on_event(self, event: HubEvent) -> None:
        now = time.time()
        for record, payload in payloads_for(self._documents, self._accounts, event):
            delivery = Delivery(
                uuid.uuid4().hex[:24],
                record["id"],
                record["url"],
                record.get("secret"),
                payload,
                now,
                next_at=time.monotonic(),
            )
            with self._lock:
                recent = sum(
                    d.webhook_id == delivery.webhook_id
                    and d.state != "rate-limited"
                    and now - d.created < _DAY
                    for d in self._history
                )
                self._history.append(delivery)
                if recent >= self.policy.daily_limit:
                    delivery.state = "rate-limited"
                    continue
                if len(self._queue) >= _HISTORY:  # nobody sends (an in-process hub): bounded
                    self._queue.popleft().state = "dropped"
                self._queue.append(delivery)
                wakers = list(self._wakers)
            for wake in wakers:
                wake()

    def deliveries(self) -> list[Delivery]:
        """Every delivery so far (oldest first; copies, safe to read while sending goes on)."""
        with self._lock:
            return [replace(d, attempts=list(d.attempts)) for d in self._history]

    def idle(self) -> bool:
        with self._lock:
            return not self._queue and self._in_flight == 0

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is queued or being sent (True), or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.05))
            return True

    async def wait_idle_async(self) -> None:
        """:meth:`wait_idle` for async code (asyncio or trio); bound it with
        ``anyio.fail_after``."""
        while not self.idle():  # noqa: ASYNC110 (the queue is shared with other threads)
            await anyio.sleep(0.01)

    def _take_due(self) -> tuple[list[Delivery], float]:
        now = time.monotonic()
        with self._lock:
            due = [d for d in self._queue if d.next_at <= now]
            for d in due:
                self._queue.remove(d)
            self._in_flight += len(due)
            later = [d.next_at - now for d in self._queue]
        return due, min(later) if later else 1.0

    # --- sending ---

    async def run(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        """Send deliveries as they come, until cancelled (over ``transport`` when given)."""
        limiter = anyio.CapacityLimiter(max(1, self.policy.concurrency))
        wake_up = anyio.Event()
        ident = threading.get_ident()
        native = _native_token()

        def wake() -> None:
            try:
                if threading.get_ident() == ident:
                    wake_up.set()
                elif hasattr(native, "call_soon_threadsafe"):
                    native.call_soon_threadsafe(wake_up.set)
                elif hasattr(native, "run_sync_soon"):
                    native.run_sync_soon(wake_up.set)
            except RuntimeError:  # the loop is closing: it picks the queue up next time
                pass

        with self._lock:
            self._wakers.append(wake)
        try:
            async with (
                httpx.AsyncClient(transport=transport, follow_redirects=False) as http,
                anyio.create_task_group() as tg,
            ):
                while True:
                    due, wait = self._take_due()
                    for delivery in due:
                        tg.start_soon(self._send, http, delivery, limiter, wake)
                    with anyio.move_on_after(min(wait, 0.5)):
                        await wake_up.wait()
                    wake_up = anyio.Event()
        finally:
            with self._lock:
                self._wakers.remove(wake)

    async def _send(
        self,
        http: httpx.AsyncClient,
        delivery: Delivery,
        limiter: anyio.CapacityLimiter,
        wake: Callable[[], None],
    ) -> None:
        policy = self.policy
        body = json.dumps(delivery.payload).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "huggingface-webhooks"}
        if delivery.secret:
            headers["X-Webhook-Secret"] = delivery.secret
        status: int | None = None
        error: str | None = None
        retry_after: float | None = None
        try:
            async with limiter:
                with anyio.fail_after(policy.timeout):
                    response = await http.post(delivery.url, content=body, headers=headers)
            status = response.status_code
            retry_after = _retry_after(response) if status in (429, 503) else None
        except anyio.get_cancelled_exc_class():
            with self._lock:  # the sender stops: the delivery waits for the next one
                self._in_flight -= 1
                self._queue.appendleft(delivery)
                self._lock.notify_all()
            raise
        except TimeoutError:
            error = f"timed out after {policy.timeout}s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # an in-process receiver's bug is a failed attempt too
            error = f"{type(exc).__name__}: {exc}"
            _log.warning("local hub: webhook %s: %s", delivery.url, error)
        with self._lock:
            delivery.attempts.append(Attempt(status, error, time.time()))
            retryable = status is None or status in (408, 429) or status >= 500
            if status is not None and 200 <= status < 300:
                delivery.state = "delivered"
            elif retryable and len(delivery.attempts) < policy.max_attempts:
                wait = policy.retry_base * 2 ** (len(delivery.attempts) - 1)
                if retry_after is not None:
                    wait = max(wait, retry_after)
                delivery.next_at = time.monotonic() + min(wait, policy.retry_max)
                self._queue.append(delivery)
                wake()
            else:
                delivery.state = "failed"
            self._in_flight -= 1
            self._lock.notify_all()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _native_token() -> Any:
    try:
        return anyio.lowlevel.current_token().native_token
    except Exception:
        return None
