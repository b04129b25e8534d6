"""Download benchmarks: hubclient vs huggingface_hub ``snapshot_download`` on the same
uvicorn-served local Hub (in a subprocess, so no client shares its GIL). One run each:

* (a) 1,000 files of 4 KB;
* (b) one 1 GiB LFS file, and the machine's own limit measured the same way (one loopback
  GET stream + sha256 + disk write, in a plain loop);
* (c) a fully cached re-run at a pinned commit: requests sent by each client;
* (d) hubclient's peak RSS while downloading a 2 GiB file.

    python -m pytest tests/benchmarks/bench_download.py -m benchmark -s

Each client runs in a fresh interpreter with an empty cache. The repos are seeded through the
data dir with ``python -m hubclient.testing seed`` before the server starts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.benchmarks._served import ROOT, TOKEN, Server, bench_env, run_child, served_hub

pytestmark = pytest.mark.benchmark

GIB = 1024**3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The local Hub in a subprocess, its data dir seeded first (``seed`` command)."""
    data = tmp_path_factory.mktemp("hub-data")
    src = tmp_path_factory.mktemp("sources")
    small = src / "small"
    for i in range(1000):
        sub = small / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_bytes(os.urandom(2048).hex().encode())  # 4 KB each
    _seed(data, "alice/bench-dl-a", small)
    for repo, size, seed in (("alice/bench-dl-b", GIB, 1), ("alice/bench-dl-d", 2 * GIB, 2)):
        folder = src / repo.replace("/", "-")
        folder.mkdir()
        _big_file(folder / "big.bin", size, seed)
        _seed(data, repo, folder)
        shutil.rmtree(folder)
    with served_hub(data) as server:
        yield server


def _seed(data: Path, repo: str, folder: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "hubclient.testing", "seed", repo, str(folder), "--data", str(data)],
        capture_output=True,
        text=True,
        env=bench_env(),
        cwd=ROOT,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _run(script: str, *args: str) -> dict[str, float]:
    """Run ``script`` in a fresh interpreter; it prints one JSON line of figures."""
    return run_child(script, *args, env=bench_env())


# Counts the requests a client sends by wrapping the transport's send (client side).
_HUBCLIENT = """
    import json, os, resource, sys, time
    import anyio
    from hubclient import AsyncHubClient
    from hubclient._aiohttp import AiohttpBackend
    from hubclient._backends import HttpxBackend
    sent = 0
    def counted(backend):  # every exchange, on whichever backend serves the client
        original = backend.send
        async def send(self, *args, **kwargs):
            global sent
            sent += 1
            return await original(self, *args, **kwargs)
        backend.send = send
    counted(AiohttpBackend)
    counted(HttpxBackend)
    async def main():
        from hubclient import DownloadOptions
        options = DownloadOptions(**json.loads(sys.argv[5])) if len(sys.argv) > 5 else None
        async with AsyncHubClient(endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"],
                                  cache_dir=sys.argv[3]) as client:
            start = time.perf_counter()
            await client.snapshot_download(sys.argv[2], revision=sys.argv[4] or None,
                                           options=options)
            return time.perf_counter() - start
    seconds = anyio.run(main)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open("/proc/self/status") as status:  # VmHWM: this process's own peak (ru_maxrss can
        for line in status:  # carry the parent's over fork+exec on Linux)
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    print(json.dumps({"seconds": seconds, "requests": sent, "rss_peak_kib": peak}))
"""

_HF = """
    import json, os, resource, sys, time
    import httpx2
    from huggingface_hub import snapshot_download
    sent = 0
    original = httpx2.Client.send
    def counting(self, request, **kwargs):
        global sent
        sent += 1
        return original(self, request, **kwargs)
    httpx2.Client.send = counting
    start = time.perf_counter()
    snapshot_download(sys.argv[2], endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"],
                      cache_dir=sys.argv[3], revision=sys.argv[4] or None)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "requests": sent, "rss_peak_kib": peak}))
"""

# The machine's own limit: one streamed GET (redirect to storage followed), sha256, disk write.
_LIMIT = """
    import hashlib, json, os, sys, time
    import httpx
    url = sys.argv[1] + "/" + sys.argv[2] + "/resolve/main/" + sys.argv[3]
    start = time.perf_counter()
    h = hashlib.sha256()
    with httpx.Client(timeout=60) as client, open(sys.argv[4], "wb") as f:
        headers = {"authorization": "Bearer " + os.environ["BENCH_TOKEN"],
                   "accept-encoding": "identity"}
        first = client.head(url, headers=headers)
        target = first.headers.get("location", url)
        with client.stream("GET", target, headers={"accept-encoding": "identity"}) as r:
            for chunk in r.iter_raw(8 * 2**20):
                h.update(chunk)
                f.write(chunk)
    print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _big_file(path: Path, size: int, seed: int) -> None:
    block = os.urandom(2**20)
    with path.open("wb") as f:
        for i in range(size // 2**20):
            f.write(i.to_bytes(8, "little") + seed.to_bytes(8, "little") + block[16:])


Figures = dict[str, float]


def _pair(server: Server, repo: str, tmp: Path, revision: str = "") -> tuple[Figures, Figures]:
    ours = _run(_HUBCLIENT, server.hub_url, repo, str(tmp / "cache-hubclient"), revision)
    theirs = _run(_HF, server.hub_url, repo, str(tmp / "cache-hf"), revision)
    return ours, theirs


def _report(name: str, ours: float, theirs: float) -> None:
    print(
        f"\n[bench] {name}: hubclient {ours:.2f}s, huggingface_hub {theirs:.2f}s, "
        f"ratio {theirs / ours:.2f}x"
    )


def _commit(server: Server, repo: str) -> str:
    import httpx

    response = httpx.get(f"{server.hub_url}/api/models/{repo}", headers=_auth())
    response.raise_for_status()
    return str(response.json()["sha"])


def _auth() -> dict[str, str]:
    return {"authorization": f"Bearer {TOKEN}"}


def test_a_1000_files_of_4kb_and_c_cached_rerun(server: Server, tmp_path: Path) -> None:
    commit = _commit(server, "alice/bench-dl-a")
    ours, theirs = _pair(server, "alice/bench-dl-a", tmp_path)
    _report("(a) snapshot_download 1,000 x 4 KB", ours["seconds"], theirs["seconds"])
    print(f"[bench] (a) requests: hubclient {ours['requests']}, hf {theirs['requests']}")
    again_ours, again_theirs = _pair(server, "alice/bench-dl-a", tmp_path, commit)
    print(
        f"[bench] (c) cached re-run at the pinned commit: requests hubclient "
        f"{again_ours['requests']}, huggingface_hub {again_theirs['requests']}; time hubclient "
        f"{again_ours['seconds']:.3f}s, huggingface_hub {again_theirs['seconds']:.3f}s"
    )


def test_b_one_1gib_lfs_file(server: Server, tmp_path: Path) -> None:
    limit = _run(_LIMIT, server.hub_url, "alice/bench-dl-b", "big.bin", str(tmp_path / "limit"))
    (tmp_path / "limit").unlink()
    ours, theirs = _pair(server, "alice/bench-dl-b", tmp_path)
    _report("(b) snapshot_download one 1 GiB LFS file", ours["seconds"], theirs["seconds"])
    one_stream = _run(
        _HUBCLIENT, server.hub_url, "alice/bench-dl-b", str(tmp_path / "c-seq"), "",
        json.dumps({"parallel_threshold": 2**40}),
    )  # fmt: skip
    print(
        f"[bench] (b) hubclient with one stream (no byte ranges): {one_stream['seconds']:.2f}s; "
        f"default options use {GIB // (64 * 2**20)} ranges of 64 MiB, 4 at once"
    )
    print(
        f"[bench] (b) machine limit (one loopback GET + sha256 + write): {limit['seconds']:.2f}s "
        f"({GIB / limit['seconds'] / 2**20:.0f} MiB/s); hubclient "
        f"{GIB / ours['seconds'] / 2**20:.0f} MiB/s, huggingface_hub "
        f"{GIB / theirs['seconds'] / 2**20:.0f} MiB/s"
    )


def test_d_peak_rss_downloading_2gib(server: Server, tmp_path: Path) -> None:
    ours = _run(_HUBCLIENT, server.hub_url, "alice/bench-dl-d", str(tmp_path / "c"), "")
    print(
        f"\n[bench] (d) hubclient downloading 2 GiB: {ours['seconds']:.2f}s, peak RSS "
        f"{ours['rss_peak_kib'] / 1024:.0f} MiB"
    )
    assert ours["rss_peak_kib"] * 1024 < GIB / 4
