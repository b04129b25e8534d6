"""Fixtures of the hostile-server tests: a lying Hub per test, a client on it, and checks
that nothing landed outside the target folder."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from tests.hostile._server import FakeHub, Servers


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    group = Servers()
    try:
        yield group
    finally:
        group.close()


@pytest.fixture
def hub(servers: Servers) -> Iterator[FakeHub]:
    api, storage = servers.new(), servers.new()
    fake = FakeHub(api, storage, files={"README.md": b"# hello\n", "w.bin": b"\x00\x01" * 3000})
    fake.lfs.add("w.bin")
    try:
        yield fake
    finally:
        for server in (api, storage):
            asyncio.run_coroutine_threadsafe(server.stop(), servers.loop).result(10)


@pytest.fixture
def area(tmp_path: Path) -> Path:
    """A folder holding the target (``area/target``) and nothing else; a test checks that
    ``area`` holds nothing outside ``target`` afterwards with :func:`outside`."""
    path = tmp_path / "area"
    (path / "target").mkdir(parents=True)
    return path


@pytest.fixture
async def client(hub: FakeHub, area: Path) -> AsyncIterator[AsyncHubClient]:
    async with AsyncHubClient(
        endpoint=hub.server.url,
        token="hf_hostile_test_token",
        cache_dir=area / "target",
        max_retries=1,
        retry_backoff_base=0.01,
        retry_backoff_max=0.02,
    ) as c:
        yield c


def outside(area: Path) -> list[str]:
    """Every file or folder under ``area`` that is not ``area/target`` or inside it."""
    found = []
    for root, dirs, files in os.walk(area):
        for name in [*dirs, *files]:
            rel = Path(root, name).relative_to(area)
            if rel.parts[0] != "target":
                found.append(str(rel))
    return found
