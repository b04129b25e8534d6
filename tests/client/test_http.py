"""The network door: auth per origin, redirects, headers, errors, offline mode, lifecycle."""

from __future__ import annotations

import hashlib

import anyio
import httpx
import pytest

from hubclient import (
    AsyncHubClient,
    HfHubHTTPError,
    LocalTokenNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
)
from hubclient._urls import resolve_url
from hubclient.testing import ALICE_TOKEN, LocalHub

from .conftest import MODEL_FILES, make_client

pytestmark = pytest.mark.anyio


async def test_token_only_reaches_the_hub_origin(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.log.clear()
    url = resolve_url(client.endpoint, "alice/model", "weights.bin")
    async with client._http.stream("GET", url, follow_redirects="any") as response:
        body = await response.aread()
    assert (
        hashlib.sha256(body).hexdigest()
        == hashlib.sha256(MODEL_FILES["weights.bin"]).digest().hex()
    )
    meta = await client.get_hf_file_metadata(url=url)
    # even a caller-supplied Authorization header is dropped for a foreign origin
    await client._http.request(
        "GET", meta.location, headers={"Authorization": f"Bearer {ALICE_TOKEN}"}
    )
    storage = local_hub.log.filter(origin="storage")
    assert len(storage) == 2
    assert all("authorization" not in r.headers for r in storage)
    hub = local_hub.log.filter(origin="hub")
    assert hub
    assert all(r.headers.get("authorization") == f"Bearer {ALICE_TOKEN}" for r in hub)


async def test_hub_headers(client: AsyncHubClient, local_hub: LocalHub, model_sha: str) -> None:
    local_hub.log.clear()
    await client.model_info("alice/model")
    await client.model_info("alice/model")
    first, second = local_hub.log.filter(origin="hub")
    assert first.headers["user-agent"].startswith("hubclient/")
    assert first.headers["x-amzn-trace-id"] != second.headers["x-amzn-trace-id"]


async def test_per_call_token_override(local_hub: LocalHub, model_sha: str) -> None:
    async with make_client(local_hub, token=False) as anon:
        local_hub.log.clear()
        await anon.model_info("alice/model")
        await anon.model_info("alice/model", token=ALICE_TOKEN)
        with pytest.raises(LocalTokenNotFoundError):
            await anon.model_info("alice/model", token=True)
        first, second = local_hub.log.filter(origin="hub")
        assert "authorization" not in first.headers
        assert second.headers["authorization"] == f"Bearer {ALICE_TOKEN}"


async def test_error_carries_details(client: AsyncHubClient, local_hub: LocalHub) -> None:
    with pytest.raises(RepositoryNotFoundError) as err:
        await client.model_info("alice/nothing-here")
    e = err.value
    assert isinstance(e, HfHubHTTPError)
    assert isinstance(e, OSError)
    assert e.status_code == 404
    assert e.method == "GET"
    assert e.url == f"{client.endpoint}/api/models/alice/nothing-here"
    assert e.error_code == "RepoNotFound"
    assert e.request_id
    assert e.server_message
    assert e.request_id in str(e)


async def test_offline_mode_sends_nothing(local_hub: LocalHub, model_sha: str) -> None:
    async with make_client(local_hub, offline=True) as offline:
        local_hub.log.clear()
        with pytest.raises(OfflineModeIsEnabled):
            await offline.model_info("alice/model")
        with pytest.raises(OfflineModeIsEnabled):
            [m async for m in offline.list_models()]
        assert len(local_hub.log) == 0


async def test_offline_from_environment(
    local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    async with make_client(local_hub) as offline:
        with pytest.raises(OfflineModeIsEnabled):
            await offline.whoami()
    assert len(local_hub.log) == 0


async def test_closed_client_refuses(local_hub: LocalHub, model_sha: str) -> None:
    client = make_client(local_hub)
    await client.model_info("alice/model")
    await client.aclose()
    await client.aclose()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        await client.model_info("alice/model")


async def test_user_http_client_is_not_closed(local_hub: LocalHub, model_sha: str) -> None:
    async with httpx.AsyncClient(transport=local_hub.async_transport()) as mine:
        async with AsyncHubClient(local_hub.hub_url, token=ALICE_TOKEN, http_client=mine) as c:
            assert (await c.model_info("alice/model")).sha == model_sha
        assert not mine.is_closed
        response = await mine.get(f"{local_hub.hub_url}/api/models/alice/model")
        assert response.status_code == 200


async def test_with_options_shares_the_pool(local_hub: LocalHub, model_sha: str) -> None:
    async with make_client(local_hub) as client:
        anon = client.with_options(token=False, timeout=5)
        await anon.aclose()  # a copy does not own the pool
        assert (await client.model_info("alice/model")).sha == model_sha
        local_hub.log.clear()
        assert (await anon.model_info("alice/model")).sha == model_sha
        assert "authorization" not in local_hub.log.filter(origin="hub")[0].headers


async def test_many_concurrent_calls(client: AsyncHubClient, model_sha: str) -> None:
    results: list[str | None] = []

    async def one() -> None:
        results.append((await client.model_info("alice/model")).sha)

    async with anyio.create_task_group() as tg:
        for _ in range(50):
            tg.start_soon(one)
    assert results == [model_sha] * 50


def test_one_client_across_event_loops(local_hub: LocalHub, model_sha: str) -> None:
    """A client used by asyncio.run, then by trio, then asyncio again keeps working."""
    client = make_client(local_hub)

    async def call() -> str | None:
        return (await client.model_info("alice/model")).sha

    assert anyio.run(call, backend="asyncio") == model_sha
    assert anyio.run(call, backend="trio") == model_sha
    assert anyio.run(call, backend="asyncio") == model_sha
    anyio.run(client.aclose)


async def test_auth_never_returns_after_leaving_the_hub() -> None:
    """A redirect chain hub -> storage -> hub never carries the token after the first hop.

    The local Hub never redirects back from storage, so this chain is scripted.
    """
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("authorization")))
        if request.url.host == "hub.test" and request.url.path == "/start":
            return httpx.Response(302, headers={"location": "http://cdn.test/hop"})
        if request.url.host == "cdn.test":
            return httpx.Response(307, headers={"location": "http://hub.test/end"})
        return httpx.Response(200, json={"ok": True})

    async with AsyncHubClient(
        "http://hub.test", token="hf_secret", transport=httpx.MockTransport(handler)
    ) as c:
        stopped = await c._http.request("GET", "/start")
        assert stopped.status_code == 302  # default: not followed off the hub origin
        followed = await c._http.request("GET", "/start", follow_redirects="any")
        assert followed.json() == {"ok": True}
    assert seen == [
        ("http://hub.test/start", "Bearer hf_secret"),
        ("http://hub.test/start", "Bearer hf_secret"),
        ("http://cdn.test/hop", None),
        ("http://hub.test/end", None),
    ]
