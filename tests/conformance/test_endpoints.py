"""Inference Endpoints: huggingface_hub 2.4.0, its endpoints URLs pointed at the local Hub's
endpoints origin, drives create, get, list, update, pause, resume, scale to zero, delete,
InferenceEndpoint.wait() (health route included), the hardware list and the catalog."""

from __future__ import annotations

from typing import Any

import pytest
from huggingface_hub import InferenceEndpointStatus, constants
from huggingface_hub.errors import BadRequestError, HfHubHTTPError, InferenceEndpointError

from hubclient.testing import ServedHub
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance

CPU: dict[str, Any] = {
    "framework": "pytorch",
    "accelerator": "cpu",
    "instance_size": "x2",
    "instance_type": "intel-icl",
    "region": "us-east-1",
    "vendor": "aws",
    "task": "text-generation",
}


@pytest.fixture(autouse=True)
def _endpoints_origin(
    served_hub: ServedHub, conf: Conformance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """huggingface_hub reads no environment variable for these: its constants are patched."""
    monkeypatch.setattr(
        constants, "INFERENCE_ENDPOINTS_ENDPOINT", served_hub.inference_endpoints_url
    )
    monkeypatch.setattr(constants, "INFERENCE_CATALOG_ENDPOINT", served_hub.inference_catalog_url)
    conf.hub.endpoints.plan(pending_seconds=0.2, initializing_seconds=0.3, cold_start_seconds=0.3)
    conf.hub.seed_repo("alice/gpt", {"config.json": "{}"})


def test_deploy_wait_and_manage(conf: Conformance) -> None:
    # huggingface_hub 2.4.0 builds the endpoint with a fresh default HfApi: without an explicit
    # token, its fetch()/wait()/pause() go out with the machine's token, not this HfApi's
    endpoint = conf.api.create_inference_endpoint(
        "hf-ep", repository="alice/gpt", token=ALICE_TOKEN, **CPU
    )
    assert endpoint.status == InferenceEndpointStatus.PENDING
    assert (endpoint.namespace, endpoint.repository, endpoint.health_route) == (
        "alice",
        "alice/gpt",
        "/health",
    )
    endpoint.wait(timeout=20, refresh_every=0.05)  # type: ignore[arg-type]
    assert str(endpoint.status) == InferenceEndpointStatus.RUNNING
    assert endpoint.url is not None
    assert endpoint.url.endswith("/inference/alice/hf-ep")
    assert [e.name for e in conf.api.list_inference_endpoints()] == ["hf-ep"]
    assert conf.api.get_inference_endpoint("hf-ep").status == "running"
    assert endpoint.pause().status == InferenceEndpointStatus.PAUSED
    assert endpoint.resume().status == InferenceEndpointStatus.PENDING
    endpoint.wait(timeout=20, refresh_every=0.05)  # type: ignore[arg-type]
    assert conf.api.resume_inference_endpoint("hf-ep").status == "running"  # running_ok
    with pytest.raises(BadRequestError):
        conf.api.resume_inference_endpoint("hf-ep", running_ok=False)
    assert endpoint.scale_to_zero().status == InferenceEndpointStatus.SCALED_TO_ZERO
    updated = endpoint.update(min_replica=0, max_replica=2)
    assert updated.status == InferenceEndpointStatus.UPDATING
    assert updated.raw["compute"]["scaling"]["maxReplica"] == 2
    endpoint.delete()
    with pytest.raises(HfHubHTTPError) as gone:
        conf.api.get_inference_endpoint("hf-ep")
    assert gone.value.response.status_code == 404


def test_a_failed_deployment(conf: Conformance) -> None:
    conf.hub.endpoints.plan("hf-broken", outcome="failed")
    endpoint = conf.api.create_inference_endpoint(
        "hf-broken", repository="alice/gpt", token=ALICE_TOKEN, **CPU
    )
    with pytest.raises(InferenceEndpointError, match="failed to deploy"):
        endpoint.wait(timeout=20, refresh_every=0.05)  # type: ignore[arg-type]


def test_hardware_catalog_and_errors(conf: Conformance) -> None:
    hardware = conf.api.list_inference_endpoints_hardware()
    assert "aws-us-east-1-nvidia-l4-x1" in [h.id for h in hardware]
    catalog = conf.api.list_inference_catalog(task="text-generation")
    assert [m.repo_id for m in catalog] == ["Qwen/Qwen2.5-Coder-7B-Instruct"]
    deployed = conf.api.create_inference_endpoint_from_catalog(
        recipe_id=catalog[0].recipes[0].id, name="hf-qwen"
    )
    assert deployed.repository == "Qwen/Qwen2.5-Coder-7B-Instruct"
    with pytest.raises(BadRequestError):
        conf.api.create_inference_endpoint(
            "hf-bad", repository="alice/gpt", **{**CPU, "instance_size": "x999"}
        )
    with pytest.raises(HfHubHTTPError) as taken:
        conf.api.create_inference_endpoint("hf-qwen", repository="alice/gpt", **CPU)
    assert taken.value.response.status_code == 409
