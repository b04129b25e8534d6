"""Fixtures for the upload tests: a local Hub with small LFS thresholds, and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from hubclient import AsyncHubClient
from hubclient._urls import resolve_path
from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

# Small values so that a few hundred KiB exercise every path: files of 64 KiB or more go to
# LFS, files of 2 chunks or more go multipart, in chunks of 64 KiB.
SMALL_THRESHOLD = 64 * 1024
SMALL_CHUNK = 64 * 1024


@pytest.fixture
def small_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = LocalHub(
        data_dir=tmp_path / "hub",
        lfs_multipart_threshold=2 * SMALL_CHUNK,
        lfs_chunk_size=SMALL_CHUNK,
    )
    standard_hub(hub)
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def small_served(tmp_path: Path) -> Iterator[Any]:
    """The same small-threshold Hub, served by uvicorn on 127.0.0.1 (real sockets)."""
    hub = LocalHub(
        data_dir=tmp_path / "served-hub",
        lfs_multipart_threshold=2 * SMALL_CHUNK,
        lfs_chunk_size=SMALL_CHUNK,
    )
    standard_hub(hub)
    try:
        with hub.serve() as running:
            yield running
    finally:
        hub.close()


@pytest.fixture
async def client(small_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with AsyncHubClient(
        endpoint=small_hub.hub_url,
        token=ALICE_TOKEN,
        transport=small_hub.async_transport(),
        retry_backoff_base=0.01,
        retry_backoff_max=0.05,
    ) as c:
        yield c


async def read_back(
    client: AsyncHubClient,
    repo_id: str,
    path: str,
    revision: str = "main",
    repo_type: str | None = None,
) -> bytes:
    """The content of ``path`` at ``revision``, through the resolve endpoint (CDN hop followed)."""
    response = await client._http.request(
        "GET", resolve_path(repo_type, repo_id, path, revision), follow_redirects="any"
    )
    return response.content


async def head_sha(
    client: AsyncHubClient, repo_id: str, revision: str = "main", repo_type: str | None = None
) -> str:
    from hubclient._urls import repo_info_path

    response = await client._http.request("GET", repo_info_path(repo_type, repo_id, revision))
    return str(response.json()["sha"])
