"""Measure one distributed engine on this machine (for the choice in docs/mirroring.md).

Install each candidate in a scratch venv of its own (``SCRATCH``: any folder outside the
repository), with psutil, and alternate the runs::

    python -m venv "$SCRATCH"/venv-ray && "$SCRATCH"/venv-ray/bin/pip install ray psutil
    python -m venv "$SCRATCH"/venv-dask && "$SCRATCH"/venv-dask/bin/pip install distributed psutil
    for round in 1 2 3; do
        "$SCRATCH"/venv-ray/bin/python tests/benchmarks/measure_engines.py ray
        "$SCRATCH"/venv-dask/bin/python tests/benchmarks/measure_engines.py dask
    done

Each run prints one ``RESULT {...}`` line: the import time, the start of a local cluster of
two worker processes (until a task ran on each), one task submitted and awaited (median of
30), 300 small tasks at once (per task), one call to an actor (median of 50), the memory of
the driver and every process it started (RSS and PSS, after the tasks), and what happens to
a 3 s task whose worker is SIGKILLed 1 s in (run again? by which process? how long after the
kill?). The install size is ``du -sm`` of each venv's site-packages minus an empty venv's.
Not a test (no ``test_``/``bench_`` prefix): it needs an engine the dev venv does not have.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import sys
import time
from typing import Any

import psutil


def tree_memory() -> dict[str, float]:
    me = psutil.Process()
    procs = [me, *me.children(recursive=True)]
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return {"processes": len(procs), "rss_mib": rss / 2**20, "pss_mib": pss / 2**20}


async def acoro(x: int) -> int:
    await asyncio.sleep(0)
    return x


def ray_run() -> dict[str, object]:
    out: dict[str, object] = {}
    t = time.perf_counter()
    import ray

    out["import_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)

    @ray.remote(max_retries=3)  # type: ignore[untyped-decorator, unused-ignore]
    def task(x: int) -> int:
        return asyncio.run(acoro(x))

    @ray.remote(max_retries=3)  # type: ignore[untyped-decorator, unused-ignore]
    def pid_task(seconds: float) -> int:
        time.sleep(seconds)
        return os.getpid()

    ray.get([task.remote(i) for i in range(2)])
    out["start_s"] = time.perf_counter() - t
    lat = []
    for i in range(30):
        t = time.perf_counter()
        ray.get(task.remote(i))
        lat.append(time.perf_counter() - t)
    out["roundtrip_ms"] = statistics.median(lat) * 1000
    t = time.perf_counter()
    ray.get([task.remote(i) for i in range(300)])
    out["throughput_ms_per_task"] = (time.perf_counter() - t) / 300 * 1000

    class Counter:
        def __init__(self) -> None:
            self.n = 0

        async def add(self, k: int) -> int:
            self.n += k
            return self.n

    counter: Any = ray.remote(Counter).remote()
    ray.get(counter.add.remote(0))
    lat = []
    for _ in range(50):
        t = time.perf_counter()
        ray.get(counter.add.remote(1))
        lat.append(time.perf_counter() - t)
    out["actor_call_ms"] = statistics.median(lat) * 1000
    time.sleep(1)
    out["memory"] = tree_memory()
    # a worker dies mid-task
    ref = pid_task.remote(3.0)
    time.sleep(1.0)
    victims = [
        p
        for p in psutil.Process().children(recursive=True)
        if "pid_task" in " ".join(p.cmdline()) or "ray::pid_task" in p.name()
    ]
    killed = victims[0].pid if victims else None
    if killed:
        os.kill(killed, signal.SIGKILL)
    t = time.perf_counter()
    try:
        pid = ray.get(ref, timeout=60)
        out["death"] = {
            "killed": killed,
            "result_from": pid,
            "retried": pid != killed,
            "s_after_kill": time.perf_counter() - t,
        }
    except Exception as exc:
        out["death"] = {"killed": killed, "error": type(exc).__name__}
    t = time.perf_counter()
    ray.shutdown()
    out["shutdown_s"] = time.perf_counter() - t
    return out


def dask_run() -> dict[str, object]:
    out: dict[str, object] = {}
    t = time.perf_counter()
    from distributed import Client, LocalCluster

    out["import_s"] = time.perf_counter() - t
    t = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    client.gather([client.submit(acoro, i, pure=False) for i in range(2)])
    out["start_s"] = time.perf_counter() - t
    lat = []
    for i in range(30):
        t = time.perf_counter()
        client.submit(acoro, i, pure=False).result()
        lat.append(time.perf_counter() - t)
    out["roundtrip_ms"] = statistics.median(lat) * 1000
    t = time.perf_counter()
    client.gather([client.submit(acoro, i, pure=False) for i in range(300)])
    out["throughput_ms_per_task"] = (time.perf_counter() - t) / 300 * 1000

    class Counter:
        def __init__(self) -> None:
            self.n = 0

        def add(self, k: int) -> int:
            self.n += k
            return self.n

    counter = client.submit(Counter, actor=True).result()
    counter.add(0).result()
    lat = []
    for _ in range(50):
        t = time.perf_counter()
        counter.add(1).result()
        lat.append(time.perf_counter() - t)
    out["actor_call_ms"] = statistics.median(lat) * 1000
    time.sleep(1)
    out["memory"] = tree_memory()

    def pid_task(seconds: float) -> int:
        time.sleep(seconds)
        return os.getpid()

    fut = client.submit(pid_task, 3.0, pure=False)
    time.sleep(1.0)
    processing = {w: ts for w, ts in client.processing().items() if ts}
    worker_addr = next(iter(processing))
    pids = client.run(os.getpid)
    killed = pids[worker_addr]
    os.kill(killed, signal.SIGKILL)
    t = time.perf_counter()
    try:
        pid = fut.result(timeout=60)
        out["death"] = {
            "killed": killed,
            "result_from": pid,
            "retried": pid != killed,
            "s_after_kill": time.perf_counter() - t,
        }
    except Exception as exc:
        out["death"] = {"killed": killed, "error": type(exc).__name__}
    t = time.perf_counter()
    client.close()
    cluster.close()
    out["shutdown_s"] = time.perf_counter() - t
    return out


if __name__ == "__main__":
    engine = sys.argv[1]
    result = ray_run() if engine == "ray" else dask_run()
    result["engine"] = engine
    print("RESULT " + json.dumps(result))
