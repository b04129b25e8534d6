"""A served local Hub behind something else (a proxy, a port mapping): ``public_url`` and
``storage_public_url`` are what the URLs it hands out point at; the engine is chosen and named."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hubclient.testing import LocalHub
from hubclient.testing._serve import choose_engine

TOKEN = "hf_carol"


@pytest.fixture
def hub(tmp_path: Path) -> LocalHub:
    hub = LocalHub(tmp_path / "hub", page_size=2, lfs_size_threshold=32)
    hub.add_token(TOKEN, user="carol")
    hub.seed_repo("carol/m", {"a.txt": b"a", "b.txt": b"b", "c.txt": b"c", "w.bin": b"\0" * 64})
    return hub


def test_urls_handed_out_point_at_the_public_origins(hub: LocalHub) -> None:
    public, storage = "http://hub.public:8443", "http://cdn.public:9443"
    try:
        with hub.serve(public_url=public, storage_public_url=storage) as served:
            assert (served.hub_url, served.storage_url) == (public, storage)
            assert served.bound_hub_url.startswith("http://127.0.0.1:")
            auth = {"authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=served.bound_hub_url, headers=auth) as http:
                tree = http.get("/api/models/carol/m/tree/main")
                assert tree.links["next"]["url"].startswith(public + "/api/")
                resolved = http.get("/carol/m/resolve/main/w.bin")
                assert resolved.status_code == 302
                assert resolved.headers["location"].startswith(storage + "/lfs/")
                batch = http.post(
                    "/carol/m.git/info/lfs/objects/batch",
                    json={
                        "operation": "upload",
                        "transfers": ["basic"],
                        "objects": [{"oid": "1" * 64, "size": 5}],
                    },
                )
                href = batch.json()["objects"][0]["actions"]["upload"]["href"]
                assert href.startswith(storage + "/lfs/")
    finally:
        hub.close()


def test_without_public_urls_the_bound_ones_are_handed_out(hub: LocalHub) -> None:
    try:
        with hub.serve() as served:
            assert served.hub_url == served.bound_hub_url
            assert served.storage_url == served.bound_storage_url
            assert str(served.engine) == "loop=asyncio http=h11"  # the fixtures' default
    finally:
        hub.close()


def test_the_engine_is_explicit() -> None:
    assert str(choose_engine("asyncio", "h11")) == "loop=asyncio http=h11"
    auto = choose_engine()
    assert auto.loop in ("asyncio", "uvloop")
    assert auto.http in ("h11", "httptools")
    with pytest.raises(ValueError, match="unknown"):
        choose_engine("tokio")
