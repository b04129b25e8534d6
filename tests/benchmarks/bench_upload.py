"""Upload benchmarks: hubclient vs huggingface_hub on the same uvicorn-served local Hub.

Run with ``python -m pytest tests/benchmarks/bench_upload.py -m benchmark -s`` (or the nox
benchmarks session). One run each, figures printed:

* (a) ``upload_file`` of a 1 GiB LFS file uploaded in multipart;
* (b) ``upload_folder`` of 1,000 small files;
* (c) peak RSS of a process uploading a 2 GiB file with hubclient.

The Hub runs in a subprocess (``python -m hubclient.testing serve``) so that neither client
shares a GIL with it. huggingface_hub runs with ``HF_HUB_DISABLE_XET=1`` (plain LFS, as the
local Hub speaks it).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.benchmarks._served import Server, bench_env, run_child, served_hub

pytestmark = pytest.mark.benchmark

GIB = 1024**3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with served_hub(tmp_path_factory.mktemp("hub-data")) as server:
        yield server


def _run(script: str, server: Server, *args: str) -> dict[str, float]:
    """Run ``script`` in a fresh interpreter; it prints one JSON line of figures."""
    os.sync()  # start from clean page cache writeback: the previous run's writes do not count
    return run_child(script, server.hub_url, *args, env=bench_env())


# Each child first creates its repo with the client under test: that request also warms the
# client up (connection pool, TLS context, lazy imports), so the timed part is the upload alone.

_HUBCLIENT_FILE = """
    import json, os, resource, sys, time
    import anyio
    from hubclient import AsyncHubClient
    async def main():
        token = os.environ["BENCH_TOKEN"]
        async with AsyncHubClient(endpoint=sys.argv[1], token=token) as client:
            await client.create_repo(sys.argv[2], exist_ok=True)
            start = time.perf_counter()
            await client.upload_file(path_or_fileobj=sys.argv[3], path_in_repo="big.bin",
                                     repo_id=sys.argv[2])
            return time.perf_counter() - start
    def status_kib(field):
        # /proc's VmHWM is this process's own peak RSS (ru_maxrss can carry the parent's
        # peak over fork+exec on Linux).
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = status_kib("VmRSS:")
    seconds = anyio.run(main)
    peak = status_kib("VmHWM:")
    print(json.dumps({"seconds": seconds, "rss_before_kib": before, "rss_peak_kib": peak}))
"""

_HF_FILE = """
    import json, os, resource, sys, time
    from huggingface_hub import HfApi
    api = HfApi(endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"])
    api.create_repo(sys.argv[2], exist_ok=True)
    start = time.perf_counter()
    api.upload_file(path_or_fileobj=sys.argv[3], path_in_repo="big.bin", repo_id=sys.argv[2])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    print(json.dumps({"seconds": seconds, "rss_peak_kib": peak}))
"""

_HUBCLIENT_FOLDER = """
    import json, os, sys, time
    import anyio
    from hubclient import AsyncHubClient
    async def main():
        token = os.environ["BENCH_TOKEN"]
        async with AsyncHubClient(endpoint=sys.argv[1], token=token) as client:
            await client.create_repo(sys.argv[2], exist_ok=True)
            start = time.perf_counter()
            await client.upload_folder(repo_id=sys.argv[2], folder_path=sys.argv[3])
            return time.perf_counter() - start
    print(json.dumps({"seconds": anyio.run(main)}))
"""

_HF_FOLDER = """
    import json, os, sys, time
    from huggingface_hub import HfApi
    api = HfApi(endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"])
    api.create_repo(sys.argv[2], exist_ok=True)
    start = time.perf_counter()
    api.upload_folder(repo_id=sys.argv[2], folder_path=sys.argv[3])
    print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _big_file(path: Path, size: int, seed: int) -> None:
    block = 64 * 1024 * 1024
    with path.open("wb") as f:
        written = 0
        while written < size:
            n = min(block, size - written)
            chunk = bytearray(os.urandom(min(n, 1024 * 1024)) * (n // (1024 * 1024) or 1))[:n]
            chunk[:8] = seed.to_bytes(8, "little")
            chunk[8:16] = written.to_bytes(8, "little")
            f.write(chunk)
            written += n


def _report(name: str, ours: float, theirs: float) -> None:
    print(
        f"\n[bench] {name}: hubclient {ours:.2f}s, huggingface_hub {theirs:.2f}s, "
        f"ratio {theirs / ours:.2f}x"
    )


def test_a_upload_file_1gib_multipart(server: Server, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    _big_file(big, GIB, seed=1)
    ours = _run(_HUBCLIENT_FILE, server, "alice/bench-a-hubclient", str(big))
    _big_file(big, GIB, seed=2)  # new content: the Hub must not find the object stored
    theirs = _run(_HF_FILE, server, "alice/bench-a-hf", str(big))
    _report("(a) upload_file 1 GiB multipart", ours["seconds"], theirs["seconds"])
    print(
        f"[bench] (a) peak RSS: hubclient {ours['rss_peak_kib'] / 1024:.0f} MiB, "
        f"huggingface_hub {theirs['rss_peak_kib'] / 1024:.0f} MiB"
    )


def test_b_upload_folder_1000_small_files(server: Server, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    for i in range(1000):
        sub = folder / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_text(f"file {i}\n" * (i % 50 + 1))
    # Warm the server up once with each client (its first commits are slower), then time one
    # run each; BENCH_REPEAT=n alternates n runs and keeps the medians (shared machines).
    _run(_HUBCLIENT_FOLDER, server, "alice/bench-b-warm-1", str(folder))
    _run(_HF_FOLDER, server, "alice/bench-b-warm-2", str(folder))
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(int(os.environ.get("BENCH_REPEAT", "1"))):
        ours.append(
            _run(_HUBCLIENT_FOLDER, server, f"alice/bench-b-ours-{i}", str(folder))["seconds"]
        )
        theirs.append(_run(_HF_FOLDER, server, f"alice/bench-b-hf-{i}", str(folder))["seconds"])
    _report(
        "(b) upload_folder 1,000 small files", statistics.median(ours), statistics.median(theirs)
    )


def test_c_peak_rss_uploading_2gib(server: Server, tmp_path: Path) -> None:
    big = tmp_path / "big2.bin"
    _big_file(big, 2 * GIB, seed=3)
    ours = _run(_HUBCLIENT_FILE, server, "alice/bench-c", str(big))
    print(
        f"\n[bench] (c) 2 GiB upload: {ours['seconds']:.2f}s, RSS after imports "
        f"{ours['rss_before_kib'] / 1024:.0f} MiB, peak RSS {ours['rss_peak_kib'] / 1024:.0f} MiB"
    )
    assert ours["rss_peak_kib"] * 1024 < GIB / 4
