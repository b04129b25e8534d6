"""Cluster benchmark: the same plan on one machine (``mirror_repos``) and on a local Ray
cluster of two worker processes (``mirror_repos(cluster=...)``), between two local Hubs
served in subprocesses; what the cluster costs per job and per repo.

Both sides move two repos at once (the two worker processes; ``max_concurrent_repos=2`` on
one machine), so a difference is what the cluster costs, not a difference in concurrency.
Runs alternate (one machine, cluster, one machine, cluster, ...), each into a fresh
destination Hub; medians are printed with their ratio. The local Ray is started once (its
start printed apart) and reused by every cluster run, as a long-lived cluster would be; each
job still starts its own coordinator actor (a fresh worker process that imports hubclient).

* 20 repos with LFS files (about 60 MiB in all): the cluster's cost on a plan that moves bytes;
* 20 and 100 tiny repos (three small files each), alternating too: the cost per repo is the
  slope, ``((cluster - one machine) at 100 - (cluster - one machine) at 20) / 80``, and the
  cost per job (the coordinator's start, the tasks' first imports) what is left at 20.

Needs the ``ray`` extra. Run with ``python -m pytest tests/benchmarks/bench_cluster.py -m
benchmark -s`` (or ``nox -s benchmarks``). The machine is shared: read ratios, not seconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, MirrorOptions
from hubclient.testing import LocalHub
from tests.benchmarks._served import TOKEN, Server, served_hub
from tests.mirror.world import KIB, MIB, det_bytes

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.benchmark

ROUNDS = 3
OPTIONS = MirrorOptions(max_concurrent_repos=2)  # = the local cluster's worker processes
LFS = [f"alice/lfs-{i:02d}" for i in range(20)]
TINY = [f"alice/tiny-{i:03d}" for i in range(100)]


def _seed(data: Path) -> None:
    hub = LocalHub(data)
    try:
        for i, repo_id in enumerate(LFS):
            files: dict[str, bytes | str] = {
                "README.md": f"# {repo_id}\n",
                "config.json": f'{{"i": {i}}}\n',
                "weights/a.bin": det_bytes(i * 10 + 1, (1 + i % 5) * MIB),
                "weights/b.bin": det_bytes(i * 10 + 2, 300 * KIB),
            }
            hub.seed_repo(repo_id, files)
        for i, repo_id in enumerate(TINY):
            hub.seed_repo(repo_id, {"README.md": f"# {i}\n", "a.txt": "a\n", "b/c.txt": "c\n"})
    finally:
        hub.close()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("cluster-bench") / "source"
    _seed(data)
    with served_hub(data) as server:
        yield server


@pytest.fixture(scope="module")
def ray_started() -> Iterator[float]:
    """A local Ray of two workers for the whole module; the seconds its start took."""
    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    seconds = time.perf_counter() - started
    try:
        yield seconds
    finally:
        ray.shutdown()


async def _mirror(source: Server, dest: Server, plan: list[str], cluster: str | None) -> float:
    async with AsyncHubClient(endpoint=source.hub_url, token=TOKEN) as client:
        started = time.perf_counter()
        report = await client.mirror_repos(
            plan, to=dest.hub_url, to_token=TOKEN, options=OPTIONS, cluster=cluster
        )
        seconds = time.perf_counter() - started
    assert report.ok, report.to_json()
    assert report.files_copied >= 3 * len(plan)
    return seconds


def _interleaved(
    source: Server, tmp_path: Path, plans: dict[str, list[str]]
) -> dict[tuple[str, str], list[float]]:
    """Every plan on one machine then on the cluster, round after round."""
    times: dict[tuple[str, str], list[float]] = {}
    for round_ in range(ROUNDS):
        for name, plan in plans.items():
            for label, cluster in (("one machine", None), ("cluster", "local")):
                folder = tmp_path / f"dest-{len(plan)}-{label.replace(' ', '-')}-{round_}"
                with served_hub(folder) as dest:
                    seconds = anyio.run(_mirror, source, dest, plan, cluster)
                times.setdefault((name, label), []).append(seconds)
    return times


def test_a_plan_with_lfs_one_machine_vs_local_cluster(
    source: Server, ray_started: float, tmp_path: Path
) -> None:
    times = _interleaved(source, tmp_path, {"lfs": LFS})
    one = statistics.median(times["lfs", "one machine"])
    many = statistics.median(times["lfs", "cluster"])
    print(
        f"\n[bench] 20 repos with LFS, {ROUNDS} rounds interleaved, medians: one machine "
        f"{one:.2f}s, local Ray cluster of 2 workers {many:.2f}s (ratio {many / one:.2f}x, "
        f"+{many - one:.1f}s); Ray start {ray_started:.1f}s (once, not counted); all runs: "
        f"{_rounded(times)}"
    )


def test_the_cost_per_repo_and_per_job(source: Server, ray_started: float, tmp_path: Path) -> None:
    times = _interleaved(source, tmp_path, {"20": TINY[:20], "100": TINY})
    med = {key: statistics.median(values) for key, values in times.items()}
    extra = {n: med[n, "cluster"] - med[n, "one machine"] for n in ("20", "100")}
    per_repo = (extra["100"] - extra["20"]) / 80
    per_job = extra["20"] - 20 * per_repo
    print(
        f"\n[bench] tiny repos, {ROUNDS} rounds interleaved, medians: 20 repos one machine "
        f"{med['20', 'one machine']:.2f}s, cluster {med['20', 'cluster']:.2f}s (ratio "
        f"{med['20', 'cluster'] / med['20', 'one machine']:.2f}x); 100 repos one machine "
        f"{med['100', 'one machine']:.2f}s, cluster {med['100', 'cluster']:.2f}s (ratio "
        f"{med['100', 'cluster'] / med['100', 'one machine']:.2f}x); the cluster costs "
        f"{per_repo * 1000:.0f} ms per repo and {per_job:.1f}s per job; Ray start "
        f"{ray_started:.1f}s (once, not counted); all runs: {_rounded(times)}"
    )


def _rounded(times: dict[tuple[str, str], list[float]]) -> dict[str, list[float]]:
    return {" ".join(key): [round(t, 2) for t in values] for key, values in times.items()}
