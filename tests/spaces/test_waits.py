"""wait_for_space: a timeout, a poll interval, cancellation at once, one pool and one 429 gate."""

from __future__ import annotations

import time

import anyio
import pytest

from hubclient import AsyncHubClient, SpaceRuntime, SpaceStage, WaitTimeoutError
from hubclient.errors import RepositoryNotFoundError
from hubclient.testing import FaultRule, LocalHub
from tests.spaces.conftest import make_client, new_space

pytestmark = pytest.mark.anyio


async def test_a_wait_returns_the_stage_that_ends_it(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)

    async def advance() -> None:
        for _ in range(20):
            await anyio.sleep(0.01)
            hub.advance(1)

    async with anyio.create_task_group() as tg:
        tg.start_soon(advance)
        runtime = await client.wait_for_space(space, timeout=10, poll_interval=0.005)
    assert runtime.stage is SpaceStage.RUNNING


async def test_a_wait_times_out_with_the_last_runtime(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    space = new_space(hub)  # the clock never moves: it builds forever
    started = time.monotonic()
    expected = r"still in stage 'BUILDING' after 0\.3 seconds"
    with pytest.raises(WaitTimeoutError, match=expected) as e:
        await client.wait_for_space(space, timeout=0.3, poll_interval=0.05)
    assert 0.3 <= time.monotonic() - started < 5
    assert isinstance(e.value, TimeoutError)
    assert isinstance(e.value.last, SpaceRuntime)
    assert e.value.last.stage is SpaceStage.BUILDING
    looks = hub.log.count(path=r"/runtime$")
    assert 3 <= looks <= 10


async def test_timeout_zero_looks_once(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    with pytest.raises(WaitTimeoutError):
        await client.wait_for_space(space, timeout=0)
    assert hub.log.count(path=r"/runtime$") == 1
    hub.advance(60)
    assert (await client.wait_for_space(space, timeout=0)).stage is SpaceStage.RUNNING


async def test_bad_arguments_send_nothing(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    with pytest.raises(ValueError, match="negative"):
        await client.wait_for_space(space, timeout=-1)
    with pytest.raises(ValueError, match="positive"):
        await client.wait_for_space(space, poll_interval=0)
    assert hub.log.count(path=r"/runtime$") == 0


async def test_cancelling_a_wait_stops_it_at_once(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    started = time.monotonic()
    with anyio.move_on_after(0.2):
        await client.wait_for_space(space, poll_interval=60)
    assert time.monotonic() - started < 2


async def test_waiting_on_a_space_deleted_meanwhile(hub: LocalHub, client: AsyncHubClient) -> None:
    space = new_space(hub)
    caught: list[RepositoryNotFoundError] = []

    async def wait() -> None:
        try:
            await client.wait_for_space(space, timeout=10, poll_interval=0.01)
        except RepositoryNotFoundError as err:
            caught.append(err)

    async with anyio.create_task_group() as tg:
        tg.start_soon(wait)
        await anyio.sleep(0.05)
        await client.delete_repo(space, repo_type="space")
    assert len(caught) == 1
    assert caught[0].status_code == 404


async def test_many_waits_share_the_pool_and_the_429_gate(hub: LocalHub) -> None:
    spaces = [new_space(hub, f"alice/many-{i}") for i in range(24)]
    rule = hub.faults.add(FaultRule(status=429, retry_after=1, path=r"/runtime$", skip=30))
    results: dict[str, SpaceRuntime] = {}
    async with make_client(hub, max_connections=4) as client:

        async def wait(space: str) -> None:
            results[space] = await client.wait_for_space(space, timeout=30, poll_interval=0.02)

        async def advance() -> None:
            while len(results) < len(spaces):
                await anyio.sleep(0.05)
                hub.advance(0.5)

        async with anyio.create_task_group() as tg:
            tg.start_soon(advance)
            for space in spaces:
                tg.start_soon(wait, space)
    assert all(r.stage is SpaceStage.RUNNING for r in results.values())
    assert hub.faults.fired(rule) == 1
    assert hub.log.max_in_flight(path=r"/runtime$") <= 4  # one pool of 4 for 24 waits
    (limited,) = hub.log.filter(path=r"/runtime$", status=429)
    # after the 429, no wait looked again until Retry-After was over (slack for clock readings)
    window = (limited.ended + 0.3, limited.ended + 0.9)
    assert not [r for r in hub.log.filter(path=r"/runtime$") if window[0] < r.started < window[1]]
