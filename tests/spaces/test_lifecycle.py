"""A Space's runtime through its lifecycle, on the local Hub's manual clock."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, SpaceHardware, SpaceRuntime, SpaceStage
from hubclient.errors import BadRequestError, HfHubHTTPError, RepositoryNotFoundError
from hubclient.testing import BOB_TOKEN, LocalHub
from tests.spaces.conftest import make_client, new_space

pytestmark = pytest.mark.anyio


async def test_a_new_space_builds_starts_and_runs(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    first = await client.get_space_runtime(space)
    assert first.stage is SpaceStage.BUILDING
    assert first.hardware is None
    assert first.requested_hardware is SpaceHardware.CPU_BASIC
    assert first.sleep_time == 172800  # cpu-basic sleeps after 48 h, fixed
    hub.advance(10)
    assert (await client.get_space_runtime(space)).stage is SpaceStage.APP_STARTING
    hub.advance(2)
    running = await client.get_space_runtime(space)
    assert running.stage is SpaceStage.RUNNING
    assert running.hardware is SpaceHardware.CPU_BASIC
    assert running.raw["replicas"] == {"current": 1, "requested": 1}
    info = await client.space_info(space)
    assert info.runtime is not None
    assert info.runtime.stage == "RUNNING"


async def test_a_space_without_its_app_file_says_so(hub: LocalHub, client: AsyncHubClient) -> None:
    hub.seed_repo("alice/empty", {"README.md": "# nothing to run\n"}, repo_type="space")
    assert (await client.get_space_runtime("alice/empty")).stage is SpaceStage.NO_APP_FILE


@pytest.mark.parametrize("outcome", ["BUILD_ERROR", "RUNTIME_ERROR"])
async def test_failures_are_stages(hub: LocalHub, client: AsyncHubClient, outcome: str) -> None:
    hub.spaces.plan("alice/broken", outcome=outcome, error="ModuleNotFoundError: torch")
    space = new_space(hub, "alice/broken")
    hub.advance(30)
    runtime = await client.wait_for_space(space, timeout=1)
    assert runtime.stage == outcome
    assert runtime.hardware is None
    logs = [line async for line in client.fetch_space_logs(space, build=outcome == "BUILD_ERROR")]
    assert any("ModuleNotFoundError: torch" in line for line in logs)


async def test_a_new_commit_rebuilds_a_running_space(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    hub.advance(12)
    await client.upload_file(
        path_or_fileobj=b"print(2)\n", path_in_repo="app.py", repo_id=space, repo_type="space"
    )
    assert (await client.get_space_runtime(space)).stage is SpaceStage.RUNNING_BUILDING
    hub.advance(10)
    assert (await client.get_space_runtime(space)).stage is SpaceStage.RUNNING_APP_STARTING
    hub.advance(2)
    assert (await client.get_space_runtime(space)).stage is SpaceStage.RUNNING


async def test_hardware_sleep_pause_restart_dev_mode(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    hub.advance(12)
    upgraded = await client.request_space_hardware(space, "t4-small", sleep_time=3600)
    assert upgraded.requested_hardware is SpaceHardware.T4_SMALL
    assert upgraded.stage is SpaceStage.APP_STARTING
    assert upgraded.sleep_time == 3600
    hub.advance(2)
    runtime = await client.get_space_runtime(space)
    assert (runtime.stage, runtime.hardware) == (SpaceStage.RUNNING, SpaceHardware.T4_SMALL)
    assert (await client.set_space_sleep_time(space, -1)).sleep_time == -1
    paused = await client.pause_space(space)
    assert (paused.stage, paused.hardware) == (SpaceStage.PAUSED, None)
    hub.advance(100)
    assert (await client.get_space_runtime(space)).stage is SpaceStage.PAUSED
    restarted = await client.restart_space(space)
    assert restarted.stage is SpaceStage.APP_STARTING
    rebuilt = await client.restart_space(space, factory_reboot=True)
    assert rebuilt.stage is SpaceStage.BUILDING
    assert (await client.enable_space_dev_mode(space)).dev_mode is True
    assert (await client.disable_space_dev_mode(space)).dev_mode is False


async def test_hardware_the_hub_does_not_offer_is_refused(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    space = new_space(hub)
    with pytest.raises(BadRequestError, match="Invalid hardware flavor") as caught:
        await client.request_space_hardware(space, "tpu-v9")
    assert caught.value.status_code == 400
    assert (await client.get_space_runtime(space)).requested_hardware == "cpu-basic"
    offered = {hw.name for hw in await client.list_spaces_hardware()}
    assert {"cpu-basic", "t4-small", "zero-a10g"} <= offered
    assert "tpu-v9" not in offered


async def test_static_spaces_always_run(hub: LocalHub, client: AsyncHubClient) -> None:
    await client.create_repo("alice/site", repo_type="space", space_sdk="static")
    await client.upload_file(
        path_or_fileobj=b"<h1>hi</h1>",
        path_in_repo="index.html",
        repo_id="alice/site",
        repo_type="space",
    )
    assert (await client.get_space_runtime("alice/site")).stage is SpaceStage.RUNNING
    with pytest.raises(BadRequestError, match="static"):
        await client.pause_space("alice/site")


async def test_only_the_owner_manages_a_space(hub: LocalHub) -> None:
    space = new_space(hub)
    async with make_client(hub, token=BOB_TOKEN) as bob:
        assert (await bob.get_space_runtime(space)).stage is SpaceStage.BUILDING  # public
        with pytest.raises(HfHubHTTPError) as caught:
            await bob.restart_space(space)
        assert caught.value.status_code == 403
        with pytest.raises(HfHubHTTPError):
            await bob.get_space_secrets(space)
    async with make_client(hub, token=False) as anonymous:
        with pytest.raises(RepositoryNotFoundError):
            await anonymous.get_space_runtime("alice/nothing-here")


async def test_unknown_stages_and_hardware_parse() -> None:
    runtime = SpaceRuntime.model_validate(
        {"stage": "HIBERNATING", "hardware": {"current": "qpu-1", "requested": "qpu-1"}}
    )
    assert runtime.stage == "HIBERNATING"
    assert not runtime.stage.known
    assert runtime.hardware == "qpu-1"
    assert runtime.requested_hardware is not None
    assert SpaceStage.RUNNING.known
