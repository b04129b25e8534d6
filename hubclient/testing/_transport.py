"""An in-process httpx transport that routes by origin to ASGI apps (and, for hubclient's aiohttp
backend, the same apps behind a Unix socket: :meth:`LocalTransport.aiohttp_connector`).

Unlike `httpx.ASGITransport` it streams the request body into the app, spools big answers to a
temp file (memory stays bounded for GiB downloads), and turns a connection cut by a fault
(`ConnectionDropped`) into the errors httpx gives on a real socket: `httpx.RemoteProtocolError`
before any answer, or a short body followed by `httpx.RemoteProtocolError` after the headers.
An error raised by the request's own body (a client aborting its upload) reaches the caller
as itself, while the app sees the client disconnect.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import anyio
import httpx
from starlette.types import ASGIApp, Message

from hubclient.testing._faults import ConnectionDropped
from hubclient.testing._web import IN_PROCESS

__all__ = ["LocalTransport"]

_SPOOL = 4 * 1024 * 1024
_CHUNK = 256 * 1024


def _origin(url: httpx.URL) -> str:
    port = url.port
    return f"{url.scheme}://{url.host}" + (f":{port}" if port is not None else "")


class _SpooledBody(httpx.AsyncByteStream):
    def __init__(self, spool: Any, cut: bool, expected: str | None) -> None:
        self._spool = spool
        self._cut = cut
        self._expected = expected

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._spool.seek(0)
        received = 0
        while True:
            chunk = self._spool.read(_CHUNK)
            if not chunk:
                break
            received += len(chunk)
            yield chunk
            await anyio.lowlevel.checkpoint()
        if self._cut:  # what httpx says when a socket closes in the middle of a body
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body: "
                f"received {received} bytes, expected {self._expected or 'more'}"
            )

    async def aclose(self) -> None:
        self._spool.close()


def _content_length(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"content-length":
            return value.decode("latin-1")
    return None


class LocalTransport(httpx.AsyncBaseTransport):
    """Route each request to the ASGI app of its origin (``scheme://host[:port]``).

    Answers are handed over once the app has sent all of them (the scope carries the
    ``hubclient.in_process`` extension, so an app that streams can end a live stream with what
    it has now instead of holding the client until the stream would end).
    """

    def __init__(self, apps: Mapping[str, ASGIApp]) -> None:
        self._apps = {origin.rstrip("/"): app for origin, app in apps.items()}

    async def aiohttp_connector(self) -> tuple[Any, Callable[[], Awaitable[None]]]:
        """The same apps for hubclient's aiohttp backend: a connector to a uvicorn server on a
        Unix socket (started on this event loop), and the coroutine function that stops it."""
        from hubclient.testing._aiohttp_local import start_local_server

        return await start_local_server(self._apps)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        app = self._apps.get(_origin(request.url))
        if app is None:
            raise httpx.ConnectError(f"no local app serves {_origin(request.url)}", request=request)
        raw_path = request.url.raw_path.split(b"?", 1)[0]
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": httpx.URL(raw_path.decode("ascii")).path,
            "raw_path": raw_path,
            "query_string": request.url.query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "client": ("127.0.0.1", 50000),
            "server": (request.url.host, request.url.port or 80),
            "extensions": {IN_PROCESS: {}},
        }
        body = request.stream.__aiter__()  # type: ignore[union-attr]
        body_done = False
        body_error: Exception | None = None  # raised by the client's own body: given back to it
        response_done = anyio.Event()
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115

        async def receive() -> Message:
            nonlocal body_done
            if body_done:
                await response_done.wait()
                return {"type": "http.disconnect"}
            try:
                chunk = await body.__anext__()
            except StopAsyncIteration:
                body_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            except Exception as exc:  # the client gave up sending: the server sees it leave
                nonlocal body_error
                body_error = exc
                body_done = True
                response_done.set()
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": bytes(chunk), "more_body": True}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                if request.method != "HEAD":
                    spool.write(message.get("body", b""))
                if not message.get("more_body", False):
                    response_done.set()

        cut = False
        try:
            await app(scope, receive, send)
        except ConnectionDropped:
            cut = True
        except BaseException:
            spool.close()
            if body_error is not None:
                raise body_error from None
            raise
        finally:
            response_done.set()
        if body_error is not None:  # as on a socket: the caller gets its own error, not an answer
            spool.close()
            raise body_error
        if status is None:
            spool.close()
            if cut:
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            raise httpx.RemoteProtocolError("The app sent no response.", request=request)
        return httpx.Response(
            status,
            headers=headers,
            stream=_SpooledBody(spool, cut, _content_length(headers)),
            extensions={"http_version": b"HTTP/1.1"},
            request=request,
        )
