"""Benchmarks where users are: the same local Hub on loopback and behind the delay-and-rate proxy
(``_proxy.py``: a round-trip time, a per-connection rate cap), hubclient and huggingface_hub
interleaved in one run, each in a fresh interpreter, each with its own empty cache and its own
repo to upload to. Printed: seconds of each, the ratio, and the table row for docs/benchmarks.md.

* 1,000 × 4 KB ``snapshot_download``: loopback and 80 ms RTT;
* one 1 GiB LFS file (``snapshot_download``): loopback and 20 ms RTT at 40 MB/s per connection;
* ``hf_hub_download`` of one LFS file at 0, 100 and 200 ms RTT: the time over the RTT is the
  round trips it costs (fresh connections, both clients);
* a 256 MiB multipart ``upload_file`` and a 1,000-file ``upload_folder``: loopback and
  20 ms RTT at 40 MB/s.

    pytest -m benchmark -s tests/benchmarks/bench_network.py [-k snapshot]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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


def _run(script: str, server: Server, *args: str) -> dict[str, float]:
    return run_child(script, server.hub_url, *args, env=bench_env())


def _name(network: Network) -> str:
    if not network.rtt and not network.rate:
        return "loopback"
    cap = f", {network.rate / 1e6:.0f} MB/s per connection" if network.rate else ""
    return f"{network.rtt * 1000:.0f} ms RTT{cap}"


def _row(what: str, network: Network, ours: float, theirs: float) -> None:
    print(
        f"\n[bench] {what}, {_name(network)}: hubclient {ours:.2f}s, huggingface_hub "
        f"{theirs:.2f}s, ratio x{theirs / ours:.2f}"
    )
    print(f"| {what}, {_name(network)} | {ours:.2f} s | {theirs:.2f} s | ×{theirs / ours:.2f} |")


@pytest.mark.parametrize("network", [LOOPBACK, FAR], ids=_name)
def test_snapshot_1000_small_files(data: Path, network: Network, tmp_path: Path) -> None:
    with served_hub(data, network=network) as server:
        print(f"\n[bench] local Hub: {server.engine}")
        ours = _run(_HUBCLIENT_SNAPSHOT, server, "alice/small", str(tmp_path / "ours"), "")
        theirs = _run(_HF_SNAPSHOT, server, "alice/small", str(tmp_path / "theirs"), "")
    _row("`snapshot_download`, 1,000 files of 4 KB", network, ours["seconds"], theirs["seconds"])


@pytest.mark.parametrize("network", [LOOPBACK, CAPPED], ids=_name)
def test_snapshot_one_1gib_lfs_file(data: Path, network: Network, tmp_path: Path) -> None:
    with served_hub(data, network=network) as server:
        ours = _run(_HUBCLIENT_SNAPSHOT, server, "alice/big", str(tmp_path / "ours"), "")
        shutil.rmtree(tmp_path / "ours")
        theirs = _run(_HF_SNAPSHOT, server, "alice/big", str(tmp_path / "theirs"), "")
        shutil.rmtree(tmp_path / "theirs")
    _row("`snapshot_download`, one 1 GiB LFS file", network, ours["seconds"], theirs["seconds"])
    print(f"[bench] hubclient peak RSS {ours['rss_peak_kib'] / 1024:.0f} MiB")


@pytest.mark.parametrize("rtt", [0.0, 0.1, 0.2])
def test_hf_hub_download_round_trips(data: Path, rtt: float, tmp_path: Path) -> None:
    network = Network(rtt)
    with served_hub(data, network=network) as server:
        ours = [_run(_HUBCLIENT_ONE, server, "alice/one", str(tmp_path / f"o{i}")) for i in (0, 1)]
        theirs = [_run(_HF_ONE, server, "alice/one", str(tmp_path / f"t{i}")) for i in (0, 1)]
    a = min(r["seconds"] for r in ours)
    b = min(r["seconds"] for r in theirs)
    trips = f"; round trips hubclient {a / rtt:.1f}, huggingface_hub {b / rtt:.1f}" if rtt else ""
    print(f"\n[bench] hf_hub_download of a 12 MB LFS file, {_name(network)}: hubclient {a:.3f}s, "
          f"huggingface_hub {b:.3f}s{trips}")  # fmt: skip
    _row("`hf_hub_download`, one 12 MB LFS file", network, a, b)


@pytest.mark.parametrize("network", [LOOPBACK, CAPPED], ids=_name)
def test_uploads(data: Path, network: Network, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    _big_file(big, 256 * MIB, 11)
    folder = tmp_path / "folder"
    for i in range(1000):
        sub = folder / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_bytes(os.urandom(512).hex().encode() + str(i).encode())
    tag = f"{int(network.rtt * 1000)}-{int(network.rate)}"
    with served_hub(data, network=network) as server:
        # the small files first: after 512 MiB of uploads the disk is still writing them back
        theirs_folder = _run(_HF_FOLDER, server, f"alice/dir-theirs-{tag}", str(folder))
        ours_folder = _run(_HUBCLIENT_FOLDER, server, f"alice/dir-ours-{tag}", str(folder))
        ours = _run(_HUBCLIENT_FILE, server, f"alice/up-ours-{tag}", str(big))
        theirs = _run(_HF_FILE, server, f"alice/up-theirs-{tag}", str(big))
    _row("`upload_file`, 256 MiB LFS in multipart", network, ours["seconds"], theirs["seconds"])
    print(f"[bench] hubclient peak RSS {ours['rss_peak_kib'] / 1024:.0f} MiB")
    _row("`upload_folder`, 1,000 small files", network, ours_folder["seconds"],
         theirs_folder["seconds"])  # fmt: skip
    print(json.dumps({"network": _name(network)}))
