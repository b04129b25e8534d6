"""huggingface_hub 2.4.0 and hubclient read the same Jobs data from the same served Hub."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

LINES = ("one", "two", "three")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / "hub"))
    hub.jobs.plan(scheduling_seconds=0.1, running_seconds=0.6, logs=LINES)
    try:
        with hub.serve() as served_hub:
            yield served_hub
    finally:
        hub.close()


def _job(job: Any) -> tuple[Any, ...]:
    return (
        job.id,
        str(job.status.stage),
        job.status.message,
        job.created_at,
        job.started_at,
        job.finished_at,
        job.docker_image,
        job.command,
        job.environment,
        job.secrets,
        str(job.flavor),
        job.labels,
        (job.owner.id, job.owner.name, job.owner.type),
        job.url,
    )


def test_same_jobs_data_as_huggingface_hub(served: ServedHub) -> None:
    from huggingface_hub import HfApi

    api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
    with start_blocking_portal() as portal:
        client = AsyncHubClient(served.hub_url, token=ALICE_TOKEN)

        def call(method: str, *args: Any, **kwargs: Any) -> Any:
            return portal.call(partial(getattr(client, method), *args, **kwargs))

        def collect(method: str, **kwargs: Any) -> list[Any]:
            async def run() -> list[Any]:
                return [item async for item in getattr(client, method)(**kwargs)]

            return portal.call(run)

        ours = call(
            "run_job",
            image="python:3.12",
            command=["python", "x.py"],
            env={"A": "1"},
            secrets={"S": "2"},
        )
        theirs = api.run_job(
            image="python:3.12", command=["python", "x.py"], env={"A": "1"}, secrets={"S": "2"}
        )
        assert ours.labels == theirs.labels  # the same default name
        for job in (ours, theirs):
            assert _job(call("wait_for_job", job.id, timeout=20, poll_interval=0.05)) == _job(
                api.wait_for_job(job.id, timeout=20, poll_interval=0.05)
            )
            assert collect("fetch_job_logs", job_id=job.id) == list(
                api.fetch_job_logs(job_id=job.id)
            )
        assert [_job(j) for j in collect("list_jobs")] == [
            _job(j) for j in api.list_jobs(namespace="alice")
        ]
        assert [h.name for h in call("list_jobs_hardware")] == [
            h.name for h in api.list_jobs_hardware()
        ]
        scheduled = call(
            "create_scheduled_job", image="ubuntu", command=["echo", "x"], schedule="@weekly"
        )
        mine, yours = (
            call("inspect_scheduled_job", scheduled_job_id=scheduled.id),
            (api.inspect_scheduled_job(scheduled_job_id=scheduled.id)),
        )
        assert (mine.id, mine.schedule, mine.suspend, mine.status.next_job_run_at) == (
            yours.id,
            yours.schedule,
            yours.suspend,
            yours.status.next_job_run_at,
        )
        assert mine.job_spec.command == yours.job_spec.command
        portal.call(client.aclose)
