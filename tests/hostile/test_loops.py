"""Loops a server drives: resume rounds, pagination, redirects, rate-limit waits.

Each test lets the lying Hub try to keep the client busy forever and checks that the call
ends in bounded time, with a bounded number of requests and a typed error.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, DownloadOptions, HubSettings
from hubclient.errors import (
    HubClientError,
    RateLimitedError,
    ResponseTooLargeError,
    UnexpectedResponseError,
)
from tests.hostile._server import FakeHub, Reply, Request, git_sha1
from tests.hostile.conftest import outside
from tests.hostile.test_names import failure, stored_blobs

pytestmark = pytest.mark.anyio

_OPTIONS = DownloadOptions(resume_attempts=3)


def _short_bodies(hub: FakeHub, path: str, data: bytes) -> None:
    """Ignore ``Range``, announce the whole file, send half of it, hang up: every time."""

    def resolve(request: Request) -> Reply:
        headers = [("x-repo-commit", hub.commit), ("etag", f'"{git_sha1(data)}"')]
        if request.method == "HEAD":
            return Reply(200, headers, data)
        return Reply(200, headers, data[: len(data) // 2], length=len(data))

    hub.files[path] = data
    hub.server.on("GET", rf"/acme/m/resolve/[^/]+/{path}", resolve)


# ---------------------------------------------------------------------------------- item 3


@pytest.mark.parametrize("size", [50_000, 3 * 2**20], ids=["in-memory", "to-file"])
async def test_range_ignored_and_short_bodies_end(
    client: AsyncHubClient, hub: FakeHub, area: Path, size: int
) -> None:
    """Item 3: a server that ignores ``Range`` and always cuts the body got GETs forever
    (the re-read bytes counted as progress, so the failure count reset every round)."""
    _short_bodies(hub, "big.txt", b"x" * size)
    err = await failure(client.hf_hub_download("acme/m", "big.txt", options=_OPTIONS), 20)
    gets = hub.server.count("GET", r"/acme/m/resolve/.*")
    assert gets <= 2 * (_OPTIONS.resume_attempts + 2), gets
    assert isinstance(err, HubClientError), repr(err)
    assert not stored_blobs(area / "target")
    assert outside(area) == []


async def test_range_ignored_in_a_snapshot(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    _short_bodies(hub, "big.txt", b"y" * 3 * 2**20)
    err = await failure(
        client.snapshot_download("acme/m", local_dir=area / "target" / "d", options=_OPTIONS), 20
    )
    assert hub.server.count("GET", r"/acme/m/resolve/.*/big.txt") <= 2 * (
        _OPTIONS.resume_attempts + 2
    )
    assert isinstance(err, HubClientError), repr(err)
    assert not (area / "target" / "d" / "big.txt").exists()


async def test_slow_net_progress_is_still_progress(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """The bound counts rounds without net progress: a server that honours ``Range`` but
    cuts every answer short still delivers the file."""
    data = bytes(range(256)) * 400
    hub.files["cut.bin"] = data

    def resolve(request: Request) -> Reply:
        headers = [("x-repo-commit", hub.commit), ("etag", f'"{git_sha1(data)}"')]
        if request.method == "HEAD":
            return Reply(200, headers, data)
        start = int(request.headers.get("range", "bytes=0-")[6:].split("-")[0] or 0)
        piece = data[start : start + 20_000]
        status = 206 if start else 200
        if start:
            headers.append(("content-range", f"bytes {start}-{len(data) - 1}/{len(data)}"))
        return Reply(status, headers, piece, length=len(data) - start)

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/cut.bin", resolve)
    with anyio.fail_after(20):
        path = await client.hf_hub_download("acme/m", "cut.bin", options=_OPTIONS)
    assert await anyio.Path(str(path)).read_bytes() == data


# ------------------------------------------------------------------------------ pagination


def _endless_tree(hub: FakeHub) -> None:
    def page(request: Request) -> Reply:
        n = int(request.query.get("cursor", ["0"])[0])
        entry = {"type": "file", "path": f"f{n}.txt", "size": 1, "oid": git_sha1(b"%d" % n)}
        next_url = f"{hub.server.url}/api/models/acme/m/tree/{hub.commit}?cursor={n + 1}"
        return Reply.json([entry], headers=[("link", f'<{next_url}>; rel="next"')])

    hub.server.on("GET", r"/api/models/acme/m/tree/.*", page)


async def test_endless_unique_pages_end_at_max_pages(hub: FakeHub, area: Path) -> None:
    """Endless unique ``Link`` pages were followed forever."""
    _endless_tree(hub)
    settings = HubSettings(endpoint=hub.server.url, hub_cache=area / "target", max_pages=50)
    async with AsyncHubClient(settings=settings) as client:
        err = await failure(client.snapshot_download("acme/m"), 20)
    assert isinstance(err, ResponseTooLargeError), repr(err)
    assert err.setting == "max_pages"
    assert hub.server.count("GET", r"/api/models/acme/m/tree/.*") == 50


async def test_endless_pages_end_at_max_items(hub: FakeHub, area: Path) -> None:
    _endless_tree(hub)
    settings = HubSettings(endpoint=hub.server.url, hub_cache=area / "target", max_items=30)
    async with AsyncHubClient(settings=settings) as client:
        with anyio.fail_after(20), pytest.raises(ResponseTooLargeError) as info:
            [f async for f in client.list_repo_tree("acme/m", recursive=True)]
    assert info.value.setting == "max_items"
    assert hub.server.count("GET", r"/api/models/acme/m/tree/.*") == 31


async def test_pagination_link_to_another_host_is_not_followed(
    client: AsyncHubClient, hub: FakeHub, servers: object
) -> None:
    """A pagination link to another host was followed (without the token, but still)."""
    elsewhere = hub.storage  # another origin on loopback

    def page(request: Request) -> Reply:
        link = f'<{elsewhere.url}/api/models/acme/m/tree/{hub.commit}?cursor=1>; rel="next"'
        return Reply.json(hub.tree(), headers=[("link", link)])

    hub.server.on("GET", r"/api/models/acme/m/tree/.*", page)
    err = await failure(client.snapshot_download("acme/m"))
    assert elsewhere.count() == 0
    assert isinstance(err, UnexpectedResponseError), repr(err)
    assert "another host" in str(err)


async def test_same_next_page_twice(client: AsyncHubClient, hub: FakeHub) -> None:
    def page(request: Request) -> Reply:
        link = f'<{hub.server.url}/api/models/acme/m/tree/{hub.commit}?cursor=1>; rel="next"'
        return Reply.json(hub.tree(), headers=[("link", link)])

    hub.server.on("GET", r"/api/models/acme/m/tree/.*", page)
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError, match="twice"):
        await client.snapshot_download("acme/m")


async def test_cut_page_is_asked_again_without_repeating_items(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    """Case of our own: a listing page cut mid-way is asked again, and the items already
    handed out are not handed out twice."""
    import json

    tree = [
        {"type": "file", "path": f"f{i}.txt", "size": 1, "oid": git_sha1(b"%d" % i)}
        for i in range(200)
    ]
    body = json.dumps(tree).encode()
    calls = []

    def page(request: Request) -> Reply:
        calls.append(1)
        if len(calls) == 1:
            return Reply(200, [("content-type", "application/json")], body[:3000], len(body))
        return Reply(200, [("content-type", "application/json")], body)

    hub.server.on("GET", r"/api/models/acme/m/tree/.*", page)
    with anyio.fail_after(10):
        paths = [f.path async for f in client.list_repo_tree("acme/m")]
    assert paths == [e["path"] for e in tree]
    assert len(calls) == 2


# -------------------------------------------------------------------------------- redirects


async def test_redirect_loop_ends(client: AsyncHubClient, hub: FakeHub) -> None:
    def loop(request: Request) -> Reply:
        return Reply(307, [("location", "/api/models/acme/m")], b"")

    hub.server.on("GET", r"/api/models/acme/m", loop)
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError, match="redirects"):
        await client.model_info("acme/m")
    assert hub.server.count("GET", r"/api/models/acme/m") <= 2 * 21


async def test_endless_unique_redirects_end(client: AsyncHubClient, hub: FakeHub) -> None:
    def hop(request: Request) -> Reply:
        n = int(request.query.get("n", ["0"])[0])
        return Reply(302, [("location", f"/api/models/acme/m?n={n + 1}")], b"")

    hub.server.on("GET", r"/api/models/acme/m", hop)
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError):
        await client.model_info("acme/m")


# ------------------------------------------------------------------------------- rate limits


@pytest.mark.parametrize("digits", [400, 5000])
async def test_ratelimit_with_a_huge_reset(
    client: AsyncHubClient, hub: FakeHub, digits: int
) -> None:
    """``RateLimit: …;t=<5000 digits>`` raised ``OverflowError`` (or ``ValueError``)."""
    huge = "9" * digits

    def limited(request: Request) -> Reply:
        headers = [("ratelimit", f'"api";r=0;t={huge}'), ("retry-after", huge)]
        return Reply.json({"error": "slow down"}, 429, headers)

    hub.server.on("GET", r"/api/models/acme/m", limited)
    with anyio.fail_after(10), pytest.raises(RateLimitedError) as info:
        await client.model_info("acme/m")
    assert info.value.retry_after is not None
    assert info.value.retry_after > 10**6
    assert hub.server.count("GET", r"/api/models/acme/m") == 1  # a wait that long: no retry


@pytest.mark.parametrize("value", ["nan", "-5", "inf", "1e999", "soon", "99999999999999999999"])
async def test_retry_after_nonsense(client: AsyncHubClient, hub: FakeHub, value: str) -> None:
    def limited(request: Request) -> Reply:
        return Reply.json({"error": "busy"}, 503, [("retry-after", value)])

    hub.server.on("GET", r"/api/models/acme/m", limited)
    with anyio.fail_after(10), pytest.raises(HubClientError):
        await client.model_info("acme/m")
