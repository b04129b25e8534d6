"""huggingface_hub and hubclient share caches and local dirs, both ways (uvicorn-served Hub)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN
from tests.download.conftest import SMALL_FILES, files_under

pytestmark = pytest.mark.anyio
T = TypeVar("T")


async def hf(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking huggingface_hub call in a worker thread."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


@pytest.fixture
def served(served_hub: Any) -> tuple[Any, str]:
    commit: str = served_hub.hub.seed_repo("alice/interop", SMALL_FILES)
    return served_hub, commit


def read(path: str) -> bytes:
    return Path(path).read_bytes()


def scan_clean(cache_dir: Path) -> Any:
    from huggingface_hub import scan_cache_dir

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = scan_cache_dir(cache_dir)
    assert info.warnings == []
    return info


async def test_huggingface_hub_reads_our_cache_offline(
    served: tuple[Any, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub
    from huggingface_hub import constants

    served_hub, commit = served
    cache = tmp_path / "cache"
    async with AsyncHubClient(
        endpoint=served_hub.hub_url, token=ALICE_TOKEN, cache_dir=cache
    ) as client:
        ours = await client.snapshot_download("alice/interop")
    hub = served_hub.hub
    hub.log.clear()
    # online at the pinned commit: our trees/ and snapshot/ mean huggingface_hub sends nothing
    theirs = await hf(
        huggingface_hub.snapshot_download,
        "alice/interop",
        revision=commit,
        cache_dir=cache,
        endpoint=served_hub.hub_url,
        token=ALICE_TOKEN,
    )
    assert theirs == ours
    assert len(hub.log) == 0
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert await hf(huggingface_hub.snapshot_download, "alice/interop", cache_dir=cache) == ours
    assert (
        await hf(
            huggingface_hub.snapshot_download,
            "alice/interop",
            cache_dir=cache,
            local_files_only=True,
        )
        == ours
    )
    for name, data in SMALL_FILES.items():
        path = await hf(huggingface_hub.hf_hub_download, "alice/interop", name, cache_dir=cache)
        assert read(path) == data
        found = huggingface_hub.try_to_load_from_cache("alice/interop", name, cache_dir=cache)
        assert found == path
    info = scan_clean(cache)
    (repo,) = info.repos
    assert len(repo.revisions) == 1
    assert next(iter(repo.revisions)).refs == frozenset({"main"})
    assert len(hub.log) == 0


async def test_we_read_huggingface_hub_cache(served: tuple[Any, str], tmp_path: Path) -> None:
    import huggingface_hub

    served_hub, commit = served
    cache = tmp_path / "cache"
    theirs = await hf(
        huggingface_hub.snapshot_download,
        "alice/interop",
        cache_dir=cache,
        endpoint=served_hub.hub_url,
        token=ALICE_TOKEN,
    )
    hub = served_hub.hub
    hub.log.clear()
    async with AsyncHubClient(
        endpoint=served_hub.hub_url, token=ALICE_TOKEN, cache_dir=cache
    ) as client:
        assert await client.snapshot_download("alice/interop", revision=commit) == theirs
        assert len(hub.log) == 0
        offline = client.with_options(offline=True)
        assert await offline.snapshot_download("alice/interop") == theirs
        assert await client.snapshot_download("alice/interop", local_files_only=True) == theirs
        for name, data in SMALL_FILES.items():
            path = await offline.hf_hub_download("alice/interop", name)
            assert read(path) == data
        # a file we add to their snapshot keeps the cache clean for them
        await client.hf_hub_download("alice/interop", "config.json", force_download=True)
    assert len(hub.log.filter(method="GET", path=r"/resolve/")) <= 1
    scan_clean(cache)


async def test_local_dir_both_ways(served: tuple[Any, str], tmp_path: Path) -> None:
    import huggingface_hub

    served_hub, commit = served
    hub = served_hub.hub
    ours_dir, theirs_dir = tmp_path / "ours", tmp_path / "theirs"
    async with AsyncHubClient(
        endpoint=served_hub.hub_url, token=ALICE_TOKEN, cache_dir=tmp_path / "c1"
    ) as client:
        await client.snapshot_download("alice/interop", local_dir=ours_dir)
        hub.log.clear()
        result = await hf(
            huggingface_hub.snapshot_download,
            "alice/interop",
            revision=commit,
            local_dir=ours_dir,
            cache_dir=tmp_path / "c2",
            endpoint=served_hub.hub_url,
            token=ALICE_TOKEN,
        )
        assert result == str(ours_dir.resolve())
        assert len(hub.log) == 0  # their metadata check accepts every file we wrote
        await hf(
            huggingface_hub.snapshot_download,
            "alice/interop",
            local_dir=theirs_dir,
            cache_dir=tmp_path / "c2",
            endpoint=served_hub.hub_url,
            token=ALICE_TOKEN,
        )
        hub.log.clear()
        assert await client.snapshot_download(
            "alice/interop", revision=commit, local_dir=theirs_dir
        ) == str(theirs_dir.resolve())
        assert len(hub.log) == 0
        for name in SMALL_FILES:  # and file by file, with metadata from the other client
            await client.hf_hub_download("alice/interop", name, local_dir=theirs_dir)
    assert hub.log.count(method="GET", path=r"/resolve/") == 0
    assert hub.log.count(origin="storage") == 0
    got_ours, got_theirs = files_under(ours_dir), files_under(theirs_dir)
    for name, data in SMALL_FILES.items():
        assert got_ours[name] == data
        assert got_theirs[name] == data
