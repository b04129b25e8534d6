"""hf_hub_download and streaming reads against the in-process local Hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.cache import CACHED_NO_EXIST, RepoCache, try_to_load_from_cache
from hubclient.download import DryRunFileInfo
from hubclient.errors import (
    EntryNotFoundError,
    HFValidationError,
    LocalEntryNotFoundError,
    RemoteEntryNotFoundError,
)
from hubclient.testing import FaultRule, LocalHub
from tests.download.conftest import SMALL_FILES, files_under, git_sha1, payload, sha256

pytestmark = pytest.mark.anyio


def read(path: str | Path) -> bytes:
    return Path(path).read_bytes()


async def test_download_regular_and_lfs_files(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str], cache_dir: Path
) -> None:
    repo_id, commit = seeded
    for name in ("config.json", "model.safetensors", "sub/dir/notes.txt"):
        path = await client.hf_hub_download(repo_id, name)
        assert path == str(RepoCache(cache_dir, repo_id).pointer_path(commit, name))
        assert read(path) == SMALL_FILES[name]
    assert read(RepoCache(cache_dir, repo_id).ref_path("main")) == commit.encode()
    for record in local_hub.log.filter(origin="storage"):
        assert "authorization" not in record.headers
    # a pinned, cached file: no request
    local_hub.log.clear()
    path = await client.hf_hub_download(repo_id, "config.json", revision=commit)
    assert read(path) == SMALL_FILES["config.json"]
    assert len(local_hub.log) == 0
    # a branch: one HEAD, no content
    await client.hf_hub_download(repo_id, "config.json")
    assert [r.method for r in local_hub.log.records] == ["HEAD"]
    # subfolder, dry run
    info = await client.hf_hub_download(repo_id, "notes.txt", subfolder="sub/dir", dry_run=True)
    assert isinstance(info, DryRunFileInfo)
    assert info.is_cached
    assert not info.will_download


async def test_missing_file_is_remembered(
    client: AsyncHubClient, seeded: tuple[str, str], cache_dir: Path
) -> None:
    repo_id, commit = seeded
    with pytest.raises(RemoteEntryNotFoundError):
        await client.hf_hub_download(repo_id, "nope.txt")
    assert try_to_load_from_cache(repo_id, "nope.txt", cache_dir) is CACHED_NO_EXIST
    from huggingface_hub import try_to_load_from_cache as hf_try
    from huggingface_hub.file_download import _CACHED_NO_EXIST

    assert hf_try(repo_id, "nope.txt", cache_dir=cache_dir) is _CACHED_NO_EXIST
    assert try_to_load_from_cache(repo_id, "nope.txt", cache_dir, revision=commit) is (
        CACHED_NO_EXIST
    )


async def test_offline_and_unreachable(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str]
) -> None:
    repo_id, _ = seeded
    with pytest.raises(LocalEntryNotFoundError):
        await client.hf_hub_download(repo_id, "config.json", local_files_only=True)
    with pytest.raises(ValueError, match="together"):
        await client.hf_hub_download(
            repo_id, "config.json", local_files_only=True, force_download=True
        )
    path = await client.hf_hub_download(repo_id, "config.json")
    assert await client.hf_hub_download(repo_id, "config.json", local_files_only=True) == path
    offline = client.with_options(offline=True)
    local_hub.log.clear()
    assert await offline.hf_hub_download(repo_id, "config.json") == path
    with pytest.raises(LocalEntryNotFoundError):
        await offline.hf_hub_download(repo_id, "README.md")
    assert len(local_hub.log) == 0
    local_hub.faults.add(FaultRule(status=503, times=None))
    down = client.with_options(max_retries=0)
    assert await down.hf_hub_download(repo_id, "config.json") == path
    with pytest.raises(LocalEntryNotFoundError):
        await down.hf_hub_download(repo_id, "README.md")


async def test_force_download_and_bad_paths(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str]
) -> None:
    repo_id, _ = seeded
    path = await client.hf_hub_download(repo_id, "weights.bin")
    local_hub.log.clear()
    again = await client.hf_hub_download(repo_id, "weights.bin", force_download=True)
    assert again == path
    assert read(path) == SMALL_FILES["weights.bin"]
    assert local_hub.log.bytes_received() >= len(SMALL_FILES["weights.bin"])
    for bad in ("../escape.txt", "/etc/passwd", "a/../../b"):
        with pytest.raises(HFValidationError):
            await client.hf_hub_download(repo_id, bad)


async def test_local_dir_file(
    client: AsyncHubClient,
    local_hub: LocalHub,
    seeded: tuple[str, str],
    tmp_path: Path,
    cache_dir: Path,
) -> None:
    repo_id, commit = seeded
    target = tmp_path / "dir"
    path = await client.hf_hub_download(repo_id, "sub/dir/notes.txt", local_dir=target)
    assert path == str(target.resolve() / "sub" / "dir" / "notes.txt")
    assert read(path) == SMALL_FILES["sub/dir/notes.txt"]
    meta = read(target / ".cache/huggingface/download/sub/dir/notes.txt.metadata").decode()
    assert meta.splitlines()[:2] == [commit, git_sha1(SMALL_FILES["sub/dir/notes.txt"])]
    local_hub.log.clear()
    await client.hf_hub_download(repo_id, "sub/dir/notes.txt", local_dir=target, revision=commit)
    assert len(local_hub.log) == 0
    # an LFS file without metadata but with the right content: hashed, not downloaded
    (target / "model.safetensors").write_bytes(SMALL_FILES["model.safetensors"])
    local_hub.log.clear()
    await client.hf_hub_download(repo_id, "model.safetensors", local_dir=target)
    assert local_hub.log.count(origin="storage") == 0
    meta = read(target / ".cache/huggingface/download/model.safetensors.metadata").decode()
    assert meta.splitlines()[1] == sha256(SMALL_FILES["model.safetensors"])
    assert not (cache_dir / "models--alice--model").exists()  # cache_dir untouched


async def test_stream_a_file_without_disk(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str], cache_dir: Path
) -> None:
    repo_id, commit = seeded
    async with client.open_file(repo_id, "model.safetensors") as remote:
        assert remote.commit_hash == commit
        assert remote.size == len(SMALL_FILES["model.safetensors"])
        assert remote.etag == sha256(SMALL_FILES["model.safetensors"])
        body = await remote.read()
    assert body == SMALL_FILES["model.safetensors"]
    chunks = [c async for c in client.iter_file(repo_id, "config.json")]
    assert b"".join(chunks) == SMALL_FILES["config.json"]
    assert files_under(cache_dir) == {}
    # a body cut in the middle is resumed with Range
    local_hub.faults.add(FaultRule(action="truncate", origin="storage", after_bytes=100_000))
    data = b"".join([c async for c in client.iter_file(repo_id, "model.safetensors")])
    assert data == SMALL_FILES["model.safetensors"]
    with pytest.raises(EntryNotFoundError):
        async with client.open_file(repo_id, "missing.bin"):
            pass


async def test_big_single_file_with_ranges(local_hub: LocalHub, client: AsyncHubClient) -> None:
    from hubclient.download import DownloadOptions

    data = payload(3 * 2**20 + 5, 3)
    local_hub.seed_repo("alice/one", {"x.bin": data})
    opts = DownloadOptions(parallel_threshold=2**20, part_size=700_000)
    path = await client.hf_hub_download("alice/one", "x.bin", options=opts)
    assert read(path) == data
    assert local_hub.log.count(origin="storage", method="GET") >= 4


async def test_an_lfs_file_takes_the_redirect_the_metadata_request_got(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str]
) -> None:
    repo_id, _ = seeded
    local_hub.log.clear()
    path = await client.hf_hub_download(repo_id, "model.safetensors")
    assert read(path) == SMALL_FILES["model.safetensors"]
    # one HEAD on the Hub, then straight to storage: no second resolve (as huggingface_hub)
    assert [(r.origin, r.method) for r in local_hub.log.records] == [
        ("hub", "HEAD"),
        ("storage", "GET"),
    ]


async def test_a_failed_handed_over_url_is_resolved_afresh(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str]
) -> None:
    repo_id, commit = seeded
    local_hub.faults.add(FaultRule(status=403, origin="storage", method="GET", times=1))
    local_hub.log.clear()
    path = await client.hf_hub_download(repo_id, "model.safetensors")
    assert read(path) == SMALL_FILES["model.safetensors"]
    hub_requests = [(r.method, r.path) for r in local_hub.log.filter(origin="hub")]
    assert hub_requests[0][0] == "HEAD"
    assert hub_requests[1] == ("GET", f"/{repo_id}/resolve/{commit}/model.safetensors")
    assert [r.status for r in local_hub.log.filter(origin="storage")] == [403, 200]


async def test_a_far_hub_gets_a_mid_size_lfs_file_in_ranges(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    from hubclient.download import DownloadOptions

    data = payload(3 * 2**20 + 11, 5)
    local_hub.seed_repo("alice/far", {"w.bin": data})
    # the metadata request takes 60 ms: a far Hub, where one stream waits round trips
    local_hub.faults.add(FaultRule(action="delay", delay=0.06, origin="hub", method="HEAD"))
    local_hub.log.clear()
    opts = DownloadOptions(far_latency=0.05, far_part_size=2**20)
    path = await client.hf_hub_download("alice/far", "w.bin", options=opts)
    assert read(path) == data
    gets = local_hub.log.filter(origin="storage", method="GET")
    assert sorted(r.headers.get("range", "") for r in gets) == [
        "bytes=0-1048575",
        "bytes=1048576-2097151",
        "bytes=2097152-3145727",
        f"bytes=3145728-{len(data) - 1}",
    ]
    assert local_hub.log.count(origin="hub") == 1  # the HEAD's redirect was used, no resolve


async def test_a_near_hub_gets_a_mid_size_lfs_file_in_one_stream(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    from hubclient.download import DownloadOptions

    data = payload(3 * 2**20 + 11, 6)
    local_hub.seed_repo("alice/near", {"w.bin": data})
    local_hub.log.clear()
    opts = DownloadOptions(far_latency=30.0, far_part_size=2**20)
    path = await client.hf_hub_download("alice/near", "w.bin", options=opts)
    assert read(path) == data
    gets = local_hub.log.filter(origin="storage", method="GET")
    assert [r.headers.get("range") for r in gets] == [None]
