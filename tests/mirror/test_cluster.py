"""A cluster job without a cluster: the driver, the tasks and the coordinator of
``hubclient.mirror.cluster`` on the in-process engine, between two in-process local Hubs.

The same code runs on Ray (tests/mirror/test_cluster_ray.py, slow); here each "worker
process" is an anyio task with clients of its own, talking to the coordinator through the
calls a Ray task makes to its actor.
"""

from __future__ import annotations

import pickle
import sys
import time
from typing import Any

import anyio
import pytest

from hubclient import AsyncHubClient
from hubclient._http import HubHttp
from hubclient.mirror import (
    MirrorOptions,
    MirrorPlanItem,
    MirrorProgress,
    MirrorReport,
    MirrorStage,
)
from hubclient.mirror.cluster import ClusterUnavailableError, MirrorCluster, as_cluster
from hubclient.mirror.cluster._coordinator import Coordinator, Secrets
from hubclient.mirror.cluster._inprocess import DirectLink, InProcessEngine
from hubclient.mirror.cluster._job import download_job, mirror_job, secrets_of
from hubclient.mirror.cluster._spec import TaskSpec, public_settings
from hubclient.mirror.cluster._worker import _Heartbeat
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub
from tests.mirror.conftest import small_hub
from tests.mirror.world import assert_mirrored, build_world, renamed_plan

pytestmark = pytest.mark.anyio

OPTIONS = MirrorOptions(max_concurrent_repos=3, max_concurrent_files=6)


def comparable(report: MirrorReport) -> list[dict[str, Any]]:
    """A report without what two runs to two destinations cannot share: durations, and the
    ids of the new destination commits."""
    out = []
    for result in report.results:
        data = result.model_dump(mode="json", exclude={"duration_seconds", "destination"})
        for ref in data["refs"]:
            ref.pop("dest_commit")
        out.append(data)
    return out


def _engine(
    coordinator: Coordinator, hubs: list[LocalHub], source: AsyncHubClient, dest: AsyncHubClient
) -> Any:
    return InProcessEngine.running(
        coordinator,
        secrets=secrets_of(source=source._http, dest=dest._http),
        slots=2,
        heartbeat_seconds=0.05,
        transports={hub.hub_url: hub.async_transport() for hub in hubs},
    )


async def test_a_cluster_job_gives_the_trees_and_the_report_of_one_machine(
    source_hub: LocalHub, dest_hub: LocalHub, source: AsyncHubClient, tmp_path: Any
) -> None:
    world = build_world(source_hub, count=5, scale=0.003)
    plan, renames = renamed_plan(world.plan_text, "bob")
    single_hub = small_hub(tmp_path / "single", "single-hub")
    try:
        async with AsyncHubClient(
            endpoint=single_hub.hub_url, token=BOB_TOKEN, transport=single_hub.async_transport()
        ) as single_dest:
            one_machine = await source.mirror_repos(plan, to=single_dest, options=OPTIONS)
        assert one_machine.ok, one_machine.to_json()

        async with AsyncHubClient(
            endpoint=dest_hub.hub_url, token=BOB_TOKEN, transport=dest_hub.async_transport()
        ) as dest:
            coordinator = Coordinator(max_bytes=OPTIONS.max_bytes_in_flight, lease_seconds=1.0)
            events: list[MirrorProgress] = []
            async with _engine(coordinator, [source_hub, dest_hub], source, dest) as engine:
                report = await mirror_job(
                    source._http,
                    dest._http,
                    plan,
                    engine=engine,
                    # the two big repos (0 and 1) are split into batches of LFS objects
                    split_bytes=world.total_bytes // 20,
                    options=OPTIONS,
                    progress=events.append,
                )
        assert report.ok, report.to_json()
        assert_mirrored(source_hub, dest_hub, world.repos, renames)
        assert comparable(report) == comparable(one_machine)
        assert engine.attempts > len(world.repos)  # the split repos took several tasks
        # progress reached the driver: every repo queued first, then done
        assert [e.stage for e in events[: len(world.repos)]] == [MirrorStage.QUEUED] * 5
        done = {e.repo_id for e in events if e.stage is MirrorStage.DONE}
        assert done == {repo_id for _, repo_id in world.repos}
        assert any(e.bytes_done > 0 for e in events)
        assert coordinator.stats.bytes_peak <= OPTIONS.max_bytes_in_flight
        assert coordinator.bytes_in_use == 0
    finally:
        single_hub.close()


async def test_a_worker_that_dies_is_retried_and_resumes_from_the_destination(
    source_hub: LocalHub, dest_hub: LocalHub, source: AsyncHubClient
) -> None:
    world = build_world(source_hub, count=3, scale=0.003)
    plan, renames = renamed_plan(world.plan_text, "bob")
    crashed: list[int] = []

    def crash(spec: TaskSpec, attempt: int) -> bool:
        if spec.index == 0 and attempt == 0:  # the big repo's first worker dies
            crashed.append(spec.index)
            return True
        return False

    async with AsyncHubClient(
        endpoint=dest_hub.hub_url, token=BOB_TOKEN, transport=dest_hub.async_transport()
    ) as dest:
        coordinator = Coordinator(max_bytes=OPTIONS.max_bytes_in_flight, lease_seconds=0.3)
        async with InProcessEngine.running(
            coordinator,
            secrets=secrets_of(source=source._http, dest=dest._http),
            slots=2,
            heartbeat_seconds=0.05,
            transports={h.hub_url: h.async_transport() for h in (source_hub, dest_hub)},
            crash=crash,
        ) as engine:
            report = await mirror_job(
                source._http, dest._http, plan, engine=engine, split_bytes=None, options=OPTIONS
            )
    assert crashed == [0]
    assert report.ok, report.to_json()
    assert_mirrored(source_hub, dest_hub, world.repos, renames)
    assert engine.attempts == len(world.repos) + 1
    # once the dead attempt's lease is over (the job may end first on a fast machine), nothing
    # it held is still counted
    await anyio.sleep(coordinator.lease_seconds * 1.5)
    assert coordinator.bytes_in_use == 0
    assert coordinator.stats.holders_expired >= 1


async def test_download_repos_on_workers(
    source_hub: LocalHub, source: AsyncHubClient, tmp_path: Any
) -> None:
    world = build_world(source_hub, count=2, scale=0.002)
    coordinator = Coordinator(max_bytes=2**20)
    async with InProcessEngine.running(
        coordinator,
        secrets=secrets_of(source=source._http),
        slots=2,
        heartbeat_seconds=0.05,
        transports={source_hub.hub_url: source_hub.async_transport()},
    ) as engine:
        report = await download_job(
            source._http,
            world.plan_text.splitlines()[1:],
            engine=engine,
            local_dir=tmp_path / "out",
        )
    assert report.ok, report.to_json()
    for _, repo_id in world.repos:
        repo = source_hub.store.find(*next(r for r in world.repos if r[1] == repo_id))
        assert repo is not None
        files = repo.snapshot(repo.resolve("main").commit).files
        folder = tmp_path / "out" / ("datasets" if "dataset" in repo_id else "") / repo_id
        assert set(files) <= {
            q.relative_to(folder).as_posix() for q in folder.rglob("*") if q.is_file()
        }


def test_task_specs_never_carry_credentials(source_hub: LocalHub) -> None:
    settings = HubHttp(
        AsyncHubClient(endpoint=source_hub.hub_url, token=ALICE_TOKEN).settings.replace(
            headers={"x-secret": "s3cr3t"}
        )
    ).settings
    with pytest.raises(ValueError, match="never carries credentials"):
        TaskSpec(
            kind="repo",
            index=0,
            item=MirrorPlanItem(repo_id="a/b"),
            source=settings,
            dest=None,
            options=OPTIONS,
        )
    spec = TaskSpec(
        kind="repo",
        index=0,
        item=MirrorPlanItem(repo_id="a/b"),
        source=public_settings(settings),
        dest=public_settings(settings),
        options=OPTIONS,
    )
    payload = pickle.dumps(spec)
    assert ALICE_TOKEN.encode() not in payload
    assert b"s3cr3t" not in payload
    assert repr(Secrets(ALICE_TOKEN, {"x": "s3cr3t"})).count("s3cr3t") == 0
    assert ALICE_TOKEN not in repr(Secrets(ALICE_TOKEN))


async def test_the_byte_budget_is_global_and_a_dead_holders_bytes_come_back() -> None:
    coordinator = Coordinator(max_bytes=100, lease_seconds=0.5)  # "b" may stall on a busy machine
    await coordinator.join("a")
    await coordinator.join("b")
    assert await coordinator.acquire_bytes("a", 80, 1.0)
    assert not await coordinator.acquire_bytes("b", 30, 0.05)  # 80 + 30 > 100
    assert await coordinator.acquire_bytes("b", 20, 0.05)
    coordinator.release_bytes("b", 20)
    # "a" dies holding 80 (no release, no goodbye); "b" keeps beating and gets through
    got = False
    with anyio.fail_after(5):
        while not got:
            await coordinator.heartbeat("b", [], [])
            got = await coordinator.acquire_bytes("b", 90, 0.05)
    assert coordinator.bytes_in_use == 90
    assert coordinator.stats.holders_expired == 1
    coordinator.release_bytes("a", 80)  # a late release of the dead one changes nothing
    assert coordinator.bytes_in_use == 90
    coordinator.leave("b")
    assert coordinator.bytes_in_use == 0
    # alone, an object larger than the whole budget goes through (as on one machine)
    await coordinator.join("c")
    assert await coordinator.acquire_bytes("c", 500, 0.05)


async def test_a_429_met_by_one_task_pauses_the_others(source_hub: LocalHub) -> None:
    coordinator = Coordinator(max_bytes=1)
    link = DirectLink(coordinator)
    one = HubHttp(AsyncHubClient(endpoint=source_hub.hub_url).settings)
    other = HubHttp(AsyncHubClient(endpoint=source_hub.hub_url).settings)
    heart_one = _Heartbeat(link, "one", [one], 1.0)
    heart_other = _Heartbeat(link, "other", [other], 1.0)
    one._close_gate("http://dest.example", 30.0)  # what a 429 with Retry-After: 30 does
    await heart_one.beat()
    assert 29 < coordinator.gates()["http://dest.example"] <= 30
    await heart_other.beat()
    remaining = other._pool.gates["http://dest.example"] - time.monotonic()
    assert 28 < remaining <= 30  # the other task's requests to that Hub wait too
    assert coordinator.stats.pauses == 1


def test_cluster_addresses() -> None:
    assert as_cluster("local") == MirrorCluster()
    assert as_cluster("local:2") == MirrorCluster(workers=2)
    assert as_cluster("auto") == MirrorCluster(address="auto")
    assert as_cluster("ray://head:10001").address == "ray://head:10001"
    for bad in ("", "local:0", "local:x", "two words"):
        with pytest.raises(ValueError, match="cluster"):
            as_cluster(bad)
    with pytest.raises(ValueError, match="local cluster"):
        MirrorCluster(address="auto", workers=2)
    with pytest.raises(ValueError, match="3 heartbeats"):
        MirrorCluster(lease_seconds=1, heartbeat_seconds=1)


async def test_without_ray_the_error_says_what_to_install(
    source: AsyncHubClient, monkeypatch: pytest.MonkeyPatch, served_pair: Any
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    served_source, served_dest = served_pair
    async with AsyncHubClient(endpoint=served_source.hub_url) as client:
        with pytest.raises(ClusterUnavailableError, match=r"hubclient\[ray\]"):
            await client.mirror_repos(["a/b"], to=served_dest.hub_url, cluster="local:1")
    # a client on an in-process transport cannot be reached by workers
    with pytest.raises(ValueError, match="custom transport"):
        await source.mirror_repos(["a/b"], to=served_dest.hub_url, cluster="local:1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cluster", "local:0"], "--cluster: bad cluster"),
        (["--split-size", "1G"], "--split-size goes with --cluster"),
        (["--cluster", "auto", "--split-size", "1G", "--to-dir", "x"], "--split-size goes"),
    ],
)
def test_cli_cluster_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from hubclient.cli import main

    where = [] if "--to-dir" in args else ["--to", "http://127.0.0.1:9"]
    code = main(["mirror", "--plan", "plan.txt", *where, *args])
    assert code == 2
    assert message in capsys.readouterr().err
