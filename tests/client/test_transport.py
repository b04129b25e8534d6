"""The connection pool on real sockets (uvicorn-served local Hub), on whichever backend serves the
event loop: pool reuse, limits, dropped connections and cancellations leave the pool healthy."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from hubclient import AsyncHubClient, HubSettings
from hubclient._backends import HttpxBackend
from hubclient._transport import _LeanPool
from hubclient.testing import ALICE_TOKEN, FaultRule

pytestmark = pytest.mark.anyio


def _connections(client: AsyncHubClient) -> tuple[int, int]:
    """(all connections, idle ones) of the client's pool, on either backend."""
    backend: Any = client._http._pool.get()
    if isinstance(backend, HttpxBackend):
        pool = backend.client._transport._pool  # type: ignore[attr-defined]
        assert isinstance(pool, _LeanPool)
        return len(pool.connections), len([c for c in pool.connections if c.is_idle()])
    assert backend.name == "aiohttp"
    used, idle = backend._session.connector.counts()
    return used + idle, idle


async def test_concurrent_calls_share_few_connections(served_hub: Any) -> None:
    sha = served_hub.hub.seed_repo("alice/pool", {"a.txt": b"x"})
    async with AsyncHubClient(served_hub.hub_url, token=ALICE_TOKEN, max_connections=4) as c:
        shas: list[str | None] = []

        async def one() -> None:
            shas.append((await c.model_info("alice/pool")).sha)

        async with anyio.create_task_group() as tg:
            for _ in range(60):
                tg.start_soon(one)
        assert shas == [sha] * 60
        assert 1 <= _connections(c)[0] <= 4
        assert served_hub.hub.log.max_in_flight(origin="hub") <= 4


async def test_dropped_connections_and_cancellations_leave_the_pool_usable(
    served_hub: Any,
) -> None:
    sha = served_hub.hub.seed_repo("alice/pool", {"a.txt": b"x"})
    hub = served_hub.hub
    async with AsyncHubClient(
        served_hub.hub_url, token=ALICE_TOKEN, max_connections=3, retry_backoff_base=0.01
    ) as c:
        hub.faults.add(FaultRule(action="drop", path="/api/models/alice/pool$", times=3))
        assert (await c.model_info("alice/pool")).sha == sha  # retried on fresh connections

        hub.faults.add(FaultRule(action="delay", delay=2.0, path="/api/models/alice/pool$"))
        with anyio.move_on_after(0.3):  # cancel calls stuck in flight and queued in the pool
            async with anyio.create_task_group() as tg:
                for _ in range(8):
                    tg.start_soon(c.model_info, "alice/pool")
        hub.faults.clear()
        shas = []
        for _ in range(5):
            shas.append((await c.model_info("alice/pool")).sha)
        assert shas == [sha] * 5
        assert _connections(c)[0] <= 3


async def test_idle_connections_beyond_keepalive_are_closed(served_hub: Any) -> None:
    sha = served_hub.hub.seed_repo("alice/pool", {"a.txt": b"x"})
    settings = HubSettings.from_env(
        endpoint=served_hub.hub_url,
        token=ALICE_TOKEN,
        max_connections=6,
        max_keepalive_connections=1,
    )
    async with AsyncHubClient(settings=settings) as c:
        async with anyio.create_task_group() as tg:
            for _ in range(30):
                tg.start_soon(c.model_info, "alice/pool")
        assert (await c.model_info("alice/pool")).sha == sha
        assert _connections(c)[1] <= 1
