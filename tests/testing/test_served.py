"""The local Hub on real sockets (uvicorn in a background thread)."""

from __future__ import annotations

import httpx

from hubclient.testing import ALICE_TOKEN, ServedHub


def test_served_origins_and_downloads(served_hub: ServedHub) -> None:
    assert served_hub.hub_url.startswith("http://127.0.0.1:")
    assert served_hub.storage_url.startswith("http://127.0.0.1:")
    assert served_hub.hub_url != served_hub.storage_url
    blob = b"\0served" * 1000
    sha = served_hub.hub.seed_repo("alice/model", {"a.txt": b"hello", "w.bin": blob})
    with httpx.Client(headers={"authorization": f"Bearer {ALICE_TOKEN}"}) as http:
        assert http.get(f"{served_hub.hub_url}/api/whoami-v2").json()["name"] == "alice"
        head = http.head(f"{served_hub.hub_url}/alice/model/resolve/main/a.txt")
        assert head.headers["content-length"] == "5"
        assert head.headers["x-repo-commit"] == sha
        redirect = http.head(f"{served_hub.hub_url}/alice/model/resolve/main/w.bin")
        assert redirect.status_code == 302
        assert redirect.headers["location"].startswith(served_hub.storage_url + "/")
        got = http.get(
            f"{served_hub.hub_url}/alice/model/resolve/main/w.bin", follow_redirects=True
        )
        assert got.content == blob
        # absolute URLs use the origin the client used
        info = http.post(f"{served_hub.hub_url}/api/repos/create", json={"name": "new"})
        assert info.json()["url"] == f"{served_hub.hub_url}/alice/new"
    storage_hits = served_hub.hub.log.filter(origin="storage", method="GET")
    assert len(storage_hits) == 1
    assert "authorization" not in storage_hits[0].headers


def test_error_bodies_are_drained_on_keep_alive(served_hub: ServedHub) -> None:
    """A refused request with a big body must not poison the next one on the same connection."""
    served_hub.hub.seed_repo("alice/model", {"a.txt": b"a"})
    big = b'{"files": [' + b" " * 2_000_000 + b"]}"
    with httpx.Client(headers={"authorization": "Bearer hf_alice_read"}) as http:
        for _ in range(3):
            refused = http.post(
                f"{served_hub.hub_url}/api/models/alice/model/preupload/main",
                content=big,
                headers={"content-type": "application/json"},
            )
            assert refused.status_code == 403
            assert refused.headers["x-error-message"]
            ok = http.get(f"{served_hub.hub_url}/api/models/alice/model")
            assert ok.status_code == 200
            missing = http.post(
                f"{served_hub.hub_url}/api/models/alice/nope/commit/main", content=big
            )
            assert missing.headers["x-error-code"] == "RepoNotFound"
    records = served_hub.hub.log.filter(path=r"/preupload/")
    assert all(r.request_bytes == len(big) for r in records)
