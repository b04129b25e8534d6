"""Jobs: huggingface_hub 2.4.0 drives run, inspect, list, wait, logs and metrics (SSE), cancel,
rerun, labels, exposed ports, hardware and scheduled jobs on the served local Hub."""

from __future__ import annotations

import pytest
from huggingface_hub import JobStage
from huggingface_hub.errors import BadRequestError, HfHubHTTPError

from tests.conformance._support import Conformance

pytestmark = pytest.mark.conformance

LINES = ("loading", "training", "saving")


def _plan(conf: Conformance, running_seconds: float = 1.0) -> None:
    conf.hub.jobs.plan(scheduling_seconds=0.2, running_seconds=running_seconds, logs=LINES)


def test_run_wait_inspect_and_logs(conf: Conformance) -> None:
    _plan(conf)
    job = conf.api.run_job(
        image="python:3.12", command=["python", "train.py"], flavor="cpu-upgrade"
    )
    assert job.status.stage == JobStage.SCHEDULING
    assert job.owner.name == "alice"
    assert job.url == f"{conf.endpoint}/jobs/alice/{job.id}"
    followed = list(conf.api.fetch_job_logs(job_id=job.id, follow=True))
    assert followed == list(LINES)
    done = conf.api.wait_for_job(job.id, timeout=20, poll_interval=0.05)
    assert done.status.stage == JobStage.COMPLETED
    assert done.durations is not None
    assert done.durations.running_secs == 1
    assert list(conf.api.fetch_job_logs(job_id=job.id)) == list(LINES)
    assert list(conf.api.fetch_job_logs(job_id=job.id, tail=1)) == [LINES[-1]]
    assert conf.api.inspect_job(job_id=job.id).finished_at is not None


def test_metrics_of_a_running_job(conf: Conformance) -> None:
    _plan(conf, running_seconds=30)
    job = conf.api.run_job(image="ubuntu", command=["sleep", "30"])
    conf.api.wait_for_job(job.id, stages=[JobStage.RUNNING], timeout=20, poll_interval=0.05)
    (sample,) = list(conf.api.fetch_job_metrics(job_id=job.id))
    assert {"cpu_usage_pct", "memory_used_bytes", "replica"} <= set(sample)
    conf.api.cancel_job(job_id=job.id)
    assert conf.api.inspect_job(job_id=job.id).status.stage == JobStage.CANCELED
    assert list(conf.api.fetch_job_metrics(job_id=job.id)) == []  # 406 once it is over


def test_list_labels_expose_rerun_and_errors(conf: Conformance) -> None:
    _plan(conf, running_seconds=30)
    first = conf.api.run_job(image="ubuntu", command=["echo", "a"], labels={"batch": "1"})
    second = conf.api.run_job(image="ubuntu", command=["echo", "b"], labels={"batch": "2"})
    # huggingface_hub's list_jobs asks the module-level whoami (not this HfApi's endpoint and
    # token) for the default namespace: name it
    listed = [job.id for job in conf.api.list_jobs(namespace="alice")]
    assert listed[:2] == [second.id, first.id]
    batch = conf.api.list_jobs(labels={"batch": "1"}, namespace="alice")
    assert [job.id for job in batch] == [first.id]
    relabeled = conf.api.update_job_labels(job_id=first.id, labels={"batch": "9"})
    assert relabeled.labels == {"batch": "9"}
    exposed = conf.api.update_job_expose(job_id=first.id, expose=[8000], expose_public=[7860])
    assert (exposed.expose, exposed.expose_public) == ([8000, 7860], [7860])
    again = conf.api.rerun_job(job_id=first.id)
    assert again.id not in (first.id, second.id)
    assert again.initiator is not None
    assert again.initiator.type == "duplicated-job"
    hardware = {hw.name for hw in conf.api.list_jobs_hardware()}
    assert {"cpu-basic", "a10g-small"} <= hardware
    with pytest.raises(BadRequestError):
        conf.api.run_job(image="ubuntu", command=["echo"], flavor="tpu-v9")
    with pytest.raises(HfHubHTTPError) as caught:
        conf.bob.inspect_job(job_id=first.id, namespace="alice")
    assert caught.value.response.status_code == 403
    for job in (first, second, again):
        conf.api.cancel_job(job_id=job.id)


def test_uv_job_from_a_url(conf: Conformance) -> None:
    _plan(conf)
    job = conf.api.run_uv_job("https://example.com/sft.py", script_args=["--lr", "1e-4"])
    assert job.command == ["uv", "run", "https://example.com/sft.py", "--lr", "1e-4"]
    assert job.docker_image == "ghcr.io/astral-sh/uv:python3.12-bookworm"


def test_scheduled_jobs(conf: Conformance) -> None:
    _plan(conf)
    scheduled = conf.api.create_scheduled_job(
        image="python:3.12", command=["echo", "tick"], schedule="@daily", labels={"env": "prod"}
    )
    assert scheduled.schedule == "@daily"
    assert scheduled.status.next_job_run_at is not None
    assert scheduled.job_spec.docker_image == "python:3.12"
    assert [s.id for s in conf.api.list_scheduled_jobs(labels={"env": "prod"})] == [scheduled.id]
    conf.api.suspend_scheduled_job(scheduled_job_id=scheduled.id)
    assert conf.api.inspect_scheduled_job(scheduled_job_id=scheduled.id).suspend is True
    conf.api.resume_scheduled_job(scheduled_job_id=scheduled.id)
    moved = conf.api.update_scheduled_job_schedule(
        scheduled_job_id=scheduled.id, schedule="0 9 * * 1"
    )
    assert moved.schedule == "0 9 * * 1"
    relabeled = conf.api.update_scheduled_job_labels(
        scheduled_job_id=scheduled.id, labels={"env": "dev"}
    )
    assert relabeled.job_spec.labels == {"env": "dev"}
    run = conf.api.trigger_scheduled_job(scheduled_job_id=scheduled.id)
    assert run.initiator is not None
    assert (run.initiator.type, run.initiator.id) == ("scheduled-job", scheduled.id)
    assert conf.api.wait_for_job(run.id, timeout=20, poll_interval=0.05).status.stage == "COMPLETED"
    uv = conf.api.create_scheduled_uv_job("https://example.com/report.py", schedule="@hourly")
    assert uv.job_spec.command == ["uv", "run", "https://example.com/report.py"]
    conf.api.delete_scheduled_job(scheduled_job_id=scheduled.id)
    conf.api.delete_scheduled_job(scheduled_job_id=uv.id)
    assert conf.api.list_scheduled_jobs() == []
