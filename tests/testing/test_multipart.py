"""The LFS batch API and multipart uploads: parts, ETags, completion checks, verify."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

from ._helpers import HUB, STORAGE, client, commit, lfs_op, ndjson, sha256, upload_lfs

pytestmark = pytest.mark.anyio

CHUNK = 1000
BIG = bytes(range(256)) * 14  # 3584 bytes: 4 parts of 1000


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    with standard_hub(
        LocalHub(tmp_path / "hub", lfs_multipart_threshold=2 * CHUNK, lfs_chunk_size=CHUNK)
    ) as hub:
        hub.seed_repo("alice/model", {"a.txt": b"a"})
        yield hub


async def batch(http: httpx.AsyncClient, *objects: dict[str, Any], **extra: Any) -> Any:
    answer = await http.post(
        f"{HUB}/alice/model.git/info/lfs/objects/batch",
        json={
            "operation": "upload",
            "transfers": ["basic", "multipart"],
            "objects": list(objects),
            "hash_algo": "sha256",
            **extra,
        },
        headers={"accept": "application/vnd.git-lfs+json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.git-lfs+json")
    return answer.json()


async def test_batch_answers(hub: LocalHub) -> None:
    small = b"\0small"
    async with client(hub, ALICE_TOKEN) as http:
        answer = await batch(
            http,
            {"oid": sha256(small), "size": len(small)},
            {"oid": sha256(BIG), "size": len(BIG)},
            {"oid": "not-a-sha", "size": 3},
            hash_algo="sha_256",
        )
        assert answer.get("transfer") != "xet"
        basic, multi, broken = answer["objects"]
        assert "chunk_size" not in (basic["actions"]["upload"].get("header") or {})
        assert basic["actions"]["upload"]["href"].startswith(STORAGE + "/")
        header = multi["actions"]["upload"]["header"]
        assert header["chunk_size"] == str(CHUNK)
        assert sorted(k for k in header if k.isdigit()) == ["00001", "00002", "00003", "00004"]
        assert all(header[k].startswith(STORAGE + "/") for k in header if k.isdigit())
        assert multi["actions"]["upload"]["href"].startswith(HUB + "/")
        assert multi["actions"]["verify"]["href"].startswith(HUB + "/")
        assert broken["error"]["code"] == 422
        # once stored, an object gets no actions
        await upload_lfs(http, "alice/model", small)
        again = await batch(http, {"oid": sha256(small), "size": len(small)})
        assert "actions" not in again["objects"][0]


async def test_multipart_flow_and_completion_checks(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        obj = (await batch(http, {"oid": sha256(BIG), "size": len(BIG)}))["objects"][0]
        upload = obj["actions"]["upload"]
        header = upload["header"]
        keys = sorted((k for k in header if k.isdigit()), key=int)
        parts: list[dict[str, Any]] = []
        async with httpx.AsyncClient(transport=hub.async_transport()) as anon:
            for i, key in enumerate(keys):
                put = await anon.put(header[key], content=BIG[i * CHUNK : (i + 1) * CHUNK])
                assert put.status_code == 200
                etag = put.headers["etag"]
                assert etag.startswith('"')
                assert etag.endswith('"')
                parts.append({"partNumber": int(key), "etag": etag})
            done = upload["href"]
            # a part with the wrong length is refused
            assert (await anon.put(header[keys[0]], content=b"short")).status_code == 400
            # completion checks every part
            missing = await anon.post(done, json={"oid": sha256(BIG), "parts": parts[:-1]})
            assert missing.status_code == 400
            wrong = [*parts[:-1], {"partNumber": 4, "etag": '"0000"'}]
            assert (
                await anon.post(done, json={"oid": sha256(BIG), "parts": wrong})
            ).status_code == 400
            tampered = done.replace("X-Signature=", "X-Signature=0")
            assert (
                await anon.post(tampered, json={"oid": sha256(BIG), "parts": parts})
            ).status_code == 403
            assert not hub.store.objects.has(sha256(BIG))
            ok = await anon.post(done, json={"oid": sha256(BIG), "parts": parts[::-1]})
            assert ok.status_code == 200
            # a retried completion still succeeds
            assert (
                await anon.post(done, json={"oid": sha256(BIG), "parts": parts})
            ).status_code == 200
        verify = await http.post(
            obj["actions"]["verify"]["href"], json={"oid": sha256(BIG), "size": len(BIG)}
        )
        assert verify.status_code == 200
        answer = await commit(http, "alice/model", ndjson("big", lfs_op("w.bin", BIG)))
        assert answer.status_code == 200
        got = await http.get(f"{HUB}/alice/model/resolve/main/w.bin", follow_redirects=True)
        assert got.content == BIG


async def test_completion_refuses_corrupt_parts(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        obj = (await batch(http, {"oid": sha256(BIG), "size": len(BIG)}))["objects"][0]
    header = obj["actions"]["upload"]["header"]
    corrupt = bytes(len(BIG))  # right sizes, wrong bytes
    parts = []
    async with httpx.AsyncClient(transport=hub.async_transport()) as anon:
        for i, key in enumerate(sorted((k for k in header if k.isdigit()), key=int)):
            put = await anon.put(header[key], content=corrupt[i * CHUNK : (i + 1) * CHUNK])
            parts.append({"partNumber": i + 1, "etag": put.headers["etag"]})
        done = await anon.post(
            obj["actions"]["upload"]["href"], json={"oid": sha256(BIG), "parts": parts}
        )
    assert done.status_code == 400
    assert not hub.store.objects.has(sha256(BIG))


async def test_verify_needs_write_access(hub: LocalHub) -> None:
    url = f"{HUB}/alice/model.git/info/lfs/objects/verify"
    async with client(hub) as anon:
        assert (await anon.post(url, json={"oid": sha256(BIG), "size": 1})).status_code == 401
    async with client(hub, "hf_alice_read") as reader:
        assert (await reader.post(url, json={"oid": sha256(BIG), "size": 1})).status_code == 403


async def test_verify_and_commit_need_the_object(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        verify = await http.post(
            f"{HUB}/alice/model.git/info/lfs/objects/verify", json={"oid": sha256(BIG), "size": 1}
        )
        assert verify.status_code == 404
        answer = await commit(http, "alice/model", ndjson("x", lfs_op("w.bin", BIG)))
        assert answer.status_code == 400
        assert "LFS pointer pointed to a file that does not exist" in answer.json()["error"]
        assert answer.json()["error"].endswith("Offending file: - w.bin")


async def test_parts_in_parallel_and_out_of_order(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        obj = (await batch(http, {"oid": sha256(BIG), "size": len(BIG)}))["objects"][0]
    header = obj["actions"]["upload"]["header"]
    keys = sorted((k for k in header if k.isdigit()), key=int)
    etags: dict[int, str] = {}
    async with httpx.AsyncClient(transport=hub.async_transport()) as anon:

        async def put(i: int) -> None:
            answer = await anon.put(header[keys[i]], content=BIG[i * CHUNK : (i + 1) * CHUNK])
            etags[i + 1] = answer.headers["etag"]

        async with anyio.create_task_group() as tg:
            for i in reversed(range(len(keys))):
                tg.start_soon(put, i)
        parts = [{"partNumber": n, "etag": etags[n]} for n in sorted(etags)]
        done = await anon.post(
            obj["actions"]["upload"]["href"], json={"oid": sha256(BIG), "parts": parts}
        )
    assert done.status_code == 200
    assert hub.store.objects.path(sha256(BIG)).read_bytes() == BIG
