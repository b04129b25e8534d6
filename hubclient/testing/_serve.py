"""Serve the hub and storage apps with uvicorn on real sockets, from a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

__all__ = ["ServedApps", "bind", "start"]


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

    def stop(self, timeout: float = 30.0) -> None:
        for server in self.servers:
            server.should_exit = True
        self.thread.join(timeout)


def start(
    apps: list[tuple[ASGIApp, socket.socket]], *, log_level: str = "warning", timeout: float = 30.0
) -> ServedApps:
    """Start one uvicorn server per ``(app, socket)`` in a new thread; return once all listen."""
    servers = [
        uvicorn.Server(
            uvicorn.Config(
                app,
                log_level=log_level,
                log_config=None,
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=5,
                timeout_keep_alive=30,
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
            asyncio.run(main())
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
    return ServedApps(servers, thread, error)
