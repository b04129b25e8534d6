"""Space logs: replayed, followed live, resumed after a cut, typed when they cannot be."""

from __future__ import annotations

import anyio
import pytest

from hubclient import AsyncHubClient, HubClient
from hubclient.errors import LogStreamError, RepositoryNotFoundError
from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub
from tests.spaces.conftest import new_space

pytestmark = pytest.mark.anyio

BUILD_LINES = [f"step {i}" for i in range(8)]


def _plan(hub: LocalHub) -> None:
    hub.spaces.plan(build_seconds=10, start_seconds=2, build_logs=tuple(BUILD_LINES))


async def test_no_follow_gives_what_is_logged_so_far(hub: LocalHub, client: AsyncHubClient) -> None:
    _plan(hub)
    space = new_space(hub)
    hub.advance(3.5)  # a line per clock second: the header and three steps are out
    lines = [line async for line in client.fetch_space_logs(space, build=True)]
    assert lines[0].startswith("===== Build Queued at ")
    assert lines[1:] == [f"{text}\n" for text in BUILD_LINES[:3]]
    assert [line async for line in client.fetch_space_logs(space)] == []  # not started yet


async def test_follow_reads_until_the_build_is_over(hub: LocalHub, client: AsyncHubClient) -> None:
    """In-process, each answer ends with what is ready: following means resuming."""
    _plan(hub)
    space = new_space(hub)
    seen: list[str] = []

    async def follow() -> None:
        async for line in client.fetch_space_logs(
            space, build=True, follow=True, poll_interval=0.01
        ):
            seen.append(line)

    async with anyio.create_task_group() as tg:
        tg.start_soon(follow)
        for _ in range(12):
            await anyio.sleep(0.02)
            hub.advance(1)
    assert [line.rstrip("\n") for line in seen[1:]] == [*BUILD_LINES, "--> Build complete"]
    assert len(set(seen)) == len(seen)  # every line once


async def test_follow_on_sockets_is_live(hub: LocalHub) -> None:
    """Served, the stream stays open and lines come as the clock reaches them."""
    _plan(hub)
    space = new_space(hub)
    with hub.serve() as served, anyio.fail_after(60):
        async with AsyncHubClient(served.hub_url, token=ALICE_TOKEN) as client:
            got: list[str] = []
            arrived = anyio.Event()
            async with anyio.create_task_group() as tg:

                async def follow() -> None:
                    nonlocal arrived
                    async for line in client.fetch_space_logs(space, build=True, follow=True):
                        got.append(line)
                        arrived.set()

                tg.start_soon(follow)
                for step in range(1, 10):
                    hub.advance(1)
                    with anyio.fail_after(10):
                        while len(got) < min(step + 1, 10):
                            await arrived.wait()
                            arrived = anyio.Event()
                    # no connection has ended yet (the log records one when it ends): the
                    # lines came live on the first one, not from reconnects
                    assert hub.log.count(path=r"/logs/build$") == 0
                hub.advance(5)  # the app starts: the stream ends, and so does the follow
    assert len(got) == 10
    assert got[-1] == "--> Build complete\n"


async def test_a_stream_cut_mid_line_is_resumed(hub: LocalHub, client: AsyncHubClient) -> None:
    _plan(hub)
    space = new_space(hub)
    hub.advance(20)
    whole = [line async for line in client.fetch_space_logs(space, build=True)]
    rule = hub.faults.add(FaultRule(action="truncate", path=r"/logs/build$", after_bytes=150))
    again = [line async for line in client.fetch_space_logs(space, build=True)]
    assert hub.faults.fired(rule) == 1
    assert again == whole  # nothing lost, nothing twice, no half line


async def test_a_stream_that_keeps_breaking_is_a_typed_error(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    _plan(hub)
    space = new_space(hub)
    hub.advance(20)
    hub.faults.add(FaultRule(action="truncate", path=r"/logs/build$", after_bytes=150, times=None))
    got: list[str] = []

    async def read() -> None:
        async for line in client.fetch_space_logs(space, build=True, max_reconnects=3):
            got.append(line)

    with pytest.raises(LogStreamError, match="broke 4 times in a row") as caught:
        await read()
    assert caught.value.events == len(got) >= 1
    assert hub.log.count(path=r"/logs/build$") == 4


async def test_following_a_deleted_space_is_a_typed_error(
    hub: LocalHub, client: AsyncHubClient
) -> None:
    _plan(hub)
    space = new_space(hub)

    async def follow_and_delete() -> None:
        async for _ in client.fetch_space_logs(space, build=True, follow=True, poll_interval=0.01):
            await client.delete_repo(space, repo_type="space")

    with pytest.raises(RepositoryNotFoundError):
        await follow_and_delete()


async def test_cancelling_a_follow_stops_at_once(hub: LocalHub) -> None:
    _plan(hub)
    space = new_space(hub)
    with hub.serve() as served:
        async with AsyncHubClient(served.hub_url, token=ALICE_TOKEN) as client:
            with anyio.move_on_after(0.3) as scope:
                async for _ in client.fetch_space_logs(space, build=True, follow=True):
                    pass
            assert scope.cancelled_caught


def test_the_sync_facade_iterates(hub: LocalHub) -> None:
    _plan(hub)
    space = new_space(hub)
    hub.advance(20)
    with hub.serve() as served, HubClient(served.hub_url, token=ALICE_TOKEN) as client:
        lines = list(client.fetch_space_logs(space))
    assert lines[0].startswith("===== Application Startup at ")
