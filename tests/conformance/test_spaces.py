"""Spaces: huggingface_hub 2.4.0 drives runtime, hardware, sleep, pause/restart, dev mode,
secrets, variables, volumes, logs (SSE), waits, lists, the quota and duplication."""

from __future__ import annotations

import pytest
from huggingface_hub import SpaceHardware, SpaceStage, Volume
from huggingface_hub.errors import BadRequestError, HfHubHTTPError, RepositoryNotFoundError

from tests.conformance._support import Conformance

pytestmark = pytest.mark.conformance

BUILD = ("step one", "step two", "step three")


def _space(conf: Conformance, stem: str = "space") -> str:
    conf.hub.spaces.plan(build_seconds=0.6, start_seconds=0.3, build_logs=BUILD)
    repo_id = conf.repo_id(stem)
    conf.api.create_repo(repo_id, repo_type="space", space_sdk="gradio")
    conf.api.upload_file(
        path_or_fileobj=b"import gradio\n",
        path_in_repo="app.py",
        repo_id=repo_id,
        repo_type="space",
    )
    return repo_id


def test_a_space_builds_and_runs(conf: Conformance) -> None:
    space = _space(conf)
    first = conf.api.get_space_runtime(space)
    assert first.stage == SpaceStage.BUILDING
    assert first.requested_hardware == SpaceHardware.CPU_BASIC
    assert first.sleep_time == 172800
    runtime = conf.api.wait_for_space(space, timeout=20, poll_interval=0.05)
    assert runtime.stage == SpaceStage.RUNNING
    assert runtime.hardware == SpaceHardware.CPU_BASIC
    info = conf.api.space_info(space)
    assert info.runtime is not None
    assert info.runtime.stage == SpaceStage.RUNNING


def test_hardware_sleep_pause_restart_dev_mode(conf: Conformance) -> None:
    space = _space(conf)
    conf.api.wait_for_space(space, timeout=20, poll_interval=0.05)
    upgraded = conf.api.request_space_hardware(space, SpaceHardware.T4_SMALL, sleep_time=600)
    assert upgraded.requested_hardware == "t4-small"
    assert upgraded.sleep_time == 600
    assert conf.api.wait_for_space(space, timeout=20, poll_interval=0.05).hardware == "t4-small"
    assert conf.api.set_space_sleep_time(space, 3600).sleep_time == 3600
    assert conf.api.pause_space(space).stage == SpaceStage.PAUSED
    assert conf.api.wait_for_space(space, timeout=1).stage == SpaceStage.PAUSED
    assert conf.api.restart_space(space).stage == SpaceStage.APP_STARTING
    assert conf.api.restart_space(space, factory_reboot=True).stage == SpaceStage.BUILDING
    assert conf.api.enable_space_dev_mode(space).dev_mode is True
    assert conf.api.disable_space_dev_mode(space).dev_mode is False
    with pytest.raises(BadRequestError):
        conf.api.request_space_hardware(space, "tpu-v9")  # type: ignore[arg-type]
    with pytest.raises(HfHubHTTPError) as caught:
        conf.bob.restart_space(space)
    assert caught.value.response.status_code == 403


def test_secrets_variables_and_volumes(conf: Conformance) -> None:
    space = _space(conf)
    conf.api.add_space_secret(space, "API_KEY", "s3cr3t", description="the key")
    secrets = conf.api.get_space_secrets(space)
    assert list(secrets) == ["API_KEY"]
    assert secrets["API_KEY"].description == "the key"
    assert secrets["API_KEY"].updated_at is not None
    conf.api.delete_space_secret(space, "API_KEY")
    assert conf.api.get_space_secrets(space) == {}
    added = conf.api.add_space_variable(space, "MODEL_ID", "acme/model", description="m")
    assert added["MODEL_ID"].value == "acme/model"
    assert conf.api.get_space_variables(space)["MODEL_ID"].description == "m"
    assert conf.api.delete_space_variable(space, "MODEL_ID") == {}
    with pytest.raises(BadRequestError):
        conf.api.add_space_secret(space, "NOT-A-NAME", "x")
    conf.api.set_space_volumes(
        space,
        [
            Volume(type="model", source="acme/weights", mount_path="/models"),
            Volume(type="bucket", source="alice/scratch", mount_path="/data", read_only=False),
        ],
    )
    volumes = conf.api.get_space_runtime(space).volumes
    assert [(v.type, v.source, v.mount_path, v.read_only) for v in volumes or []] == [
        ("model", "acme/weights", "/models", True),
        ("bucket", "alice/scratch", "/data", False),
    ]
    conf.api.delete_space_volumes(space)
    assert conf.api.get_space_runtime(space).volumes is None
    with pytest.raises(BadRequestError):
        conf.api.delete_space_volumes(space)


def test_logs(conf: Conformance) -> None:
    space = _space(conf)
    followed = list(conf.api.fetch_space_logs(space, build=True, follow=True))
    assert followed[0].startswith("===== Build Queued at ")
    assert [line.rstrip("\n") for line in followed[1:]] == [*BUILD, "--> Build complete"]
    conf.api.wait_for_space(space, timeout=20, poll_interval=0.05)
    assert list(conf.api.fetch_space_logs(space, build=True)) == followed
    run = list(conf.api.fetch_space_logs(space))
    assert run[0].startswith("===== Application Startup at ")


def test_waiting_on_a_deleted_space(conf: Conformance) -> None:
    space = _space(conf)
    conf.api.delete_repo(space, repo_type="space")
    with pytest.raises(RepositoryNotFoundError):
        conf.api.wait_for_space(space, timeout=5, poll_interval=0.05)


def test_lists_and_the_quota(conf: Conformance) -> None:
    hardware = {hw.name: hw for hw in conf.api.list_spaces_hardware()}
    assert "cpu-basic" in hardware
    accelerator = hardware["t4-small"].accelerator
    assert accelerator is not None
    assert accelerator.model == "T4"
    templates = conf.api.list_space_templates()
    assert all(t.repo_id and t.sdk for t in templates)
    quota = conf.api.get_zero_gpu_quota()
    assert quota.base >= quota.remaining
    with pytest.raises(HfHubHTTPError, match="token is required"):
        conf.anon.get_zero_gpu_quota()


def test_duplicate_a_space(conf: Conformance) -> None:
    space = _space(conf)
    conf.api.add_space_variable(space, "MODEL_ID", "acme/model")
    url = conf.api.duplicate_repo(
        space,
        "acme/copy-of-" + space.split("/")[1],
        repo_type="space",
        private=True,
        space_hardware=SpaceHardware.T4_SMALL,
        space_secrets=[{"key": "TOKEN", "value": "x"}],
    )
    assert url.repo_type == "space"
    copy = url.repo_id
    assert conf.api.space_info(copy).private is True
    assert conf.api.get_space_runtime(copy).requested_hardware == "t4-small"
    assert list(conf.api.get_space_variables(copy)) == ["MODEL_ID"]
    assert list(conf.api.get_space_secrets(copy)) == ["TOKEN"]
    again = conf.api.duplicate_repo(space, copy, repo_type="space", exist_ok=True)
    assert again.repo_id == copy
