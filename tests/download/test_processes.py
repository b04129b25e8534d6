"""Several processes on one cache, and a process killed mid-file (uvicorn-served local Hub)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hubclient.cache import RepoCache
from hubclient.testing import ALICE_TOKEN
from tests.download.conftest import files_under, payload

ROOT = Path(__file__).resolve().parents[2]


def child(served: Any, cache_dir: Path, repo_id: str, **options: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("HF_HUB_OFFLINE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.download._child",
            served.hub_url,
            ALICE_TOKEN,
            str(cache_dir),
            repo_id,
            json.dumps(options),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def content_bytes(hub: Any) -> int:
    """Bytes of file content the Hub sent (resolve answers with a body, storage GETs)."""
    total = 0
    for r in hub.log.records:
        if r.method != "GET" or r.status not in (200, 206):
            continue
        if r.origin == "storage" or "/resolve/" in r.path:
            total += r.response_bytes
    return total


@pytest.mark.slow
def test_four_processes_fetch_each_blob_once(served_hub: Any, tmp_path: Path) -> None:
    hub = served_hub.hub
    files = {f"small/{i:02d}.txt": f"small file {i}\n".encode() * 20 for i in range(40)}
    files["dup-a.txt"] = b"duplicate"
    files["dup-b.txt"] = b"duplicate"
    files["big-1.bin"] = payload(6 * 2**20, 1)
    files["big-2.safetensors"] = payload(9 * 2**20, 2)
    commit = hub.seed_repo("alice/shared", files)
    cache_dir = tmp_path / "cache"
    hub.log.clear()
    procs = [child(served_hub, cache_dir, "alice/shared") for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert (
            out.strip().splitlines()[-1]
            == f"done {cache_dir.resolve()}/models--alice--shared/snapshots/{commit}"
        )
    got = files_under(RepoCache(cache_dir.resolve(), "alice/shared").snapshot_dir(commit))
    assert {k: got[k] for k in files} == files
    unique_bytes = sum(len(v) for v in set(got.values()))  # .gitattributes included
    assert content_bytes(hub) == unique_bytes  # every blob crossed the wire exactly once


@pytest.mark.slow
@pytest.mark.parametrize("parallel", [False, True], ids=["sequential", "ranges"])
def test_sigkill_mid_file_then_resume(served_hub: Any, tmp_path: Path, parallel: bool) -> None:
    hub = served_hub.hub
    size = 40 * 2**20
    data = payload(size, 5)
    commit = hub.seed_repo("alice/killme", {"w.bin": data})
    cache_dir = tmp_path / "cache"
    options: dict[str, object] = {"chunk_size": 2**19}
    if parallel:
        options |= {"parallel_threshold": 2**20, "part_size": 4 * 2**20, "max_parts_per_file": 2}
    hub.log.clear()
    proc = child(served_hub, cache_dir, "alice/killme", slow=0.02, **options)
    assert proc.stdout is not None
    killed_at = 0
    for line in proc.stdout:
        if line.startswith("bytes "):
            killed_at = int(line.split()[1])
            if killed_at >= size // 2:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert killed_at < size
    blobs = RepoCache(cache_dir.resolve(), "alice/killme").blobs_dir
    assert any(p.name.endswith(".incomplete") for p in blobs.iterdir())
    before_rerun = len(hub.log)
    rerun = child(served_hub, cache_dir, "alice/killme", **options)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    snapshot = RepoCache(cache_dir.resolve(), "alice/killme").snapshot_dir(commit)
    assert (snapshot / "w.bin").read_bytes() == data
    total = content_bytes(hub)
    assert total < 1.7 * size, (total, size)
    resumed = [r.headers.get("range", "") for r in hub.log.records[before_rerun:]]
    assert any(r.startswith("bytes=") and not r.startswith("bytes=0-") for r in resumed)
    assert not [p for p in blobs.iterdir() if "incomplete" in p.name or p.name.endswith(".parts")]
