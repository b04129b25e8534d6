"""Serve the hub and storage apps with uvicorn on real sockets, from a background thread.

The event loop and the HTTP parser are chosen here, explicitly, and reported
(:func:`choose_engine`): uvloop and httptools when installed (``auto``), asyncio and h11
otherwise; asking for one that is not installed is an error, never a silent fallback.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "LOOPS",
    "PARSERS",
    "Engine",
    "ServedApps",
    "bind",
    "choose_engine",
    "public_origin",
    "start",
]

LOOPS = ("auto", "asyncio", "uvloop")
PARSERS = ("auto", "h11", "httptools")


@dataclass(frozen=True)
class Engine:
    """The event loop (``asyncio`` or ``uvloop``) and HTTP parser (``h11`` or ``httptools``)."""

    loop: str
    http: str

    def __str__(self) -> str:
        return f"loop={self.loop} http={self.http}"


PLAIN = Engine("asyncio", "h11")
"""The in-process fixtures' engine: the standard library's loop and uvicorn's pure-Python parser."""


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def choose_engine(loop: str = "auto", http: str = "auto") -> Engine:
    """Resolve ``auto`` to what is installed; refuse a choice that is not installed.

    >>> choose_engine("asyncio", "h11")
    Engine(loop='asyncio', http='h11')
    """
    if loop not in LOOPS or http not in PARSERS:
        raise ValueError(f"unknown event loop or HTTP parser: {loop!r}, {http!r}")
    if loop == "auto":
        loop = "uvloop" if _installed("uvloop") else "asyncio"
    elif loop == "uvloop" and not _installed("uvloop"):
        raise ValueError("--loop uvloop: uvloop is not installed")
    if http == "auto":
        http = "httptools" if _installed("httptools") else "h11"
    elif http == "httptools" and not _installed("httptools"):
        raise ValueError("--http httptools: httptools is not installed")
    return Engine(loop, http)


def public_origin(url: str) -> str:
    """``scheme://host[:port]`` of a public URL (no path, query or fragment allowed).

    >>> public_origin("http://127.0.0.1:9000/")
    'http://127.0.0.1:9000'
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"a public URL is http(s)://host[:port], got {url!r}")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(f"a public URL is an origin without a path, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def behind(app: ASGIApp, origin: str) -> ASGIApp:
    """``app`` as seen through ``origin``: every request's ``Host`` and scheme are the public
    origin's, so the URLs the app builds from the request (redirects, links) point there."""
    parts = urlsplit(origin)
    host = parts.netloc.encode("latin-1")

    async def public(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope = {**scope, "scheme": parts.scheme, "headers": [(b"host", host), *headers]}
        await app(scope, receive, send)

    return public


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (``port=0`` picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP: asyncio then sets TCP_NODELAY on accepted connections (and Linux
    # inherits the listening socket's option); without it every answer with a body waits for
    # the client's delayed ACK (~40 ms, Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@dataclass
class ServedApps:
    """Running uvicorn servers; `stop()` shuts them down and joins the thread."""

    servers: list[uvicorn.Server]
    thread: threading.Thread
    error: list[BaseException]
    engine: Engine

    def stop(self, timeout: float = 30.0) -> None:
        for server in self.servers:
            server.should_exit = True
        self.thread.join(timeout)


_Main = Callable[[], Coroutine[Any, Any, None]]


def _runner(engine: Engine) -> Callable[[_Main], None]:
    if engine.loop == "uvloop":
        import uvloop

        def run_uvloop(main: _Main) -> None:
            loop = uvloop.new_event_loop()
            try:
                loop.run_until_complete(main())
            finally:
                loop.close()

        return run_uvloop
    return lambda main: asyncio.run(main())


def start(
    apps: list[tuple[ASGIApp, socket.socket]],
    *,
    log_level: str = "warning",
    timeout: float = 30.0,
    engine: Engine | None = None,
) -> ServedApps:
    """Start one uvicorn server per ``(app, socket)`` in a new thread; return once all listen.

    ``engine``: the event loop and HTTP parser (default: asyncio and h11, the in-process
    fixtures' choice; ``choose_engine()`` takes the fastest installed).
    """
    engine = engine or PLAIN
    run_loop = _runner(engine)
    servers = [
        uvicorn.Server(
            uvicorn.Config(
                app,
                log_level=log_level,
                log_config=None,
                access_log=False,
                lifespan="off",
                http=engine.http,
                timeout_graceful_shutdown=5,
                timeout_keep_alive=30,
                date_header=False,  # the apps date their answers with the hub's clock
            )
        )
        for app, _ in apps
    ]
    ready = threading.Event()
    error: list[BaseException] = []

    async def main() -> None:
        tasks = [
            asyncio.ensure_future(server.serve(sockets=[sock]))
            for server, (_, sock) in zip(servers, apps, strict=True)
        ]
        while not all(s.started for s in servers) and not any(t.done() for t in tasks):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        ready.set()
        await asyncio.gather(*tasks)

    def run() -> None:
        try:
            run_loop(main)
        except BaseException as exc:  # reported to the caller of start()
            error.append(exc)
        finally:
            ready.set()
            for _, sock in apps:
                sock.close()

    thread = threading.Thread(target=run, name="hubclient-local-hub", daemon=True)
    thread.start()
    if not ready.wait(timeout) or error or not all(s.started for s in servers):
        for server in servers:
            server.should_exit = True
        thread.join(timeout)
        raise RuntimeError(f"the local hub did not start: {error[0] if error else 'timeout'}")
    return ServedApps(servers, thread, error, engine)
