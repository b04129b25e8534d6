"""Retries, backoff, the 429 gate, and what is never retried (fault injection on the local Hub)."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from hubclient import (
    AsyncHubClient,
    HfHubHTTPError,
    RateLimitedError,
)
from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub

from .conftest import make_client

pytestmark = pytest.mark.anyio

INFO_PATH = r"^/api/models/alice/model$"


async def test_503_is_retried(client: AsyncHubClient, local_hub: LocalHub, model_sha: str) -> None:
    rule = local_hub.faults.add(FaultRule(status=503, path=INFO_PATH, times=2))
    local_hub.log.clear()
    assert (await client.model_info("alice/model")).sha == model_sha
    assert local_hub.faults.fired(rule) == 2
    assert [r.status for r in local_hub.log.filter(path=INFO_PATH)] == [503, 503, 200]


@pytest.mark.parametrize("status", [500, 502, 504, 408])
async def test_other_transient_statuses_are_retried(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str, status: int
) -> None:
    local_hub.faults.add(FaultRule(status=status, path=INFO_PATH, times=1))
    local_hub.log.clear()
    assert (await client.model_info("alice/model")).sha == model_sha
    assert len(local_hub.log.filter(path=INFO_PATH)) == 2


async def test_retries_run_out(local_hub: LocalHub, model_sha: str) -> None:
    local_hub.faults.add(FaultRule(status=503, path=INFO_PATH, times=None))
    async with make_client(local_hub, max_retries=2) as client:
        with pytest.raises(HfHubHTTPError) as err:
            await client.model_info("alice/model")
    assert err.value.status_code == 503
    assert len(local_hub.log.filter(path=INFO_PATH)) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 412])
async def test_permanent_errors_are_never_retried(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str, status: int
) -> None:
    local_hub.faults.add(FaultRule(status=status, path=INFO_PATH, times=None))
    local_hub.log.clear()
    with pytest.raises(HfHubHTTPError) as err:
        await client.model_info("alice/model")
    assert err.value.status_code == status
    assert len(local_hub.log.filter(path=INFO_PATH)) == 1


async def test_non_idempotent_post_is_not_retried(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.faults.add(FaultRule(status=503, method="POST", path="/api/repos/create", times=1))
    local_hub.log.clear()
    with pytest.raises(HfHubHTTPError) as err:
        await client.create_repo("alice/once")
    assert err.value.status_code == 503
    assert len(local_hub.log.filter(path="/api/repos/create")) == 1


async def test_read_only_post_is_retried(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.faults.add(FaultRule(status=503, method="POST", path="/paths-info/", times=1))
    local_hub.log.clear()
    entries = await client.get_paths_info("alice/model", ["config.json"])
    assert [e.path for e in entries] == ["config.json"]
    assert len(local_hub.log.filter(path="/paths-info/")) == 2


async def test_dropped_connection_is_retried(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    rule = local_hub.faults.add(FaultRule(action="drop", path=INFO_PATH, times=1))
    local_hub.log.clear()
    assert (await client.model_info("alice/model")).sha == model_sha
    assert local_hub.faults.fired(rule) == 1
    assert len(local_hub.log.filter(path=INFO_PATH)) == 2


async def test_dropped_connection_on_post_is_not_retried(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.faults.add(FaultRule(action="drop", method="POST", path="/api/repos/create"))
    local_hub.log.clear()
    with pytest.raises(httpx.TransportError):
        await client.create_repo("alice/dropped")
    assert len(local_hub.log.filter(path="/api/repos/create")) == 1


async def test_429_retry_after_is_honoured(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.faults.add(FaultRule(status=429, path=INFO_PATH, retry_after=0.4, times=1))
    local_hub.log.clear()
    assert (await client.model_info("alice/model")).sha == model_sha
    limited, ok = local_hub.log.filter(path=INFO_PATH)
    assert (limited.status, ok.status) == (429, 200)
    assert ok.started - limited.ended >= 0.35  # waited as told (backoff alone is <= 0.05 s)


async def test_429_ratelimit_header_is_honoured(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.faults.add(FaultRule(status=429, path=INFO_PATH, ratelimit_reset=1, times=1))
    local_hub.log.clear()
    assert (await client.model_info("alice/model")).sha == model_sha
    limited, ok = local_hub.log.filter(path=INFO_PATH)
    assert ok.started - limited.ended >= 0.9


async def test_429_pauses_the_whole_client(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    """While one call waits out a 429, other calls of the same client wait too."""
    local_hub.faults.add(FaultRule(status=429, path=INFO_PATH, retry_after=0.5, times=1))
    local_hub.log.clear()
    done: list[str] = []

    async def first() -> None:
        await client.model_info("alice/model")
        done.append("first")

    async def other(n: int) -> None:
        await client.whoami()
        done.append(f"other{n}")

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        for _ in range(1000):  # wait (bounded) until the 429 came back
            if local_hub.log.filter(path=INFO_PATH):
                break
            await anyio.sleep(0.005)
        for n in range(3):
            tg.start_soon(other, n)
    limited = local_hub.log.filter(path=INFO_PATH)[0]
    assert limited.status == 429
    others = local_hub.log.filter(path="/api/whoami-v2")
    assert len(others) == 3
    for record in others:  # nobody went through the closed gate
        assert record.started - limited.ended >= 0.45
    assert sorted(done) == ["first", "other0", "other1", "other2"]


async def test_429_gives_up_with_rate_limit_details(local_hub: LocalHub, model_sha: str) -> None:
    local_hub.faults.add(
        FaultRule(status=429, path=INFO_PATH, ratelimit_reset=0, retry_after=0, times=None)
    )
    async with make_client(local_hub, max_retries=1) as client:
        with pytest.raises(RateLimitedError) as err:
            await client.model_info("alice/model")
    e = err.value
    assert e.status_code == 429
    assert e.ratelimit_remaining == 0
    assert e.ratelimit_reset == 0
    assert e.retry_after == 0
    assert len(local_hub.log.filter(path=INFO_PATH)) == 2


async def test_too_long_retry_after_fails_fast(local_hub: LocalHub, model_sha: str) -> None:
    local_hub.faults.add(FaultRule(status=429, path=INFO_PATH, retry_after=3600, times=None))
    async with make_client(local_hub, max_retry_wait=1) as client:
        with pytest.raises(RateLimitedError) as err:
            await client.model_info("alice/model")
        assert err.value.retry_after == 3600
        # no pause was installed: other calls go straight through
        assert (await client.whoami()).name == "alice"
    assert len(local_hub.log.filter(path=INFO_PATH)) == 1


async def test_no_retries_when_disabled(local_hub: LocalHub, model_sha: str) -> None:
    local_hub.faults.add(FaultRule(status=503, path=INFO_PATH, times=1))
    async with make_client(local_hub, max_retries=0) as client:
        with pytest.raises(HfHubHTTPError):
            await client.model_info("alice/model")
        assert (await client.model_info("alice/model")).sha == model_sha


def test_backoff_is_capped_with_jitter() -> None:
    client = AsyncHubClient("http://x.local", retry_backoff_base=1, retry_backoff_max=8)
    for attempt, cap in [(1, 1), (2, 2), (3, 4), (4, 8), (5, 8), (9, 8)]:
        delays = {client._http._backoff(attempt) for _ in range(50)}
        assert all(cap / 2 <= d <= cap for d in delays)
        assert len(delays) > 1


async def test_truncated_body_is_retried(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    rule = local_hub.faults.add(FaultRule(action="truncate", after_bytes=10, path=INFO_PATH))
    local_hub.log.clear()
    assert (await client.model_info("alice/model")).sha == model_sha
    assert local_hub.faults.fired(rule) == 1
    assert len(local_hub.log.filter(path=INFO_PATH)) == 2


async def test_read_timeout_is_retried(served_hub: Any) -> None:
    """On real sockets (the in-process transport has no timeouts): a slow answer times out
    and the retry succeeds; without retries the timeout is raised."""
    sha = served_hub.hub.seed_repo("alice/model", {"a.txt": b"x"})
    slow = served_hub.hub.faults.add(FaultRule(action="delay", delay=4.0, path=INFO_PATH, times=1))
    async with AsyncHubClient(
        served_hub.hub_url, token=ALICE_TOKEN, retry_backoff_base=0.01
    ) as client:
        assert (await client.model_info("alice/model", timeout=1.5)).sha == sha
        assert served_hub.hub.faults.fired(slow) == 1  # the first try was the slow one
        served_hub.hub.faults.add(FaultRule(action="delay", delay=4.0, path=INFO_PATH, times=1))
        strict = client.with_options(max_retries=0, timeout=1.5)
        with pytest.raises(httpx.TimeoutException):
            await strict.model_info("alice/model")


async def test_stream_retries_before_the_body(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.faults.add(FaultRule(status=503, method="GET", path="/resolve/", times=1))
    url = f"{client.endpoint}/alice/model/resolve/main/config.json"
    async with client._http.stream("GET", url) as response:
        assert response.status_code == 200
        assert await response.aread() == b'{"hidden_size": 8}\n'
    assert len(local_hub.log.filter(path="/resolve/")) == 2


async def test_copies_share_the_429_gate(local_hub: LocalHub, model_sha: str) -> None:
    local_hub.faults.add(FaultRule(status=429, path=INFO_PATH, retry_after=0.4, times=1))
    async with make_client(local_hub) as client:
        other = client.with_options(timeout=10)
        async with anyio.create_task_group() as tg:
            tg.start_soon(client.model_info, "alice/model")
            for _ in range(1000):  # bounded wait until the 429 came back
                if local_hub.log.filter(path=INFO_PATH):
                    break
                await anyio.sleep(0.005)
            tg.start_soon(other.whoami)
    limited = local_hub.log.filter(path=INFO_PATH)[0]
    (whoami,) = local_hub.log.filter(path="/api/whoami-v2")
    assert whoami.started - limited.ended >= 0.35
