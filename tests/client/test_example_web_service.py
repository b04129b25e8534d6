"""examples/web_service.py runs against the local Hub: one shared client, calls per request."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import httpx
import pytest

from hubclient import AsyncHubClient
from hubclient.testing import BOB_TOKEN, FaultRule, LocalHub

from .conftest import MODEL_FILES, make_client

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "web_service.py"


def load_example() -> Any:
    """Import examples/web_service.py by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("hubclient_example_web_service", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_web_service(local_hub: LocalHub, model_sha: str) -> None:
    local_hub.seed_repo("alice/gated", {"a.txt": b"x"}, gated=True)
    clients: list[AsyncHubClient] = []

    def factory() -> AsyncHubClient:
        client = make_client(local_hub)
        clients.append(client)
        return client

    app = load_example().create_app(factory)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc.local") as web:
            summary = (await web.get("/models/alice/model")).json()
            assert summary["sha"] == model_sha
            assert {f["path"] for f in summary["files"]} >= set(MODEL_FILES)
            assert any(f["lfs"] for f in summary["files"] if f["path"] == "weights.bin")

            old = await web.get("/models/alice/model", params={"revision": "nope"})
            assert old.status_code == 404
            assert (await web.get("/models/alice/missing")).status_code == 404

            exists = await web.get("/models/alice/model/exists/sub/dir/notes.txt")
            assert exists.json() == {"exists": True}
            missing = await web.get("/models/alice/model/exists/nope.txt")
            assert missing.json() == {"exists": False}

            compared = (
                await web.get("/compare", params=[("repo", "alice/model"), ("repo", "alice/x")])
            ).json()
            assert compared == {"shas": {"alice/model": model_sha, "alice/x": None}}

            me = await web.get("/me", headers={"Authorization": f"Bearer {BOB_TOKEN}"})
            assert me.json()["name"] == "bob"
            assert (await web.get("/me")).status_code == 401

            local_hub.faults.add(FaultRule(status=429, retry_after=3600, times=None))
            limited = await web.get("/models/alice/model")
            assert limited.status_code == 429
            assert limited.headers["retry-after"] == "3600"
            local_hub.faults.clear()
    assert len(clients) == 1  # one shared client for every request
    with pytest.raises(RuntimeError, match="closed"):
        await clients[0].model_info("alice/model")  # closed with the app
    # the service's own token was used for service calls; the caller's for /me
    auths = {r.headers.get("authorization") for r in local_hub.log.filter(path="/api/whoami-v2")}
    assert auths == {f"Bearer {BOB_TOKEN}"}


async def test_compare_answers_hub_errors_not_500(local_hub: LocalHub, model_sha: str) -> None:
    """The first-hour report, item 4: /compare's error paths (a Hub error inside the task
    group used to escape as an exception group: a 500 from the service)."""
    refused = load_example().create_app(lambda: make_client(local_hub, token="hf_revoked"))
    async with refused.router.lifespan_context(refused):
        transport = httpx.ASGITransport(app=refused, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc.local") as web:
            answer = await web.get("/compare", params=[("repo", "alice/model"), ("repo", "x/y")])
            assert answer.status_code == 401
            assert answer.json()["error"] == "UnauthorizedError"
    app = load_example().create_app(lambda: make_client(local_hub, token=BOB_TOKEN))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc.local") as web:
            local_hub.faults.add(FaultRule(status=500, path=r"^/api/models/alice/", times=None))
            broken = await web.get("/compare", params=[("repo", "alice/model")])
            assert broken.status_code == 502
            assert broken.json()["error"] == "HfHubHTTPError"
            local_hub.faults.clear()

            local_hub.faults.add(FaultRule(status=429, retry_after=3600, times=None))
            limited = await web.get("/compare", params=[("repo", "alice/model"), ("repo", "x/y")])
            assert limited.status_code == 429
            assert limited.headers["retry-after"] == "3600"
            local_hub.faults.clear()

            fine = await web.get("/compare", params=[("repo", "alice/model"), ("repo", "x/y")])
            assert fine.json() == {"shas": {"alice/model": model_sha, "x/y": None}}
