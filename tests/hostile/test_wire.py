"""Answers that break HTTP itself (not HTTP at all, a header line of 100 KB, a broken chunked
body, a Content-Length that is not a number), error answers that are gzip bombs, and the
network errors a worker process sends back: typed hubclient errors on both backends, bounded
in time and memory, and picklable."""

from __future__ import annotations

import pickle
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hubclient import AsyncHubClient, DownloadIntegrityError, HubSettings
from hubclient.errors import (
    ForbiddenError,
    HfHubHTTPError,
    HubClientError,
    HubNetworkError,
    HubTimeoutError,
)
from tests.hostile._server import FakeHub, Reply, Request
from tests.hostile.conftest import outside
from tests.hostile.test_answers import _listing_bomb, peak_memory
from tests.hostile.test_names import failure, stored_blobs

pytestmark = pytest.mark.anyio

_MiB = 2**20

_BROKEN = {
    "not-http": b"SPEAK FRIEND AND ENTER\r\n\r\n",
    "huge-header": b"HTTP/1.1 200 OK\r\nx-pad: " + b"a" * 100_000 + b"\r\n\r\n",
    "bad-chunks": b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n",
    "bad-length": b"HTTP/1.1 200 OK\r\ncontent-length: twelve\r\n\r\n{}",
    "bad-status": b"HTTP/1.1 2x0 OK\r\ncontent-length: 2\r\n\r\n{}",
}


@pytest.fixture(params=["auto", "httpx"])
async def wire_client(
    request: pytest.FixtureRequest, hub: FakeHub, area: Path, anyio_backend: str
) -> AsyncIterator[AsyncHubClient]:
    """A client on the lying Hub, on the default backend (aiohttp under asyncio) and on httpx."""
    if request.param == "auto" and anyio_backend == "trio":
        pytest.skip("under trio the default backend is httpx already")
    settings = HubSettings.from_env(
        endpoint=hub.server.url,
        token="hf_hostile_test_token",
        hub_cache=area / "target",
        max_retries=1,
        retry_backoff_base=0.01,
        retry_backoff_max=0.02,
        http_backend=request.param,
    )
    async with AsyncHubClient(settings=settings) as c:
        yield c


def _typed(err: BaseException | None) -> HubClientError:
    """``err`` is a hubclient error, and nothing in its message is a raw library's type name
    that a caller would have to catch."""
    assert isinstance(err, HubClientError), f"{type(err).__module__}.{type(err).__name__}: {err}"
    assert type(err).__module__.startswith("hubclient.")
    return err


@pytest.mark.parametrize("kind", sorted(_BROKEN))
async def test_broken_http_on_an_api_call(
    wire_client: AsyncHubClient, hub: FakeHub, kind: str
) -> None:
    hub.server.on("GET", r"/api/models/acme/m", lambda r: Reply(raw=_BROKEN[kind]))
    err = _typed(await failure(wire_client.model_info("acme/m")))
    assert isinstance(err, (HubNetworkError, HfHubHTTPError))


@pytest.mark.parametrize("kind", sorted(_BROKEN))
async def test_broken_http_on_a_download(
    wire_client: AsyncHubClient, hub: FakeHub, area: Path, kind: str
) -> None:
    """The metadata is honest, the GET of the bytes breaks HTTP: typed, nothing stored."""
    honest = hub.server._handler("GET", "/acme/m/resolve/main/README.md")
    assert honest is not None

    def resolve(request: Request) -> Reply:
        return honest(request) if request.method == "HEAD" else Reply(raw=_BROKEN[kind])

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/README\.md", resolve)
    err = _typed(await failure(wire_client.hf_hub_download("acme/m", "README.md")))
    # a header line h11 still takes (100 KB) leaves a body of 0 bytes: the size check says so
    assert isinstance(err, (HubNetworkError, HfHubHTTPError, DownloadIntegrityError))
    assert stored_blobs(area / "target") == []
    assert outside(area) == []


async def test_streamed_error_answer_that_is_a_gzip_bomb(
    wire_client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """Storage answers the GET of an LFS file with a 403 whose body inflates to 256 MiB: the
    error is typed, and only a bounded piece of its body is read to explain it."""
    bomb = _listing_bomb()

    def refuse(request: Request) -> Reply:
        return Reply(403, [("content-encoding", "gzip"), ("content-type", "text/plain")], bomb)

    hub.storage.on("GET", r"/objects/.*", refuse)
    with peak_memory() as peak:
        err = await failure(wire_client.hf_hub_download("acme/m", "w.bin"), seconds=30)
    assert isinstance(err, ForbiddenError), repr(err)
    assert peak[0] < 64 * _MiB, f"peak {peak[0] / _MiB:.0f} MiB"
    assert stored_blobs(area / "target") == []


@pytest.mark.parametrize(
    "cause",
    [httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout],
)
async def test_network_errors_pickle(cause: type[httpx.TransportError], area: Path) -> None:
    """A worker process (a process pool, a cluster task) sends its failure back by pickling
    it: the typed error comes back as the same class, with its URL and method."""
    async with AsyncHubClient(
        endpoint="http://127.0.0.1:9", max_retries=0, cache_dir=area
    ) as client:
        err = await failure(client.model_info("acme/m"))
    assert isinstance(err, HubNetworkError), repr(err)
    from hubclient._answers import network_error

    made = network_error(cause("cut"), method="GET", url="http://h/x?X-Amz-Signature=s3cr3t")
    for original in (err, made):
        back = pickle.loads(pickle.dumps(original))
        assert type(back) is type(original)
        assert isinstance(back, HubNetworkError)
        assert back.url == original.url
        assert back.method == original.method
        assert str(back) == str(original)
    assert isinstance(pickle.loads(pickle.dumps(made)), cause)
    assert "s3cr3t" not in str(made)
    assert isinstance(made, HubTimeoutError) == issubclass(cause, httpx.TimeoutException)
