"""open_seekable: random access to a repo file by ranged GETs, read-ahead, pinned commit,
renewed locations, and its sync view."""

from __future__ import annotations

import io

import pytest

from hubclient import AsyncHubClient, HubClient
from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub
from tests.download.conftest import payload

pytestmark = pytest.mark.anyio

BIG = payload(3 * 2**20 + 123, 7)


def _client(hub: LocalHub) -> AsyncHubClient:
    return AsyncHubClient(hub.hub_url, token=ALICE_TOKEN, transport=hub.async_transport())


async def test_reads_seeks_and_ranges_match_the_bytes(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/data", {"big.bin": BIG}, repo_type="dataset")
    async with (
        _client(local_hub) as client,
        client.open_seekable("alice/data", "big.bin", repo_type="dataset") as f,
    ):
        assert f.size == len(BIG)
        assert f.lfs
        assert await f.read(10) == BIG[:10]
        assert f.tell() == 10
        f.seek(-8, io.SEEK_END)
        assert await f.read() == BIG[-8:]
        assert await f.read() == b""
        f.seek(2**20 - 3)
        assert await f.read(6) == BIG[2**20 - 3 : 2**20 + 3]
        f.seek(5, io.SEEK_CUR)
        assert f.tell() == 2**20 + 8
        assert await f.read_range(100, 200) == BIG[100:200]
        assert f.tell() == 2**20 + 8  # read_range does not move the position
        assert await f.read_range(len(BIG) - 4, len(BIG) + 100) == BIG[-4:]
        ranges = [(0, 5), (2**21, 2**21 + 7), (len(BIG) - 3, len(BIG)), (10, 10)]
        assert await f.read_ranges(ranges) == [BIG[a:b] for a, b in ranges]
        with pytest.raises(ValueError, match="negative"):
            f.seek(-1)
        with pytest.raises(ValueError, match="invalid range"):
            await f.read_range(5, 4)
    assert f.closed
    with pytest.raises(ValueError, match="closed"):
        await f.read(1)


async def test_small_sequential_reads_cost_one_request_per_block(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/data", {"big.bin": BIG}, repo_type="dataset")
    async with _client(local_hub) as client:
        local_hub.log.clear()
        async with client.open_seekable(
            "alice/data", "big.bin", repo_type="dataset", block_size=2**20
        ) as f:
            chunks = [await f.read(4096) for _ in range(256)]  # exactly one block
            assert b"".join(chunks) == BIG[: 256 * 4096]
            assert local_hub.log.count(origin="hub", method="HEAD") == 1
            gets = local_hub.log.filter(origin="storage", method="GET")
            assert len(gets) == 1
            assert gets[0].headers["range"] == f"bytes=0-{2**20 - 1}"
            assert "authorization" not in gets[0].headers
            assert await f.read(1) == BIG[2**20 : 2**20 + 1]
            assert local_hub.log.count(origin="storage", method="GET") == 2


async def test_a_regular_file_is_read_in_ranges_from_the_hub(local_hub: LocalHub) -> None:
    text = b"".join(b"line %05d\n" % i for i in range(5000))
    local_hub.seed_repo("alice/m", {"notes.txt": text})
    async with _client(local_hub) as client:
        local_hub.log.clear()
        async with client.open_seekable("alice/m", "notes.txt", block_size=1000) as f:
            assert not f.lfs
            f.seek(20_000)
            assert await f.read(11) == text[20_000:20_011]
        gets = local_hub.log.filter(origin="hub", method="GET", path="/resolve/")
        assert [g.headers["range"] for g in gets] == ["bytes=20000-20999"]
        assert f.commit_hash in gets[0].path  # pinned to the commit of the HEAD


async def test_the_commit_is_pinned_and_an_expired_location_is_renewed(
    local_hub: LocalHub,
) -> None:
    local_hub.seed_repo("alice/data", {"big.bin": BIG}, repo_type="dataset")
    async with (
        _client(local_hub) as client,
        client.open_seekable("alice/data", "big.bin", repo_type="dataset", block_size=10) as f,
    ):
        local_hub.seed_repo("alice/data", {"big.bin": b"new content"}, repo_type="dataset")
        local_hub.faults.add(FaultRule(status=403, origin="storage", times=1))
        local_hub.log.clear()
        assert await f.read_range(1000, 1010) == BIG[1000:1010]
        assert local_hub.log.count(origin="storage", method="GET") == 2  # 403, then renewed
        assert local_hub.log.count(origin="hub", method="HEAD") == 1


def test_the_sync_view_is_a_file(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/data", {"big.bin": BIG}, repo_type="dataset")
    with (
        HubClient(local_hub.hub_url, token=ALICE_TOKEN, transport=local_hub.async_transport()) as c,
        c.open_seekable("alice/data", "big.bin", repo_type="dataset") as f,
    ):
        f.seek(-100, io.SEEK_END)
        assert f.read(50) == BIG[-100:-50]
        assert f.read_range(0, 3) == BIG[:3]
        assert f.seekable()
        assert f.readable()
