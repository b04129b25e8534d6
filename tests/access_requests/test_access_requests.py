"""Gated repos and access requests against the in-process local Hub (asyncio and trio)."""

from __future__ import annotations

import anyio
import httpx
import pytest

from hubclient import (
    AsyncHubClient,
    BadRequestError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
)
from hubclient.testing import ALICE_READ_TOKEN, BOB_TOKEN, LocalHub

from .conftest import make_client

pytestmark = pytest.mark.anyio


async def _users(items: object) -> list[str | None]:
    return [r.username async for r in items]  # type: ignore[attr-defined]


async def test_a_gated_file_answers_before_and_after_acceptance(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    await client.update_repo_settings(repo, gated="manual")
    assert (await client.model_info(repo)).gated == "manual"
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        with pytest.raises(GatedRepoError) as before:
            await bob.hf_hub_download(repo, "a.txt")
        assert before.value.status_code == 403
        assert "not in the authorized list" in (before.value.server_message or "")
        # bob asks through the gate form
        http = httpx.AsyncClient(transport=local_hub.async_transport())
        async with http:
            asked = await http.post(
                f"{local_hub.hub_url}/alice/model/ask-access",
                json={"reason": "research"},
                headers={"Authorization": f"Bearer {BOB_TOKEN}"},
            )
        assert asked.json() == {"status": "pending"}
        with pytest.raises(GatedRepoError) as pending:
            await bob.hf_hub_download(repo, "a.txt")
        assert "awaiting a review" in (pending.value.server_message or "")
        [request] = [r async for r in client.list_pending_access_requests(repo)]
        assert (request.username, request.status, request.fields) == (
            "bob",
            "pending",
            {"reason": "research"},
        )
        assert request.email == "bob@example.com"
        assert request.timestamp.tzinfo is not None
        await client.accept_access_request(repo, "bob")
        assert await _users(client.list_accepted_access_requests(repo)) == ["bob"]
        path = await bob.hf_hub_download(repo, "a.txt")
        assert await anyio.Path(path).read_bytes() == b"one\n"
        # cancel: back to pending, access revoked (a fresh cache, so the Hub is asked again)
        await client.cancel_access_request(repo, request_id=request.request_id)
        assert await _users(client.list_pending_access_requests(repo)) == ["bob"]
        with pytest.raises(GatedRepoError):
            await bob.hf_hub_download(repo, "a.txt", force_download=True)
        await client.reject_access_request(repo, "bob", rejection_reason="No use case given")
        assert await _users(client.list_rejected_access_requests(repo)) == ["bob"]
        assert await _users(client.list_pending_access_requests(repo)) == []
    async with make_client(local_hub, token=False) as anon:
        with pytest.raises(GatedRepoError) as anonymous:
            await anon.hf_hub_download(repo, "a.txt", force_download=True)
        assert anonymous.value.status_code == 401


async def test_auto_gates_accept_at_once_and_grant_gives_access(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    await client.update_repo_settings(repo, gated="auto")
    assert local_hub.request_access(repo, "bob", fields={"company": "b"}) == "accepted"
    [request] = [r async for r in client.list_accepted_access_requests(repo)]
    assert request.fields == {"company": "b"}
    local_hub.add_user("carol")
    local_hub.add_token("hf_carol", user="carol")
    await client.update_repo_settings(repo, gated="manual")
    await client.grant_access(repo, "carol")
    async with make_client(local_hub, token="hf_carol") as carol:
        assert await anyio.Path(await carol.hf_hub_download(repo, "b.txt")).read_bytes() == b"bee\n"
    with pytest.raises(BadRequestError):  # already has access
        await client.grant_access(repo, "carol")
    with pytest.raises(HfHubHTTPError) as unknown:
        await client.grant_access(repo, "nobody")
    assert unknown.value.status_code == 404
    # many requests walk the pages (the fixture hub pages by 10)
    for i in range(12):
        local_hub.add_user(f"user{i}")
        local_hub.request_access(repo, f"user{i}")
    assert len(await _users(client.list_pending_access_requests(repo))) == 12


async def test_bad_inputs(local_hub: LocalHub, client: AsyncHubClient, repo: str) -> None:
    with pytest.raises(BadRequestError, match="not gated"):
        await _users(client.list_pending_access_requests(repo))
    await client.update_repo_settings(repo, gated="manual")
    with pytest.raises(HfHubHTTPError) as missing:
        await client.accept_access_request(repo, "bob")  # bob never asked
    assert missing.value.status_code == 404
    with pytest.raises(HFValidationError):
        await client.accept_access_request(repo, "bob", request_id="abc")
    with pytest.raises(HFValidationError):
        await client.accept_access_request(repo)
    async with make_client(local_hub, token=ALICE_READ_TOKEN) as reader:
        with pytest.raises(HfHubHTTPError) as read_only:
            await _users(reader.list_pending_access_requests(repo))
        assert read_only.value.status_code == 403
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        local_hub.request_access(repo, "bob")
        with pytest.raises(HfHubHTTPError) as not_owner:
            await bob.accept_access_request(repo, "bob")  # nobody accepts themself
        assert not_owner.value.status_code == 403
