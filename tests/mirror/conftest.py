"""Fixtures for the mirroring tests: two local Hubs (source and destination), clients on them.

Small LFS thresholds, so that a few hundred KiB exercise every path: files of 64 KiB or more go
to LFS, files of 2 chunks or more go multipart, in chunks of 64 KiB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub, ServedHub, standard_hub

SMALL_CHUNK = 64 * 1024


def small_hub(data_dir: Path, name: str = "hub") -> LocalHub:
    """A local Hub with small LFS thresholds; ``name`` sets its in-process host names."""
    return standard_hub(
        LocalHub(
            data_dir=data_dir,
            hub_url=f"http://{name}.local",
            storage_url=f"http://{name}-storage.local",
            lfs_multipart_threshold=2 * SMALL_CHUNK,
            lfs_chunk_size=SMALL_CHUNK,
            page_size=10,
        )
    )


@pytest.fixture
def source_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = small_hub(tmp_path / "source-hub", "source-hub")
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def dest_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = small_hub(tmp_path / "dest-hub", "dest-hub")
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def served_pair(tmp_path: Path) -> Iterator[tuple[ServedHub, ServedHub]]:
    """Source and destination Hubs served by uvicorn on 127.0.0.1 (real sockets)."""
    source = small_hub(tmp_path / "served-source")
    dest = small_hub(tmp_path / "served-dest")
    try:
        with source.serve() as served_source, dest.serve() as served_dest:
            yield served_source, served_dest
    finally:
        source.close()
        dest.close()


def _client(hub: LocalHub, token: str) -> AsyncHubClient:
    return AsyncHubClient(
        endpoint=hub.hub_url,
        token=token,
        transport=hub.async_transport(),
        retry_backoff_base=0.01,
        retry_backoff_max=0.05,
    )


@pytest.fixture
async def source(source_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    """alice on the source Hub (in-process)."""
    async with _client(source_hub, ALICE_TOKEN) as client:
        yield client


@pytest.fixture
async def dest(dest_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    """bob on the destination Hub (in-process): a different user and token than the source's."""
    async with _client(dest_hub, BOB_TOKEN) as client:
        yield client
