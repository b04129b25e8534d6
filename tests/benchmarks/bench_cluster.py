"""Cluster benchmark: the same plan on one machine (``mirror_repos``) and on a local Ray
cluster of two worker processes (``mirror_repos(cluster=...)``), between two local Hubs
served in subprocesses; what the cluster costs per repo.

Two plans: 20 repos with LFS files (about 60 MiB in all) and 100 tiny repos (three small
files each), where the per-repo cost of a task shows. Runs alternate (one machine, cluster,
one machine, cluster, ...) into a fresh destination Hub each; medians are printed, with the
ratio and ``(cluster - one machine) / repos``. The local Ray is started once (its start time
printed apart) and reused by every cluster run, as a long-lived cluster would be.

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
OPTIONS = MirrorOptions(max_concurrent_repos=4)
PLANS = {
    "20 repos with LFS": [f"alice/lfs-{i:02d}" for i in range(20)],
    "100 tiny repos": [f"alice/tiny-{i:03d}" for i in range(100)],
}


def _seed(data: Path) -> None:
    hub = LocalHub(data)
    try:
        for i, repo_id in enumerate(PLANS["20 repos with LFS"]):
            files: dict[str, bytes | str] = {
                "README.md": f"# {repo_id}\n",
                "config.json": f'{{"i": {i}}}\n',
                "weights/a.bin": det_bytes(i * 10 + 1, (1 + i % 5) * MIB),
                "weights/b.bin": det_bytes(i * 10 + 2, 300 * KIB),
            }
            hub.seed_repo(repo_id, files)
        for i, repo_id in enumerate(PLANS["100 tiny repos"]):
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


@pytest.mark.parametrize("name", list(PLANS))
def test_one_machine_vs_local_cluster(
    name: str, source: Server, ray_started: float, tmp_path: Path
) -> None:
    plan = PLANS[name]
    times: dict[str, list[float]] = {"one machine": [], "cluster": []}
    for round_ in range(ROUNDS):
        for label, cluster in (("one machine", None), ("cluster", "local")):
            with served_hub(tmp_path / f"dest-{label}-{round_}") as dest:
                times[label].append(anyio.run(_mirror, source, dest, plan, cluster))
    one = statistics.median(times["one machine"])
    many = statistics.median(times["cluster"])
    print(
        f"\n[bench] {name}, {ROUNDS} rounds interleaved, medians: one machine {one:.2f}s, "
        f"local Ray cluster of 2 workers {many:.2f}s (ratio {many / one:.2f}x); overhead "
        f"{(many - one) / len(plan) * 1000:.0f} ms per repo; Ray start {ray_started:.1f}s "
        f"(once, not counted); all runs: {times}"
    )
