"""Jobs: run, inspect, list (paginated, filtered), labels, exposed ports, cancel, rerun."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, JobInfo, JobStage, Volume
from hubclient.errors import BadRequestError, HfHubHTTPError, HFValidationError
from hubclient.testing import BOB_TOKEN, LocalHub
from tests.jobs.conftest import ECHO, make_client

pytestmark = pytest.mark.anyio


async def test_a_job_schedules_runs_and_completes(hub: LocalHub, client: AsyncHubClient) -> None:
    job = await client.run_job(image="python:3.12", command=ECHO, flavor="cpu-upgrade")
    assert job.status.stage is JobStage.SCHEDULING
    assert job.docker_image == "python:3.12"
    assert job.flavor == "cpu-upgrade"
    assert job.owner.name == "alice"
    assert job.url == f"{hub.hub_url}/jobs/alice/{job.id}"
    assert job.labels is not None
    assert job.labels["name"].startswith("python-3-12-")  # huggingface_hub's default name
    hub.advance(2)
    running = await client.inspect_job(job_id=job.id)
    assert running.status.stage is JobStage.RUNNING
    assert running.started_at is not None
    hub.advance(10)
    done = await client.inspect_job(job_id=job.id)
    assert done.status.stage is JobStage.COMPLETED
    assert done.durations is not None
    assert (done.durations.scheduling_secs, done.durations.running_secs) == (2, 10)
    assert done.finished_at is not None


async def test_a_job_that_fails_or_times_out_is_an_error(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    hub.jobs.plan(labels={"kind": "broken"}, outcome="ERROR", error="CUDA out of memory")
    broken = await client.run_job(image="python:3.12", command=ECHO, labels={"kind": "broken"})
    slow = await client.run_job(image="python:3.12", command=ECHO, timeout="5s")
    hub.advance(60)
    failed = await client.inspect_job(job_id=broken.id)
    assert (failed.status.stage, failed.status.message) == (JobStage.ERROR, "CUDA out of memory")
    timed_out = await client.inspect_job(job_id=slow.id)
    assert (timed_out.status.stage, timed_out.status.message) == (JobStage.ERROR, "Job timeout")


async def test_list_jobs_pages_and_filters(hub: LocalHub, client: AsyncHubClient) -> None:
    ids = []
    for i in range(7):  # pages of 3
        job = await client.run_job(
            image="ubuntu", command=ECHO, labels={"batch": "a" if i % 2 else "b"}
        )
        ids.append(job.id)
        hub.advance(3 if i < 6 else 0)
    listed = [job async for job in client.list_jobs()]
    assert [job.id for job in listed] == ids[::-1]  # newest first, every page followed
    assert hub.log.count(method="GET", path=r"^/api/jobs/alice$") == 3
    batch_a = [job.id async for job in client.list_jobs(labels={"batch": "a"})]
    assert batch_a == [ids[5], ids[3], ids[1]]
    scheduling = [job.id async for job in client.list_jobs(status=JobStage.SCHEDULING)]
    assert scheduling == [ids[6]]
    active = [j.id async for j in client.list_jobs(status=["running", "SCHEDULING"])]
    assert active == [ids[6], ids[5], ids[4], ids[3]]


async def test_labels_expose_cancel_rerun(hub: LocalHub, client: AsyncHubClient) -> None:
    job = await client.run_job(image="python:3.12", command=ECHO, expose=[8000], ssh=True)
    hub.advance(2)
    running = await client.inspect_job(job_id=job.id)
    assert running.expose == [8000]
    assert running.status.expose_urls == [f"https://{job.id}--8000.hf.jobs"]
    assert running.status.ssh_url == f"ssh://{job.id}@ssh.hf.jobs"
    relabeled = await client.update_job_labels(job_id=job.id, labels={"team": "ml"})
    assert relabeled.labels == {"team": "ml"}
    exposed = await client.update_job_expose(job_id=job.id, expose=[8000], expose_public=[7860])
    assert (exposed.expose, exposed.expose_public) == ([8000, 7860], [7860])
    await client.cancel_job(job_id=job.id)
    canceled = await client.inspect_job(job_id=job.id)
    assert canceled.status.stage is JobStage.CANCELED
    again = await client.rerun_job(job_id=job.id)
    assert again.id != job.id
    assert again.status.stage is JobStage.SCHEDULING
    assert again.initiator is not None
    assert (again.initiator.type, again.initiator.id) == ("duplicated-job", job.id)


async def test_specs_travel_whole(hub: LocalHub, client: AsyncHubClient) -> None:
    job = await client.run_job(
        image="hf.co/spaces/alice/tools",
        command=["python", "run.py"],
        env={"MODE": "fast"},
        secrets={"TOKEN": "s3cr3t"},
        volumes=[Volume(type="dataset", source="alice/data", mount_path="/data")],
        network_group="train",
        network_aliases=["master"],
        attempts=3,
        name="my-run",
    )
    assert (job.space_id, job.docker_image) == ("alice/tools", None)
    assert job.environment == {"MODE": "fast"}
    assert job.secrets == {"TOKEN": None}  # the value never comes back
    assert job.volumes is not None
    assert job.volumes[0].mount_path == "/data"
    assert job.network is not None
    assert (job.network.group, job.network.aliases) == ("train", ["master"])
    assert job.retry == 2
    assert job.labels == {"name": "my-run"}


async def test_bad_specs_are_refused(hub: LocalHub, client: AsyncHubClient) -> None:
    with pytest.raises(BadRequestError, match="Invalid flavor"):
        await client.run_job(image="ubuntu", command=ECHO, flavor="tpu-v9")
    with pytest.raises(BadRequestError, match="Invalid label"):
        await client.run_job(image="ubuntu", command=ECHO, labels={"bad key": "x"})
    before = len(hub.log)
    with pytest.raises(HFValidationError, match="network_aliases"):
        await client.run_job(image="ubuntu", command=ECHO, network_aliases=["a"])
    with pytest.raises(HFValidationError, match="cannot both be provided"):
        await client.run_job(image="ubuntu", command=ECHO, name="a", labels={"name": "b"})
    with pytest.raises(HFValidationError, match="timeout"):
        await client.run_job(image="ubuntu", command=ECHO, timeout="soon")
    with pytest.raises(HFValidationError, match="port"):
        await client.run_job(image="ubuntu", command=ECHO, expose=[70000])
    with pytest.raises(HFValidationError, match="job id"):
        await client.inspect_job(job_id="../../api/whoami-v2")
    assert len(hub.log) == before  # refused before anything was sent


async def test_jobs_belong_to_their_namespace(hub: LocalHub, client: AsyncHubClient) -> None:
    job = await client.run_job(image="ubuntu", command=ECHO, namespace="acme")
    assert job.owner.name == "acme"
    assert isinstance(await client.inspect_job(job_id=job.id, namespace="acme"), JobInfo)
    async with make_client(hub, token=BOB_TOKEN) as bob:
        with pytest.raises(HfHubHTTPError) as caught:
            await bob.inspect_job(job_id=job.id, namespace="acme")
        assert caught.value.status_code == 403
        with pytest.raises(HfHubHTTPError) as missing:
            await bob.inspect_job(job_id=job.id)  # not among bob's
        assert missing.value.status_code == 404


async def test_hardware_list(client: AsyncHubClient) -> None:
    hardware = {hw.name: hw for hw in await client.list_jobs_hardware()}
    assert {"cpu-basic", "a10g-small", "h200"} <= set(hardware)
    assert hardware["cpu-basic"].accelerator is None
    assert hardware["a10g-small"].unit_cost_usd > 0
