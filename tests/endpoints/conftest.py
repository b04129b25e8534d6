"""Fixtures of the Inference Endpoints tests: a local Hub on a manual clock, a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub, ManualClock, standard_hub

CPU: dict[str, Any] = {
    "framework": "pytorch",
    "accelerator": "cpu",
    "instance_size": "x2",
    "instance_type": "intel-icl",
    "region": "us-east-1",
    "vendor": "aws",
    "task": "text-generation",
}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    local = standard_hub(LocalHub(tmp_path / "hub", clock=ManualClock()))
    local.seed_repo("alice/gpt", {"config.json": "{}"})
    local.endpoints.plan(pending_seconds=2, initializing_seconds=8, cold_start_seconds=3)
    try:
        yield local
    finally:
        local.close()


def make_client(hub: LocalHub, **kwargs: Any) -> AsyncHubClient:
    options: dict[str, Any] = {
        "token": ALICE_TOKEN,
        "retry_backoff_base": 0.01,
        "retry_backoff_max": 0.05,
        "inference_endpoints_url": hub.inference_endpoints_url,
        "inference_catalog_url": hub.inference_catalog_url,
    }
    options.update(kwargs)
    return AsyncHubClient(hub.hub_url, transport=hub.async_transport(), **options)


@pytest.fixture
async def client(hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with make_client(hub) as c:
        yield c


async def advance(hub: LocalHub, seconds: float, *, steps: int = 40) -> None:
    """Move the hub's clock by ``seconds`` in small steps while other tasks run."""
    for _ in range(steps):
        await anyio.sleep(0.005)
        hub.advance(seconds / steps)
