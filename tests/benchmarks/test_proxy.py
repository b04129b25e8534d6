"""The benchmarks' delay-and-rate proxy: bytes arrive intact both ways, the Hub's URLs point at
the proxy, and no answer comes sooner than the round trips it emulates (a lower bound the proxy
guarantees, not a speed figure)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx

from hubclient import HubClient
from tests.benchmarks._proxy import Network
from tests.benchmarks._served import TOKEN, served_hub

RTT = 0.05


def test_through_the_proxy(tmp_path: Path) -> None:
    with served_hub(tmp_path / "hub", network=Network(rtt=RTT, rate=50e6)) as server:
        assert server.hub_url != server.bound[0]
        auth = {"authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=server.hub_url, headers=auth) as http:
            started = time.perf_counter()
            assert http.get("/api/whoami-v2").json()["name"] == "alice"
            assert time.perf_counter() - started >= 2 * RTT  # handshake + request
            started = time.perf_counter()
            assert http.get("/api/whoami-v2").status_code == 200
            assert time.perf_counter() - started >= RTT  # kept alive: one round trip

        data = os.urandom(11 * 1000 * 1000)  # over the LFS threshold: storage is used too
        with HubClient(endpoint=server.hub_url, token=TOKEN) as client:
            client.create_repo("alice/proxied")
            client.upload_file(path_or_fileobj=data, path_in_repo="w.bin", repo_id="alice/proxied")
            with httpx.Client(base_url=server.hub_url, headers=auth) as http:
                moved = http.get("/alice/proxied/resolve/main/w.bin")
                assert moved.status_code == 302
                assert moved.headers["location"].startswith(server.storage_url + "/lfs/")
            path = client.hf_hub_download(
                "alice/proxied", "w.bin", cache_dir=str(tmp_path / "cache")
            )
        assert Path(path).read_bytes() == data
