"""Waiting on Inference Endpoints as a structured wait: cancelled at once, many at once on one
pool and one 429 gate (and one whoami), an endpoint deleted while it is waited on."""

from __future__ import annotations

import anyio
import pytest

from hubclient import (
    AsyncHubClient,
    HfHubHTTPError,
    InferenceEndpoint,
    InferenceEndpointStatus,
)
from hubclient.testing import FaultRule, LocalHub
from tests.endpoints.conftest import CPU, make_client

pytestmark = pytest.mark.anyio


async def test_cancelling_a_wait_stops_it_at_once(hub: LocalHub, client: AsyncHubClient) -> None:
    endpoint = await client.create_inference_endpoint("stuck", repository="alice/gpt", **CPU)
    # the hub's clock never moves: it stays pending, and the wait has no timeout
    with anyio.move_on_after(0.3) as scope:
        await endpoint.wait(timeout=None, refresh_every=0.01)
    assert scope.cancelled_caught
    looks = hub.log.count(origin="endpoints")
    assert looks >= 2  # it was polling
    await anyio.sleep(0.1)
    assert hub.log.count(origin="endpoints") == looks  # and nothing polls on after the cancel
    assert endpoint.status is InferenceEndpointStatus.PENDING


async def test_many_waits_share_the_pool_the_429_gate_and_one_whoami(hub: LocalHub) -> None:
    names = [f"many-{i}" for i in range(16)]
    for i, name in enumerate(names):
        hub.endpoints.plan(name, pending_seconds=1, initializing_seconds=2 + i % 5)
    rule = hub.faults.add(
        FaultRule(status=429, retry_after=1, origin="endpoints", path=r"/endpoint/", skip=40)
    )
    done: dict[str, InferenceEndpoint] = {}
    async with make_client(hub, max_connections=4) as client:

        async def deploy_and_wait(name: str) -> None:
            endpoint = await client.create_inference_endpoint(name, repository="alice/gpt", **CPU)
            done[name] = await endpoint.wait(timeout=30, refresh_every=0.02)

        async def advance() -> None:
            while len(done) < len(names):
                await anyio.sleep(0.05)
                hub.advance(0.5)

        async with anyio.create_task_group() as tg:
            tg.start_soon(advance)
            for name in names:
                tg.start_soon(deploy_and_wait, name)
    assert {e.status for e in done.values()} == {InferenceEndpointStatus.RUNNING}
    assert hub.log.count(path=r"/api/whoami-v2$") == 1  # the default namespace, asked once
    assert hub.faults.fired(rule) == 1
    assert hub.log.max_in_flight(origin="endpoints") <= 4  # one pool of 4 for 16 waits
    (limited,) = hub.log.filter(origin="endpoints", status=429)
    # after the 429, no wait looked again until Retry-After was over (slack for clock readings)
    window = (limited.ended + 0.3, limited.ended + 0.9)
    looks = hub.log.filter(origin="endpoints", path=r"/endpoint/")
    assert not [r for r in looks if window[0] < r.started < window[1]]


async def test_an_endpoint_deleted_while_waited_on(hub: LocalHub, client: AsyncHubClient) -> None:
    endpoint = await client.create_inference_endpoint("gone", repository="alice/gpt", **CPU)

    async def delete_soon() -> None:
        await anyio.sleep(0.05)
        await client.delete_inference_endpoint("gone")

    async with anyio.create_task_group() as tg:
        tg.start_soon(delete_soon)
        with pytest.raises(HfHubHTTPError) as caught:
            await endpoint.wait(timeout=10, refresh_every=0.01)
    assert caught.value.status_code == 404
    assert "alice/gone" in str(caught.value)
