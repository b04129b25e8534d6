"""Benchmark: waiting on 50 Spaces and 50 Jobs at once, hubclient against huggingface_hub.

A local Hub in another process (wall clock) builds 50 Spaces and runs 50 Jobs, each ending at
its own planned moment between 2 and 6 s from the start of a round. Then the client under test
waits for all 100:

* **hubclient**: one ``AsyncHubClient``, one task group of 100 waits (``wait_for_space``,
  ``wait_for_job``), one event loop thread;
* **huggingface_hub**: ``HfApi.wait_for_space`` / ``wait_for_job`` in a pool of 100 threads (one
  per wait: fewer threads would make waits queue behind each other).

Both poll every ``--poll`` seconds (default 1 s, huggingface_hub's default). Reported per
client (medians of the rounds, alternating A B, B A, …): the wall time until the last wait
returned, the lag between the last transition and its notice, the worst lag of any wait, the
requests the Hub received, and the peak number of threads of the client process.

Run it::

    python tests/benchmarks/bench_waits.py [--rounds 4] [--poll 1.0]
    pytest -m benchmark -s tests/benchmarks/bench_waits.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

TOKEN = "hf_alice_write"
SPACES = 50
JOBS = 50
ROUNDS = 4
POLL = 1.0


@dataclass
class Result:
    name: str
    wall: float
    """Seconds from the start of the round until the last wait returned."""
    last_lag: float
    """Seconds between the last transition of the round and the return of its wait."""
    worst_lag: float
    """The largest lag between a transition and the return of its wait."""
    requests: int
    threads: int


# ---------------------------------------------------------------- the Hub, in another process


def serve_forever() -> None:
    """Child process: a served local Hub; on each stdin line ``round <seed>``, 50 Spaces start
    building and 50 Jobs start, and a JSON line says their ids and when each ends; on
    ``count``, how many requests the Hub has received."""
    import httpx

    from hubclient.testing import LocalHub

    with tempfile.TemporaryDirectory() as data_dir:
        hub = LocalHub(data_dir=Path(data_dir))
        hub.add_user("alice")
        hub.add_token(TOKEN, user="alice", role="write")
        with (
            hub.serve() as served,
            httpx.Client(
                base_url=served.hub_url, headers={"authorization": f"Bearer {TOKEN}"}
            ) as http,
        ):
            print(json.dumps({"hub_url": served.hub_url}), flush=True)
            for line in sys.stdin:
                command = line.split()
                if command[:1] == ["count"]:
                    print(json.dumps({"requests": len(hub.log)}), flush=True)
                    continue
                rng = random.Random(int(command[1]))
                spaces, jobs, ends = [], [], {}
                for i in range(SPACES):
                    space = f"alice/bench-{command[1]}-{i}"
                    build = rng.uniform(1.5, 5.0)
                    hub.spaces.plan(space, build_seconds=build, start_seconds=0.5)
                    hub.seed_repo(space, {"app.py": b"print(1)\n"}, repo_type="space")
                    spaces.append(space)
                for i in range(JOBS):
                    label = f"r{command[1]}j{i}"
                    running = rng.uniform(1.5, 5.5)
                    hub.jobs.plan(
                        labels={"bench": label}, scheduling_seconds=0.5, running_seconds=running
                    )
                start = time.time()
                for space in spaces:  # the builds start now
                    hub.spaces.runtime(space)
                    ends[space] = time.time() + hub.spaces.plan(space).build_seconds + 0.5
                for i in range(JOBS):
                    label = f"r{command[1]}j{i}"
                    job = http.post(
                        "/api/jobs/alice",
                        json={
                            "dockerImage": "ubuntu",
                            "command": ["true"],
                            "labels": {"bench": label},
                        },
                    ).json()
                    jobs.append(job["id"])
                    plan = hub.jobs.plan(labels={"bench": label})
                    ends[job["id"]] = time.time() + plan.scheduling_seconds + plan.running_seconds
                print(
                    json.dumps({"start": start, "spaces": spaces, "jobs": jobs, "ends": ends}),
                    flush=True,
                )
        hub.close()


class HubProcess:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        assert proc.stdin is not None
        assert proc.stdout is not None
        self._in, self._out = proc.stdin, proc.stdout
        self.hub_url = json.loads(self._out.readline())["hub_url"]

    def ask(self, line: str) -> Any:
        self._in.write(line + "\n")
        self._in.flush()
        return json.loads(self._out.readline())


@contextmanager
def hub_process() -> Iterator[HubProcess]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        yield HubProcess(proc)
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def thread_peak() -> Iterator[Callable[[], int]]:
    """The largest ``threading.active_count()`` seen while the block runs (sampled every 10
    ms; the main thread counts, the sampler does not)."""
    peak = [threading.active_count()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], threading.active_count())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield lambda: peak[0] - 1  # the sampler does not count (the main thread does)
    finally:
        done.set()
        sampler.join()


def _result(
    name: str, returns: dict[str, float], round_: Any, requests: int, threads: int
) -> Result:
    ends: dict[str, float] = round_["ends"]
    last = max(ends, key=lambda k: ends[k])
    lags = [returns[k] - ends[k] for k in ends]
    return Result(
        name,
        wall=max(returns.values()) - round_["start"],
        last_lag=returns[last] - ends[last],
        worst_lag=max(lags),
        requests=requests,
        threads=threads,
    )


# ---------------------------------------------------------------- the two clients


def bench_hubclient(hub: HubProcess, seed: int, poll: float) -> Result:
    from hubclient import AsyncHubClient

    returns: dict[str, float] = {}
    counts: list[int] = []
    rounds: list[Any] = []

    async def main() -> None:
        async with AsyncHubClient(hub.hub_url, token=TOKEN) as client:
            await client.whoami(cache=True)  # warm the pool (and the namespace) outside the round
            counts.append(hub.ask("count")["requests"])
            round_ = await anyio.to_thread.run_sync(hub.ask, f"round {seed}")
            rounds.append(round_)

            async def space(space_id: str) -> None:
                runtime = await client.wait_for_space(space_id, timeout=120, poll_interval=poll)
                returns[space_id] = time.time()
                assert runtime.stage == "RUNNING", runtime.stage

            async def job(job_id: str) -> None:
                info = await client.wait_for_job(job_id, timeout=120, poll_interval=poll)
                returns[job_id] = time.time()
                assert info.status.stage == "COMPLETED", info.status.stage

            async with anyio.create_task_group() as tg:
                for space_id in round_["spaces"]:
                    tg.start_soon(space, space_id)
                for job_id in round_["jobs"]:
                    tg.start_soon(job, job_id)

    with thread_peak() as peak:
        anyio.run(main)
        threads = peak()
    requests = hub.ask("count")["requests"] - counts[0]
    return _result("hubclient (1 task group)", returns, rounds[0], requests, threads)


def bench_hfapi(hub: HubProcess, seed: int, poll: float) -> Result:
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from huggingface_hub import HfApi

    api = HfApi(endpoint=hub.hub_url, token=TOKEN)
    api.whoami()  # warm the session (and the namespace of wait_for_job) outside the round
    before = hub.ask("count")["requests"]
    round_ = hub.ask(f"round {seed}")
    returns: dict[str, float] = {}
    idents: set[int] = set()
    lock = threading.Lock()

    def space(space_id: str) -> None:
        runtime = api.wait_for_space(space_id, timeout=120, poll_interval=poll)
        with lock:
            returns[space_id] = time.time()
            idents.add(threading.get_ident())
        assert runtime.stage == "RUNNING", runtime.stage

    def job(job_id: str) -> None:
        info = api.wait_for_job(job_id, timeout=120, poll_interval=poll, namespace="alice")
        with lock:
            returns[job_id] = time.time()
            idents.add(threading.get_ident())
        assert info.status.stage == "COMPLETED", info.status.stage

    waits = len(round_["spaces"]) + len(round_["jobs"])
    with thread_peak() as peak, ThreadPoolExecutor(waits) as pool:
        futures = [pool.submit(space, s) for s in round_["spaces"]]
        futures += [pool.submit(job, j) for j in round_["jobs"]]
        for future in futures:
            future.result()
        threads = max(peak(), len(idents))
    requests = hub.ask("count")["requests"] - before
    return _result(f"huggingface_hub ({waits} threads)", returns, round_, requests, threads)


def _median(results: list[Result]) -> Result:
    return Result(
        results[0].name,
        wall=statistics.median(r.wall for r in results),
        last_lag=statistics.median(r.last_lag for r in results),
        worst_lag=statistics.median(r.worst_lag for r in results),
        requests=int(statistics.median(r.requests for r in results)),
        threads=int(statistics.median(r.threads for r in results)),
    )


def run_benchmark(rounds: int = ROUNDS, poll: float = POLL) -> tuple[Result, Result]:
    """Alternate the clients (A B, B A, …) on one Hub; medians of each."""
    ours: list[Result] = []
    theirs: list[Result] = []
    with hub_process() as hub:
        for n in range(rounds):
            order = (bench_hubclient, bench_hfapi) if n % 2 == 0 else (bench_hfapi, bench_hubclient)
            for index, bench in enumerate(order):
                result = bench(hub, n * 2 + index, poll)
                (ours if bench is bench_hubclient else theirs).append(result)
    return _median(ours), _median(theirs)


def report(ours: Result, theirs: Result) -> str:
    lines = [
        f"{'client':32} {'wall s':>7} {'last lag s':>10} {'worst lag s':>11} "
        f"{'requests':>8} {'threads':>7}"
    ]
    for r in (ours, theirs):
        lines.append(
            f"{r.name:32} {r.wall:7.2f} {r.last_lag:10.2f} {r.worst_lag:11.2f} "
            f"{r.requests:8d} {r.threads:7d}"
        )
    lines.append(
        f"ratio hubclient/huggingface_hub: wall x{ours.wall / theirs.wall:.2f}, "
        f"requests x{ours.requests / theirs.requests:.2f}, "
        f"threads {ours.threads} vs {theirs.threads}"
    )
    return "\n".join(lines)


@pytest.mark.benchmark
def test_waits_benchmark() -> None:
    ours, theirs = run_benchmark()
    print("\n" + report(ours, theirs))
    assert ours.threads < theirs.threads


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--poll", type=float, default=POLL)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever()
    else:
        print(report(*run_benchmark(args.rounds, args.poll)))
