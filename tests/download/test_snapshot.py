"""snapshot_download against the in-process local Hub (asyncio and trio)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import anyio
import httpx
import pytest

from hubclient import AsyncHubClient
from hubclient.cache import RepoCache
from hubclient.download import DownloadOptions, DryRunFileInfo
from hubclient.errors import (
    IncompleteSnapshotError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.progress import FileProgress, FileState, Phase, PhaseChanged, TotalProgress
from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub
from tests.download.conftest import SMALL_FILES, files_under, git_sha1, payload, sha256

pytestmark = pytest.mark.anyio


def check_pointers(folder: Path, repo: RepoCache, tree: dict[str, dict[str, str]]) -> None:
    """Every pointer is a relative symlink to the blob named by its etag."""
    for name in SMALL_FILES:
        pointer = Path(folder, name)
        assert pointer.is_symlink()
        assert not os.path.isabs(os.readlink(pointer))
        blob = Path(os.path.realpath(pointer))
        assert blob.parent == repo.blobs_dir
        entry = tree[name]
        assert blob.name == entry.get("lfs_sha256", entry["blob_id"])


def check_only_complete_files(snapshot: Path, allowed: set[bytes]) -> None:
    """Nothing half-written is visible in a snapshot folder."""
    if not snapshot.exists():
        return
    for root, _, names in os.walk(snapshot):
        for name in names:
            path = Path(root, name)
            assert path.is_symlink(), path
            assert path.exists(), path
            if name != ".gitattributes":
                assert path.read_bytes() in allowed


async def test_snapshot_to_cache_layout_and_bytes(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str], cache_dir: Path
) -> None:
    repo_id, commit = seeded
    local_hub.log.clear()
    folder = await client.snapshot_download(repo_id)
    assert folder == str(cache_dir / "models--alice--model" / "snapshots" / commit)
    got = files_under(Path(folder))
    for name, data in SMALL_FILES.items():
        assert got[name] == data
    repo = RepoCache(cache_dir, repo_id)
    assert (repo.refs_dir / "main").read_text() == commit
    assert (cache_dir / "CACHEDIR.TAG").is_file()
    tree = json.loads(repo.tree_path(commit).read_text())
    assert tree["format_version"] == 1
    assert set(SMALL_FILES) <= set(tree["files"])
    check_pointers(Path(folder), repo, tree["files"])
    # duplicate content is one blob; no temp files left
    assert not [p for p in repo.blobs_dir.iterdir() if p.name.endswith(".incomplete")]
    # requests: one revision lookup, the tree pages, one GET per blob, no HEAD at all
    assert local_hub.log.count(method="HEAD") == 0
    assert local_hub.log.count(origin="hub", path=r"/revision/") == 1
    blobs = {e.get("lfs_sha256", e["blob_id"]) for e in tree["files"].values()}
    resolve_gets = local_hub.log.filter(origin="hub", method="GET", path=r"/resolve/")
    assert len(resolve_gets) == len(blobs)  # the duplicate content is fetched once
    # the token never reaches storage
    for record in local_hub.log.filter(origin="storage"):
        assert "authorization" not in record.headers


async def test_pinned_cached_snapshot_makes_no_request(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str]
) -> None:
    repo_id, commit = seeded
    first = await client.snapshot_download(repo_id)
    local_hub.log.clear()
    again = await client.snapshot_download(repo_id, revision=commit)
    assert again == first
    assert len(local_hub.log) == 0
    await client.snapshot_download(repo_id)  # a branch: one revision lookup only
    assert len(local_hub.log) == 1


async def test_patterns_and_dry_run(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str]
) -> None:
    repo_id, _ = seeded
    plan = await client.snapshot_download(repo_id, allow_patterns=["*.json", "sub/"], dry_run=True)
    assert all(isinstance(p, DryRunFileInfo) for p in plan)
    assert sorted(p.filename for p in plan) == ["config.json", "sub/dir/notes.txt"]
    assert all(p.will_download and not p.is_cached for p in plan)
    assert local_hub.log.count(path=r"/resolve/") == 0
    folder = await client.snapshot_download(
        repo_id, allow_patterns=["*.json", "sub/"], ignore_patterns="*.txt"
    )
    assert sorted(files_under(Path(folder))) == ["config.json"]
    plan = await client.snapshot_download(repo_id, allow_patterns="*.json", dry_run=True)
    assert [(p.filename, p.is_cached, p.will_download) for p in plan] == [
        ("config.json", True, False)
    ]


async def test_local_dir_snapshot(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str], tmp_path: Path
) -> None:
    repo_id, commit = seeded
    target = tmp_path / "out"
    folder = await client.snapshot_download(repo_id, local_dir=target)
    assert folder == str(target.resolve())
    for name, data in SMALL_FILES.items():
        path = target / name
        assert not path.is_symlink()
        assert path.read_bytes() == data
        meta = (target / ".cache/huggingface/download" / f"{name}.metadata").read_text()
        lines = meta.splitlines()
        assert lines[0] == commit
        assert lines[1] in (git_sha1(data), sha256(data))
    assert (target / ".cache/huggingface/.gitignore").read_text() == "*"
    local_hub.log.clear()
    await client.snapshot_download(repo_id, local_dir=target, revision=commit)
    assert local_hub.log.count(path=r"/resolve/") == 0
    assert local_hub.log.count(origin="storage") == 0


async def test_progress_events(
    client: AsyncHubClient, seeded: tuple[str, str], cache_dir: Path
) -> None:
    repo_id, _ = seeded
    events: list[object] = []
    await client.snapshot_download(
        repo_id, progress=events.append, ignore_patterns=".gitattributes"
    )
    phases = [e.phase for e in events if isinstance(e, PhaseChanged)]
    assert phases == [Phase.PLANNING, Phase.DOWNLOADING, Phase.DONE]
    downloading = next(
        e for e in events if isinstance(e, PhaseChanged) and e.phase is Phase.DOWNLOADING
    )
    assert downloading.files == len(SMALL_FILES)
    assert downloading.total_bytes == sum(len(v) for v in SMALL_FILES.values())
    done = {e.path for e in events if isinstance(e, FileProgress) and e.state is FileState.DONE}
    assert done == set(SMALL_FILES)
    last_total = [e for e in events if isinstance(e, TotalProgress)][-1]
    assert last_total.files_done == last_total.files_total == len(SMALL_FILES)
    assert last_total.bytes_done == last_total.bytes_total


async def test_errors_and_offline(
    client: AsyncHubClient, local_hub: LocalHub, seeded: tuple[str, str], cache_dir: Path
) -> None:
    repo_id, _ = seeded
    with pytest.raises(RepositoryNotFoundError):
        await client.snapshot_download("alice/nope")
    with pytest.raises(RevisionNotFoundError):
        await client.snapshot_download(repo_id, revision="nope")
    with pytest.raises(LocalEntryNotFoundError):
        await client.snapshot_download(repo_id, local_files_only=True)
    folder = await client.snapshot_download(repo_id, allow_patterns="*.json")
    # the tree cache knows the snapshot lacks files: offline, asking for all of them fails
    with pytest.raises(IncompleteSnapshotError):
        await client.snapshot_download(repo_id, local_files_only=True)
    assert (
        await client.snapshot_download(repo_id, local_files_only=True, allow_patterns="*.json")
        == folder
    )
    offline = client.with_options(offline=True)
    local_hub.log.clear()
    assert await offline.snapshot_download(repo_id, allow_patterns="*.json") == folder
    assert len(local_hub.log) == 0
    # the Hub is down: the cached snapshot is returned
    local_hub.faults.add(FaultRule(status=500, times=None))
    flaky = client.with_options(max_retries=0)
    assert await flaky.snapshot_download(repo_id, allow_patterns="*.json") == folder


async def test_parallel_ranges_and_resume_after_cancel(
    local_hub: LocalHub, cache_dir: Path
) -> None:
    big = payload(5 * 2**20 + 123, 7)
    commit = local_hub.seed_repo("alice/big", {"big.bin": big, "small.txt": b"s"})
    opts = DownloadOptions(parallel_threshold=2**20, part_size=2**19, max_parts_per_file=3)
    async with AsyncHubClient(
        endpoint=local_hub.hub_url,
        token=ALICE_TOKEN,
        transport=local_hub.async_transport(),
        cache_dir=cache_dir,
    ) as client:
        # slow the storage down, cancel in the middle
        local_hub.faults.add(FaultRule(action="delay", delay=0.2, origin="storage", times=None))
        start = anyio.current_time()
        with anyio.move_on_after(0.5):
            await client.snapshot_download("alice/big", options=opts)
        assert anyio.current_time() - start < 1.5
        repo = RepoCache(cache_dir, "alice/big")
        snapshot = repo.snapshot_dir(commit)
        # nothing half-written is visible in snapshots/
        check_only_complete_files(snapshot, {big, b"s"})
        local_hub.faults.clear()
        resumed = time.monotonic()  # a server on a socket may still log the cancelled answers
        folder = await client.snapshot_download("alice/big", options=opts)
        assert files_under(Path(folder))["big.bin"] == big
        ranged = [
            r for r in local_hub.log.filter(method="GET", origin="storage") if r.started >= resumed
        ]
        assert any("range" in r.headers for r in ranged)
        assert sum(r.response_bytes for r in ranged) <= len(big) + 1
        assert not [p for p in repo.blobs_dir.iterdir() if "incomplete" in p.name]
        assert not [p for p in repo.blobs_dir.iterdir() if p.name.endswith(".parts")]


async def test_interrupted_transfer_is_resumed_with_range(
    local_hub: LocalHub, cache_dir: Path
) -> None:
    data = payload(3 * 2**20, 9)
    other = payload(3 * 2**20, 10)
    local_hub.seed_repo("alice/resume", {"w.bin": data})
    local_hub.seed_repo("alice/resume2", {"w.bin": other})
    opts = DownloadOptions(resume_attempts=0, small_file_size=0)
    async with AsyncHubClient(
        endpoint=local_hub.hub_url,
        token=ALICE_TOKEN,
        transport=local_hub.async_transport(),
        cache_dir=cache_dir,
        max_retries=0,
    ) as client:
        # a body cut in the middle is resumed within the run
        local_hub.faults.add(
            FaultRule(action="truncate", origin="storage", after_bytes=2**20, times=1)
        )
        folder = await client.snapshot_download("alice/resume", options=opts)
        assert files_under(Path(folder))["w.bin"] == data
        assert local_hub.log.bytes_received(origin="storage") < len(data) + 2**20 + 1
        # cut, then the storage is unreachable: the run fails and keeps the partial blob
        local_hub.faults.clear()
        local_hub.faults.add(
            FaultRule(action="truncate", origin="storage", after_bytes=2**20, times=1)
        )
        local_hub.faults.add(FaultRule(action="drop", origin="storage", times=None))
        with pytest.raises(httpx.TransportError):
            await client.snapshot_download("alice/resume2", options=opts)
        local_hub.faults.clear()
        local_hub.log.clear()
        folder = await client.snapshot_download("alice/resume2", options=opts)
        assert files_under(Path(folder))["w.bin"] == other
        gets = local_hub.log.filter(origin="storage", method="GET")
        assert [r.headers.get("range") for r in gets] == [f"bytes={2**20}-"]
        assert sum(r.response_bytes for r in gets) == len(other) - 2**20


async def test_many_files_bounded_concurrency(local_hub: LocalHub, cache_dir: Path) -> None:
    files = {f"f/{i:03d}.txt": f"file {i}".encode() for i in range(120)}
    local_hub.seed_repo("alice/many", files)
    async with AsyncHubClient(
        endpoint=local_hub.hub_url,
        token=ALICE_TOKEN,
        transport=local_hub.async_transport(),
        cache_dir=cache_dir,
    ) as client:
        folder = await client.snapshot_download("alice/many", max_workers=4)
    got = files_under(Path(folder))
    assert {k: got[k] for k in files} == files
    assert local_hub.log.max_in_flight(method="GET", path=r"/resolve/") <= 4


async def test_without_symlinks_files_are_real_and_found_by_huggingface_hub(
    client: AsyncHubClient,
    seeded: tuple[str, str],
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from huggingface_hub import try_to_load_from_cache as hf_try

    repo_id, _ = seeded
    monkeypatch.setenv("HF_HUB_DISABLE_SYMLINKS", "1")
    folder = await client.snapshot_download(repo_id)
    check_real_files(Path(folder))
    got = files_under(Path(folder))
    for name, data in SMALL_FILES.items():
        assert got[name] == data
        found = hf_try(repo_id, name, cache_dir=cache_dir)
        assert found == str(Path(folder, name))


def check_real_files(folder: Path) -> None:
    for root, _, names in os.walk(folder):
        for name in names:
            assert not Path(root, name).is_symlink()


@pytest.mark.slow
async def test_expired_storage_url_is_renewed(tmp_path: Path) -> None:
    hub = LocalHub(signed_url_ttl=0)  # presigned URLs valid for about a second
    try:
        hub.add_user("alice")
        hub.add_token(ALICE_TOKEN, user="alice", role="write")
        data = payload(3 * 2**20, 11)
        hub.seed_repo("alice/ttl", {"w.bin": data})
        # the first ranged GET waits long enough for its URL to expire
        hub.faults.add(FaultRule(action="delay", delay=2.2, origin="storage", times=1))
        opts = DownloadOptions(parallel_threshold=2**20, part_size=2**20, max_parts_per_file=1)
        async with AsyncHubClient(
            endpoint=hub.hub_url,
            token=ALICE_TOKEN,
            transport=hub.async_transport(),
            cache_dir=tmp_path / "cache",
        ) as client:
            folder = await client.snapshot_download("alice/ttl", options=opts)
        assert files_under(Path(folder))["w.bin"] == data
        assert hub.log.filter(origin="storage", status=403)
        assert hub.log.count(origin="hub", method="HEAD", path=r"/resolve/") == 2
    finally:
        hub.close()
