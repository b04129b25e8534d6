"""huggingface_hub 2.4's run_uv_job with a local script on the served local Hub: the script goes
to the jobs-artifacts bucket through Xet, the job mounts it at /data and runs it from there;
hubclient reads the same job and the same bytes back."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import JobStage, constants

from hubclient import HubClient, HubSettings
from hubclient.testing import ServedHub
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance

SCRIPT = b"print('training')\n"


@pytest.fixture(autouse=True)
def _xet_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    monkeypatch.setenv("HF_XET_TELEMETRY_ENABLED", "false")


def test_a_local_uv_script_travels_in_the_artifacts_bucket(
    conf: Conformance, served_hub: ServedHub, tmp_path: Path
) -> None:
    conf.hub.jobs.plan(scheduling_seconds=0.2, running_seconds=0.5, logs=("training",))
    script = tmp_path / "train.py"
    script.write_bytes(SCRIPT)
    job = conf.api.run_uv_job(str(script), script_args=["--lr", "0.1"], namespace="alice")
    assert job.command is not None
    assert job.command[-3:] == ["/data/train.py", "--lr", "0.1"]
    (volume,) = job.volumes or []
    assert (volume.type, volume.source, volume.mount_path) == (
        "bucket",
        "alice/jobs-artifacts",
        "/data",
    )
    done = conf.api.wait_for_job(job.id, timeout=20, poll_interval=0.05, namespace="alice")
    assert done.status.stage == JobStage.COMPLETED

    settings = HubSettings.from_env(
        endpoint=served_hub.hub_url,
        token=ALICE_TOKEN,
        hub_cache=tmp_path / "hubclient-cache",
        disable_progress_bars=True,
    )
    with HubClient(settings=settings) as client:
        ours = client.inspect_job(job_id=job.id)
        assert ours.command == job.command
        assert [v.to_dict() for v in ours.volumes or []] == [volume.to_dict()]
        remote = f"{volume.path}/train.py" if volume.path else "train.py"
        client.download_bucket_files("alice/jobs-artifacts", [(remote, tmp_path / "back.py")])
    assert (tmp_path / "back.py").read_bytes() == SCRIPT
    assert conf.api.bucket_info("alice/jobs-artifacts").private is True
