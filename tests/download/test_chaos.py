"""A snapshot of hundreds of files completes, every byte verified, while the Hub misbehaves."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.download import DownloadOptions
from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub
from tests.download.conftest import files_under, payload

pytestmark = pytest.mark.anyio


@pytest.mark.slow
async def test_snapshot_survives_drops_503_429_and_truncation(
    local_hub: LocalHub, cache_dir: Path
) -> None:
    files = {f"shard/{i:03d}.json": payload(1000 + 37 * i, i) for i in range(300)}
    files |= {
        "big/a.safetensors": payload(24 * 2**20, 1001),
        "big/b.bin": payload(12 * 2**20 + 7, 1002),
        "big/c.bin": payload(3 * 2**20, 1003),
    }
    commit = local_hub.seed_repo("alice/chaos", files)
    rules = [
        FaultRule(status=503, method="GET", probability=0.05, times=None),
        FaultRule(status=429, retry_after=0.05, probability=0.03, times=None),
        FaultRule(action="drop", probability=0.03, times=None),
        FaultRule(action="drop", after_bytes=5000, probability=0.02, times=None),
        FaultRule(action="truncate", origin="storage", after_bytes=2**20, probability=0.1,
                  times=None),
        FaultRule(action="truncate", origin="hub", path=r"/resolve/", after_bytes=300,
                  probability=0.05, times=None),
    ]  # fmt: skip
    for rule in rules:
        local_hub.faults.add(rule)
    opts = DownloadOptions(parallel_threshold=8 * 2**20, part_size=3 * 2**20, resume_attempts=8)
    async with AsyncHubClient(
        endpoint=local_hub.hub_url,
        token=ALICE_TOKEN,
        transport=local_hub.async_transport(),
        cache_dir=cache_dir,
        max_retries=8,
        retry_backoff_base=0.01,
        retry_backoff_max=0.1,
    ) as client:
        folder = await client.snapshot_download("alice/chaos", options=opts)
    assert Path(folder).name == commit
    fired = {rule.action + str(rule.status): local_hub.faults.fired(rule) for rule in rules}
    assert all(count > 0 for count in fired.values()), fired
    got = files_under(Path(folder))
    assert set(files) <= set(got)
    bad = [name for name, data in files.items() if got[name] != data]
    assert bad == []
