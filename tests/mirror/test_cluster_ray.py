"""The must-show of mirroring on a cluster: the twenty-repo plan of ``test_e2e_plan`` on a
local Ray cluster of two worker processes, between two uvicorn-served local Hubs.

(a) ``hubclient mirror --plan ... --cluster local:2``: the destination trees identical to the
    sources, the JSON report equal to a single-machine run's (durations and the ids of the
    new destination commits aside), tasks run by 2+ worker processes, and neither token in
    anything Ray wrote (its logs and session files).
(b) the same cluster job with a worker process SIGKILLed half-way (by the bytes the
    destination received): the job completes by itself (Ray runs the task again on another
    worker, which resumes from what landed), the trees are identical, and the destination
    received under 1.3x the plan's bytes in all (from its request log).

(c) a small plan through the API on a local Ray (the step CI runs: ``-k small``).

Needs the ``ray`` extra (``pip install -e '.[ray]'``); slow (about 1.1 GB each way, and a
Ray cluster started per run): ``pytest -m slow -s tests/mirror/test_cluster_ray.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import psutil
import pytest

from hubclient import (
    AsyncHubClient,
    MirrorCluster,
    MirrorOptions,
    MirrorProgress,
    MirrorReport,
    MirrorStage,
)
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub, standard_hub
from tests.mirror.conftest import small_hub
from tests.mirror.test_cluster import comparable
from tests.mirror.test_e2e_plan import BUDGET, ROOT, TIMEOUT, _env, _mirror_command, _received
from tests.mirror.world import World, assert_mirrored, build_world, renamed_plan

pytest.importorskip("ray")
pytestmark = pytest.mark.slow

SPLIT = "128M"  # the two big repos are spread over several tasks


@pytest.fixture(scope="module")
def world_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalHub, World]]:
    hub = standard_hub(LocalHub(tmp_path_factory.mktemp("cluster-source")))
    try:
        yield hub, build_world(hub)
    finally:
        hub.close()


@pytest.fixture
def ray_tmp() -> Iterator[Path]:
    """Ray's temp dir for one job (short: Ray's unix socket paths must fit 107 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="hcray"))
    try:
        yield path
    finally:
        subprocess.run(["rm", "-rf", str(path)], check=False)


def _cluster_run(
    plan: Path, src: str, dst: str, home: Path, ray_tmp: Path, out: Path
) -> tuple[subprocess.Popen[bytes], Any]:
    """The cluster job, tokens from the environment (not in argv, which Ray records)."""
    command = [
        arg
        for arg in _mirror_command(
            plan, src, dst, "--max-bytes-in-flight", BUDGET, "--cluster", "local:2"
        )
        if arg != ALICE_TOKEN
    ]
    command = [a for a in command if a not in ("--token", "--to-token")]
    command += ["--split-size", SPLIT]
    env = _env(home) | {
        "HF_TOKEN": ALICE_TOKEN,
        "HUBCLIENT_TO_TOKEN": ALICE_TOKEN,
        "RAY_TMPDIR": str(ray_tmp),
    }
    stdout = out.open("wb")
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    return process, stdout


def _task_workers(process: subprocess.Popen[bytes]) -> dict[int, psutil.Process]:
    """The worker processes of the job's local Ray that are running one of our tasks."""
    out: dict[int, psutil.Process] = {}
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        return out
    for child in children:
        try:
            title = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if title.startswith("ray::") and ("hubclient-mirror" in title or "ray_task" in title):
            out[child.pid] = child
    return out


def _stop_tree(process: subprocess.Popen[bytes]) -> None:
    """End the job and every process it started (Ray's included), by their ids."""
    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    process.kill()
    process.wait()
    for child in tree:
        with contextlib.suppress(psutil.Error):
            child.kill()


def _secret_in(folder: Path, secret: bytes) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and not path.is_socket():
            try:
                if secret in path.read_bytes():
                    hits.append(str(path.relative_to(folder)))
            except OSError:
                continue
    return hits


def test_a_local_cluster_mirrors_the_plan_as_one_machine_does(
    world_hub: tuple[LocalHub, World], tmp_path: Path, ray_tmp: Path
) -> None:
    source, world = world_hub
    plan = tmp_path / "plan.txt"
    plan.write_text(world.plan_text)
    one_dest = standard_hub(LocalHub(tmp_path / "one-machine"))
    cluster_dest = standard_hub(LocalHub(tmp_path / "cluster"))
    try:
        with source.serve() as src, one_dest.serve() as d1, cluster_dest.serve() as d2:
            started = time.monotonic()
            single = subprocess.run(
                _mirror_command(plan, src.hub_url, d1.hub_url, "--max-bytes-in-flight", BUDGET),
                capture_output=True,
                env=_env(tmp_path / "home-1"),
                cwd=ROOT,
                timeout=TIMEOUT,
                check=False,
            )
            single_seconds = time.monotonic() - started
            assert single.returncode == 0, single.stderr[-4000:]

            out = tmp_path / "cluster.json"
            started = time.monotonic()
            process, stdout = _cluster_run(
                plan, src.hub_url, d2.hub_url, tmp_path / "home-2", ray_tmp, out
            )
            seen: set[int] = set()
            try:
                while process.poll() is None:
                    assert time.monotonic() - started < TIMEOUT, "the cluster job hangs"
                    seen.update(_task_workers(process))
                    time.sleep(0.2)
            finally:
                if process.poll() is None:
                    _stop_tree(process)
                stdout.close()
            cluster_seconds = time.monotonic() - started
            stderr = process.stderr.read().decode() if process.stderr else ""
            assert process.returncode == 0, stderr[-4000:]
        assert_mirrored(source, one_dest, world.repos)
        assert_mirrored(source, cluster_dest, world.repos)
        one_dest_log = _received(one_dest.log)
        cluster_log = _received(cluster_dest.log)
    finally:
        one_dest.close()
        cluster_dest.close()
    report = json.loads(out.read_text())
    assert report["ok"] is True
    one = json.loads(single.stdout)
    assert comparable(MirrorReport.model_validate(report)) == comparable(
        MirrorReport.model_validate(one)
    )
    assert report["totals"] == one["totals"]
    assert len(seen) >= 2, f"tasks ran in {len(seen)} worker process(es)"
    assert not _secret_in(ray_tmp, ALICE_TOKEN.encode()), "a token in Ray's files"
    print(
        f"\n[cluster] 20 repos, plan {world.total_bytes / 2**20:.0f} MiB: one machine "
        f"{single_seconds:.1f}s (dest received {one_dest_log / world.total_bytes:.3f}x), "
        f"local Ray cluster of 2 workers {cluster_seconds:.1f}s with its start "
        f"(dest received {cluster_log / world.total_bytes:.3f}x); tasks ran in "
        f"{len(seen)} worker processes"
    )


def test_b_a_worker_killed_half_way_the_job_completes(
    world_hub: tuple[LocalHub, World], tmp_path: Path, ray_tmp: Path
) -> None:
    source, world = world_hub
    plan = tmp_path / "plan.txt"
    plan.write_text(world.plan_text)
    dest = standard_hub(LocalHub(tmp_path / "dest"))
    try:
        with source.serve() as src, dest.serve() as dst:
            out = tmp_path / "cluster.json"
            started = time.monotonic()
            process, stdout = _cluster_run(
                plan, src.hub_url, dst.hub_url, tmp_path / "home", ray_tmp, out
            )
            killed: int | None = None
            at_kill = 0
            try:
                while process.poll() is None:
                    assert time.monotonic() - started < TIMEOUT, "the cluster job hangs"
                    if killed is None and _received(dest.log) >= world.total_bytes // 2:
                        workers = _task_workers(process)
                        if workers:
                            killed = next(iter(workers))
                            os.kill(killed, signal.SIGKILL)
                            at_kill = _received(dest.log)
                    time.sleep(0.05)
            finally:
                if process.poll() is None:
                    _stop_tree(process)
                stdout.close()
            seconds = time.monotonic() - started
            stderr = process.stderr.read().decode() if process.stderr else ""
            assert killed is not None, "no worker was running a task half-way"
            assert process.returncode == 0, stderr[-4000:]
            assert json.loads(out.read_text())["ok"] is True
            assert_mirrored(source, dest, world.repos)
        total = _received(dest.log)
    finally:
        dest.close()
    ratio = total / world.total_bytes
    print(
        f"\n[cluster] worker {killed} SIGKILLed at {at_kill / world.total_bytes:.0%} of the "
        f"plan ({world.total_bytes / 2**20:.0f} MiB); the job completed by itself in "
        f"{seconds:.1f}s; the destination received {total / 2**20:.0f} MiB = {ratio:.3f}x "
        f"the plan (--max-bytes-in-flight {BUDGET}, --split-size {SPLIT})"
    )
    assert ratio < 1.3


def test_a_small_plan_on_a_local_cluster_through_the_api(tmp_path: Path) -> None:
    """The API on a real local Ray (what CI runs): a small plan mirrored with a split repo,
    progress gathered on the driver, the report of one machine; then downloaded by the
    workers."""
    source = small_hub(tmp_path / "source", "source")
    one_dest = small_hub(tmp_path / "one", "one")
    cluster_dest = small_hub(tmp_path / "cluster", "cluster")
    world = build_world(source, count=4, scale=0.003)
    plan, renames = renamed_plan(world.plan_text, "bob")
    events: list[MirrorProgress] = []
    options = MirrorOptions(max_concurrent_repos=3, max_concurrent_files=6)

    async def main(src: str, d1: str, d2: str) -> tuple[MirrorReport, MirrorReport, MirrorReport]:
        async with AsyncHubClient(endpoint=src, token=ALICE_TOKEN) as client:
            one = await client.mirror_repos(plan, to=d1, to_token=BOB_TOKEN, options=options)
            many = await client.mirror_repos(
                plan,
                to=d2,
                to_token=BOB_TOKEN,
                options=options,
                progress=events.append,
                cluster=MirrorCluster(workers=2, split_bytes=world.total_bytes // 20),
            )
            downloaded = await client.download_repos(
                world.plan_text.splitlines()[1:],
                local_dir=tmp_path / "disk",
                cluster="local:2",
            )
        return one, many, downloaded

    try:
        with source.serve() as src, one_dest.serve() as d1, cluster_dest.serve() as d2:
            one, many, downloaded = anyio.run(main, src.hub_url, d1.hub_url, d2.hub_url)
        assert one.ok, one.to_json()
        assert many.ok, many.to_json()
        assert downloaded.ok, downloaded.to_json()
        assert_mirrored(source, cluster_dest, world.repos, renames)
        assert comparable(many) == comparable(one)
        assert {e.repo_id for e in events if e.stage is MirrorStage.DONE} == {
            repo_id for _, repo_id in world.repos
        }
        assert downloaded.files_copied > 0
        assert (tmp_path / "disk" / "acme" / "model-00" / "config.json").is_file()
    finally:
        for hub in (source, one_dest, cluster_dest):
            hub.close()
