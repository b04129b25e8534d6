"""An endpoint that cannot be reached fails fast, its retries are visible, and a cache fallback
does not wait out the backoff (the first-hour report, item 2).

Attempts are counted by a transport under the client's HTTP layer (the local Hub answers
every request that gets through); no test here measures time.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import httpx
import pytest

from hubclient import AsyncHubClient, HubSettings
from hubclient.testing import ALICE_TOKEN, LocalHub

from .conftest import MODEL_FILES

pytestmark = pytest.mark.anyio


class Counting(httpx.AsyncBaseTransport):
    """Counts the requests that reach the network; ``fail`` says how the next ones fail."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.attempts = 0
        self.fail: list[BaseException] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.fail:
            raise self.fail.pop(0)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def dns_failure(request: httpx.Request, errno: int = socket.EAI_NONAME) -> httpx.ConnectError:
    try:
        raise socket.gaierror(errno, "Name or service not known")
    except socket.gaierror as cause:
        try:
            raise httpx.ConnectError(str(cause), request=request) from cause
        except httpx.ConnectError as exc:
            return exc


def refused(request: httpx.Request) -> httpx.ConnectError:
    return httpx.ConnectError("All connection attempts failed", request=request)


@pytest.fixture
def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def client_on(endpoint: str, transport: httpx.AsyncBaseTransport, **kw: object) -> AsyncHubClient:
    options: dict[str, object] = {"retry_backoff_base": 0.01, "retry_backoff_max": 0.05}
    options.update(kw)
    return AsyncHubClient(endpoint, token=ALICE_TOKEN, transport=transport, **options)  # type: ignore[arg-type]


async def test_a_refused_connection_is_retried_once(
    closed_port: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = Counting()
    async with client_on(closed_port, transport) as client:  # max_retries: the default 5
        with (
            caplog.at_level(logging.WARNING, logger="hubclient"),
            pytest.raises(httpx.ConnectError),
        ):
            await client.model_info("alice/model")
    assert transport.attempts == 2
    [retry] = [r for r in caplog.records if r.name == "hubclient"]
    assert retry.levelno == logging.WARNING
    assert f"GET {closed_port}/api/models/alice/model failed (ConnectError" in retry.message
    assert "retry 1/1 in" in retry.message


async def test_a_name_that_does_not_resolve_is_not_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = httpx.Request("GET", "https://hub.invalid/")
    transport = Counting()
    transport.fail = [dns_failure(request) for _ in range(10)]
    async with client_on("https://hub.invalid", transport) as client:
        with pytest.raises(httpx.ConnectError):
            await client.model_info("alice/model")
    assert transport.attempts == 1
    assert not [r for r in caplog.records if r.name == "hubclient"]


async def test_a_resolver_that_says_try_again_is_retried() -> None:
    request = httpx.Request("GET", "https://hub.invalid/")
    transport = Counting()
    transport.fail = [dns_failure(request, socket.EAI_AGAIN) for _ in range(10)]
    async with client_on("https://hub.invalid", transport) as client:
        with pytest.raises(httpx.ConnectError):
            await client.model_info("alice/model")
    assert transport.attempts == 2


async def test_a_connect_timeout_is_not_retried() -> None:
    request = httpx.Request("GET", "https://hub.invalid/")
    transport = Counting()
    transport.fail = [httpx.ConnectTimeout("timed out", request=request) for _ in range(10)]
    async with client_on("https://hub.invalid", transport) as client:
        with pytest.raises(httpx.ConnectTimeout):
            await client.model_info("alice/model")
    assert transport.attempts == 1


async def test_connect_retries_is_a_setting_capped_by_max_retries(closed_port: str) -> None:
    settings = HubSettings.from_env(endpoint=closed_port, connect_retries=3, token=False)
    transport = Counting()
    async with AsyncHubClient(settings=settings, transport=transport, retry_backoff_base=0.01) as c:
        with pytest.raises(httpx.ConnectError):
            await c.model_info("alice/model")
    assert transport.attempts == 4
    transport = Counting()
    async with AsyncHubClient(settings=settings, transport=transport, max_retries=1) as c:
        with pytest.raises(httpx.ConnectError):
            await c.model_info("alice/model")
    assert transport.attempts == 2


async def test_once_the_hub_answered_a_failed_connection_gets_every_retry(
    local_hub: LocalHub, model_sha: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = Counting(local_hub.async_transport())
    async with client_on(local_hub.hub_url, transport) as client:
        assert (await client.model_info("alice/model")).sha == model_sha
        request = httpx.Request("GET", local_hub.hub_url)
        transport.fail = [refused(request) for _ in range(4)]
        transport.attempts = 0
        with caplog.at_level(logging.WARNING, logger="hubclient"):
            assert (await client.model_info("alice/model")).sha == model_sha
    assert transport.attempts == 5
    retries = [r.message for r in caplog.records if r.name == "hubclient"]
    assert [m.split("retry ")[1].split(" in")[0] for m in retries] == ["1/5", "2/5", "3/5", "4/5"]


async def test_a_cached_snapshot_is_served_without_waiting_out_the_retries(
    local_hub: LocalHub, model_sha: str, tmp_path: Path, closed_port: str
) -> None:
    cache = tmp_path / "cache"
    async with client_on(local_hub.hub_url, local_hub.async_transport(), cache_dir=cache) as up:
        folder = await up.snapshot_download("alice/model")
        one = await up.hf_hub_download("alice/model", "config.json")
    transport = Counting()
    # the default backoff (1 s doubling to 8 s, 5 retries) would wait about 19 s in all
    async with AsyncHubClient(closed_port, transport=transport, cache_dir=cache) as down:
        assert await down.snapshot_download("alice/model") == folder
        assert transport.attempts == 2
        assert await down.hf_hub_download("alice/model", "config.json") == one
        assert transport.attempts <= 4  # (the metadata HEAD is not retried at all)
    assert (Path(folder) / "config.json").read_bytes() == MODEL_FILES["config.json"]
    assert model_sha in folder
