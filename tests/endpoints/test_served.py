"""The endpoints origin on sockets, the sync facade, and the token policy for endpoints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from hubclient import HubClient, InferenceEndpointStatus, SyncInferenceEndpoint
from hubclient.testing import ALICE_TOKEN, LocalHub
from tests.endpoints.conftest import CPU

ROOT = Path(__file__).resolve().parents[2]


def test_the_sync_facade_on_a_served_hub(hub: LocalHub) -> None:
    with hub.serve() as served:
        assert served.url("endpoints") not in (served.hub_url, served.storage_url)
        with HubClient(
            served.hub_url,
            token=ALICE_TOKEN,
            inference_endpoints_url=served.inference_endpoints_url,
            inference_catalog_url=served.inference_catalog_url,
        ) as client:
            endpoint = client.create_inference_endpoint("sync-ep", repository="alice/gpt", **CPU)
            assert isinstance(endpoint, SyncInferenceEndpoint)
            hub.advance(30)
            assert endpoint.wait(timeout=10, refresh_every=0.01).status == "running"
            assert endpoint.status is InferenceEndpointStatus.RUNNING
            url = f"{served.url('endpoints')}/inference/alice/sync-ep"
            assert endpoint.url == url
            listed = client.list_inference_endpoints()
            assert [type(e) for e in listed] == [SyncInferenceEndpoint]
            assert listed[0].pause().status == "paused"
            # the deployed endpoint answers (an authenticated one wants the token)
            answer = httpx.post(
                url,
                json={"inputs": "hi"},
                headers={"authorization": f"Bearer {ALICE_TOKEN}"},
            )
            assert answer.status_code == 503  # paused
            endpoint.resume()
            hub.advance(30)
            answer = httpx.post(
                url,
                json={"inputs": "hi"},
                headers={"authorization": f"Bearer {ALICE_TOKEN}"},
            )
            assert answer.json() == [{"generated_text": "hi (from sync-ep)"}]
            assert httpx.post(url, json={"inputs": "hi"}).status_code == 401
    # the token went to the hub and the endpoints origin only
    origins = {r.origin for r in hub.log.records if "authorization" in r.headers}
    assert origins == {"hub", "endpoints"}


def test_serve_prints_the_endpoints_origin(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hubclient.testing",
            "serve",
            "--endpoints-port",
            "0",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        assert line.startswith("READY ")
        endpoints = fields["endpoints"]
        assert endpoints.startswith("http://127.0.0.1:")
        assert httpx.get(f"{endpoints}/api/v1/catalog/list").json()["items"]
    finally:
        process.terminate()
        assert process.wait(30) == 0
