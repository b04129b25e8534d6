"""huggingface_hub 2.4.0 and hubclient read the same Spaces data from the same served Hub."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / "hub"))
    hub.spaces.plan(build_seconds=0.4, start_seconds=0.2)
    try:
        with hub.serve() as served_hub:
            yield served_hub
    finally:
        hub.close()


def _runtime(runtime: Any) -> tuple[Any, ...]:
    return (
        str(runtime.stage),
        None if runtime.hardware is None else str(runtime.hardware),
        str(runtime.requested_hardware),
        runtime.sleep_time,
        runtime.dev_mode,
        runtime.raw,
    )


def test_same_spaces_data_as_huggingface_hub(
    served: ServedHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    from huggingface_hub import HfApi

    space = "alice/diff-space"
    served.hub.seed_repo(space, {"app.py": "print(1)\n"}, repo_type="space")
    api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
    with start_blocking_portal() as portal:
        client = AsyncHubClient(served.hub_url, token=ALICE_TOKEN)

        def call(method: str, *args: Any, **kwargs: Any) -> Any:
            return portal.call(partial(getattr(client, method), *args, **kwargs))

        def lines(*args: Any, **kwargs: Any) -> list[str]:
            async def collect() -> list[str]:
                return [line async for line in client.fetch_space_logs(*args, **kwargs)]

            return portal.call(collect)

        ours = call("wait_for_space", space, timeout=20, poll_interval=0.05)
        theirs = api.wait_for_space(space, timeout=20, poll_interval=0.05)
        assert _runtime(ours) == _runtime(theirs)
        api.add_space_secret(space, "API_KEY", "x", description="d")
        call("add_space_variable", space, "MODEL", "acme/m", description="the model")
        ours_secrets = call("get_space_secrets", space)
        theirs_secrets = api.get_space_secrets(space)
        assert {k: (v.description, v.updated_at) for k, v in ours_secrets.items()} == {
            k: (v.description, v.updated_at) for k, v in theirs_secrets.items()
        }
        ours_vars, theirs_vars = call("get_space_variables", space), api.get_space_variables(space)
        assert {k: (v.value, v.description, v.updated_at) for k, v in ours_vars.items()} == {
            k: (v.value, v.description, v.updated_at) for k, v in theirs_vars.items()
        }
        assert lines(space, build=True) == list(api.fetch_space_logs(space, build=True))
        assert lines(space) == list(api.fetch_space_logs(space))
        ours_hw, theirs_hw = call("list_spaces_hardware"), api.list_spaces_hardware()
        assert [(h.name, h.pretty_name, h.cpu, h.ram, h.unit_cost_micro_usd) for h in ours_hw] == [
            (h.name, h.pretty_name, h.cpu, h.ram, h.unit_cost_micro_usd) for h in theirs_hw
        ]
        assert [(t.name, t.repo_id, t.sdk) for t in call("list_space_templates")] == [
            (t.name, t.repo_id, t.sdk) for t in api.list_space_templates()
        ]
        ours_quota, theirs_quota = call("get_zero_gpu_quota"), api.get_zero_gpu_quota()
        assert (ours_quota.base, ours_quota.remaining) == (
            theirs_quota.base,
            theirs_quota.remaining,
        )
        paused = call("pause_space", space)
        assert _runtime(paused) == _runtime(api.get_space_runtime(space))
        portal.call(client.aclose)
