"""Secrets, variables, volumes, templates, the ZeroGPU quota and duplicate_space."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, SpaceStage, Volume
from hubclient.errors import BadRequestError, HfHubHTTPError, HFValidationError
from hubclient.testing import LocalHub
from tests.spaces.conftest import make_client, new_space

pytestmark = pytest.mark.anyio


async def test_secrets_are_write_only(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    await client.add_space_secret(space, "OPENAI_KEY", "sk-1", description="the key")
    await client.add_space_secret(space, "OPENAI_KEY", "sk-2")  # update keeps the description
    secrets = await client.get_space_secrets(space)
    assert list(secrets) == ["OPENAI_KEY"]
    assert secrets["OPENAI_KEY"].description == "the key"
    assert secrets["OPENAI_KEY"].updated_at is not None
    assert "sk-2" not in str(hub.log.records[-1].response_headers)
    assert hub.spaces.secrets(space) == {"OPENAI_KEY": "sk-2"}  # what the app sees
    await client.delete_space_secret(space, "OPENAI_KEY")
    assert await client.get_space_secrets(space) == {}


async def test_variables_round_trip(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    after_add = await client.add_space_variable(space, "MODEL_ID", "acme/model", description="d")
    assert after_add["MODEL_ID"].value == "acme/model"
    await client.add_space_variable(space, "TEMPERATURE", "0.7")
    variables = await client.get_space_variables(space)
    assert {k: v.value for k, v in variables.items()} == {
        "MODEL_ID": "acme/model",
        "TEMPERATURE": "0.7",
    }
    left = await client.delete_space_variable(space, "MODEL_ID")
    assert list(left) == ["TEMPERATURE"]


@pytest.mark.parametrize("key", ["BAD-KEY", "1STARTS_WITH_DIGIT", "has space", "", "é"])
async def test_a_bad_key_is_refused_before_anything_is_sent(
    hub: LocalHub, client: AsyncHubClient, key: str
) -> None:
    space = new_space(hub)
    before = len(hub.log)
    with pytest.raises(HFValidationError, match="invalid secret key"):
        await client.add_space_secret(space, key, "value")
    with pytest.raises(HFValidationError, match="invalid variable key"):
        await client.add_space_variable(space, key, "value")
    assert len(hub.log) == before


async def test_the_hub_refuses_a_bad_key_too(hub: LocalHub, client: AsyncHubClient) -> None:
    """What a client that does not check (huggingface_hub) gets: the Hub's 400."""
    space = new_space(hub)
    with pytest.raises(BadRequestError, match="Invalid secret key"):
        await client._http.request(
            "POST", f"/api/spaces/{space}/secrets", json={"key": "A-B", "value": "x"}
        )
    assert await client.get_space_secrets(space) == {}


async def test_volumes(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    await client.set_space_volumes(
        space,
        [
            Volume(type="model", source="acme/weights", mount_path="/models", revision="v1"),
            Volume(type="bucket", source="alice/scratch", mount_path="/data"),
        ],
    )
    volumes = (await client.get_space_runtime(space)).volumes
    assert volumes is not None
    assert [(v.type, v.source, v.mount_path, v.read_only) for v in volumes] == [
        ("model", "acme/weights", "/models", True),
        ("bucket", "alice/scratch", "/data", False),
    ]
    assert volumes[0].revision == "v1"
    with pytest.raises(BadRequestError, match="mount path"):
        await client.set_space_volumes(
            space, [Volume(type="model", source="acme/weights", mount_path="relative")]
        )
    await client.delete_space_volumes(space)
    assert (await client.get_space_runtime(space)).volumes is None
    with pytest.raises(BadRequestError, match="no volumes"):
        await client.delete_space_volumes(space)


async def test_templates_hardware_and_quota(hub: LocalHub, client: AsyncHubClient) -> None:
    templates = await client.list_space_templates()
    assert templates
    assert all(t.repo_id.count("/") == 1 and t.sdk for t in templates)
    hardware = await client.list_spaces_hardware()
    t4 = next(hw for hw in hardware if hw.name == "t4-small")
    assert t4.accelerator is not None
    assert t4.accelerator.model == "T4"
    assert t4.unit_cost_micro_usd > 0
    assert t4.unit_label == "minute"
    quota = await client.get_zero_gpu_quota()
    assert quota.base >= quota.remaining > 0
    async with make_client(hub, token=False) as anonymous:
        with pytest.raises(HfHubHTTPError, match="a valid token is required") as caught:
            await anonymous.get_zero_gpu_quota()
    assert caught.value.status_code == 401


async def test_duplicate_space(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    await client.add_space_variable(space, "MODEL_ID", "acme/model")
    await client.add_space_secret(space, "TOKEN", "not copied")
    url = await client.duplicate_space(
        space,
        "acme/demo-copy",
        private=True,
        hardware="t4-small",
        secrets=[{"key": "TOKEN", "value": "mine"}],
    )
    assert (url.repo_type, url.repo_id) == ("space", "acme/demo-copy")
    info = await client.space_info("acme/demo-copy")
    original = await client.space_info(space)
    assert info.private is True
    assert info.sha == original.sha
    runtime = await client.get_space_runtime("acme/demo-copy")
    assert runtime.stage is SpaceStage.BUILDING
    assert runtime.requested_hardware == "t4-small"
    assert list(await client.get_space_variables("acme/demo-copy")) == ["MODEL_ID"]
    assert hub.spaces.secrets("acme/demo-copy") == {"TOKEN": "mine"}
    with pytest.raises(HfHubHTTPError) as caught:
        await client.duplicate_space(space, "acme/demo-copy")
    assert caught.value.status_code == 409
    again = await client.duplicate_space(space, "acme/demo-copy", exist_ok=True)
    assert again.repo_id == "acme/demo-copy"


async def test_duplicate_space_defaults_to_the_callers_namespace(hub: LocalHub) -> None:
    hub.seed_repo("acme/tool", {"app.py": "x"}, repo_type="space")
    async with make_client(hub) as client:
        url = await client.duplicate_space("acme/tool")
    assert url.repo_id == "alice/tool"
