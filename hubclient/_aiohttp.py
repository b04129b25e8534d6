"""The aiohttp backend: one HTTP exchange over ``aiohttp.ClientSession``, as ``httpx.Response``.

:class:`hubclient._http.HubHttp` decides everything that makes a request a Hub request (the URL
and its query, the headers and the token, the encoded body, redirects, retries, the 429 gate,
the typed errors); a backend only sends what it is given and hands back the answer with its
body unread. This one speaks through aiohttp, whose per-request cost is a fraction of httpx's,
and gives back what the httpx backend gives back:

* an ``httpx.Response`` over the raw (still encoded) body: aiohttp's decompression is off and
  httpx decodes ``Content-Encoding`` exactly as it does on its own transport;
* httpx's exceptions (``ConnectError``, ``ConnectTimeout``, ``ReadTimeout``, ``WriteTimeout``,
  ``RemoteProtocolError``, ``ReadError``, ``WriteError``...), also while the body is read;
* an error raised by the request's own body (a caller aborting its upload) as itself;
* httpx's timeouts: ``connect`` for the socket connect, ``read`` between bytes of the answer,
  ``write`` while the network does not take the next chunk of a streamed body;
* no cookie jar, no proxy from the environment unless httpx would use one (``trust_env``), the
  URL sent as given (percent-encoded as httpx would, never re-quoted), no automatic
  ``Content-Type``.

aiohttp runs only under asyncio; under trio (and with a user's ``httpx.AsyncClient``) hubclient
uses httpx.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
import urllib.request
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

import aiohttp
import anyio
import httpx
from yarl import URL

from hubclient._answers import DirectAnswer

__all__ = ["AiohttpBackend", "LocalConnectorSource"]

_READ = 256 * 1024
_BIG_BYTES = 1024 * 1024  # bytes bodies at least this long are streamed (the write timeout)
_HTTP11 = {"http_version": b"HTTP/1.1"}
_POST_METHODS = frozenset(aiohttp.ClientRequest.POST_METHODS)
_SKIP_CONTENT_TYPE = ("Content-Type",)
# A URL made only of these characters is already percent-encoded the way httpx sends it.
_ENCODED_URL = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*")


@runtime_checkable
class LocalConnectorSource(Protocol):
    """A transport that can also answer aiohttp in-process (the local Hub's does).

    ``aiohttp_connector()`` gives a connector reaching the same apps, and a coroutine function
    stopping whatever it started (called after the session is closed).
    """

    async def aiohttp_connector(
        self,
    ) -> tuple[aiohttp.BaseConnector, Callable[[], Awaitable[None]]]: ...


_URLS: dict[str, URL] = {}  # the last URLs sent, parsed (yarl's are immutable)
_URLS_KEPT = 256


def _yarl(url: str) -> URL:
    parsed = _URLS.get(url)
    if parsed is None:
        text = url
        if _ENCODED_URL.fullmatch(text) is None:
            text = str(httpx.URL(text))  # httpx's percent-encoding of what needs it
        parsed = URL(text, encoded=True)
        if len(_URLS) >= _URLS_KEPT:
            _URLS.clear()
        _URLS[url] = parsed
    return parsed


def _translate(exc: BaseException, lazy: _LazyRequest) -> httpx.TransportError:
    """The httpx exception for an aiohttp (or asyncio) one."""
    message = str(exc) or type(exc).__name__
    request = lazy.real()
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(exc, (aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError, TimeoutError)):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    if isinstance(exc, aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(
            f"peer closed connection without sending complete message body: {message}",
            request=request,
        )
    if isinstance(exc, (aiohttp.ClientResponseError, aiohttp.http_exceptions.HttpProcessingError)):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(exc, (aiohttp.InvalidURL, ValueError)):
        return httpx.UnsupportedProtocol(message, request=request)
    return httpx.ReadError(message, request=request)


class _Body:
    """A streamed request body that remembers its own error and watches the write timeout."""

    def __init__(self, source: AsyncIterable[bytes] | bytes, write_timeout: float | None) -> None:
        self._source = source
        self._write_timeout = write_timeout
        self.error: BaseException | None = None
        self.blocked_since: float | None = None  # a chunk was handed over, the next not asked
        self.finished = False

    async def chunks(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        try:
            if isinstance(self._source, bytes):
                view = memoryview(self._source)
                for start in range(0, len(view), _READ):
                    self.blocked_since = loop.time()
                    yield bytes(view[start : start + _READ])
                    self.blocked_since = None
                return
            iterator = self._source.__aiter__()
            while True:
                try:
                    chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    break
                if chunk:
                    self.blocked_since = loop.time()
                    yield bytes(chunk)
                    self.blocked_since = None
        except Exception as exc:  # the caller's own error: given back to it as itself
            self.error = exc
            raise
        finally:
            self.blocked_since = None
            self.finished = True

    def stalled(self, now: float) -> bool:
        since = self.blocked_since
        return (
            self._write_timeout is not None
            and since is not None
            and now - since > self._write_timeout
        )


def _env_proxy(scheme: str, host: str) -> str | None:
    proxies = urllib.request.getproxies_environment()
    bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009  # untyped
    if not proxies or bypass(host, proxies):
        return None
    return proxies.get(scheme) or proxies.get("all")


class _LazyRequest:
    """What an answer needs of its request, made into an ``httpx.Request`` only when asked."""

    __slots__ = ("method", "timeout", "url_text")

    def __init__(self, method: str, url: str, timeout: httpx.Timeout) -> None:
        self.method = method
        self.url_text = url
        self.timeout = timeout

    def real(self) -> httpx.Request:
        return httpx.Request(
            self.method, self.url_text, extensions={"timeout": self.timeout.as_dict()}
        )


class _Response(DirectAnswer):
    """An ``httpx.Response`` whose ``request`` (and so ``url``) and ``headers`` are built on
    first use: parsing the URL into an ``httpx.Request`` costs more than the rest of an
    answer, and a buffered answer read to its end never needs httpx's headers."""

    _lazy_request: _LazyRequest | None = None
    _answer: aiohttp.ClientResponse | None = None  # whose headers these are, until built
    _headers: httpx.Headers | None = None

    @property
    def headers(self) -> httpx.Headers:
        if self._headers is None:
            answer = self._answer
            self._headers = httpx.Headers(None if answer is None else answer.raw_headers)
        return self._headers

    @headers.setter
    def headers(self, value: httpx.Headers) -> None:
        self._headers = value

    def header(self, name: str) -> str | None:
        answer = self._answer
        if self._headers is None and answer is not None:  # aiohttp's, as httpx would join them
            values = answer.headers.getall(name, ())
            return (values[0] if len(values) == 1 else ", ".join(values)) if values else None
        value: str | None = self.headers.get(name)
        return value

    @property
    def request(self) -> httpx.Request:
        if self._request is None and self._lazy_request is not None:
            self._request = self._lazy_request.real()
        return super().request

    @request.setter
    def request(self, value: httpx.Request) -> None:
        self._request = value

    async def read_raw(self, limit: int | None) -> bytes | None:
        """The whole raw body straight from aiohttp (what ``aiter_raw`` would give, joined),
        the response closed after it; None as soon as more than ``limit`` bytes came (the
        rest unread, the response left to be closed)."""
        if self.is_stream_consumed:
            raise httpx.StreamConsumed()
        if self.is_closed:
            raise httpx.StreamClosed()
        stream = self.stream
        assert isinstance(stream, _Stream)
        self.is_stream_consumed = True
        body = await stream.read(limit)
        self._num_bytes_downloaded = stream.size
        if body is not None:
            self.is_closed = True
            await stream.aclose()
        return body


class _Stream(httpx.AsyncByteStream):
    """The answer's raw body, read from aiohttp, with httpx's exceptions."""

    def __init__(self, response: aiohttp.ClientResponse, request: _LazyRequest) -> None:
        self._response = response
        self._request = request
        self.size = 0  # bytes read by read()

    async def _readany(self, content: aiohttp.StreamReader) -> bytes:
        """The next bytes of the answer (b"" at its end), with httpx's exceptions."""
        try:
            return await content.readany()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise _translate(exc, self._request) from exc

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._response.content
        while chunk := await self._readany(content):
            yield chunk

    async def read(self, limit: int | None) -> bytes | None:
        """All of it, joined (one loop, no iterator between); None past ``limit`` bytes."""
        content = self._response.content
        chunks: list[bytes] = []
        while True:
            chunk = await self._readany(content)
            if not chunk:
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)
            self.size += len(chunk)
            if limit is not None and self.size > limit:
                return None
            chunks.append(chunk)

    async def aclose(self) -> None:
        self._response.release()  # back to the pool when read to the end, else closed


class _Connector(aiohttp.TCPConnector):
    """aiohttp's connector, keeping at most ``max_idle`` idle connections (httpx's
    ``max_keepalive_connections``; aiohttp has no such bound of its own)."""

    def __init__(self, *, max_idle: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._max_idle = max_idle

    def _release(self, key: Any, protocol: Any, *, should_close: bool = False) -> None:
        if self._max_idle is not None and not should_close:
            should_close = sum(map(len, self._conns.values())) >= self._max_idle
        super()._release(key, protocol, should_close=should_close)

    def counts(self) -> tuple[int, int]:
        """(connections in use, idle connections)."""
        return len(self._acquired), sum(map(len, self._conns.values()))


class AiohttpBackend:
    """Sends requests through one ``aiohttp.ClientSession`` (made on first use, on this loop).

    Args:
        max_connections: the pool's bound (0: none).
        keepalive_expiry: seconds an idle connection is kept.
        max_keepalive_connections: idle connections kept at most (None: no bound).
        local: a transport answering aiohttp in-process (the local Hub's), or None for sockets.
    """

    name = "aiohttp"

    def __init__(
        self,
        *,
        max_connections: int,
        keepalive_expiry: float,
        max_keepalive_connections: int | None = None,
        local: LocalConnectorSource | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._max_idle = max_keepalive_connections
        self._keepalive_expiry = keepalive_expiry
        self._local = local
        self._session: aiohttp.ClientSession | None = None
        self._stop_local: Callable[[], Awaitable[None]] | None = None
        self._opening = asyncio.Lock()
        self._proxies: dict[tuple[str, str | None, int | None], str | None] = {}
        """(scheme, host, port) -> the proxy URL from the environment."""
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}

    async def _open(self) -> aiohttp.ClientSession:
        async with self._opening:
            if self._session is not None:
                return self._session
            connector: aiohttp.BaseConnector
            if self._local is not None:
                connector, self._stop_local = await self._local.aiohttp_connector()
            else:
                connector = _Connector(
                    max_idle=self._max_idle,
                    limit=self._max_connections,
                    limit_per_host=0,
                    keepalive_timeout=self._keepalive_expiry,
                    ssl=_ssl_context(),
                )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                trust_env=False,  # proxies from the environment: _proxy_for (no netrc)
                timeout=aiohttp.ClientTimeout(total=None),
                skip_auto_headers=("User-Agent",),
            )
            return self._session

    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | AsyncIterable[bytes] | None,
        timeout: httpx.Timeout,  # noqa: ASYNC109
    ) -> httpx.Response:
        """One exchange, the answer's body unread (close the response when done)."""
        session = self._session or await self._open()
        request = _LazyRequest(method, url, timeout)
        watched: _Body | None = None
        data: Any = body
        if body is not None and (not isinstance(body, bytes) or len(body) >= _BIG_BYTES):
            watched = _Body(body, timeout.write)
            data = watched.chunks()
            if isinstance(body, bytes) and "content-length" not in headers:
                headers = {**headers, "content-length": str(len(body))}
        # aiohttp adds a Content-Type of its own to a body, and to a POST/PUT/PATCH without one
        skip = (
            None
            if "content-type" in headers or (data is None and method not in _POST_METHODS)
            else _SKIP_CONTENT_TYPE
        )
        client_timeout = self._timeouts.get((timeout.connect, timeout.read))
        if client_timeout is None:
            client_timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=timeout.connect, sock_read=timeout.read
            )
            if len(self._timeouts) < 64:
                self._timeouts[(timeout.connect, timeout.read)] = client_timeout
        target = _yarl(url)
        sending = session.request(
            method,
            target,
            proxy=None if self._local is not None else self._proxy_for(target),
            headers=headers,
            data=data,
            allow_redirects=False,
            timeout=client_timeout,
            skip_auto_headers=skip,
        )
        try:
            if watched is None:
                response = await sending
            else:
                with anyio.CancelScope() as scope:
                    watchdog = _Watchdog(watched, scope)
                    try:
                        response = await sending
                    finally:
                        watchdog.cancel()
                if scope.cancelled_caught:
                    raise httpx.WriteTimeout(
                        "timed out sending the request body", request=request.real()
                    )
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            if watched is not None and watched.error is not None:
                raise watched.error from None
            raise _translate(exc, request) from exc
        if watched is not None and watched.error is not None:
            response.close()
            raise watched.error
        answer = _Response(response.status, stream=_Stream(response, request), extensions=_HTTP11)
        answer._headers = None  # httpx's, from these, on first use
        answer._answer = response
        answer._lazy_request = request
        return answer

    def _proxy_for(self, url: URL) -> str | None:
        """The proxy httpx would use for ``url`` from ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY``
        (read once per origin; aiohttp's own ``trust_env`` would also send netrc credentials,
        and costs two worker-thread trips per request)."""
        origin = (url.scheme, url.host, url.port)
        try:
            return self._proxies[origin]
        except KeyError:
            proxy = self._proxies[origin] = _env_proxy(url.scheme, url.host or "")
            return proxy

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        stop, self._stop_local = self._stop_local, None
        if stop is not None:
            await stop()

    def abandon(self) -> None:
        """The session's event loop is gone: mark everything closed, await nothing."""
        session, self._session = self._session, None
        self._stop_local = None
        if session is not None:
            connector = session.connector
            session.detach()
            if connector is not None:
                with contextlib.suppress(Exception):
                    connector._close()  # with the loop closed it only marks itself closed


class _Watchdog:
    """Cancels ``scope`` once the network has not taken a chunk of ``body`` for longer than the
    write timeout (checked every quarter of it)."""

    def __init__(self, body: _Body, scope: anyio.CancelScope) -> None:
        self._body = body
        self._scope = scope
        self._loop = asyncio.get_running_loop()
        timeout = body._write_timeout
        self._every = None if timeout is None else max(0.05, timeout / 4)
        self._handle: asyncio.TimerHandle | None = None
        self._schedule()

    def _schedule(self) -> None:
        if self._every is not None and not self._body.finished:
            self._handle = self._loop.call_later(self._every, self._check)

    def _check(self) -> None:
        if self._body.stalled(self._loop.time()):
            self._scope.cancel()
            return
        self._schedule()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


_SSL: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    """The certificates httpx trusts (certifi's), made once."""
    global _SSL
    if _SSL is None:
        import certifi

        _SSL = ssl.create_default_context(cafile=certifi.where())
    return _SSL
