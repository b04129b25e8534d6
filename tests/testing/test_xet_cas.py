"""The local Hub's Xet CAS, driven by hand: verified ingest, refusals that store nothing,
reconstruction (v1, v2, ranges) through presigned byte ranges, the commit link by sha256."""

from __future__ import annotations

import hashlib
import json
import random

import httpx
import pytest

from hubclient.testing import ALICE_READ_TOKEN, ALICE_TOKEN, BOB_TOKEN, LocalHub, standard_hub
from hubclient.testing._xet_format import (
    XetFormatError,
    dedup_shard,
    hash_from_hex,
    hash_hex,
    parse_shard,
    parse_xorb,
)

from ._helpers import HUB, client, ndjson
from ._xet_builder import XetFile, Xorb, build_shard, build_xorb, file_of, split

pytestmark = pytest.mark.anyio

CAS = "http://cas.local"
DATA = random.Random(20).randbytes(300_000)


async def write_token(http: httpx.AsyncClient, repo: str = "alice/model") -> dict[str, str]:
    r = await http.get(f"{HUB}/api/models/{repo}/xet-write-token/main")
    assert r.status_code == 200, r.text
    return {"authorization": f"Bearer {r.json()['accessToken']}"}


def xorb_path(hub: LocalHub, xorb: Xorb) -> bool:
    return hub.store.root.joinpath("xet", "xorbs", xorb.name[:2], xorb.name).exists()


@pytest.fixture
def hub(local_hub: LocalHub) -> LocalHub:
    local_hub.seed_repo("alice/model", {"README.md": b"# m"})
    return local_hub


async def upload(http: httpx.AsyncClient, auth: dict[str, str], data: bytes) -> XetFile:
    xorb = build_xorb(split(data), scheme=1)
    r = await http.post(f"{CAS}/v1/xorbs/default/{xorb.name}", content=xorb.body, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"was_inserted": True}
    entry = file_of(data, xorb)
    r = await http.post(f"{CAS}/v1/shards", content=build_shard([entry], [xorb]), headers=auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"result": 1}
    return entry


def test_hash_hex_round_trip_and_word_order() -> None:
    raw = bytes(range(32))
    text = hash_hex(raw)
    assert text.startswith("0706050403020100")  # each little-endian word printed big-endian
    assert hash_from_hex(text) == raw
    with pytest.raises(XetFormatError):
        hash_from_hex("zz" * 32)


@pytest.mark.parametrize("scheme", [0, 1, 2])
def test_xorbs_of_every_compression_scheme_parse(scheme: int) -> None:
    pieces = split(DATA, 50_000)
    xorb = build_xorb(pieces, scheme)
    record = parse_xorb(xorb.hash, xorb.body)
    assert [c.size for c in record.chunks] == [len(p) for p in pieces]
    assert record.length == len(xorb.body)
    with pytest.raises(XetFormatError, match="hash mismatch"):
        parse_xorb(bytes(32), xorb.body)
    with pytest.raises(XetFormatError, match="runs past"):
        parse_xorb(xorb.hash, xorb.body[:-1])


def test_dedup_shard_parses_back() -> None:
    xorb = build_xorb(split(DATA))
    record = parse_xorb(xorb.hash, xorb.body)
    shard = parse_shard(dedup_shard([record]))
    assert shard.files == ()
    (cas,) = shard.xorbs
    assert cas.hash == xorb.hash
    assert [c[0] for c in cas.chunks] == [h for h, _ in xorb.chunks]


async def test_upload_commit_and_download_by_every_path(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        auth = await write_token(http)
        entry = await upload(http, auth, DATA)
        body = ndjson("xet", ("lfsFile", {"path": "w.bin", "algo": "sha256", "oid": entry.sha256}))
        r = await http.post(f"{HUB}/api/models/alice/model/commit/main", content=body)
        assert r.status_code == 200, r.text
        # classic LFS: the 302 to storage serves the same bytes, and says where Xet has them
        head = await http.head(f"{HUB}/alice/model/resolve/main/w.bin")
        assert head.status_code == 302
        assert head.headers["x-xet-hash"] == entry.name
        assert "/xet-read-token/" in head.headers["link"]
        got = await http.get(f"{HUB}/alice/model/resolve/main/w.bin", follow_redirects=True)
        assert got.content == DATA
        tree = (await http.get(f"{HUB}/api/models/alice/model/tree/main")).json()
        assert {e["path"]: e.get("xetHash") for e in tree}["w.bin"] == entry.name
        # reconstruction v2 of a range, read through its presigned multi-range URL
        read = (await http.get(f"{HUB}/api/models/alice/model/xet-read-token/main")).json()
        bearer = {"authorization": f"Bearer {read['accessToken']}"}
        start, end = 100_000, 200_000
        plan = await http.get(
            f"{CAS}/v2/reconstructions/{entry.name}",
            headers={**bearer, "range": f"bytes={start}-{end - 1}"},
        )
        answer = plan.json()
        (term,) = answer["terms"]  # one xorb: one term, trimmed to the chunks of the range
        assert term["range"]["end"] - term["range"]["start"] == 3  # 64 KiB chunks
        (fetch,) = answer["xorbs"][term["hash"]]
        (span,) = fetch["ranges"]
        assert span["chunks"] == term["range"]
        first, last = span["bytes"]["start"], span["bytes"]["end"]
        raw = await http.get(fetch["url"], headers={"range": f"bytes={first}-{last}"})
        assert raw.status_code == 206
        rebuilt = decode_chunks(raw.content)
        assert len(rebuilt) == term["unpacked_length"]
        outside = await http.get(fetch["url"], headers={"range": f"bytes=0-{last}"})
        assert outside.status_code == 403 or first == 0
        offset = answer["offset_into_first_range"]
        assert rebuilt[offset : offset + end - start] == DATA[start:end]
        # v1 keeps the older shape
        v1 = (await http.get(f"{CAS}/v1/reconstructions/{entry.name}", headers=bearer)).json()
        assert set(v1) == {"offset_into_first_range", "terms", "fetch_info"}
        assert (
            await http.get(
                f"{CAS}/v2/reconstructions/{entry.name}",
                headers={**bearer, "range": f"bytes={len(DATA)}-"},
            )
        ).status_code == 416


def decode_chunks(body: bytes) -> bytes:
    import lz4.frame

    out = b""
    pos = 0
    while pos < len(body):
        size = int.from_bytes(body[pos + 1 : pos + 4], "little")
        scheme = body[pos + 4]
        piece = body[pos + 8 : pos + 8 + size]
        out += lz4.frame.decompress(piece) if scheme == 1 else piece
        pos += 8 + size
    return out


async def test_a_xorb_whose_hash_does_not_match_is_refused_and_not_stored(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        auth = await write_token(http)
        xorb = build_xorb(split(DATA))
        other = build_xorb(split(DATA[:1000]))
        r = await http.post(f"{CAS}/v1/xorbs/default/{other.name}", content=xorb.body, headers=auth)
        assert r.status_code == 400
        assert "hash mismatch" in r.json()["error"]
        assert not xorb_path(hub, other)
        assert not xorb_path(hub, xorb)
        head = await http.head(f"{CAS}/v1/xorbs/default/{other.name}", headers=auth)
        assert head.status_code == 404


async def test_a_shard_naming_a_missing_xorb_is_refused(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        auth = await write_token(http)
        xorb = build_xorb(split(DATA))  # never uploaded
        entry = file_of(DATA, xorb)
        r = await http.post(f"{CAS}/v2/shards", content=build_shard([entry], []), headers=auth)
        assert r.status_code == 400
        assert "not stored" in r.json()["error"]
        r = await http.post(f"{CAS}/v1/shards", content=build_shard([entry], [xorb]), headers=auth)
        assert r.status_code == 400
        assert "never uploaded" in r.json()["error"]
        read = {"authorization": auth["authorization"]}
        assert (await http.head(f"{CAS}/v1/files/{entry.name}", headers=read)).status_code == 404
        body = ndjson("x", ("lfsFile", {"path": "w.bin", "algo": "sha256", "oid": entry.sha256}))
        r = await http.post(f"{HUB}/api/models/alice/model/commit/main", content=body)
        assert r.status_code == 400  # nothing was registered to commit: a dangling pointer


async def test_a_lying_verification_hash_is_refused_and_nothing_stored(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        auth = await write_token(http)
        xorb = build_xorb(split(DATA))
        r = await http.post(f"{CAS}/v1/xorbs/default/{xorb.name}", content=xorb.body, headers=auth)
        assert r.status_code == 200
        entry = file_of(DATA, xorb)
        lie = build_shard([entry], [xorb], verification={0: hashlib.sha256(b"lie").digest()})
        r = await http.post(f"{CAS}/v2/shards", content=lie, headers=auth)
        assert r.status_code == 400
        assert "verification hash" in r.json()["error"]
        assert (await http.head(f"{CAS}/v1/files/{entry.name}", headers=auth)).status_code == 404
        files = hub.store.root / "xet" / "scopes"
        assert not any(p.suffix == ".json" for p in files.rglob("*"))


async def test_a_file_hash_that_is_not_its_chunks_is_refused(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        auth = await write_token(http)
        xorb = build_xorb(split(DATA))
        await http.post(f"{CAS}/v1/xorbs/default/{xorb.name}", content=xorb.body, headers=auth)
        entry = file_of(DATA, xorb)
        entry.hash = hashlib.sha256(b"another file").digest()
        r = await http.post(f"{CAS}/v1/shards", content=build_shard([entry], [xorb]), headers=auth)
        assert r.status_code == 400


async def test_files_are_scoped_to_their_repo(hub: LocalHub) -> None:
    hub.seed_repo("bob/other", {"README.md": b"# b"})
    async with client(hub, ALICE_TOKEN) as alice, client(hub, BOB_TOKEN) as bob:
        entry = await upload(alice, await write_token(alice), DATA)
        bob_auth = await write_token(bob, "bob/other")
        # bob's token does not find alice's file, nor dedup against it, nor commit it
        assert (await bob.head(f"{CAS}/v1/files/{entry.name}", headers=bob_auth)).status_code == 404
        first = entry.terms[0][0].chunks[0][0]
        dedup = await bob.get(f"{CAS}/v1/chunks/default/{hash_hex(first)}", headers=bob_auth)
        assert dedup.status_code == 404
        body = ndjson("x", ("lfsFile", {"path": "w.bin", "algo": "sha256", "oid": entry.sha256}))
        r = await bob.post(f"{HUB}/api/models/bob/other/commit/main", content=body)
        assert r.status_code == 400
        # alice's own token does
        alice_auth = await write_token(alice)
        dedup = await alice.get(f"{CAS}/v1/chunks/default/{hash_hex(first)}", headers=alice_auth)
        assert dedup.status_code == 200
        assert parse_shard(dedup.content).xorbs[0].hash == entry.terms[0][0].hash


async def test_cas_tokens(hub: LocalHub) -> None:
    async with client(hub, ALICE_READ_TOKEN) as http:
        read = (await http.get(f"{HUB}/api/models/alice/model/xet-read-token/main")).json()
        assert (
            await http.get(f"{HUB}/api/models/alice/model/xet-write-token/main")
        ).status_code == 403
        bearer = {"authorization": f"Bearer {read['accessToken']}"}
        xorb = build_xorb(split(DATA[:1000]))
        r = await http.post(
            f"{CAS}/v1/xorbs/default/{xorb.name}", content=xorb.body, headers=bearer
        )
        assert r.status_code == 403
        r = await http.head(f"{CAS}/v1/files/{'0' * 64}", headers={"authorization": "Bearer nope"})
        assert r.status_code == 401
        # the Hub token is no CAS token
        r = await http.head(
            f"{CAS}/v1/files/{'0' * 64}", headers={"authorization": f"Bearer {ALICE_TOKEN}"}
        )
        assert r.status_code == 401
        # newer clients' first tries answer 404, so that they fall back
        grant = await http.post(f"{CAS}/v1/xorb-grants/default/{xorb.name}", headers=bearer)
        assert grant.status_code == 404


async def test_a_hub_without_xet(tmp_path: object) -> None:
    hub = standard_hub(LocalHub(xet=False))
    try:
        hub.seed_repo("alice/model", {"README.md": b"# m"})
        async with client(hub, ALICE_TOKEN) as http:
            for mode in ("read", "write"):
                r = await http.get(f"{HUB}/api/models/alice/model/xet-{mode}-token/main")
                assert r.status_code == 404
            body = {
                "operation": "upload",
                "transfers": ["basic", "xet"],
                "objects": [{"oid": hashlib.sha256(b"x").hexdigest(), "size": 1}],
            }
            r = await http.post(f"{HUB}/alice/model.git/info/lfs/objects/batch", json=body)
            assert r.json()["transfer"] == "basic"
            with pytest.raises(httpx.ConnectError):
                await http.get(f"{CAS}/v1/files/{'0' * 64}")
    finally:
        hub.close()


async def test_v2_shards_answer_ndjson_events(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as http:
        auth = await write_token(http)
        xorb = build_xorb(split(DATA))
        await http.post(f"{CAS}/v1/xorbs/default/{xorb.name}", content=xorb.body, headers=auth)
        r = await http.post(
            f"{CAS}/v2/shards", content=build_shard([file_of(DATA, xorb)], [xorb]), headers=auth
        )
        assert r.status_code == 200
        events = [json.loads(line) for line in r.text.splitlines()]
        assert events[0]["type"] == "validating"
        assert events[-1] == {"type": "result"}
