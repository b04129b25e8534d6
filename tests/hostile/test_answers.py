"""Answers of the wrong size or shape: gzip bombs, huge listings, HTML, JSON of another shape,
signatures in error messages, a full disk.

Each test checks that the call ends with a typed hubclient error (never a raw
``JSONDecodeError``, ``KeyError``, pydantic or httpx error) and, where memory is the point,
that the peak of Python allocations stays bounded.
"""

from __future__ import annotations

import contextlib
import functools
import json
import resource
import signal
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, DownloadOptions, HubSettings
from hubclient.download._plan import list_tree
from hubclient.errors import (
    DiskWriteError,
    HubClientError,
    HubNetworkError,
    ResponseTooLargeError,
    UnexpectedResponseError,
)
from tests.hostile._server import SIGNATURE, FakeHub, Reply, Request, chunks_of, gzip_bomb, sha256
from tests.hostile.conftest import outside
from tests.hostile.test_names import failure, stored_blobs

pytestmark = pytest.mark.anyio

_MiB = 2**20


@contextlib.contextmanager
def peak_memory() -> Iterator[list[int]]:
    """The peak of Python allocations (all threads) inside the block, in bytes."""
    tracemalloc.start()
    peak = [0]
    try:
        yield peak
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


@functools.cache
def _info_bomb() -> bytes:
    """A model info that is 1 MB on the wire and 1 GiB once inflated."""
    return gzip_bomb(b'{"id": "acme/m", "sha": "' + b"0" * 40 + b'", "x": "', b"a", 2**30, b'"}')


@functools.cache
def _listing_bomb() -> bytes:
    """A tree page of 256 MiB of blanks (twice the default bound) in 256 KB of gzip."""
    return gzip_bomb(b"[", b" ", 2**28, b"]")


# ---------------------------------------------------------------------------------- item 6


async def test_gzip_bomb_as_an_api_answer(client: AsyncHubClient, hub: FakeHub) -> None:
    """Item 6: API answers were inflated without limit (1 MB to 1 GiB took the client past
    2 GiB)."""
    bomb = _info_bomb()
    headers = [("content-type", "application/json"), ("content-encoding", "gzip")]
    hub.server.on("GET", r"/api/models/acme/m", lambda r: Reply(200, headers, chunks_of(bomb)))
    with peak_memory() as peak:
        err = await failure(client.model_info("acme/m"), 60)
    limit = HubSettings().max_response_bytes
    assert limit is not None
    assert peak[0] < limit + 32 * _MiB, f"peak {peak[0] / _MiB:.0f} MiB"
    assert isinstance(err, ResponseTooLargeError), repr(err)
    assert err.setting == "max_response_bytes"


async def test_gzip_bomb_as_a_listing_page(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    bomb = _listing_bomb()
    headers = [("content-type", "application/json"), ("content-encoding", "gzip")]
    hub.server.on("GET", r"/api/models/acme/m/tree/.*", lambda r: Reply(200, headers, bomb))
    with peak_memory() as peak:
        err = await failure(client.snapshot_download("acme/m", local_dir=area / "target"), 60)
    assert peak[0] < 32 * _MiB, f"peak {peak[0] / _MiB:.0f} MiB"
    assert isinstance(err, ResponseTooLargeError), repr(err)


async def test_small_limit_is_honoured(hub: FakeHub, area: Path) -> None:
    settings = HubSettings(endpoint=hub.server.url, max_response_bytes=1000)
    hub.server.on(
        "GET", r"/api/models/acme/m", lambda r: Reply.json({**hub.info(), "pad": "x" * 5000})
    )
    async with AsyncHubClient(settings=settings) as c:
        with anyio.fail_after(10), pytest.raises(ResponseTooLargeError):
            await c.model_info("acme/m")


async def test_small_limit_is_honoured_without_a_length(hub: FakeHub, area: Path) -> None:
    """No Content-Length to refuse it by: the body is read up to the bound, then refused (the
    aiohttp backend reads such a body in one loop of its own)."""
    settings = HubSettings(endpoint=hub.server.url, max_response_bytes=1000)
    body = json.dumps({**hub.info(), "pad": "x" * 5000}).encode()
    headers = [("content-type", "application/json")]
    hub.server.on("GET", r"/api/models/acme/m", lambda r: Reply(200, headers, chunks_of(body, 700)))
    async with AsyncHubClient(settings=settings) as c:
        with anyio.fail_after(10), pytest.raises(ResponseTooLargeError) as caught:
            await c.model_info("acme/m")
    assert caught.value.setting == "max_response_bytes"
    assert "larger than allowed" in str(caught.value)


async def test_large_listing_is_parsed_as_it_arrives(client: AsyncHubClient, hub: FakeHub) -> None:
    """A 200 MB listing peaked at 1.8 GiB: a listing's memory is what the caller keeps (here
    a small entry per file), not the text of the answer nor the JSON objects of a page."""
    entries = [
        {"type": "file", "path": f"d/{i:06d}.bin", "size": 1, "oid": "0" * 40, "pad": "p" * 2000}
        for i in range(10_000)
    ]
    body = json.dumps(entries).encode()  # about 20 MB, one page
    del entries
    headers = [("content-type", "application/json")]
    hub.server.on(
        "GET", r"/api/models/acme/m/tree/.*", lambda r: Reply(200, headers, chunks_of(body))
    )
    with peak_memory() as peak, anyio.fail_after(60):
        tree = await list_tree(client._http, "acme/m", "model", hub.commit, None)
    assert len(tree) == 10_000
    assert peak[0] < len(body) / 4, f"peak {peak[0] / _MiB:.0f} MiB for {len(body) / _MiB:.0f} MiB"


# -------------------------------------------------------------------- HTML and wrong shapes


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>Sign in to the proxy</body></html>",
        b'{"id": "acme/m", "sha": ',
        b"",
        b"\xff\xfe\x00",
    ],
    ids=["html", "cut-json", "empty", "not-utf8"],
)
async def test_html_or_broken_json(client: AsyncHubClient, hub: FakeHub, body: bytes) -> None:
    """Raw ``JSONDecodeError`` on HTML answers."""
    hub.server.on(
        "GET", r"/api/models/acme/m", lambda r: Reply(200, [("content-type", "text/html")], body)
    )
    err = await failure(client.model_info("acme/m"))
    assert isinstance(err, UnexpectedResponseError), repr(err)
    assert err.status_code == 200
    assert err.url.endswith("/api/models/acme/m")


@pytest.mark.parametrize(
    ("pattern", "answer", "call"),
    [
        (r"/api/models/acme/m", [], "model_info"),
        (r"/api/models/acme/m", {"id": 3, "siblings": "many"}, "model_info"),
        (r"/api/models/acme/m/refs", {"branches": "main"}, "list_repo_refs"),
        (r"/api/models/acme/m/refs", [], "list_repo_refs"),
        (r"/api/whoami-v2", ["me"], "whoami"),
        (r"/api/models", {"models": []}, "list_models"),
        (r"/api/models", [{"no": "id"}], "list_models"),
        (r"/api/models/acme/m/tree/.*", [{"type": "file"}], "list_repo_files"),
        (r"/api/models/acme/m/tree/.*", {"entries": []}, "list_repo_files"),
        (r"/api/models/acme/m/commits/.*", [{"id": 1}], "list_repo_commits"),
        (r"/api/models/acme/m/revision/.+", {"sha": None}, "snapshot_download"),
        (r"/api/models/acme/m/revision/.+", "sha", "snapshot_download"),
    ],
)
async def test_wrong_shape(
    client: AsyncHubClient, hub: FakeHub, pattern: str, answer: object, call: str
) -> None:
    """Raw ``KeyError``/``AttributeError``/pydantic errors on answers of the wrong shape."""
    hub.server.on("GET", pattern, lambda r: Reply.json(answer))
    method = getattr(client, call)
    if call == "list_models":
        err = await failure(_drain(method()))
    elif call == "whoami":
        err = await failure(method())
    else:
        err = await failure(method("acme/m"))
    assert isinstance(err, UnexpectedResponseError), repr(err)


async def _drain(items: object) -> None:
    async for _ in items:  # type: ignore[attr-defined]
        pass


async def test_paths_info_and_commit_answers_of_the_wrong_shape(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    hub.server.on("POST", r"/api/models/acme/m/paths-info/.*", lambda r: Reply.json({"x": 1}))
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError):
        await client.get_paths_info("acme/m", ["README.md"])
    hub.server.on(
        "POST",
        r"/api/models/acme/m/preupload/.*",
        lambda r: Reply.json({"files": [{"path": "a.txt", "uploadMode": "sideways"}]}),
    )
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError):
        await client.upload_file(path_or_fileobj=b"hi", path_in_repo="a.txt", repo_id="acme/m")


# ------------------------------------------------------------------ signatures in messages


async def test_presigned_urls_are_redacted_in_errors(client: AsyncHubClient, hub: FakeHub) -> None:
    """Presigned storage URLs, signature included, appeared in error messages."""
    hub.storage.on("GET", r"/objects/.*", lambda r: Reply.json({"error": "denied"}, 500))
    err = await failure(client.hf_hub_download("acme/m", "w.bin"))
    assert isinstance(err, HubClientError), repr(err)
    text = f"{err!s} {err!r} {getattr(err, 'url', '')} {err.__cause__!s}"
    assert SIGNATURE not in text
    assert "REDACTED" in text


async def test_presigned_urls_redacted_on_a_wrong_size(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    data = hub.files["w.bin"]
    hub.storage.on("GET", r"/objects/.*", lambda r: Reply(200, [], data + b"more"))
    err = await failure(client.hf_hub_download("acme/m", "w.bin"))
    assert isinstance(err, HubClientError), repr(err)
    assert SIGNATURE not in str(err)


async def test_presigned_urls_redacted_on_a_broken_connection(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    data = hub.files["w.bin"]
    hub.storage.on("GET", r"/objects/.*", lambda r: Reply(200, [], data[:10], length=len(data)))
    options = DownloadOptions(resume_attempts=1)
    err = await failure(client.hf_hub_download("acme/m", "w.bin", options=options))
    assert isinstance(err, HubNetworkError), repr(err)
    assert SIGNATURE not in f"{err} {err.url}"


async def test_open_file_redacts_too(client: AsyncHubClient, hub: FakeHub) -> None:
    hub.storage.on("GET", r"/objects/.*", lambda r: Reply(403, [], b"expired"))
    with anyio.fail_after(10), pytest.raises(HubClientError) as info:
        async with client.open_file("acme/m", "w.bin") as remote:
            await remote.read()
    assert SIGNATURE not in str(info.value)


# -------------------------------------------------------------------------------- the disk


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Writes past ``limit`` bytes in any file fail with ``EFBIG`` (as a full disk fails
    with ``ENOSPC``): ``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored so the write returns."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.mark.parametrize("mode", ["cache", "local_dir"])
async def test_disk_full_names_the_file(
    client: AsyncHubClient, hub: FakeHub, area: Path, mode: str
) -> None:
    """``ENOSPC`` surfaced as a bare ``OSError`` without the path."""
    data = bytes(range(256)) * (12 * 1024)  # 3 MiB: streamed to a temp file
    hub.files["big.bin"] = data
    hub.lfs.add("big.bin")
    local_dir = area / "target" / "d" if mode == "local_dir" else None
    with file_size_limit(_MiB):
        err = await failure(client.hf_hub_download("acme/m", "big.bin", local_dir=local_dir))
    assert isinstance(err, DiskWriteError), repr(err)
    assert err.filename
    assert str(area / "target") in str(err.filename)
    assert str(err.filename) in str(err)
    assert not stored_blobs(area / "target")  # a resumable partial at most
    assert not (area / "target" / "d" / "big.bin").exists()
    assert outside(area) == []
    # the partial file is resumable: the next run completes the download
    with anyio.fail_after(20):
        path = await client.hf_hub_download("acme/m", "big.bin", local_dir=local_dir)
    assert sha256(await anyio.Path(str(path)).read_bytes()) == sha256(data)


async def test_html_error_page_is_an_http_error(client: AsyncHubClient, hub: FakeHub) -> None:
    """Case of our own: an HTML 502 page from a proxy is a typed HTTP error whose message
    does not carry the page."""
    page = b"<html><body>" + b"Bad gateway " * 1000 + b"</body></html>"
    hub.server.on(
        "GET",
        r"/api/models/acme/m",
        lambda r: Reply(502, [("content-type", "text/html")], page),
    )
    err = await failure(client.model_info("acme/m"))
    assert isinstance(err, HubClientError)
    assert getattr(err, "status_code", None) == 502
    assert "Bad gateway Bad gateway" not in str(err)


async def test_request_for_more_than_an_answer(client: AsyncHubClient, hub: FakeHub) -> None:
    """Case of our own: an answer announcing an absurd Content-Length is refused before it
    is read."""

    def huge(request: Request) -> Reply:
        return Reply(200, [("content-type", "application/json")], b"{}", length=2**40, close=True)

    hub.server.on("GET", r"/api/models/acme/m", huge)
    err = await failure(client.model_info("acme/m"))
    assert isinstance(err, ResponseTooLargeError), repr(err)
