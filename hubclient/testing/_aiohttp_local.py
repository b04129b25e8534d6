"""The local Hub's apps for the aiohttp backend, in-process: a uvicorn server on a Unix socket.

aiohttp cannot call an ASGI app directly, so :meth:`LocalTransport.aiohttp_connector` starts, on
the caller's event loop, a uvicorn HTTP/1.1 server on a Unix socket in a private temporary
folder, routing by ``Host`` to the same apps the httpx transport calls. Every byte then crosses
a real socket through aiohttp's parser and uvicorn's, no port is taken, and the fault middleware
cuts connections as it does on a served Hub. A request for an origin no app serves fails to
connect (``aiohttp.ClientConnectorError``), as the httpx transport's ``ConnectError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.server import ServerState

from hubclient.testing._serve import choose_engine

__all__ = ["start_local_server"]


class _Connector(aiohttp.UnixConnector):
    """A Unix-socket connector that refuses origins no local app serves."""

    def __init__(self, path: str, origins: set[str]) -> None:
        super().__init__(path=path, limit=0)
        self._origins = origins

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        url = req.url
        origin = f"{url.scheme}://{url.host}" + ("" if url.port in (None, 80) else f":{url.port}")
        if origin not in self._origins and f"{origin}:{url.port}" not in self._origins:
            raise aiohttp.ClientConnectorError(
                req.connection_key, OSError(111, f"no local app serves {origin}")
            )
        return await super().connect(req, traces, timeout)


def _router(apps: Mapping[str, ASGIApp]) -> ASGIApp:
    by_host = {origin.split("://", 1)[1]: app for origin, app in apps.items()}

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        app = by_host.get(host) or by_host.get(host.removesuffix(":80"))
        if app is None:  # the connector refuses these first; a stray Host header lands here
            await send({"type": "http.response.start", "status": 421, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        scope = {**scope, "server": (host.rsplit(":", 1)[0], 80), "client": ("127.0.0.1", 50000)}
        await app(scope, receive, send)

    return route


async def start_local_server(
    apps: Mapping[str, ASGIApp],
) -> tuple[aiohttp.BaseConnector, Callable[[], Awaitable[None]]]:
    """Serve ``apps`` (origin -> app) on a new Unix socket; a connector to it, and its stop."""
    folder = Path(tempfile.mkdtemp(prefix="hubclient-local-"))
    path = str(folder / "hub.sock")
    config = uvicorn.Config(
        _router(apps),
        lifespan="off",
        log_level="warning",
        log_config=None,
        access_log=False,
        http=choose_engine("asyncio", "auto").http,
        timeout_keep_alive=30,
    )
    config.load()
    state = ServerState()
    loop = asyncio.get_running_loop()
    server = await loop.create_unix_server(
        lambda: config.http_protocol_class(config=config, server_state=state, app_state={}),  # type: ignore[call-arg]
        path,
    )
    origins = {origin.rstrip("/") for origin in apps}

    async def stop() -> None:
        server.close()
        for connection in list(state.connections):
            connection.shutdown()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 5)
        for task in list(state.tasks):
            task.cancel()
        shutil.rmtree(folder, ignore_errors=True)

    return _Connector(path, origins), stop
