"""Figures of reading parts of files: requests and bytes each client needs (from the Hub's log).

* safetensors metadata of a 3-shard model: hubclient's ``get_safetensors_metadata`` against
  huggingface_hub's, same served Hub, same answer; requests and bytes per origin;

Counts, not times: both clients run in this process against one uvicorn-served local Hub whose
request log says what each sent and received.

    pytest -m benchmark -s tests/benchmarks/bench_data_access.py
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub
from tests.safetensors._files import sharded_model

pytestmark = pytest.mark.benchmark


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / "hub"))
    try:
        with hub.serve() as server:
            yield server
    finally:
        hub.close()


def _figures(hub: LocalHub) -> dict[str, int]:
    records = hub.log.records
    return {
        "hub requests": sum(r.origin == "hub" for r in records),
        "storage requests": sum(r.origin == "storage" for r in records),
        "bytes received": sum(r.response_bytes for r in records),
    }


def test_safetensors_metadata_of_three_shards(
    served: ServedHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import HfApi, constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    files = sharded_model(3, rows=128 * 1024)  # 8 MiB of F16 weights per shard
    served.hub.seed_repo("alice/sharded", files)
    size = sum(len(v) for k, v in files.items() if k.endswith(".safetensors"))
    api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
    rows: dict[str, Any] = {}
    with start_blocking_portal() as portal:
        client = AsyncHubClient(served.hub_url, token=ALICE_TOKEN)
        try:
            served.hub.log.clear()
            ours = portal.call(client.get_safetensors_metadata, "alice/sharded")
            rows["hubclient"] = _figures(served.hub)
            served.hub.log.clear()
            theirs = api.get_safetensors_metadata("alice/sharded")
            rows["huggingface_hub"] = _figures(served.hub)
        finally:
            portal.call(client.aclose)
    assert ours.parameter_count == theirs.parameter_count
    assert sorted(ours.files_metadata) == sorted(theirs.files_metadata)
    print(f"\n[safetensors] 3 shards, {size} bytes of weights in all")
    for name, row in rows.items():
        print(f"[safetensors] {name:16} {row}")


def _parquet(path: Path, rows: int) -> int:
    import numpy as np
    import pandas as pd

    generator = np.random.default_rng(0)
    frame = pd.DataFrame(
        {name: generator.integers(0, 2**62, rows, dtype=np.int64) for name in "abcd"}
    )
    frame.to_parquet(path, row_group_size=rows // 8, compression=None)
    return path.stat().st_size


def test_pandas_reads_one_column_of_a_200mb_parquet(
    served: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import pandas as pd
    from huggingface_hub import HfFileSystem, constants

    from hubclient.fs import HubFileSystem

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    local = tmp_path / "t.parquet"
    size = _parquet(local, 6_500_000)
    served.hub.seed_repo("alice/table", {"t.parquet": local.read_bytes()}, repo_type="dataset")
    ours = HubFileSystem(
        client=AsyncHubClient(served.hub_url, token=ALICE_TOKEN), skip_instance_cache=True
    )
    theirs = HfFileSystem(endpoint=served.hub_url, token=ALICE_TOKEN, skip_instance_cache=True)
    rows: dict[str, dict[str, float]] = {}
    for name, fs in (("hubclient", ours), ("huggingface_hub", theirs)):
        served.hub.log.clear()
        started = time.perf_counter()
        column = pd.read_parquet("datasets/alice/table/t.parquet", columns=["b"], filesystem=fs)
        seconds = time.perf_counter() - started
        assert len(column) == 6_500_000
        records = served.hub.log.records
        rows[name] = {
            "seconds": round(seconds, 2),
            "requests": len(records),
            "MiB fetched": round(sum(r.response_bytes for r in records) / 2**20, 1),
        }
    ours.close()
    print(f"\n[parquet] one column of 4, file {size / 2**20:.1f} MiB")
    for name, row in rows.items():
        share = row["MiB fetched"] * 2**20 / size
        print(f"[parquet] {name:16} {row} = {share:.1%} of the file")
