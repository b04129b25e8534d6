"""The in-process transport: routing by origin, streamed bodies, cut connections."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, FaultRule, LocalHub

from ._helpers import HUB, client

pytestmark = pytest.mark.anyio


async def test_unknown_origins_do_not_connect(local_hub: LocalHub) -> None:
    async with client(local_hub) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("http://elsewhere.local/api/whoami-v2")
        with pytest.raises(httpx.ConnectError):
            await http.get("http://hub.local:8080/api/whoami-v2")


async def test_streamed_request_and_response_bodies(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/model", {"a.txt": b"a"})
    big = bytes(range(256)) * 4096

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 10_000):
            yield big[i : i + 10_000]

    async with client(local_hub, ALICE_TOKEN) as http:
        batch = await http.post(
            f"{HUB}/alice/model.git/info/lfs/objects/batch",
            json={"operation": "upload", "objects": [{"oid": _sha(big), "size": len(big)}]},
        )
        href = batch.json()["objects"][0]["actions"]["upload"]["href"]
        put = await http.put(href, content=chunks())  # chunked: no Content-Length
        assert put.status_code == 200
        refused = await http.get(href.replace("X-Signature", "x"))
        assert refused.status_code == 403
        got = bytearray()
        download = await http.post(
            f"{HUB}/alice/model.git/info/lfs/objects/batch",
            json={"operation": "download", "objects": [{"oid": _sha(big), "size": len(big)}]},
        )
        url = download.json()["objects"][0]["actions"]["download"]["href"]
        async with http.stream("GET", url) as answer:
            async for piece in answer.aiter_bytes():
                got += piece
    assert bytes(got) == big
    record = local_hub.log.filter(origin="storage", method="PUT")[0]
    assert record.request_bytes == len(big)


async def test_cut_connections(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/model", {"a.txt": b"x" * 5000})
    url = f"{HUB}/alice/model/resolve/main/a.txt"
    async with client(local_hub, ALICE_TOKEN) as http:
        local_hub.faults.add(FaultRule(action="drop", path="/resolve/"))
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await http.get(url)
        local_hub.faults.add(FaultRule(action="truncate", path="/resolve/", after_bytes=1000))
        got = bytearray()
        async with http.stream("GET", url) as answer:
            assert answer.headers["content-length"] == "5000"
            with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
                await _read_into(answer, got)
        assert len(got) == 1000
        assert (await http.get(url)).content == b"x" * 5000


async def _read_into(answer: httpx.Response, buffer: bytearray) -> None:
    async for piece in answer.aiter_bytes():
        buffer += piece


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_an_error_raised_by_the_request_body_reaches_the_caller(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/model", {"a.txt": b"a"})
    big = bytes(range(256)) * 4096

    class Aborted(Exception):
        pass

    async def aborting() -> AsyncIterator[bytes]:
        yield big[:10_000]
        raise Aborted("the client gave up")

    async with client(local_hub, ALICE_TOKEN) as http:
        batch = await http.post(
            f"{HUB}/alice/model.git/info/lfs/objects/batch",
            json={"operation": "upload", "objects": [{"oid": _sha(big), "size": len(big)}]},
        )
        href = batch.json()["objects"][0]["actions"]["upload"]["href"]
        with pytest.raises(Aborted):  # not a 500 answer from the storage app
            await http.put(href, content=aborting())
        # nothing landed, and the transport still works
        again = await http.post(
            f"{HUB}/alice/model.git/info/lfs/objects/batch",
            json={"operation": "upload", "objects": [{"oid": _sha(big), "size": len(big)}]},
        )
        assert again.json()["objects"][0]["actions"]["upload"]["href"]
