"""huggingface_hub 2.4.0 and hubclient read the same Inference Endpoints data from the same
served Hub (huggingface_hub's endpoints URLs pointed at its endpoints origin)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub
from tests.endpoints.conftest import CPU


def _endpoint(e: Any) -> tuple[Any, ...]:
    return (
        e.name,
        e.namespace,
        e.repository,
        str(e.status),
        e.url,
        e.health_route,
        e.framework,
        e.revision,
        e.task,
        e.created_at,
        e.updated_at,
        str(e.type),
        e.raw,
    )


def test_same_endpoints_data_as_huggingface_hub(
    hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import HfApi, constants

    with hub.serve() as served, start_blocking_portal() as portal:
        monkeypatch.setattr(
            constants, "INFERENCE_ENDPOINTS_ENDPOINT", served.inference_endpoints_url
        )
        monkeypatch.setattr(constants, "INFERENCE_CATALOG_ENDPOINT", served.inference_catalog_url)
        api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
        client = AsyncHubClient(
            served.hub_url,
            token=ALICE_TOKEN,
            inference_endpoints_url=served.inference_endpoints_url,
            inference_catalog_url=served.inference_catalog_url,
        )

        def call(method: str, *args: Any, **kwargs: Any) -> Any:
            return portal.call(partial(getattr(client, method), *args, **kwargs))

        call("create_inference_endpoint", "ours", repository="alice/gpt", **CPU)
        api.create_inference_endpoint("theirs", repository="alice/gpt", **CPU)
        hub.advance(20)
        for name in ("ours", "theirs"):
            assert _endpoint(call("get_inference_endpoint", name)) == _endpoint(
                api.get_inference_endpoint(name)
            )
        assert [_endpoint(e) for e in call("list_inference_endpoints")] == [
            _endpoint(e) for e in api.list_inference_endpoints()
        ]
        theirs_hw = api.list_inference_endpoints_hardware()
        ours_hw = call("list_inference_endpoints_hardware")
        assert [
            {k: getattr(o, k) for k in vars(t)} for o, t in zip(ours_hw, theirs_hw, strict=True)
        ] == [dict(vars(t)) for t in theirs_hw]
        assert len(ours_hw) == len(theirs_hw)
        ours_catalog = call("list_inference_catalog")
        theirs_catalog = api.list_inference_catalog()
        assert [(m.repo_id, m.name, m.author, m.task, m.created_at) for m in ours_catalog] == [
            (m.repo_id, m.name, m.author, m.task, m.created_at) for m in theirs_catalog
        ]
        assert [[r.id for r in m.recipes] for m in ours_catalog] == [
            [r.id for r in m.recipes] for m in theirs_catalog
        ]
        paused = call("pause_inference_endpoint", "ours")
        assert _endpoint(paused) == _endpoint(api.get_inference_endpoint("ours"))
        portal.call(client.aclose)
