"""huggingface_hub 2.4.0 drives the webhook routes of the served local Hub, the Hub delivers to a
receiver over a real socket, and hubclient reads the same webhooks back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from huggingface_hub import WebhookWatchedItem
from huggingface_hub.errors import HfHubHTTPError

from hubclient import AsyncHubClient, WebhookPayload
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A plain HTTP server on loopback that records what it is sent."""
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_webhooks(
    conf: Conformance, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, got = receiver
    api = conf.api
    repo_id = conf.new_repo("hooked")
    hook = api.create_webhook(
        url=url, watched=[WebhookWatchedItem(type="user", name="alice")], secret="s3cr3t"
    )
    assert (hook.url, hook.secret, hook.disabled) == (url, "s3cr3t", False)
    assert hook.domains == ["repo", "discussion"]
    other = api.create_webhook(url=url + "2", watched=[{"type": "model", "name": repo_id}])
    assert api.get_webhook(hook.id) == hook
    assert [h.id for h in api.list_webhooks()] == [hook.id, other.id]
    other = api.update_webhook(other.id, url=url, watched=[{"type": "model", "name": repo_id}],
                               domains=["discussion"])  # fmt: skip
    assert other.domains == ["discussion"]
    assert api.disable_webhook(other.id).disabled
    assert not api.enable_webhook(other.id).disabled
    api.disable_webhook(other.id)
    with pytest.raises(HfHubHTTPError):
        conf.bob.get_webhook(hook.id)

    api.upload_file(path_or_fileobj=b"a\n", path_in_repo="a.txt", repo_id=repo_id)
    api.create_discussion(repo_id, title="Webhook me")
    assert conf.hub.webhooks.wait_idle(30)
    payloads = [WebhookPayload.model_validate_json(body) for _, body in got]
    assert {h["x-webhook-secret"] for h, _ in got} == {"s3cr3t"}
    # each event is delivered on its own (as the Hub does): the order they reach the receiver
    # in is not part of the contract
    events = {(p.event.scope, p.event.action): p for p in payloads}
    assert len(payloads) == 2
    assert sorted(events) == [("discussion", "create"), ("repo.content", "update")]
    assert events["repo.content", "update"].repo.head_sha == api.repo_info(repo_id).sha
    discussion = events["discussion", "create"].discussion
    assert discussion is not None
    assert discussion.title == "Webhook me"

    theirs = api.list_webhooks()
    with start_blocking_portal() as portal:

        async def read() -> list[Any]:
            async with AsyncHubClient(conf.endpoint, token=ALICE_TOKEN) as client:
                return await client.list_webhooks()

        ours = portal.call(read)
    assert [(h.id, h.url, h.domains, h.secret, h.disabled) for h in ours] == [
        (h.id, h.url, h.domains, h.secret, h.disabled) for h in theirs
    ]
    assert [[(w.type, w.name) for w in h.watched] for h in ours] == [
        [(w.type, w.name) for w in h.watched] for h in theirs
    ]
    api.delete_webhook(hook.id)
    api.delete_webhook(other.id)
    assert api.list_webhooks() == []
