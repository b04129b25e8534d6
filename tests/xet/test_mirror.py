"""mirror_repo between two Hubs that speak Xet: the second run of a changed file sends only
the chunks the destination lacks, and the result says how many bytes dedup saved."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, HubSettings
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

pytestmark = pytest.mark.anyio

SIZE = 3_000_000


@pytest.fixture(autouse=True)
def _xet_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
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


def client(served: ServedHub, tmp_path: Path) -> AsyncHubClient:
    settings = HubSettings.from_env(
        endpoint=served.hub_url, token=ALICE_TOKEN, hub_cache=tmp_path / "cache"
    )
    return AsyncHubClient(settings=settings)


async def test_a_second_mirror_of_a_changed_file_sends_a_fraction(
    hubs: tuple[ServedHub, ServedHub], tmp_path: Path
) -> None:
    source, dest = hubs
    first = random.Random(1).randbytes(SIZE)
    second = first[: SIZE // 2] + random.Random(2).randbytes(40_000) + first[SIZE // 2 + 40_000 :]
    async with client(source, tmp_path) as src, client(dest, tmp_path) as dst:
        await src.create_repo("alice/model")
        await src.upload_file(path_or_fileobj=first, path_in_repo="w.bin", repo_id="alice/model")
        result = await src.mirror_repo("alice/model", to=dst)
        assert result.ok, result.model_dump_json()
        assert result.bytes_copied >= SIZE
        await src.upload_file(path_or_fileobj=second, path_in_repo="w.bin", repo_id="alice/model")
        dest.hub.log.clear()
        again = await src.mirror_repo("alice/model", to=dst)
        assert again.ok, again.model_dump_json()
        sent = sum(r.request_bytes for r in dest.hub.log.filter(origin="cas", method="POST"))
        assert sent < SIZE * 0.2
        assert again.bytes_deduped > SIZE * 0.8
        assert dest.hub.log.count(origin="storage", method="PUT") == 0
        local = await dst.hf_hub_download("alice/model", "w.bin")
        assert await anyio.Path(local).read_bytes() == second
