"""Bucket calls against a Hub that lies (tests/hostile's loopback server): answers of the wrong
shape end in typed errors, and bucket paths that would leave the local folder are refused
before anything is written."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient, HFValidationError, HubClientError
from hubclient.errors import UnexpectedResponseError
from tests.hostile._server import LyingServer, Reply, Request, Servers

pytestmark = pytest.mark.anyio

XET_HASH = "ab" * 32


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    group = Servers()
    try:
        yield group
    finally:
        group.close()


@pytest.fixture
def liar(servers: Servers) -> Iterator[LyingServer]:
    server = servers.new()
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), servers.loop).result(10)


def client(liar: LyingServer) -> AsyncHubClient:
    return AsyncHubClient(liar.url, token="hf_lie", max_retries=0)


def html(_: Request) -> Reply:
    return Reply(200, [("content-type", "text/html")], b"<html>maintenance</html>")


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def entry(path: str) -> dict[str, object]:
    return {"type": "file", "path": path, "size": 3, "xetHash": XET_HASH}


def tree_of(path: str, _: Request) -> Reply:
    return Reply.json([entry(path)])


async def test_answers_of_the_wrong_shape_are_typed_errors(liar: LyingServer) -> None:
    liar.on("GET", r"/api/buckets/acme/b", html)
    liar.on("POST", r"/api/buckets/acme/b/paths-info", lambda _: Reply.json({"a": "dict"}))
    liar.on("GET", r"/api/buckets/acme/b/tree", lambda _: Reply.json([{"type": "file"}]))
    liar.on("POST", r"/api/buckets/acme/new", html)
    async with client(liar) as c:
        with pytest.raises(UnexpectedResponseError):
            await c.bucket_info("acme/b")
        with pytest.raises(UnexpectedResponseError):
            _ = [f async for f in c.get_bucket_paths_info("acme/b", ["a.txt"])]
        with pytest.raises(HubClientError):
            _ = [e async for e in c.list_bucket_tree("acme/b")]
        with pytest.raises(UnexpectedResponseError):
            await c.create_bucket("acme/new")


async def test_a_listing_cannot_make_a_sync_write_outside_the_folder(
    liar: LyingServer, tmp_path: Path
) -> None:
    dest = tmp_path / "area" / "dest"
    for evil in ("../escape.txt", "/etc/evil", "a/../../escape.txt", "C:/evil.txt"):
        liar.on("GET", r"/api/buckets/acme/b/tree", functools.partial(tree_of, evil))
        async with client(liar) as c:
            with pytest.raises(HFValidationError):
                await c.sync_bucket("hf://buckets/acme/b", str(dest), quiet=True)
    assert files_under(tmp_path) == []
    assert liar.count("GET", r"/buckets/.*/resolve/.*") == 0


async def test_paths_info_keeps_only_the_paths_asked_for(liar: LyingServer, tmp_path: Path) -> None:
    liar.on(
        "POST",
        r"/api/buckets/acme/b/paths-info",
        lambda _: Reply.json([entry("a.txt"), entry("../not-asked.txt")]),
    )
    async with client(liar) as c:
        found = [f.path async for f in c.get_bucket_paths_info("acme/b", ["a.txt"])]
    assert found == ["a.txt"]
