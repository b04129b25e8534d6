"""Benchmark: 2,000 ``model_info`` calls against the uvicorn-served local Hub.

hubclient (one AsyncHubClient, 16 calls in flight) against huggingface_hub's ``HfApi`` in a
16-thread pool (equal concurrency ceilings), in one run (alternating, twice each; the fastest
round of each is kept).
Reported: calls/s of each, the ratio, and the client CPU seconds per 1,000 calls
(``time.process_time`` of this process; the Hub runs in a separate process so its CPU is not
counted).

Run it::

    python tests/benchmarks/bench_model_info.py [--calls 2000] [--latency 0.05]
    pytest -m benchmark -s tests/benchmarks/bench_model_info.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest

REPO_ID = "alice/bench-model"
TOKEN = "hf_alice_write"
CALLS = 2000
CONCURRENCY = 16
THREADS = 16
WARMUP = 100
ROUNDS = 2
LATENCIES = (0.0, 0.05)  # a Hub on loopback; a Hub 50 ms away


@dataclass
class Result:
    name: str
    calls: int
    wall: float
    cpu: float

    @property
    def calls_per_s(self) -> float:
        return self.calls / self.wall

    @property
    def cpu_per_1000(self) -> float:
        return self.cpu / self.calls * 1000


# ---------------------------------------------------------------- the Hub, in another process


def serve_forever(latency: float) -> None:
    """Child process: seed a local Hub, serve it on free ports, print the URL, wait for EOF.

    ``latency`` > 0 delays every Hub answer by that many seconds (an awaited sleep in the
    server, no CPU), like the round trip to a remote Hub."""
    from hubclient.testing import FaultRule, LocalHub

    with tempfile.TemporaryDirectory() as data_dir:
        hub = LocalHub(data_dir=Path(data_dir))
        hub.add_user("alice", orgs=["acme"])
        hub.add_token(TOKEN, user="alice", role="write")
        files = {f"shard-{i:02d}.safetensors": bytes([i]) * 1024 for i in range(8)}
        files.update({f"conf/c{i}.json": b'{"a": %d}' % i for i in range(12)})
        files["README.md"] = b"---\nlicense: mit\n---\n# bench\n"
        sha = hub.seed_repo(REPO_ID, files)
        if latency > 0:
            hub.faults.add(FaultRule(action="delay", delay=latency, origin="hub", times=None))
        with hub.serve(host="127.0.0.1", loop="auto", http="auto") as served:
            print(json.dumps({"hub_url": served.hub_url, "sha": sha}), flush=True)
            sys.stdin.read()  # until the parent closes our stdin
        hub.close()


@contextmanager
def hub_process(latency: float = 0.0) -> Iterator[tuple[str, str]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--latency", str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the local Hub process exited before it was ready")
        ready = json.loads(line)
        yield ready["hub_url"], ready["sha"]
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# ---------------------------------------------------------------- the two clients


def bench_hubclient(hub_url: str, sha: str, calls: int, concurrency: int) -> Result:
    from hubclient import AsyncHubClient

    async def main() -> Result:
        async with AsyncHubClient(hub_url, token=TOKEN) as client:  # default pool settings

            async def run(n: int) -> None:
                remaining = [n]

                async def worker() -> None:
                    while remaining[0] > 0:
                        remaining[0] -= 1
                        info = await client.model_info(REPO_ID)
                        if info.sha != sha:
                            raise AssertionError(f"wrong sha {info.sha}")

                async with anyio.create_task_group() as tg:
                    for _ in range(min(concurrency, n)):
                        tg.start_soon(worker)

            await run(WARMUP)
            cpu0, t0 = time.process_time(), time.perf_counter()
            await run(calls)
            return Result(
                f"hubclient (asyncio, {concurrency} in flight)",
                calls,
                time.perf_counter() - t0,
                time.process_time() - cpu0,
            )

    return anyio.run(main)


def bench_hfapi(hub_url: str, sha: str, calls: int, threads: int) -> Result:
    os.environ["HF_HUB_DISABLE_XET"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from huggingface_hub import HfApi

    api = HfApi(endpoint=hub_url, token=TOKEN)
    lock = threading.Lock()

    def one(_: int) -> None:
        info = api.model_info(REPO_ID)
        if info.sha != sha:
            with lock:
                raise AssertionError(f"wrong sha {info.sha}")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(WARMUP)))
        cpu0, t0 = time.process_time(), time.perf_counter()
        list(pool.map(one, range(calls)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return Result(f"huggingface_hub HfApi ({threads} threads)", calls, wall, cpu)


def run_benchmark(
    calls: int = CALLS, rounds: int = ROUNDS, latency: float = 0.0
) -> tuple[Result, Result]:
    """Alternate the two clients ``rounds`` times on one Hub; keep each one's fastest round.

    Alternating cancels the drift of a shared machine (other load, a warming server)."""
    ours: list[Result] = []
    theirs: list[Result] = []
    with hub_process(latency) as (hub_url, sha):
        for n in range(rounds):  # A B, then B A, ...
            if n % 2:
                theirs.append(bench_hfapi(hub_url, sha, calls, THREADS))
            ours.append(bench_hubclient(hub_url, sha, calls, CONCURRENCY))
            if not n % 2:
                theirs.append(bench_hfapi(hub_url, sha, calls, THREADS))
    return min(ours, key=lambda r: r.wall), min(theirs, key=lambda r: r.wall)


def report(ours: Result, theirs: Result) -> str:
    lines = [f"{'client':45} {'calls/s':>9} {'wall s':>8} {'CPU s/1000 calls':>17}"]
    for r in (ours, theirs):
        lines.append(f"{r.name:45} {r.calls_per_s:9.0f} {r.wall:8.2f} {r.cpu_per_1000:17.3f}")
    lines.append(
        f"ratio hubclient/HfApi: throughput x{ours.calls_per_s / theirs.calls_per_s:.2f}, "
        f"client CPU per call x{ours.cpu_per_1000 / theirs.cpu_per_1000:.2f}"
    )
    return "\n".join(lines)


@pytest.mark.benchmark
@pytest.mark.parametrize("latency", LATENCIES)
def test_model_info_benchmark(latency: float) -> None:
    ours, theirs = run_benchmark(latency=latency)
    print(f"\nHub answer delay {latency * 1000:.0f} ms\n" + report(ours, theirs))
    assert ours.calls == theirs.calls == CALLS


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--latency", type=float, action="append", help="Hub answer delay in seconds (repeatable)"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever((args.latency or [0.0])[0])
    else:
        for latency in args.latency or LATENCIES:
            print(f"Hub answer delay {latency * 1000:.0f} ms")
            print(report(*run_benchmark(args.calls, args.rounds, latency)) + "\n")
