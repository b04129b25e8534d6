"""Scheduled jobs (runs when the clock passes their CRON time) and uv jobs."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hubclient import DEFAULT_UV_IMAGE, AsyncHubClient, JobStage
from hubclient.errors import BadRequestError, HfHubHTTPError, HFValidationError, XetRequiredError
from hubclient.testing import LocalHub

pytestmark = pytest.mark.anyio


def _next_hour(hub: LocalHub) -> float:
    now = datetime.fromtimestamp(hub.clock.now(), timezone.utc)
    return now.replace(minute=0, second=0, microsecond=0).timestamp() + 3600


async def test_a_scheduled_job_runs_on_schedule(hub: LocalHub, client: AsyncHubClient) -> None:
    scheduled = await client.create_scheduled_job(
        image="python:3.12", command=["echo", "tick"], schedule="@hourly", labels={"env": "prod"}
    )
    assert scheduled.schedule == "@hourly"
    assert scheduled.status.next_job_run_at is not None
    assert scheduled.status.next_job_run_at.timestamp() == _next_hour(hub)
    assert scheduled.job_spec.docker_image == "python:3.12"
    assert scheduled.status.last_job is None
    hub.advance(_next_hour(hub) - hub.clock.now() + 3 * 3600 + 60)  # four runs are due
    runs = [job async for job in client.list_jobs()]
    assert len(runs) == 4
    assert all(job.initiator and job.initiator.type == "scheduled-job" for job in runs)
    assert all(job.status.stage is JobStage.COMPLETED for job in runs)
    again = await client.inspect_scheduled_job(scheduled_job_id=scheduled.id)
    assert again.status.last_job is not None
    assert again.status.last_job.id == runs[0].id
    assert [s.id for s in await client.list_scheduled_jobs(labels={"env": "prod"})] == [
        scheduled.id
    ]
    assert await client.list_scheduled_jobs(labels={"env": "dev"}) == []


async def test_suspend_resume_trigger_relabel_reschedule_delete(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    scheduled = await client.create_scheduled_job(
        image="ubuntu", command=["echo", "x"], schedule="*/5 * * * *", concurrency=False
    )
    await client.suspend_scheduled_job(scheduled_job_id=scheduled.id)
    hub.advance(3600)
    assert [job async for job in client.list_jobs()] == []  # suspended: nothing ran
    assert (await client.inspect_scheduled_job(scheduled_job_id=scheduled.id)).suspend is True
    await client.resume_scheduled_job(scheduled_job_id=scheduled.id)
    triggered = await client.trigger_scheduled_job(scheduled_job_id=scheduled.id)
    assert triggered.status.stage is JobStage.SCHEDULING
    with pytest.raises(HfHubHTTPError) as busy:
        await client.trigger_scheduled_job(scheduled_job_id=scheduled.id)
    assert busy.value.status_code == 409  # a run is going and concurrency is off
    moved = await client.update_scheduled_job_schedule(
        scheduled_job_id=scheduled.id, schedule="0 9 * * 1"
    )
    assert moved.schedule == "0 9 * * 1"
    relabeled = await client.update_scheduled_job_labels(
        scheduled_job_id=scheduled.id, labels={"team": "data"}
    )
    assert relabeled.job_spec.labels == {"team": "data"}
    with pytest.raises(BadRequestError, match="Invalid schedule"):
        await client.update_scheduled_job_schedule(
            scheduled_job_id=scheduled.id, schedule="every day"
        )
    await client.delete_scheduled_job(scheduled_job_id=scheduled.id)
    with pytest.raises(HfHubHTTPError) as gone:
        await client.inspect_scheduled_job(scheduled_job_id=scheduled.id)
    assert gone.value.status_code == 404


async def test_uv_jobs_ship_local_files(
    hub: LocalHub, client: AsyncHubClient, tmp_path: Path
) -> None:
    script = tmp_path / "train model.py"
    script.write_text("print('training')\n")
    config = tmp_path / "config.yaml"
    config.write_text("lr: 0.1\n")
    job = await client.run_uv_job(
        str(script),
        script_args=["--config", str(config), "--epochs", "3"],
        dependencies=["torch", "numpy"],
        python="3.11",
    )
    assert job.docker_image == DEFAULT_UV_IMAGE
    assert job.command is not None
    assert job.command[:2] == ["bash", "-c"]
    assert "uv run --with torch --with numpy --python 3.11 /data/train_model.py" in job.command[2]
    assert "--config /data/config.yaml --epochs 3" in job.command[2]
    assert job.labels is not None
    assert job.labels["name"].startswith("train-model-")
    assert job.secrets == {"HF_JOB_FILES": None}  # the files travel as a secret, never read back
    shipped = hub.log.filter(method="POST", path=r"^/api/jobs/alice$")[-1]
    assert shipped.request_bytes > 0


async def test_uv_jobs_with_urls_and_commands_run_them_as_they_are(
    client: AsyncHubClient,
) -> None:
    url = "https://example.com/scripts/sft.py"
    job = await client.run_uv_job(url, script_args=["--lr", "3e-4"], image="my/uv:latest")
    assert job.command == ["uv", "run", url, "--lr", "3e-4"]
    assert job.docker_image == "my/uv:latest"
    tool = await client.run_uv_job("lighteval", script_args=["tasks", "list"])
    assert tool.command == ["uv", "run", "lighteval", "tasks", "list"]


async def test_uv_job_input_errors(client: AsyncHubClient, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.py"):
        await client.run_uv_job(str(tmp_path / "missing.py"))
    big = tmp_path / "big.py"
    big.write_bytes(b"#" * (2 * 1024 * 1024))
    with pytest.raises(HFValidationError, match="at most"):
        await client.run_uv_job(str(big))
    with pytest.raises(HFValidationError, match="/data"):
        await client.run_uv_job(
            str(tmp_path / "x.py") if (tmp_path / "x.py").write_text("1") else "",
            volumes=[{"type": "bucket", "source": "a/b", "mountPath": "/data"}],  # type: ignore[list-item]
        )


def test_the_shipped_files_decode_to_the_originals(tmp_path: Path) -> None:
    from hubclient._jobspec import uv_command

    script = tmp_path / "job.py"
    script.write_bytes(b"print(1)\n\x00binary")
    command, secrets = uv_command(str(script), [], None, None, {"OTHER": "x"}, None)
    files = json.loads(secrets["HF_JOB_FILES"])
    assert base64.b64decode(files["job.py"]) == script.read_bytes()
    assert secrets["OTHER"] == "x"
    assert command[2].endswith("exec uv run /data/job.py")


async def test_sync_job_volume_says_what_it_needs(
    hub: LocalHub, client: AsyncHubClient, tmp_path: Path
) -> None:
    with pytest.raises(HFValidationError, match="absolute"):
        await client.sync_job_volume(tmp_path, "relative")
    with pytest.raises(HFValidationError, match="existing local directory"):
        await client.sync_job_volume(tmp_path / "nope", "/inputs")
    (tmp_path / "input.txt").write_text("x")
    # a client whose requests stay in process cannot upload through Xet (tests/buckets syncs
    # a volume on a served Hub)
    hub.log.clear()
    with pytest.raises(HFValidationError, match="leave the bucket"):
        await client.sync_job_volume(tmp_path, "/inputs", remote_name="../elsewhere")
    with pytest.raises(HFValidationError, match="namespace"):
        await client.sync_job_volume(tmp_path, "/inputs", namespace="alice/x")
    with pytest.raises(XetRequiredError, match="Xet"):
        await client.sync_job_volume(tmp_path, "/inputs")
    assert hub.log.count() == 0  # no bucket was made for a sync that could not happen
