"""Xet dedup, measured from the local Hub's request log (bytes received by its CAS origin).

Run with ``python -m pytest tests/benchmarks/bench_xet_dedup.py -m benchmark -s``. A 200 MB file
is uploaded, 1 MB in its middle is changed, and it is uploaded again: the second upload must send
under 10 % of the file, with hubclient (the ``xet`` extra) and through ``mirror_repo`` between
two Xet Hubs. Figures are printed; the bounds are the issue's.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, HubSettings
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

pytestmark = [pytest.mark.benchmark, pytest.mark.anyio]

SIZE = 200 * 1000 * 1000
CHANGE = 1000 * 1000


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "xet-cache"))
    monkeypatch.setenv("HF_XET_TELEMETRY_ENABLED", "false")
    monkeypatch.delenv("HF_HUB_DISABLE_XET", raising=False)


@pytest.fixture
def hubs(tmp_path: Path) -> Iterator[tuple[ServedHub, ServedHub]]:
    source = standard_hub(LocalHub(tmp_path / "source"))
    dest = standard_hub(LocalHub(tmp_path / "dest"))
    try:
        with source.serve() as served_source, dest.serve() as served_dest:
            yield served_source, served_dest
    finally:
        source.close()
        dest.close()


def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = random.Random(0)
    first = bytearray(rng.randbytes(SIZE))
    a = tmp_path / "v1.bin"
    a.write_bytes(first)
    middle = SIZE // 2
    first[middle : middle + CHANGE] = rng.randbytes(CHANGE)
    b = tmp_path / "v2.bin"
    b.write_bytes(first)
    return a, b


def client(served: ServedHub, tmp_path: Path) -> AsyncHubClient:
    return AsyncHubClient(
        settings=HubSettings.from_env(
            endpoint=served.hub_url, token=ALICE_TOKEN, hub_cache=tmp_path / "cache"
        )
    )


def cas_received(served: ServedHub) -> int:
    return sum(r.request_bytes for r in served.hub.log.filter(origin="cas", method="POST"))


async def test_a_changed_200_mb_file_sends_under_10_percent(
    hubs: tuple[ServedHub, ServedHub], tmp_path: Path
) -> None:
    source, dest = hubs
    v1, v2 = files(tmp_path)
    async with client(source, tmp_path) as src, client(dest, tmp_path) as dst:
        await src.create_repo("alice/big")
        start = time.perf_counter()
        await src.upload_file(path_or_fileobj=v1, path_in_repo="w.bin", repo_id="alice/big")
        first_s = time.perf_counter() - start
        first_sent = cas_received(source)
        first_mirror = await src.mirror_repo("alice/big", to=dst)
        assert first_mirror.ok

        source.hub.log.clear()
        start = time.perf_counter()
        info = await src.upload_file(path_or_fileobj=v2, path_in_repo="w.bin", repo_id="alice/big")
        second_s = time.perf_counter() - start
        second_sent = cas_received(source)

        dest.hub.log.clear()
        again = await src.mirror_repo("alice/big", to=dst)
        assert again.ok, again.model_dump_json()
        mirror_sent = cas_received(dest)
        local = await dst.hf_hub_download("alice/big", "w.bin")
        assert await anyio.Path(local).read_bytes() == await anyio.Path(v2).read_bytes()
    print(
        f"\nxet dedup, {SIZE / 1e6:.0f} MB file, {CHANGE / 1e6:.0f} MB changed in the middle "
        f"(shared machine: times are indicative; bytes are exact, from the request log)\n"
        f"  upload 1: {first_sent / 1e6:.1f} MB sent in {first_s:.1f} s\n"
        f"  upload 2: {second_sent / 1e6:.2f} MB sent ({second_sent / SIZE:.2%}) in "
        f"{second_s:.1f} s; deduped {info.xet.deduped_bytes / 1e6 if info.xet else 0:.1f} MB\n"
        f"  mirror 2: {mirror_sent / 1e6:.2f} MB sent ({mirror_sent / SIZE:.2%}); "
        f"bytes_deduped {again.bytes_deduped / 1e6:.1f} MB (cpu count {os.cpu_count()})"
    )
    assert second_sent < SIZE * 0.10
    assert mirror_sent < SIZE * 0.10
