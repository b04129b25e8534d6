"""Fixtures of the Jobs tests: a local Hub on a manual clock, and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub, ManualClock, standard_hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    local = standard_hub(LocalHub(tmp_path / "hub", clock=ManualClock(), page_size=3))
    local.jobs.plan(scheduling_seconds=2, running_seconds=10)
    try:
        yield local
    finally:
        local.close()


def make_client(hub: LocalHub, **kwargs: object) -> AsyncHubClient:
    options: dict[str, object] = {
        "token": ALICE_TOKEN,
        "retry_backoff_base": 0.01,
        "retry_backoff_max": 0.05,
    }
    options.update(kwargs)
    return AsyncHubClient(hub.hub_url, transport=hub.async_transport(), **options)  # type: ignore[arg-type]


@pytest.fixture
async def client(hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with make_client(hub) as c:
        yield c


ECHO = ["echo", "hello", "jobs"]
