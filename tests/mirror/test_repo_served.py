"""mirror_repo between two uvicorn-served Hubs (real sockets), read back by huggingface_hub.

Also the heavier cases (``slow``): a real cut of the source connection mid-part, and a mirror
with many small files and several multipart objects.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_DISABLE_XET", "1")  # before huggingface_hub is imported

import hashlib
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest

from hubclient import AsyncHubClient, MirrorOptions
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, ServedHub
from hubclient.testing._faults import FaultRule
from tests.mirror.conftest import SMALL_CHUNK
from tests.mirror.test_repo import BIG, MID, SRC, assert_mirrored, blob, seed

hf = pytest.importorskip("huggingface_hub")

pytestmark = pytest.mark.anyio

DST = "bob/model"


@pytest.fixture
def hubs(served_pair: tuple[ServedHub, ServedHub], monkeypatch: pytest.MonkeyPatch) -> Any:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    return served_pair


def _snapshot(hub_url: str, cache: Path, revision: str) -> Path:
    from huggingface_hub import snapshot_download

    return Path(
        snapshot_download(
            DST, revision=revision, endpoint=hub_url, token=BOB_TOKEN, cache_dir=cache
        )
    )


async def test_huggingface_hub_downloads_the_mirror(
    hubs: tuple[ServedHub, ServedHub], tmp_path: Path
) -> None:
    served_source, served_dest = hubs
    seed(served_source.hub)
    async with (
        AsyncHubClient(endpoint=served_source.hub_url, token=ALICE_TOKEN) as source,
        AsyncHubClient(endpoint=served_dest.hub_url, token=BOB_TOKEN) as dest,
    ):
        # the source's connection is cut once in the middle of a ranged GET
        cut = served_source.hub.faults.add(
            FaultRule(action="truncate", origin="storage", method="GET", after_bytes=30_000)
        )
        result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
        assert result.ok, result.errors
        assert served_source.hub.faults.fired(cut) == 1
        await assert_mirrored(source, dest, SRC, DST)
    for revision, expected in (("main", {"big.bin": BIG}), ("old", {"weights.bin": MID})):
        folder = await anyio.to_thread.run_sync(
            _snapshot, served_dest.hub_url, tmp_path / "hf-cache", revision
        )
        for path, content in expected.items():
            assert (folder / path).read_bytes() == content
        assert (folder / "README.md").read_text() == "# model\n"
    assert (folder / "old.txt").exists()  # the tag kept the first commit's files


@pytest.mark.slow
async def test_many_files_and_objects(hubs: tuple[ServedHub, ServedHub]) -> None:
    served_source, served_dest = hubs
    files: dict[str, bytes | str] = {f"d{i % 7}/f{i:03d}.txt": f"{i}\n" for i in range(300)}
    for i in range(6):
        files[f"lfs/o{i}.bin"] = blob((3 + i) * SMALL_CHUNK + i, seed=100 + i)
    served_source.hub.seed_repo(SRC, files)
    options = MirrorOptions(commit_every_files=100, max_bytes_in_flight=2 * SMALL_CHUNK)
    async with (
        AsyncHubClient(endpoint=served_source.hub_url, token=ALICE_TOKEN) as source,
        AsyncHubClient(endpoint=served_dest.hub_url, token=BOB_TOKEN) as dest,
    ):
        result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
        assert result.ok, result.errors
        assert result.commits == 4  # 307 changed paths in batches of 100
        await assert_mirrored(source, dest, SRC, DST)
        again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
        assert again.commits == 0
    objects = [v for v in files.values() if isinstance(v, bytes)]
    sent = served_dest.hub.log.bytes_sent(origin="storage", method="PUT")
    assert sent == sum(len(o) for o in objects)
    digests = {hashlib.sha256(o).hexdigest() for o in objects}
    assert len(digests) == 6


async def test_corrupt_source_object_aborts_the_put(hubs: tuple[ServedHub, ServedHub]) -> None:
    served_source, served_dest = hubs
    served_source.hub.seed_repo(SRC, {"w.bin": MID})
    oid = hashlib.sha256(MID).hexdigest()
    served_source.hub.store.objects.path(oid).write_bytes(bytes(len(MID)))
    async with (
        AsyncHubClient(endpoint=served_source.hub_url, token=ALICE_TOKEN) as source,
        AsyncHubClient(endpoint=served_dest.hub_url, token=BOB_TOKEN) as dest,
    ):
        result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    [error] = result.errors
    assert error.type == "DownloadIntegrityError"
    assert "sha256" in error.message
    assert not served_dest.hub.store.objects.has(oid)
