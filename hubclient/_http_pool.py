"""What a client and its ``with_options`` copies share: the backend (connections), chosen per
event loop (see :mod:`hubclient._backends`), the slots that bound buffered requests, and the
429 gates that hold every request to an origin."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import anyio
import anyio.lowlevel
import httpx
import sniffio

from hubclient._backends import Backend, choose_backend, make_backend
from hubclient._settings import HubSettings

__all__ = ["Pool"]


class Pool:
    """The backend, the buffered-request slots and the 429 gates of one connection pool."""

    def __init__(
        self,
        settings: HubSettings,
        client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self._settings = settings
        self._client = client
        self._transport = transport
        self._backend: Backend | None = None
        self._loop_token: object | None = None
        self._closed = False
        self.gates: dict[str, float] = {}  # origin -> time.monotonic() until which to wait
        self.pause_listeners: list[Callable[[str, float], None]] = []  # told of each 429 pause
        self.reached: set[str] = set()  # origins that answered at least once
        self._slots: anyio.Semaphore | None = None
        self._slots_loop: object | None = None

    @property
    def own_network(self) -> bool:
        """No client or transport was given: requests leave through hubclient's own stack."""
        return self._client is None and self._transport is None

    def slots(self, backend: Backend, loop: object | None = None) -> anyio.Semaphore | None:
        """At most ``max_connections`` buffered requests inside the backend at once.

        Waiting here is cheap; waiting inside httpcore's pool is not (its bookkeeping is
        quadratic in queued requests and connections, which at 64+ concurrent calls costs more
        CPU than the calls themselves). On every backend, a request that queued here looks at
        the 429 gate again before it goes (a queue inside aiohttp's connector would not).
        """
        size = self._settings.max_connections
        if not size:
            return None
        if loop is None:
            loop = _current_loop_token()
        if self._slots is None or loop is not self._slots_loop:
            self._slots = anyio.Semaphore(size)
            self._slots_loop = loop
        return self._slots

    async def take_slot(self, backend: Backend, origin: str) -> anyio.Semaphore | None:
        """Wait for a slot (see :meth:`slots`) and for ``origin``'s gate to be open; the
        semaphore to release afterwards (None when unbounded).

        A free slot is taken without a trip through the event loop (the request's own await
        on the network comes next and is where it can be cancelled); a full pool queues."""
        slots = self.slots(backend, self._loop_token)
        if slots is None:
            return None
        if slots.value > 0:
            try:
                slots.acquire_nowait()
            except anyio.WouldBlock:
                await slots.acquire()
        else:
            await slots.acquire()
        for _ in range(100):  # a 429 closed the gate while we queued for a slot
            if not self.gates or self.gates.get(origin, 0.0) <= time.monotonic():
                break
            slots.release()
            await self.wait_gate(origin)
            await slots.acquire()
        return slots

    def close_gate(self, origin: str, seconds: float) -> None:
        """A 429: hold every request to ``origin`` for ``seconds`` and tell the listeners."""
        self.set_gate(origin, seconds)
        for listener in self.pause_listeners:
            listener(origin, seconds)

    def set_gate(self, origin: str, seconds: float) -> None:
        until = time.monotonic() + max(0.0, seconds)
        if until > self.gates.get(origin, 0.0):
            self.gates[origin] = until

    async def wait_gate(self, origin: str) -> None:
        for _ in range(1000):  # the gate may be pushed back while we wait; bounded anyway
            remaining = self.gates.get(origin, 0.0) - time.monotonic()
            if remaining <= 0:
                return
            await anyio.sleep(remaining)

    def get(self) -> Backend:
        if self._closed:
            raise RuntimeError("this hubclient client has been closed")
        loop = _current_loop_token()
        if self._backend is not None and loop is not None and loop is not self._loop_token:
            # The pool's sockets belong to an event loop that is gone (asyncio.run twice, or
            # trio then asyncio): drop them without awaiting and start afresh.
            self._backend.abandon()
            self._backend = None
        self._loop_token = loop
        if self._backend is None:
            name = choose_backend(
                self._settings.http_backend,
                library=sniffio.current_async_library(),
                client=self._client,
                transport=self._transport,
            )
            self._backend = make_backend(
                name, self._settings, client=self._client, transport=self._transport
            )
        return self._backend

    @property
    def backend_name(self) -> str | None:
        """The backend serving the current event loop (None before the first request)."""
        return None if self._backend is None else self._backend.name

    async def aclose(self) -> None:
        self._closed = True
        backend, self._backend = self._backend, None
        if backend is None:
            return
        loop = _current_loop_token()
        if loop is not None and self._loop_token is not None and loop is not self._loop_token:
            backend.abandon()  # its sockets belong to an event loop that is gone
            return
        with anyio.CancelScope(shield=True):
            await backend.aclose()


def _current_loop_token() -> object | None:
    """The running event loop (what anyio's token names natively), or None if unknown."""
    try:
        return asyncio.get_running_loop()  # asyncio: anyio's native token is the loop itself
    except RuntimeError:
        pass  # trio (or no loop)
    current_token = getattr(anyio.lowlevel, "current_token", None)
    if current_token is None:  # anyio < 4.11
        return None
    try:
        return current_token().native_token  # type: ignore[no-any-return]
    except Exception:
        return None
