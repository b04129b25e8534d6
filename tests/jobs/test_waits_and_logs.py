"""wait_for_job (one or many, concurrently), fetch_job_logs and fetch_job_metrics."""

from __future__ import annotations

import time

import anyio
import pytest

from hubclient import AsyncHubClient, HubClient, JobInfo, JobStage, WaitTimeoutError
from hubclient.errors import HfHubHTTPError, LogStreamError
from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub
from tests.jobs.conftest import ECHO

pytestmark = pytest.mark.anyio

LINES = tuple(f"epoch {i}" for i in range(5))


async def _advance(hub: LocalHub, seconds: float, *, steps: int = 20) -> None:
    for _ in range(steps):
        await anyio.sleep(0.01)
        hub.advance(seconds / steps)


async def test_wait_for_one_and_for_many(hub: LocalHub, client: AsyncHubClient) -> None:
    hub.jobs.plan(labels={"kind": "broken"}, outcome="ERROR")
    good = await client.run_job(image="ubuntu", command=ECHO)
    bad = await client.run_job(image="ubuntu", command=ECHO, labels={"kind": "broken"})
    async with anyio.create_task_group() as tg:
        tg.start_soon(_advance, hub, 20)
        done = await client.wait_for_job([good.id, bad.id], timeout=10, poll_interval=0.005)
    assert [job.id for job in done] == [good.id, bad.id]  # in the order asked
    assert [job.status.stage for job in done] == [JobStage.COMPLETED, JobStage.ERROR]
    single = await client.wait_for_job(good.id, timeout=1)
    assert isinstance(single, JobInfo)


async def test_wait_for_a_stage_stops_at_terminal_ones(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    job = await client.run_job(image="ubuntu", command=ECHO)
    async with anyio.create_task_group() as tg:
        tg.start_soon(_advance, hub, 5)
        running = await client.wait_for_job(
            job.id, stages=[JobStage.RUNNING], timeout=10, poll_interval=0.005
        )
    assert running.status.stage is JobStage.RUNNING
    await client.cancel_job(job_id=job.id)
    # waiting for RUNNING on a canceled job does not hang: terminal stages end every wait
    again = await client.wait_for_job(job.id, stages=[JobStage.RUNNING], timeout=1)
    assert again.status.stage is JobStage.CANCELED


async def test_a_wait_times_out_and_names_the_job(hub: LocalHub, client: AsyncHubClient) -> None:
    first = await client.run_job(image="ubuntu", command=ECHO)
    second = await client.run_job(image="ubuntu", command=ECHO)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="still in stage 'SCHEDULING'") as caught:
        await client.wait_for_job([first.id, second.id], timeout=0.3, poll_interval=0.05)
    assert time.monotonic() - started < 5
    assert isinstance(caught.value.last, JobInfo)


async def test_logs_replayed_tailed_and_followed(hub: LocalHub, client: AsyncHubClient) -> None:
    hub.jobs.plan(logs=LINES, running_seconds=12)
    job = await client.run_job(image="ubuntu", command=["python", "train.py"])
    hub.advance(2 + 6.5)  # started, three of five lines out (one every 2 s)
    assert [line async for line in client.fetch_job_logs(job_id=job.id)] == list(LINES[:3])
    assert [line async for line in client.fetch_job_logs(job_id=job.id, tail=1)] == [LINES[2]]
    seen: list[str] = []

    async def follow() -> None:
        async for line in client.fetch_job_logs(job_id=job.id, follow=True, poll_interval=0.01):
            seen.append(line)

    async with anyio.create_task_group() as tg:
        tg.start_soon(follow)
        await _advance(hub, 10)
    assert seen == list(LINES)  # to the end, each line once, the "Job started" line left out


async def test_a_cut_log_stream_is_resumed(hub: LocalHub, client: AsyncHubClient) -> None:
    hub.jobs.plan(logs=LINES)
    job = await client.run_job(image="ubuntu", command=["python", "x.py"])
    hub.advance(30)
    rule = hub.faults.add(FaultRule(action="truncate", path=r"/logs$", after_bytes=120))
    assert [line async for line in client.fetch_job_logs(job_id=job.id)] == list(LINES)
    assert hub.faults.fired(rule) == 1
    hub.faults.add(FaultRule(action="drop", path=r"/logs$", times=None))
    with pytest.raises(LogStreamError, match="broke"):
        await _collect(client, job.id)


async def _collect(client: AsyncHubClient, job_id: str) -> list[str]:
    return [line async for line in client.fetch_job_logs(job_id=job_id, max_reconnects=2)]


async def test_metrics(hub: LocalHub, client: AsyncHubClient) -> None:
    job = await client.run_job(image="ubuntu", command=ECHO, flavor="a10g-small")
    hub.advance(3)
    (sample,) = [s async for s in client.fetch_job_metrics(job_id=job.id)]
    assert {"cpu_usage_pct", "memory_used_bytes", "gpus", "replica"} <= set(sample)
    assert sample["gpus"]
    followed: list[dict[str, object]] = []

    async def follow() -> None:
        async for s in client.fetch_job_metrics(job_id=job.id, follow=True, poll_interval=0.01):
            followed.append(s)

    async with anyio.create_task_group() as tg:
        tg.start_soon(follow)
        await _advance(hub, 12)
    assert followed  # samples until the job was over, then the stream ended
    assert [s async for s in client.fetch_job_metrics(job_id=job.id)] == []  # 406: finished


async def test_logs_of_a_job_that_does_not_exist(client: AsyncHubClient) -> None:
    with pytest.raises(HfHubHTTPError) as caught:
        await _collect(client, "0123456789abcdef01234567")
    assert caught.value.status_code == 404


def test_the_sync_facade_streams_logs(hub: LocalHub) -> None:
    hub.jobs.plan(logs=LINES)
    with hub.serve() as served, HubClient(served.hub_url, token=ALICE_TOKEN) as client:
        job = client.run_job(image="ubuntu", command=["python", "x.py"])
        hub.advance(30)
        assert list(client.fetch_job_logs(job_id=job.id)) == list(LINES)
        assert client.wait_for_job(job.id, timeout=5).status.stage == "COMPLETED"
