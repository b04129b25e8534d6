"""The runtime under the sync facade: a private event-loop thread that drives one async client.

`Portal` owns (or shares) a daemon thread running an asyncio event loop with an anyio
`BlockingPortal` into it. The async client is built *inside* that loop, lazily on first use, by a
host task that keeps it entered (`async with client:`) until the portal is closed, so the client's
`__aenter__` and `__aexit__` run in one task. Calls from any thread are scheduled on the loop; the
calling thread waits in short slices so that Ctrl-C (KeyboardInterrupt) is seen promptly, cancels
the operation in flight, gives it a moment to clean up and is re-raised.

The thread stops on `close()`, when the portal is garbage collected, or at interpreter exit
(`weakref.finalize`), whichever comes first. A portal derived with `derive()` (for
`with_options`) shares its parent's loop; the loop stops when the last portal using it is closed.

Only the generated `hubclient._sync` uses this module; it knows nothing of `AsyncHubClient`.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import os
import threading
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Generator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Generic, TypeVar, cast

import anyio
from anyio.from_thread import BlockingPortal
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

__all__ = ["ClientClosedError", "Portal"]

C = TypeVar("C")
R = TypeVar("R")
T = TypeVar("T")

#: How long the calling thread blocks at a time while waiting for the loop (Ctrl-C latency).
WAIT_SLICE = 0.05
#: How long an interrupted operation may take to clean up before KeyboardInterrupt goes on.
CANCEL_GRACE = 1.0
#: Upper bound for closing the client and stopping the loop thread.
CLOSE_TIMEOUT = 5.0


class ClientClosedError(RuntimeError):
    """The sync client was used after `close()` (or was closed while the call was running)."""


def _wait(future: concurrent.futures.Future[R], cleaned_up: threading.Event | None = None) -> R:
    """Block until `future` is done, in slices, so the calling thread can receive signals.

    If the wait is interrupted (KeyboardInterrupt, or any exception a signal handler raises),
    the operation is cancelled, given up to CANCEL_GRACE seconds to finish its cleanup (when
    `cleaned_up` is given) and the interruption is re-raised.
    """
    try:
        while not future.done():
            concurrent.futures.wait([future], timeout=WAIT_SLICE)
    except BaseException:
        future.cancel()
        if cleaned_up is not None:
            cleaned_up.wait(CANCEL_GRACE)
        raise
    try:
        return future.result()
    except concurrent.futures.CancelledError:
        raise ClientClosedError("the client was closed while the call was running") from None


async def _run_and_signal(
    fn: Callable[[C], Awaitable[R]], client: C, finished: threading.Event
) -> R:
    try:
        return await fn(client)
    finally:
        finished.set()


class _LoopThread:
    """An asyncio event loop on a daemon thread, reached through a BlockingPortal.

    Reference counted: every Portal using the loop holds one reference; the last release stops
    the loop and joins the thread (bounded by CLOSE_TIMEOUT).
    """

    def __init__(self) -> None:
        ready: concurrent.futures.Future[BlockingPortal] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=_run_loop, args=(ready,), name="hubclient-portal", daemon=True
        )
        self._lock = threading.Lock()
        self._users = 1
        self._thread.start()
        self.portal = _wait(ready)

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def acquire(self) -> None:
        with self._lock:
            if self._users <= 0:
                raise ClientClosedError("the client's event loop has been stopped")
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            last = self._users == 0
        if not last:
            return
        if self.in_loop_thread():
            # The loop cannot be stopped synchronously from inside itself; do it from outside.
            threading.Thread(target=self._stop, name="hubclient-portal-stop", daemon=True).start()
        else:
            self._stop()

    def _stop(self) -> None:
        try:
            stopping = self.portal.start_task_soon(self.portal.stop, True)
            concurrent.futures.wait([stopping], timeout=CLOSE_TIMEOUT)
        except RuntimeError:  # the portal is no longer running
            pass
        self._thread.join(CLOSE_TIMEOUT)


def _run_loop(ready: concurrent.futures.Future[BlockingPortal]) -> None:
    async def main() -> None:
        async with BlockingPortal() as portal:
            ready.set_result(portal)
            await portal.sleep_until_stopped()

    try:
        anyio.run(main, backend="asyncio")
    except BaseException as exc:  # pragma: no cover - the loop failed to start
        if not ready.done():
            ready.set_exception(exc)


class _State(Generic[C]):
    """Everything the finalizer needs; holds no reference to the Portal itself."""

    def __init__(
        self, factory: Callable[[], C | Awaitable[C]], loop: _LoopThread | None, name: str
    ) -> None:
        self.lock = threading.Lock()
        self.factory = factory
        self.loop = loop
        self.name = name
        self.client: C | None = None
        self.stop: anyio.Event | None = None
        self.host: concurrent.futures.Future[None] | None = None
        self.closed = False
        self.derived = loop is not None
        self.pid = os.getpid()

    def forked(self) -> bool:
        """True in a child process forked after this state was made (its loop thread is gone)."""
        return self.pid != os.getpid()

    def reset_after_fork(self) -> None:
        """Forget the parent's loop and client: the child builds its own on first use."""
        if self.derived:
            self.closed = True  # its client came from the parent's, which is gone
        self.lock = threading.Lock()
        self.loop = None
        self.client = None
        self.stop = None
        self.host = None
        self.pid = os.getpid()


async def _host(state: _State[C], started: concurrent.futures.Future[C]) -> None:
    """Build the client inside the loop, keep it entered until asked to stop, then close it."""
    try:
        created = state.factory()
        client = cast(C, await created if inspect.isawaitable(created) else created)
        stop = anyio.Event()
        state.stop = stop
        if hasattr(client, "__aenter__") and hasattr(client, "__aexit__"):
            async with cast(AbstractAsyncContextManager[Any], client):
                if _resolve(started, client):
                    await stop.wait()
        else:
            try:
                if _resolve(started, client):
                    await stop.wait()
            finally:
                aclose = getattr(client, "aclose", None)
                if aclose is not None:
                    with anyio.CancelScope(shield=True):
                        await aclose()
    except BaseException as exc:
        # Failing to build or enter the client is reported to the caller waiting for it.
        if not started.done() and started.set_running_or_notify_cancel():
            started.set_exception(exc)
        if not isinstance(exc, Exception):
            raise


def _resolve(future: concurrent.futures.Future[C], value: C) -> bool:
    """Hand the client to the waiting caller; False if the caller gave up (interrupted)."""
    if not future.set_running_or_notify_cancel():
        return False
    future.set_result(value)
    return True


def _shutdown(state: _State[Any]) -> None:
    """Close the client and release the loop; run once, by close(), GC or interpreter exit."""
    if state.forked():  # the loop belongs to the parent process: nothing to close here
        state.closed = True
        return
    if not state.lock.acquire(timeout=CLOSE_TIMEOUT):  # pragma: no cover - a stuck starter
        return
    try:
        if state.closed:
            return
        state.closed = True
        loop, stop, host = state.loop, state.stop, state.host
        state.client = None
    finally:
        state.lock.release()
    if loop is None:
        return
    try:
        if stop is not None:
            if loop.in_loop_thread():
                stop.set()
            else:
                try:
                    loop.portal.start_task_soon(stop.set)
                except RuntimeError:
                    pass
                else:
                    if host is not None:
                        concurrent.futures.wait([host], timeout=CLOSE_TIMEOUT)
    finally:
        loop.release()


class Portal(Generic[C]):
    """Runs an async client (built by `factory` inside the loop) from synchronous code.

    Thread-safe: any number of threads may call through one Portal at once.
    """

    def __init__(
        self,
        factory: Callable[[], C | Awaitable[C]],
        *,
        name: str = "client",
        _loop: _LoopThread | None = None,
    ) -> None:
        self._state: _State[C] = _State(factory, _loop, name)
        self._finalizer = weakref.finalize(self, _shutdown, self._state)

    # -- lifecycle ----------------------------------------------------------------------------

    def _start(self) -> tuple[BlockingPortal, C]:
        state = self._state
        if state.forked():
            state.reset_after_fork()
        client = state.client
        loop = state.loop
        if client is not None and loop is not None:
            return loop.portal, client
        with state.lock:
            if state.closed:
                raise ClientClosedError(f"this {state.name} is closed")
            if state.client is None:
                if state.loop is None:
                    state.loop = _LoopThread()
                if state.loop.in_loop_thread():
                    raise RuntimeError(f"a sync {state.name} cannot be used from its own loop")
                started: concurrent.futures.Future[C] = concurrent.futures.Future()
                state.host = state.loop.portal.start_task_soon(_host, state, started)
                state.client = _wait(started)
            assert state.loop is not None
            return state.loop.portal, state.client

    @property
    def client(self) -> C:
        """The async client, built (and the loop started) on first access."""
        return self._start()[1]

    @property
    def closed(self) -> bool:
        return self._state.closed

    def close(self) -> None:
        """Close the async client inside its loop and stop the loop thread (idempotent)."""
        self._finalizer()

    def derive(self, fn: Callable[[C], C | Awaitable[C]]) -> Portal[C]:
        """A Portal for a client made from this one (`with_options`), sharing this loop."""
        _, client = self._start()
        loop = self._state.loop
        assert loop is not None
        loop.acquire()
        try:
            child: Portal[C] = Portal(lambda: fn(client), name=self._state.name, _loop=loop)
        except BaseException:
            loop.release()
            raise
        child._start()  # build it now, so that bad options fail here
        return child

    # -- calls --------------------------------------------------------------------------------

    def call(self, fn: Callable[[C], Awaitable[R]]) -> R:
        """Await `fn(client)` in the loop and return its result."""
        portal, client = self._start()
        finished = threading.Event()
        future: concurrent.futures.Future[R] = self._submit(
            portal, _run_and_signal, fn, client, finished
        )
        return _wait(future, finished)

    def call_sync(self, fn: Callable[[C], R]) -> R:
        """Run the plain function `fn(client)` in the loop thread and return its result."""
        portal, client = self._start()
        future: concurrent.futures.Future[R] = self._submit(portal, fn, client)
        return _wait(future)

    def iterate(self, fn: Callable[[C], AsyncIterable[T]]) -> Generator[T, None, None]:
        """Iterate lazily over the async iterable `fn(client)`, one item per `next()`."""
        return self._iterate(fn, awaited=False)

    def iterate_awaited(
        self, fn: Callable[[C], Awaitable[AsyncIterable[T]]]
    ) -> Generator[T, None, None]:
        """Like `iterate`, for a coroutine that returns the async iterable."""
        return self._iterate(fn, awaited=True)

    def enter(self, fn: Callable[[C], AbstractAsyncContextManager[T]]) -> AbstractContextManager[T]:
        """A sync context manager over `fn(client)`, entered and exited in one loop task."""
        portal, _ = self._start()
        manager = self.call_sync(fn)
        return portal.wrap_async_context_manager(manager)

    def _submit(
        self, portal: BlockingPortal, fn: Callable[..., Any], *args: Any
    ) -> concurrent.futures.Future[Any]:
        try:
            return portal.start_task_soon(fn, *args)
        except RuntimeError as exc:
            if self._state.closed or "not running" in str(exc):
                raise ClientClosedError(f"this {self._state.name} is closed") from None
            raise

    def _iterate(self, fn: Callable[[C], Any], *, awaited: bool) -> Generator[T, None, None]:
        portal, client = self._start()
        pump: _Pump[C, T] = _Pump(fn, client, awaited=awaited)
        self._submit(portal, pump.run)
        try:
            while True:
                slot: concurrent.futures.Future[tuple[bool, Any]] = concurrent.futures.Future()
                self._submit(portal, pump.request, slot)
                more, item = _wait(slot)  # if interrupted, `finally` stops the pump
                if not more:
                    return
                yield cast(T, item)
        finally:
            pump.close(portal, self._state.loop)


class _Pump(Generic[C, T]):
    """Runs one async iteration in a single task of the loop, one item per request.

    Keeping the whole iteration in one task lets the async iterator use cancel scopes and task
    groups across its yields. Items are produced only on demand (no read-ahead).
    """

    def __init__(self, fn: Callable[[C], Any], client: C, *, awaited: bool) -> None:
        self._fn = fn
        self._client = client
        self._awaited = awaited
        self._requests: MemoryObjectSendStream[concurrent.futures.Future[tuple[bool, Any]]]
        self._receive: MemoryObjectReceiveStream[concurrent.futures.Future[tuple[bool, Any]]]
        self._requests, self._receive = anyio.create_memory_object_stream[
            concurrent.futures.Future[tuple[bool, Any]]
        ](1)
        self._scope: anyio.CancelScope | None = None
        self._cancelled = False
        self.finished = threading.Event()

    async def run(self) -> None:
        try:
            with anyio.CancelScope() as scope:
                self._scope = scope
                if self._cancelled:
                    scope.cancel()
                await self._serve()
        finally:
            self._requests.close()
            # Anything still queued will never be served: release its waiter.
            while True:
                try:
                    slot = self._receive.receive_nowait()
                except (anyio.WouldBlock, anyio.EndOfStream, anyio.ClosedResourceError):
                    break
                slot.cancel()
            self._receive.close()
            self.finished.set()

    async def _serve(self) -> None:
        source = self._fn(self._client)
        if self._awaited:
            source = await source
        iterator: AsyncIterator[T] = aiter(source)
        try:
            async for slot in self._receive:
                if not slot.set_running_or_notify_cancel():
                    return  # the consumer gave up
                try:
                    item = await anext(iterator)
                except StopAsyncIteration:
                    slot.set_result((False, None))
                    return
                except BaseException as exc:
                    if isinstance(exc, anyio.get_cancelled_exc_class()):
                        closed = ClientClosedError("the client was closed during the iteration")
                        slot.set_exception(closed)
                    else:
                        slot.set_exception(exc)
                    if isinstance(exc, Exception):
                        return
                    raise
                slot.set_result((True, item))
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()

    async def request(self, slot: concurrent.futures.Future[tuple[bool, Any]]) -> None:
        try:
            await self._requests.send(slot)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            slot.cancel()

    def _cancel(self) -> None:
        self._cancelled = True
        if self._scope is not None:
            self._scope.cancel()

    def close(self, portal: BlockingPortal, loop: _LoopThread | None) -> None:
        """Stop the iteration (closing the async iterator) and wait briefly for it."""
        if self.finished.is_set():
            return
        if loop is not None and loop.in_loop_thread():
            self._cancel()
            return
        try:
            portal.start_task_soon(self._cancel)
        except RuntimeError:
            return  # the loop is gone, and the iteration with it
        self.finished.wait(CANCEL_GRACE)
