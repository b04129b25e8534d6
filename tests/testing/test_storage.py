"""The storage origin: presigned URLs (expiry, tampering), ranged GETs, basic PUTs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

from ._helpers import HUB, STORAGE, client, sha256

pytestmark = pytest.mark.anyio

BLOB = bytes(range(256)) * 8


async def cdn_url(hub: LocalHub) -> str:
    hub.seed_repo("alice/model", {"w.bin": BLOB})
    async with client(hub, ALICE_TOKEN) as http:
        answer = await http.head(f"{HUB}/alice/model/resolve/main/w.bin")
    assert answer.status_code == 302
    return answer.headers["location"]


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"


async def test_download_with_ranges_and_etag(local_hub: LocalHub) -> None:
    url = await cdn_url(local_hub)
    assert url.startswith(STORAGE + "/")
    async with client(local_hub) as http:  # no token: the signature is the credential
        whole = await http.get(url)
        assert whole.content == BLOB
        assert whole.headers["etag"] == f'"{sha256(BLOB)}"'
        assert whole.headers["content-length"] == str(len(BLOB))
        assert whole.headers["accept-ranges"] == "bytes"
        assert whole.headers["content-disposition"] == "inline; filename*=UTF-8''w.bin"
        part = await http.get(url, headers={"range": "bytes=10-19"})
        assert (part.status_code, part.content) == (206, BLOB[10:20])
        assert part.headers["content-range"] == f"bytes 10-19/{len(BLOB)}"
        tail = await http.get(url, headers={"range": "bytes=-5"})
        assert tail.content == BLOB[-5:]
        bad = await http.get(url, headers={"range": f"bytes={len(BLOB)}-"})
        assert bad.status_code == 416
        assert bad.headers["content-range"] == f"bytes */{len(BLOB)}"
        head = await http.head(url)
        assert head.headers["content-length"] == str(len(BLOB))
        assert head.content == b""


async def test_tampered_urls_are_refused(local_hub: LocalHub) -> None:
    url = await cdn_url(local_hub)
    signature = parse_qs(urlsplit(url).query)["X-Signature"][0]
    expires = parse_qs(urlsplit(url).query)["X-Expires"][0]
    other = "0" * 64
    tampered = [
        with_query(url, **{"X-Signature": signature[:-1] + ("0" if signature[-1] != "0" else "1")}),
        with_query(url, **{"X-Expires": str(int(expires) + 1000)}),
        with_query(url.replace(sha256(BLOB), other)),
        with_query(url, filename="other.bin"),
        url + "&extra=1",
        url.split("?", 1)[0],
    ]
    async with client(local_hub) as http:
        for bad in tampered:
            answer = await http.get(bad)
            assert answer.status_code == 403, bad
            assert answer.json()["error"]
        # a GET signature does not allow a PUT
        assert (await http.put(url, content=BLOB)).status_code == 403


async def test_expired_urls_are_refused(tmp_path: Path) -> None:
    with standard_hub(LocalHub(tmp_path / "hub", signed_url_ttl=-10)) as hub:
        url = await cdn_url(hub)
        async with client(hub) as http:
            answer = await http.get(url)
    assert answer.status_code == 403
    assert "expired" in answer.json()["error"]


async def test_basic_put_checks_the_sha256(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/model", {"a.txt": b"a"})
    content = b"\0payload" * 10
    async with client(local_hub, ALICE_TOKEN) as http:
        batch = await http.post(
            f"{HUB}/alice/model.git/info/lfs/objects/batch",
            json={"operation": "upload", "objects": [{"oid": sha256(content), "size": 80}]},
        )
        href = batch.json()["objects"][0]["actions"]["upload"]["href"]
        assert href.startswith(STORAGE + "/")
        async with httpx.AsyncClient(transport=local_hub.async_transport()) as anon:
            wrong = await anon.put(href, content=content[:-1] + b"!")
            assert wrong.status_code == 400
            assert not local_hub.store.objects.has(sha256(content))
            right = await anon.put(href, content=content)
            assert right.status_code == 200
        assert local_hub.store.objects.has(sha256(content))
