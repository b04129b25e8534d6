"""A 1 GiB LFS file through the served hub: uploaded in parts and downloaded, in bounded memory."""

from __future__ import annotations

import hashlib
import resource
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
SIZE = 1024 * MIB
CHUNK = 128 * MIB


def block(i: int) -> bytes:
    return (hashlib.sha256(str(i).encode()).digest() + b"\0") * (MIB // 33) + b"\0" * (MIB % 33)


def content(start: int, end: int) -> Iterator[bytes]:
    """The bytes [start, end) of the big file, one MiB at a time (start and end on MiB bounds)."""
    for i in range(start // MIB, end // MIB):
        yield block(i)


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_one_gib_round_trip(tmp_path: Path) -> None:
    digest = hashlib.sha256()
    for piece in content(0, SIZE):
        digest.update(piece)
    oid = digest.hexdigest()
    hub = standard_hub(
        LocalHub(tmp_path / "hub", lfs_chunk_size=CHUNK, lfs_multipart_threshold=2 * CHUNK)
    )
    before = peak_rss()
    try:
        with (
            hub.serve() as served,
            httpx.Client(headers={"authorization": f"Bearer {ALICE_TOKEN}"}, timeout=120) as http,
            httpx.Client(timeout=120) as anon,
        ):
            http.post(f"{served.hub_url}/api/repos/create", json={"name": "big"}).raise_for_status()
            batch = http.post(
                f"{served.hub_url}/alice/big.git/info/lfs/objects/batch",
                json={
                    "operation": "upload",
                    "transfers": ["basic", "multipart"],
                    "objects": [{"oid": oid, "size": SIZE}],
                },
            ).json()
            upload = batch["objects"][0]["actions"]["upload"]
            keys = sorted((k for k in upload["header"] if k.isdigit()), key=int)
            assert len(keys) == SIZE // CHUNK
            parts = []
            for i, key in enumerate(keys):
                put = anon.put(upload["header"][key], content=content(i * CHUNK, (i + 1) * CHUNK))
                put.raise_for_status()
                parts.append({"partNumber": i + 1, "etag": put.headers["etag"]})
            anon.post(upload["href"], json={"oid": oid, "parts": parts}).raise_for_status()
            line = (
                '{"key": "header", "value": {"summary": "big"}}\n'
                f'{{"key": "lfsFile", "value": {{"path": "big.bin", "algo": "sha256", '
                f'"oid": "{oid}", "size": {SIZE}}}}}\n'
            )
            http.post(
                f"{served.hub_url}/api/models/alice/big/commit/main", content=line
            ).raise_for_status()
            head = http.head(f"{served.hub_url}/alice/big/resolve/main/big.bin")
            assert head.headers["x-linked-size"] == str(SIZE)
            received = hashlib.sha256()
            total = 0
            with anon.stream("GET", head.headers["location"]) as answer:
                assert answer.headers["content-length"] == str(SIZE)
                for piece in answer.iter_bytes(MIB):
                    received.update(piece)
                    total += len(piece)
            assert (total, received.hexdigest()) == (SIZE, oid)
            tail = anon.get(head.headers["location"], headers={"range": f"bytes={SIZE - 10}-"})
            assert tail.content == block(SIZE // MIB - 1)[-10:]
    finally:
        hub.close()
    # parts and the object never sat in memory (the client side holds 1 MiB at a time)
    assert peak_rss() - before < 300 * MIB
