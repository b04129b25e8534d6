"""What every area class relies on: the client's settings, its network door, and copies.

The attributes are set by :class:`hubclient.AsyncHubClient`'s constructor; an area class never
builds them itself, so every area of one client shares one connection pool and one 429 gate.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import anyio

from hubclient import _users
from hubclient._http import USE_DEFAULT, HubHttp, TimeoutArg
from hubclient._settings import HubSettings
from hubclient.models.users import WhoAmI

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Area", "ClientLike", "call_timeout", "typed_items"]

_T = TypeVar("_T")


class ClientLike(Protocol):
    """A hubclient client, async or sync: what a call that takes another client needs of it."""

    @property
    def settings(self) -> HubSettings:
        """The client's settings (endpoint, token, …)."""
        ...


class Area:
    """The base of every area class of :class:`hubclient.AsyncHubClient`."""

    _settings: HubSettings
    """Settings of this client (endpoint, token, cache dir, timeouts, retry policy)."""
    _http: HubHttp
    """The one door to the network (request / stream / paginate, auth per origin, retries)."""
    _owns_pool: bool
    """Whether closing this client closes the connection pool (copies share their origin's)."""
    _whoami_cache: dict[str, WhoAmI]
    """``whoami`` answers per token, for ``whoami(cache=True)``."""

    async def _own_name(self, token: str | bool | None) -> str:
        """The name of the token's owner: the default namespace of Jobs, Inference Endpoints
        and duplicated Spaces. Asked once per token and client (``whoami`` is rate-limited)."""
        key = self._http.resolve_token(token) or ""
        me = self._whoami_cache.get(key)
        if me is None:
            # one whoami for a hundred waits that start at once (not a hundred)
            lock: anyio.Lock = self.__dict__.setdefault("_own_name_lock", anyio.Lock())
            async with lock:
                me = self._whoami_cache.get(key)
                if me is None:
                    me = self._whoami_cache[key] = await _users.whoami(self._http, token=token)
        return me.name

    async def _close_pool(self) -> None:
        """Close the connection pool if this client owns it (``aclose`` of the client)."""
        if self._owns_pool:
            await self._http.aclose()

    def _sibling(self, settings: HubSettings) -> Self:
        """A client with other settings that shares this one's connection pool."""
        copy = object.__new__(type(self))
        copy._settings = settings
        copy._http = self._http.with_settings(settings)
        copy._owns_pool = copy._http._pool is not self._http._pool
        copy._whoami_cache = {}
        return copy

    def _separate(self, settings: HubSettings) -> Self:
        """A client with other settings and a connection pool of its own (on this client's
        transport when one was given, e.g. an in-process local Hub); close it after use."""
        copy = object.__new__(type(self))
        copy._settings = settings
        copy._http = HubHttp(settings, transport=self._http._pool._transport)
        copy._owns_pool = True
        copy._whoami_cache = {}
        return copy


def call_timeout(timeout: float | None) -> TimeoutArg:
    """Per-call timeout: None keeps the client's; ``math.inf`` means no limit."""
    if timeout is None:
        return USE_DEFAULT
    return None if math.isinf(timeout) else timeout


async def typed_items(items: AsyncGenerator[Any, None], cls: type[_T]) -> AsyncIterator[_T]:
    """The items of a listing, each checked to be a ``cls`` (the engines yield models)."""
    async with aclosing(items):
        async for item in items:
            assert isinstance(item, cls)
            yield item
