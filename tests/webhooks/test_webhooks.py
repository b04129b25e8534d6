"""Webhooks: the API, the local Hub's deliveries and the ASGI receiver (asyncio and trio)."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from hubclient import AsyncHubClient, HfHubHTTPError, HFValidationError, WebhookPayload
from hubclient.testing import BOB_TOKEN, LocalHub
from hubclient.webhooks import WebhookReceiver

from .conftest import make_client

pytestmark = pytest.mark.anyio

BOT = "http://bot.local"


async def test_webhook_settings(local_hub: LocalHub, client: AsyncHubClient) -> None:
    hook = await client.create_webhook(
        url=f"{BOT}/hook", watched=[{"type": "user", "name": "alice"}], secret="s3"
    )
    assert (hook.url, hook.domains, hook.secret, hook.disabled) == (
        f"{BOT}/hook",
        ["repo", "discussion"],
        "s3",
        False,
    )
    assert [(w.type, w.name) for w in hook.watched] == [("user", "alice")]
    assert await client.get_webhook(hook.id) == hook
    assert await client.list_webhooks() == [hook]
    updated = await client.update_webhook(
        hook.id, url=f"{BOT}/v2", watched=[{"type": "model", "name": "alice/model"}],
        domains=["discussion"],
    )  # fmt: skip
    assert (updated.url, updated.domains, updated.watched[0].name) == (
        f"{BOT}/v2",
        ["discussion"],
        "alice/model",
    )
    assert (await client.disable_webhook(hook.id)).disabled
    assert not (await client.enable_webhook(hook.id)).disabled
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        assert await bob.list_webhooks() == []
        with pytest.raises(HfHubHTTPError) as hidden:
            await bob.get_webhook(hook.id)
        assert hidden.value.status_code == 404
    await client.delete_webhook(hook.id)
    assert await client.list_webhooks() == []
    with pytest.raises(HFValidationError):
        await client.create_webhook(watched=[{"type": "user", "name": "alice"}])  # no url
    with pytest.raises(HFValidationError):
        await client.create_webhook(url=f"{BOT}/x", watched=[{"type": "galaxy", "name": "x"}])
    with pytest.raises(HFValidationError):
        await client.create_webhook(url=f"{BOT}/x", watched=[], domains=["everything"])  # type: ignore[list-item]
    with pytest.raises(HfHubHTTPError) as bad_url:
        await client.create_webhook(url="ftp://x", watched=[{"type": "user", "name": "alice"}])
    assert bad_url.value.status_code == 400


class Inbox:
    """A receiver and what its handlers got."""

    def __init__(self, secret: str | None = "s3cr3t", **kwargs: Any) -> None:
        self.got: list[WebhookPayload] = []
        self.receiver = WebhookReceiver(secret, **kwargs)

        @self.receiver.on()
        async def every(payload: WebhookPayload) -> None:
            self.got.append(payload)


async def _settle(outbox: Any) -> None:
    with anyio.fail_after(20):
        await outbox.wait_idle_async()


async def test_the_hub_delivers_repo_and_discussion_events(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    inbox = Inbox()
    local_hub.webhooks.policy.retry_base = 0.01
    await client.create_webhook(
        url=f"{BOT}/hook", watched=[{"type": "user", "name": "alice"}], secret="s3cr3t"
    )
    async with local_hub.deliver_webhooks({BOT: inbox.receiver}) as outbox:
        async with make_client(local_hub, token=BOB_TOKEN) as bob:
            info = await bob.upload_file(
                path_or_fileobj=b"x\n", path_in_repo="x.txt", repo_id=repo, create_pr=True
            )
            await bob.comment_discussion(repo, info.pr_num or 0, "please merge")
        await client.merge_pull_request(repo, info.pr_num or 0)
        await client.create_branch(repo, branch="dev")
        await client.update_repo_settings(repo, private=True)
        await _settle(outbox)
    events = [(p.event.scope, p.event.action) for p in inbox.got]
    assert ("discussion", "create") in events
    assert ("discussion.comment", "create") in events
    assert events.count(("repo.content", "update")) == 3  # PR ref, merge, new branch
    assert ("repo.config", "update") in events
    created = next(p for p in inbox.got if p.event.matches("discussion", "create"))
    assert created.discussion is not None
    assert created.discussion.is_pull_request
    assert created.discussion.changes is not None
    assert created.discussion.changes.base == "refs/heads/main"
    assert created.comment is not None
    assert created.repo.name == repo
    refs = [r.ref for p in inbox.got for r in p.updated_refs or []]
    assert "refs/pr/1" in refs
    assert "refs/heads/dev" in refs
    config = next(p for p in inbox.got if p.event.scope == "repo.config")
    assert config.updated_config == {"private": True}
    assert all(d.state == "delivered" for d in outbox.deliveries())


async def test_a_wrong_secret_is_refused_and_not_retried(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    inbox = Inbox(secret="the-right-one")
    await client.create_webhook(
        url=f"{BOT}/hook", watched=[{"type": "model", "name": repo}], secret="a-wrong-one"
    )
    async with local_hub.deliver_webhooks({BOT: inbox.receiver}) as outbox:
        await client.create_discussion(repo, "Hello there")
        await _settle(outbox)
    assert inbox.got == []  # the handler was not called
    [delivery] = outbox.deliveries()
    assert (delivery.state, [a.status for a in delivery.attempts]) == ("failed", [403])


async def test_retries_are_bounded_and_timeouts_count(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    calls: list[int] = []

    async def flaky(scope: Any, receive: Any, send: Any) -> None:
        calls.append(1)
        status = 503 if len(calls) < 3 else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await anyio.sleep(5)

    policy = local_hub.webhooks.policy
    policy.retry_base, policy.timeout, policy.max_attempts = 0.01, 0.2, 3
    watched = [{"type": "model", "name": repo}]
    await client.create_webhook(url="http://flaky.local/h", watched=watched, domains=["discussion"])
    await client.create_webhook(url="http://slow.local/h", watched=watched, domains=["discussion"])
    await client.create_webhook(url="http://127.0.0.1:9/closed", watched=watched)
    apps = {"http://flaky.local": flaky, "http://slow.local": slow}
    async with local_hub.deliver_webhooks(apps) as outbox:
        await client.create_discussion(repo, "Retry me")
        await _settle(outbox)
    by_url = {d.url: d for d in outbox.deliveries()}
    flaky_one = by_url["http://flaky.local/h"]
    assert (flaky_one.state, [a.status for a in flaky_one.attempts]) == (
        "delivered",
        [503, 503, 200],
    )
    slow_one = by_url["http://slow.local/h"]
    assert slow_one.state == "failed"
    assert len(slow_one.attempts) == 3
    assert all("timed out" in (a.error or "") for a in slow_one.attempts)
    closed = by_url["http://127.0.0.1:9/closed"]
    assert closed.state == "failed"
    assert len(closed.attempts) == 3
    assert all(a.status is None and a.error for a in closed.attempts)


async def test_disabled_private_and_unwatched_get_nothing(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    local_hub.seed_repo("alice/secret", {"a.txt": b"a"}, private=True)
    off = await client.create_webhook(url=f"{BOT}/off", watched=[{"type": "user", "name": "alice"}])
    await client.disable_webhook(off.id)
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        await bob.create_webhook(url=f"{BOT}/bob", watched=[{"type": "user", "name": "alice"}])
    await client.create_webhook(url=f"{BOT}/other", watched=[{"type": "user", "name": "carol"}])
    inbox = Inbox(secret=None, allow_unsigned=True)
    async with local_hub.deliver_webhooks({BOT: inbox.receiver}) as outbox:
        await client.create_discussion("alice/secret", "Private talk")
        await _settle(outbox)
        assert inbox.got == []  # disabled, not allowed to see the repo, or not watching it
        await client.create_discussion(repo, "Public talk")
        await _settle(outbox)
    assert [p.discussion.title for p in inbox.got if p.discussion] == ["Public talk"]  # bob's


async def test_the_receiver_checks_parses_and_dispatches() -> None:
    got: list[tuple[str, WebhookPayload]] = []
    receiver = WebhookReceiver("s3cr3t")

    @receiver.on("repo.config", action="update")
    async def config(payload: WebhookPayload) -> None:
        got.append(("config", payload))

    @receiver.on("discussion", action="create")
    async def created(payload: WebhookPayload) -> None:
        got.append(("created", payload))

    app = Starlette(routes=[Mount("/webhooks", app=receiver)])  # as FastAPI mounts it
    payload: dict[str, Any] = {
        "event": {"action": "flip", "scope": "repo.config.dois"},  # both unknown to us
        "repo": {"type": "model", "name": "a/b", "id": "1", "private": False,
                 "url": {"web": "http://x/a/b"}, "owner": {"id": "2"}},
        "webhook": {"id": "3", "version": 3},
        "somethingNew": {"x": 1},
    }  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        secret = {"X-Webhook-Secret": "s3cr3t"}
        assert (await http.post("/webhooks/", json=payload)).status_code == 401
        wrong = await http.post("/webhooks/", json=payload, headers={"X-Webhook-Secret": "s3cr3"})
        assert wrong.status_code == 403
        assert got == []
        # any action on a narrower scope is an update of the broader one (the Hub's advice)
        ok = await http.post("/webhooks/?secret=s3cr3t", json=payload)
        assert (ok.status_code, ok.json()) == (200, {"handled": 1})
        assert (got[0][0], got[0][1].event.scope) == ("config", "repo.config.dois")
        assert got[0][1].model_extra == {"somethingNew": {"x": 1}}
        payload["event"] = {"action": "update", "scope": "discussion"}
        ok = await http.post("/webhooks/", json=payload, headers=secret)
        assert (ok.status_code, ok.json()) == (200, {"handled": 0})  # not a create
        assert (await http.post("/webhooks/", content=b"{", headers=secret)).status_code == 400
        assert (await http.post("/webhooks/", json={"x": 1}, headers=secret)).status_code == 400
        assert (await http.get("/webhooks/", headers=secret)).status_code == 405
        big = json.dumps({**payload, "pad": "x" * 2_000_000})
        assert (await http.post("/webhooks/", content=big, headers=secret)).status_code == 413
    with pytest.raises(ValueError, match="secret"):
        WebhookReceiver(None)
    with pytest.raises(TypeError):
        receiver.add_handler(lambda p: None)  # type: ignore[arg-type,return-value]


async def test_a_failing_handler_answers_500_so_the_hub_retries(
    local_hub: LocalHub, client: AsyncHubClient, repo: str
) -> None:
    receiver = WebhookReceiver("s")
    seen: list[int] = []

    @receiver.on("discussion")
    async def boom(payload: WebhookPayload) -> None:
        seen.append(1)
        if len(seen) == 1:
            raise RuntimeError("first time unlucky")

    local_hub.webhooks.policy.retry_base = 0.01
    await client.create_webhook(
        url=f"{BOT}/h", watched=[{"type": "model", "name": repo}], secret="s"
    )
    async with local_hub.deliver_webhooks({BOT: receiver}) as outbox:
        await client.create_discussion(repo, "Try twice")
        await _settle(outbox)
    [delivery] = outbox.deliveries()
    assert [a.status for a in delivery.attempts] == [500, 200]
    assert len(seen) == 2
