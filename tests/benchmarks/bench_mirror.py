"""Mirror benchmark: hubclient ``mirror_repo`` vs huggingface_hub ``snapshot_download`` +
``upload_folder``, on the same pair of uvicorn-served local Hubs, one run each.

The repo: ONE LFS file of 1 GiB and 1,000 small files (nested). Run with
``python -m pytest tests/benchmarks/bench_mirror.py -m benchmark -s`` (or ``nox -s
benchmarks``). Printed: the time of each client, the ratio, the PEAK DISK each used (the
size of its working dirs: HF_HOME with the cache, the download folder, a TMPDIR set for it,
polled every 50 ms from a thread; the Hubs' own storage is not counted) and each client's peak
RSS.

Both Hubs run in subprocesses (``python -m hubclient.testing serve``), so neither client shares
a GIL with them. The local Hub stores LFS objects once for all repos, so each client mirrors its
own source repo (same layout, different bytes): neither finds its objects already on the
destination. huggingface_hub runs with ``HF_HUB_DISABLE_XET=1`` (plain LFS).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient.testing import LocalHub
from tests.benchmarks._served import Server, bench_env, run_child, served_hub
from tests.mirror.world import det_bytes

pytestmark = pytest.mark.benchmark

GIB = 1024**3
REPOS = {"hubclient": "alice/mirror-bench-ours", "huggingface_hub": "alice/mirror-bench-theirs"}


def _seed(data: Path) -> None:
    """The two source repos, written straight into the Hub's data dir (once per session)."""
    hub = LocalHub(data)
    try:
        for index, repo_id in enumerate(REPOS.values()):
            folder = data.parent / f"seed-{index}"
            for i in range(1000):
                sub = folder / f"d{i % 10}" / f"e{i % 7}"
                sub.mkdir(parents=True, exist_ok=True)
                (sub / f"f{i}.txt").write_text(f"{repo_id} file {i}\n" * (i % 50 + 1))
            with (folder / "model.safetensors").open("wb") as f:
                for offset in range(0, GIB, 64 * 1024 * 1024):
                    f.write(det_bytes(10_000 * (index + 1) + offset // 2**26, 64 * 1024 * 1024))
            hub.seed_repo(repo_id, folder)
            shutil.rmtree(folder)
    finally:
        hub.close()


@pytest.fixture(scope="session")
def hubs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    root = tmp_path_factory.mktemp("mirror-bench")
    _seed(root / "source")
    with served_hub(root / "source") as source, served_hub(root / "dest") as dest:
        yield source, dest


def _disk_usage(root: Path) -> int:
    """Bytes allocated under ``root`` (each inode once; symlinks not followed)."""
    total = 0
    seen: set[int] = set()
    stack = [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    if st.st_ino not in seen:
                        seen.add(st.st_ino)
                        total += st.st_blocks * 512
            except OSError:
                continue  # a file renamed or removed while we look
    return total


class DiskPeak:
    """Polls the size of a folder every 50 ms from a thread; ``peak`` is the largest seen."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _disk_usage(self.root))
            self._stop.wait(0.05)

    def __enter__(self) -> DiskPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _disk_usage(self.root))


def _run(script: str, work: Path, *args: str) -> tuple[dict[str, float], int]:
    """Run ``script`` in a fresh interpreter writing only under ``work``; its JSON figures and
    the peak disk it used."""
    os.sync()
    with DiskPeak(work) as disk:
        figures = run_child(script, *args, env=bench_env(work))
    return figures, disk.peak


# Each child first asks the source about its repo with the client under test: that request
# also warms the client up (connection pool, lazy imports), so the timed part is the copy.

_HUBCLIENT = """
    import json, os, resource, sys, time
    import anyio
    from hubclient import AsyncHubClient
    async def main():
        source_url, dest_url, repo_id, dest_repo = sys.argv[1:]
        token = os.environ["BENCH_TOKEN"]
        async with AsyncHubClient(endpoint=source_url, token=token) as client:
            await client.repo_info(repo_id)
            start = time.perf_counter()
            result = await client.mirror_repo(
                repo_id, to=dest_url, to_token=token, dest_repo_id=dest_repo
            )
            seconds = time.perf_counter() - start
        assert result.ok, result.errors
        return {"seconds": seconds, "files": result.files_copied, "bytes": result.bytes_copied}
    figures = anyio.run(main)
    figures["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(figures))
"""

_HF = """
    import json, os, resource, sys, time
    from huggingface_hub import HfApi, snapshot_download
    source_url, dest_url, repo_id, dest_repo = sys.argv[1:]
    token = os.environ["BENCH_TOKEN"]
    source = HfApi(endpoint=source_url, token=token)
    dest = HfApi(endpoint=dest_url, token=token)
    source.repo_info(repo_id)
    start = time.perf_counter()
    folder = snapshot_download(
        repo_id, endpoint=source_url, token=token, cache_dir=os.environ["BENCH_CACHE"]
    )
    downloaded = time.perf_counter() - start
    dest.create_repo(dest_repo, exist_ok=True)
    dest.upload_folder(repo_id=dest_repo, folder_path=folder)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "download_seconds": downloaded, "peak_rss_kib": peak}))
"""


def test_mirror_1gib_and_1000_small_files(hubs: tuple[Server, Server], tmp_path: Path) -> None:
    source, dest = hubs
    ours, ours_disk = _run(
        _HUBCLIENT,
        tmp_path / "hubclient",
        source.hub_url,
        dest.hub_url,
        REPOS["hubclient"],
        "alice/mirror-bench-ours-copy",
    )
    theirs, theirs_disk = _run(
        _HF,
        tmp_path / "huggingface_hub",
        source.hub_url,
        dest.hub_url,
        REPOS["huggingface_hub"],
        "alice/mirror-bench-theirs-copy",
    )
    assert ours["files"] >= 1001
    assert ours["bytes"] >= GIB
    print(
        f"\n[bench] mirror 1 GiB + 1,000 small files: hubclient mirror_repo "
        f"{ours['seconds']:.2f}s, huggingface_hub snapshot_download + upload_folder "
        f"{theirs['seconds']:.2f}s (download {theirs['download_seconds']:.2f}s), "
        f"ratio {theirs['seconds'] / ours['seconds']:.2f}x"
    )
    print(
        f"[bench] peak disk: hubclient {ours_disk / 2**20:.1f} MiB, "
        f"huggingface_hub {theirs_disk / 2**20:.1f} MiB"
    )
    print(
        f"[bench] peak RSS: hubclient {ours['peak_rss_kib'] / 1024:.0f} MiB, "
        f"huggingface_hub {theirs['peak_rss_kib'] / 1024:.0f} MiB"
    )
