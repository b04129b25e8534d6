"""Benchmarks where users are: the same local Hub on loopback and behind the delay-and-rate proxy
(``_proxy.py``: a round-trip time, a per-connection rate cap), hubclient and huggingface_hub
interleaved in one run (``BENCH_ROUNDS`` rounds, 3 by default, the order alternating: A B, B A,
A B...; medians), each run in a fresh interpreter with its own empty cache and, for uploads, its
own repo and its own bytes. Printed: every run, the medians, the ratio of the medians, and the
table row for docs/benchmarks.md.

* 1,000 × 4 KB ``snapshot_download``: loopback and 80 ms RTT;
* one 1 GiB LFS file (``snapshot_download``): loopback and 20 ms RTT at 40 MB/s per connection;
* ``hf_hub_download`` of one LFS file at 0, 100 and 200 ms RTT: the time over the RTT is the
  round trips it costs (fresh connections, both clients);
* a 256 MiB multipart ``upload_file`` and a 1,000-file ``upload_folder``: loopback and
  20 ms RTT at 40 MB/s;
* hubclient's peak RSS downloading one 2 GiB LFS file (loopback).

    pytest -m benchmark -s tests/benchmarks/bench_network.py [-k snapshot]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.benchmarks._proxy import Network
from tests.benchmarks._served import ROOT, Server, bench_env, run_child, served_hub
from tests.benchmarks.bench_download import _HF as _HF_SNAPSHOT
from tests.benchmarks.bench_download import _HUBCLIENT as _HUBCLIENT_SNAPSHOT
from tests.benchmarks.bench_download import _big_file
from tests.benchmarks.bench_upload import _HF_FILE, _HF_FOLDER, _HUBCLIENT_FILE, _HUBCLIENT_FOLDER

pytestmark = pytest.mark.benchmark

MIB = 2**20
LOOPBACK = Network(0.0)
FAR = Network(0.08)
CAPPED = Network(0.02, 40e6)

_HUBCLIENT_ONE = """
    import json, os, sys, time
    import anyio
    from hubclient import AsyncHubClient
    # what the call would import on first use, imported before the timer starts, as
    # huggingface_hub's modules are (the timer measures the download, not the imports)
    import aiohttp, hubclient._aiohttp, hubclient.download._file, hubclient.models.files
    async def main():
        async with AsyncHubClient(endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"],
                                  cache_dir=sys.argv[3]) as client:
            start = time.perf_counter()
            await client.hf_hub_download(sys.argv[2], "w.bin")
            return time.perf_counter() - start
    print(json.dumps({"seconds": anyio.run(main)}))
"""

_HF_ONE = """
    import json, os, sys, time
    from huggingface_hub import hf_hub_download
    start = time.perf_counter()
    hf_hub_download(sys.argv[2], "w.bin", endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"],
                    cache_dir=sys.argv[3])
    print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _seed(data: Path, repo: str, folder: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hubclient.testing", "seed", repo, str(folder), "--data", str(data)],
        capture_output=True,
        text=True,
        env=bench_env(),
        cwd=ROOT,
        check=True,
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for every network (one server at a time serves it)."""
    root = tmp_path_factory.mktemp("network")
    data = root / "hub"
    small = root / "small"
    for i in range(1000):
        sub = small / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_bytes(os.urandom(2048).hex().encode())  # 4 KB each
    _seed(data, "alice/small", small)
    big = root / "big"
    big.mkdir()
    _big_file(big / "big.bin", 1024 * MIB, 3)
    _seed(data, "alice/big", big)
    shutil.rmtree(big)
    one = root / "one"
    one.mkdir()
    (one / "w.bin").write_bytes(os.urandom(12 * 1000 * 1000))  # over the LFS threshold
    _seed(data, "alice/one", one)
    return data


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
Figures = dict[str, float]


def _run(script: str, server: Server, *args: str) -> Figures:
    return run_child(script, server.hub_url, *args, env=bench_env())


def _interleaved(
    ours: Callable[[int], Figures], theirs: Callable[[int], Figures], what: str
) -> tuple[list[Figures], list[Figures]]:
    """``ROUNDS`` runs of each (called with the round's number), alternating A B, B A, ...;
    each after ``os.sync()``, so that no run pays the write-back of the one before it."""
    a: list[Figures] = []
    b: list[Figures] = []
    for i in range(ROUNDS):
        order = [(a, ours, "hubclient"), (b, theirs, "huggingface_hub")]
        for runs, run, name in order if i % 2 == 0 else order[::-1]:
            os.sync()  # every run starts with the earlier runs' writes on disk, none in flight
            runs.append(run(i))
            print(f"[bench] {what} round {i + 1}: {name} {runs[-1]['seconds']:.3f}s", flush=True)
    return a, b


def _median(runs: list[Figures], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def _name(network: Network) -> str:
    if not network.rtt and not network.rate:
        return "loopback"
    cap = f", {network.rate / 1e6:.0f} MB/s per connection" if network.rate else ""
    return f"{network.rtt * 1000:.0f} ms RTT{cap}"


def _row(what: str, network: Network, ours: list[Figures], theirs: list[Figures]) -> None:
    a, b = _median(ours), _median(theirs)
    print(
        f"\n[bench] {what}, {_name(network)}: hubclient {a:.2f}s, huggingface_hub "
        f"{b:.2f}s (medians of {len(ours)}), ratio x{b / a:.2f}"
    )
    print(f"| {what}, {_name(network)} | {a:.2f} s | {b:.2f} s | ×{b / a:.2f} |")


def _peak_rss(runs: list[Figures]) -> str:
    return "/".join(f"{r['rss_peak_kib'] / 1024:.0f}" for r in runs) + " MiB"


@pytest.mark.parametrize("network", [LOOPBACK, FAR], ids=_name)
def test_snapshot_1000_small_files(data: Path, network: Network, tmp_path: Path) -> None:
    def run(script: str, name: str) -> Callable[[int], Figures]:
        # The caches stay until the test ends: on ext4, files created in the minutes after
        # thousands were deleted pay a scan for each new inode (``recently_deleted``), which
        # made every round after the first two to three times slower, for both clients.
        return lambda i: _run(script, server, "alice/small", str(tmp_path / f"{name}-{i}"), "")

    what = "`snapshot_download`, 1,000 files of 4 KB"
    with served_hub(data, network=network) as server:
        print(f"\n[bench] local Hub: {server.engine}")
        ours, theirs = _interleaved(run(_HUBCLIENT_SNAPSHOT, "o"), run(_HF_SNAPSHOT, "t"), what)
    _row(what, network, ours, theirs)


@pytest.mark.parametrize("network", [LOOPBACK, CAPPED], ids=_name)
def test_snapshot_one_1gib_lfs_file(data: Path, network: Network, tmp_path: Path) -> None:
    def run(script: str, name: str) -> Callable[[int], Figures]:
        def one(i: int) -> Figures:
            cache = tmp_path / f"{name}-{i}"
            figures = _run(script, server, "alice/big", str(cache), "")
            shutil.rmtree(cache)
            return figures

        return one

    what = "`snapshot_download`, one 1 GiB LFS file"
    with served_hub(data, network=network) as server:
        ours, theirs = _interleaved(run(_HUBCLIENT_SNAPSHOT, "o"), run(_HF_SNAPSHOT, "t"), what)
    _row(what, network, ours, theirs)
    print(f"[bench] hubclient peak RSS {_peak_rss(ours)}")


@pytest.mark.parametrize("rtt", [0.0, 0.1, 0.2])
def test_hf_hub_download_round_trips(data: Path, rtt: float, tmp_path: Path) -> None:
    network = Network(rtt)

    def run(script: str, name: str) -> Callable[[int], Figures]:
        return lambda i: _run(script, server, "alice/one", str(tmp_path / f"{name}{i}"))

    what = "`hf_hub_download`, one 12 MB LFS file"
    with served_hub(data, network=network) as server:
        ours, theirs = _interleaved(run(_HUBCLIENT_ONE, "o"), run(_HF_ONE, "t"), what)
    a, b = _median(ours), _median(theirs)
    trips = f"; round trips hubclient {a / rtt:.1f}, huggingface_hub {b / rtt:.1f}" if rtt else ""
    print(f"\n[bench] hf_hub_download of a 12 MB LFS file, {_name(network)}: hubclient {a:.3f}s, "
          f"huggingface_hub {b:.3f}s{trips}")  # fmt: skip
    _row(what, network, ours, theirs)


@pytest.mark.parametrize("network", [LOOPBACK, CAPPED], ids=_name)
def test_uploads(data: Path, network: Network, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    for i in range(1000):
        sub = folder / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_bytes(os.urandom(512).hex().encode() + str(i).encode())
    tag = f"{int(network.rtt * 1000)}-{int(network.rate)}"
    seeds = iter(range(11, 1000))

    def big_file(name: str, i: int) -> Figures:
        big = tmp_path / "big.bin"  # bytes of its own for every run: nothing is stored yet
        _big_file(big, 256 * MIB, next(seeds))
        script = _HUBCLIENT_FILE if name == "ours" else _HF_FILE
        return _run(script, server, f"alice/up-{name}-{tag}-{i}", str(big))

    def small_files(name: str, i: int) -> Figures:
        (folder / "round.txt").write_text(f"{name} {i}\n")  # a commit of its own each time
        script = _HUBCLIENT_FOLDER if name == "ours" else _HF_FOLDER
        return _run(script, server, f"alice/dir-{name}-{tag}-{i}", str(folder))

    files = "`upload_folder`, 1,000 small files"
    big = "`upload_file`, 256 MiB LFS in multipart"
    with served_hub(data, network=network) as server:
        # the small files first: after GiBs of uploads the disk is still writing them back
        ours_folder, theirs_folder = _interleaved(
            lambda i: small_files("ours", i), lambda i: small_files("theirs", i), files
        )
        ours, theirs = _interleaved(
            lambda i: big_file("ours", i), lambda i: big_file("theirs", i), big
        )
    _row(big, network, ours, theirs)
    print(f"[bench] hubclient peak RSS {_peak_rss(ours)}")
    _row(files, network, ours_folder, theirs_folder)
    print(json.dumps({"network": _name(network)}))


def test_peak_rss_downloading_2gib(tmp_path: Path) -> None:
    """hubclient alone: one 2 GiB LFS file on loopback, its peak RSS (``VmHWM``)."""
    root = tmp_path / "data"
    source = tmp_path / "src"
    source.mkdir()
    _big_file(source / "big.bin", 2048 * MIB, 7)
    _seed(root, "alice/big2", source)
    shutil.rmtree(source)
    with served_hub(root) as server:
        ours = _run(_HUBCLIENT_SNAPSHOT, server, "alice/big2", str(tmp_path / "cache"), "")
    print(
        f"\n[bench] hubclient, one 2 GiB LFS file on loopback: {ours['seconds']:.2f}s, "
        f"peak RSS {ours['rss_peak_kib'] / 1024:.0f} MiB"
    )
    assert ours["rss_peak_kib"] * 1024 < 2**30 / 4
