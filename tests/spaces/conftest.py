"""Fixtures of the Spaces tests: a local Hub on a manual clock, and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub, ManualClock, standard_hub

APP = {"app.py": "import gradio as gr\n", "requirements.txt": "gradio\n"}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A local Hub whose clock moves only when the test says so (``hub.advance``)."""
    local = standard_hub(LocalHub(tmp_path / "hub", clock=ManualClock()))
    local.spaces.plan(build_seconds=10, start_seconds=2)
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


def new_space(hub: LocalHub, name: str = "alice/demo", files: dict[str, str] | None = None) -> str:
    """A Space with an app: it starts building now (on the hub's clock)."""
    hub.seed_repo(name, files or APP, repo_type="space")
    hub.spaces.runtime(name)  # the Hub notices the commit
    return name
