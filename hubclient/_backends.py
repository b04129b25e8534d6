"""The HTTP backends behind :class:`hubclient._http.HubHttp`, and which one a client gets.

A backend sends one HTTP exchange exactly as it is given (method, final URL, headers, encoded
body, timeouts) and returns an ``httpx.Response`` with the body unread; everything that makes a
request a Hub request (auth per origin, redirects, retries, the 429 gate, typed errors) is
HubHttp's, so it is the same on every backend.

* ``aiohttp`` (:mod:`hubclient._aiohttp`): the default under asyncio when aiohttp is installed.
* ``httpx``: under trio, when the caller passes its own ``httpx.AsyncClient``, when a transport
  is passed that only httpx can use, or when asked for.

The choice is the ``http_backend`` setting (``HUBCLIENT_HTTP_BACKEND``): ``auto`` (the above),
``aiohttp`` (under asyncio; trio still uses httpx) or ``httpx``.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterable
from typing import Final, Protocol

import httpx

from hubclient._settings import HubSettings
from hubclient._transport import default_transport

__all__ = ["BACKENDS", "Backend", "HttpxBackend", "choose_backend", "make_backend"]

logger = logging.getLogger("hubclient")

BACKENDS: Final = ("auto", "aiohttp", "httpx")

Body = bytes | AsyncIterable[bytes] | None


class Backend(Protocol):
    """One HTTP exchange at a time; see the module docstring."""

    name: str

    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Body,
        timeout: httpx.Timeout,
    ) -> httpx.Response: ...

    async def aclose(self) -> None: ...

    def abandon(self) -> None:
        """Forget the connections of an event loop that is gone, without awaiting anything."""


class HttpxBackend:
    """An ``httpx.AsyncClient`` (the caller's, or one made here with hubclient's transport)."""

    name = "httpx"

    def __init__(self, client: httpx.AsyncClient, *, owned: bool) -> None:
        self.client = client
        self._owned = owned

    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Body,
        timeout: httpx.Timeout,
    ) -> httpx.Response:
        request = self.client.build_request(
            method, url, headers=headers, content=body, timeout=timeout
        )
        return await self.client.send(request, stream=True, follow_redirects=False)

    async def aclose(self) -> None:
        if self._owned:
            await self.client.aclose()

    def abandon(self) -> None:
        pass  # httpx's connections are dropped with the client


def _aiohttp_installed() -> bool:
    return importlib.util.find_spec("aiohttp") is not None


def choose_backend(
    setting: str,
    *,
    library: str,
    client: httpx.AsyncClient | None,
    transport: httpx.AsyncBaseTransport | None,
) -> str:
    """The backend for one event loop: ``library`` is ``asyncio`` or ``trio`` (sniffio's name).

    >>> choose_backend("auto", library="trio", client=None, transport=None)
    'httpx'
    """
    if setting not in BACKENDS:
        raise ValueError(f"http_backend must be one of {', '.join(BACKENDS)}, got {setting!r}")
    if setting == "httpx" or library != "asyncio" or client is not None:
        return "httpx"
    if transport is not None and not callable(getattr(transport, "aiohttp_connector", None)):
        return "httpx"  # a transport only httpx can drive
    if not _aiohttp_installed():
        if setting == "aiohttp":
            raise ValueError("http_backend='aiohttp' but aiohttp is not installed")
        return "httpx"
    return "aiohttp"


def make_backend(
    name: str,
    settings: HubSettings,
    *,
    client: httpx.AsyncClient | None,
    transport: httpx.AsyncBaseTransport | None,
) -> Backend:
    """A new backend ``name`` (from :func:`choose_backend`) for ``settings``' pool limits."""
    if name == "aiohttp":
        from hubclient._aiohttp import AiohttpBackend  # imported on first use: startup stays fast

        return AiohttpBackend(
            max_connections=settings.max_connections,
            keepalive_expiry=settings.keepalive_expiry,
            max_keepalive_connections=settings.max_keepalive_connections,
            local=transport,  # type: ignore[arg-type]  # checked by choose_backend
        )
    if client is not None:
        return HttpxBackend(client, owned=False)
    limits = httpx.Limits(
        max_connections=settings.max_connections or None,
        max_keepalive_connections=settings.max_keepalive_connections,
        keepalive_expiry=settings.keepalive_expiry,
    )
    own = httpx.AsyncClient(
        transport=transport or default_transport(limits),
        limits=limits,
        follow_redirects=False,
    )
    return HttpxBackend(own, owned=True)
