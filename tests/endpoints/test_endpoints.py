"""Inference Endpoints: create, wait (running and healthy), pause/resume, scale to zero (woken
by a request), update, delete, lists, the catalog, and the errors of each."""

from __future__ import annotations

import time

import anyio
import pytest

from hubclient import (
    AsyncHubClient,
    InferenceEndpoint,
    InferenceEndpointError,
    InferenceEndpointStatus,
    InferenceEndpointTimeoutError,
    WaitTimeoutError,
)
from hubclient.errors import BadRequestError, HfHubHTTPError, HFValidationError
from hubclient.testing import LocalHub
from tests.endpoints.conftest import CPU, advance

pytestmark = pytest.mark.anyio


def _status(endpoint: InferenceEndpoint) -> object:
    """The status now (a method call updated it in place: no narrowing from an earlier look)."""
    return endpoint.status


async def test_an_endpoint_deploys_and_wait_returns_when_it_answers(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    endpoint = await client.create_inference_endpoint("my-ep", repository="alice/gpt", **CPU)
    assert isinstance(endpoint, InferenceEndpoint)
    assert endpoint.status is InferenceEndpointStatus.PENDING
    assert (endpoint.name, endpoint.namespace, endpoint.repository) == (
        "my-ep",
        "alice",
        "alice/gpt",
    )
    assert endpoint.url is None
    assert endpoint.type == "authenticated"
    async with anyio.create_task_group() as tg:
        tg.start_soon(advance, hub, 12)
        same = await endpoint.wait(timeout=10, refresh_every=0.005)
    assert same is endpoint  # updated in place, as huggingface_hub's
    assert _status(endpoint) is InferenceEndpointStatus.RUNNING
    assert endpoint.url == "http://endpoints.local/inference/alice/my-ep"
    health = hub.log.filter(origin="endpoints", path=r"/inference/alice/my-ep/health$")
    assert [r.status for r in health][-1] == 200
    assert all(r.headers.get("authorization") for r in health)  # authenticated: the token goes


async def test_a_failed_deployment_raises(hub: LocalHub, client: AsyncHubClient) -> None:
    hub.endpoints.plan("broken", outcome="failed", message="OOM while loading the weights")
    endpoint = await client.create_inference_endpoint("broken", repository="alice/gpt", **CPU)
    hub.advance(20)
    with pytest.raises(InferenceEndpointError, match="failed to deploy: OOM"):
        await endpoint.wait(timeout=5, refresh_every=0.01)
    assert endpoint.status is InferenceEndpointStatus.PENDING  # not updated by a failed wait


async def test_a_wait_times_out_with_the_endpoint(hub: LocalHub, client: AsyncHubClient) -> None:
    endpoint = await client.create_inference_endpoint("slow", repository="alice/gpt", **CPU)
    started = time.monotonic()
    with pytest.raises(InferenceEndpointTimeoutError) as caught:
        await endpoint.wait(timeout=0.2, refresh_every=0.05)
    assert time.monotonic() - started < 5
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, WaitTimeoutError)
    assert isinstance(caught.value.last, InferenceEndpoint)
    with pytest.raises(ValueError, match="positive"):
        await endpoint.wait(refresh_every=0)


async def test_pause_resume_scale_to_zero_update_delete(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    endpoint = await client.create_inference_endpoint("ep", repository="alice/gpt", **CPU)
    hub.advance(10)
    await endpoint.fetch()
    assert endpoint.status is InferenceEndpointStatus.RUNNING
    again = await client.resume_inference_endpoint("ep")  # already running: fine
    assert again.status is InferenceEndpointStatus.RUNNING
    with pytest.raises(BadRequestError, match="already running"):
        await client.resume_inference_endpoint("ep", running_ok=False)
    await endpoint.pause()
    assert (endpoint.status, endpoint.url) == (InferenceEndpointStatus.PAUSED, None)
    await endpoint.resume()
    assert _status(endpoint) is InferenceEndpointStatus.PENDING
    hub.advance(10)
    await endpoint.scale_to_zero()
    assert _status(endpoint) is InferenceEndpointStatus.SCALED_TO_ZERO
    assert endpoint.url is not None
    # waiting on it sends a request to its health route, which wakes it (a cold start)
    async with anyio.create_task_group() as tg:
        tg.start_soon(advance, hub, 4)
        await endpoint.wait(timeout=10, refresh_every=0.005)
    assert endpoint.status is InferenceEndpointStatus.RUNNING
    updated = await endpoint.update(min_replica=0, max_replica=3, revision="v2")
    assert updated.status is InferenceEndpointStatus.UPDATING
    assert endpoint.raw["compute"]["scaling"]["maxReplica"] == 3
    assert endpoint.revision == "v2"
    hub.advance(5)
    assert (await endpoint.fetch()).status is InferenceEndpointStatus.RUNNING
    await endpoint.delete()
    with pytest.raises(HfHubHTTPError) as gone:
        await client.get_inference_endpoint("ep")
    assert gone.value.status_code == 404
    assert await client.list_inference_endpoints() == []


async def test_lists_hardware_and_the_catalog(hub: LocalHub, client: AsyncHubClient) -> None:
    await client.create_inference_endpoint("mine", repository="alice/gpt", **CPU)
    await client.create_inference_endpoint("ours", repository="alice/gpt", namespace="acme", **CPU)
    assert [e.name for e in await client.list_inference_endpoints()] == ["mine"]
    everything = await client.list_inference_endpoints("*")
    assert sorted((e.namespace, e.name) for e in everything) == [
        ("acme", "ours"),
        ("alice", "mine"),
    ]
    hardware = await client.list_inference_endpoints_hardware()
    gpu = next(h for h in hardware if h.id == "aws-us-east-1-nvidia-l4-x1")
    assert (gpu.vendor, gpu.region, gpu.instance_type, gpu.instance_size) == (
        "aws",
        "us-east-1",
        "nvidia-l4",
        "x1",
    )
    assert (gpu.gpu_memory_gb, gpu.max_accelerators) == (24, 16)
    assert any(h.status == "reserved" for h in hardware)
    catalog = await client.list_inference_catalog(engine="llamacpp")
    assert [m.repo_id for m in catalog] == ["Qwen/Qwen2.5-Coder-7B-Instruct"]
    assert {r.engine for r in catalog[0].recipes} == {"vllm", "llamacpp"}
    deployed = await client.create_inference_endpoint_from_catalog(
        "Qwen/Qwen2.5-Coder-7B-Instruct", accelerator="cpu", name="qwen-cpu"
    )
    assert (deployed.name, deployed.repository) == ("qwen-cpu", "Qwen/Qwen2.5-Coder-7B-Instruct")
    assert deployed.raw["compute"]["instanceType"] == "intel-spr"
    by_recipe = await client.create_inference_endpoint_from_catalog(recipe_id="tidy-kiwi-bge5m4ll")
    assert by_recipe.repository == "BAAI/bge-small-en-v1.5"


async def test_bad_input_is_refused(hub: LocalHub, client: AsyncHubClient) -> None:
    await client.create_inference_endpoint("taken", repository="alice/gpt", **CPU)
    with pytest.raises(HfHubHTTPError) as taken:
        await client.create_inference_endpoint("taken", repository="alice/gpt", **CPU)
    assert taken.value.status_code == 409
    with pytest.raises(BadRequestError, match="Invalid compute"):
        await client.create_inference_endpoint(
            "x", repository="alice/gpt", **{**CPU, "instance_type": "nvidia-h1000"}
        )
    with pytest.raises(BadRequestError, match="not found on the Hub"):
        await client.create_inference_endpoint("y", repository="alice/nothing", **CPU)
    with pytest.raises(BadRequestError, match="Invalid endpoint name"):
        await client.create_inference_endpoint("Upper_Case", repository="alice/gpt", **CPU)
    before = len(hub.log)
    with pytest.raises(HFValidationError, match="protected"):
        await client.create_inference_endpoint("z", repository="alice/gpt", type="protected", **CPU)
    with pytest.raises(HFValidationError, match="exactly one"):
        await client.create_inference_endpoint_from_catalog()
    with pytest.raises(HFValidationError, match="token=False"):
        await client.create_inference_endpoint_from_catalog("a/b", token=False)
    with pytest.raises(HFValidationError, match="at least one"):
        await client.update_inference_endpoint("taken")
    with pytest.raises(HFValidationError, match="endpoint name"):
        await client.get_inference_endpoint("../../v2/provider/alice")
    assert len(hub.log) == before  # refused before anything was sent
