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
