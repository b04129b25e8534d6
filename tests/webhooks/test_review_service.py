"""examples/review_service.py end to end: a served local Hub sends its webhooks over a real
socket to the review bot served by uvicorn; the bot checks, comments, merges or closes."""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import uvicorn

from hubclient import AsyncHubClient, CommitOperationAdd, DiscussionComment
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, ServedHub

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "review_service.py"
SECRET = "review-secret"


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("hubclient_example_review", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def service(served_hub: ServedHub) -> Iterator[tuple[str, Any]]:
    """The review bot under uvicorn on 127.0.0.1 (its own thread and event loop)."""
    example = load_example()
    app = example.create_app(
        lambda: AsyncHubClient(served_hub.hub_url, token=ALICE_TOKEN), secret=SECRET
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


async def _until(predicate: Any) -> None:
    with anyio.fail_after(30):
        while not predicate():  # noqa: ASYNC110 (the bot runs on uvicorn's thread)
            await anyio.sleep(0.02)


async def test_the_review_bot_merges_good_pull_requests_and_closes_bad_ones(
    served_hub: ServedHub, service: tuple[str, Any], anyio_backend: str
) -> None:
    url, app = service
    hub = served_hub.hub
    hub.seed_repo("alice/model", {"config.json": b'{"a": 1}\n', "README.md": b"# m\n"})
    async with (
        AsyncHubClient(served_hub.hub_url, token=ALICE_TOKEN) as alice,
        AsyncHubClient(served_hub.hub_url, token=BOB_TOKEN) as bob,
    ):
        await alice.create_webhook(
            url=f"{url}/webhooks/",
            watched=[{"type": "user", "name": "alice"}],
            domains=["discussion", "repo"],
            secret=SECRET,
        )
        bot = app.state.bot
        good = await bob.create_commit(
            "alice/model",
            [CommitOperationAdd("tokenizer.json", b'{"vocab": ["a", "b"]}')],
            commit_message="Add the tokenizer",
            create_pr=True,
        )
        bad = await bob.create_commit(
            "alice/model",
            [
                CommitOperationAdd("model.pkl", b"\x80\x04K\x01."),
                CommitOperationAdd("broken.json", b"{nope"),
            ],
            commit_message="Add a pickle",
            create_pr=True,
        )
        await _until(lambda: len(bot.reviews) >= 2)
        outcomes = {r.num: r for r in bot.reviews}
        assert outcomes[good.pr_num].outcome == "merged"
        assert outcomes[bad.pr_num].outcome == "closed"
        assert sorted(outcomes[bad.pr_num].checked) == ["broken.json", "model.pkl"]
        merged = await alice.get_discussion_details("alice/model", good.pr_num or 0)
        assert merged.status == "merged"
        assert (await alice.model_info("alice/model")).sha == merged.merge_commit_oid
        closed = await alice.get_discussion_details("alice/model", bad.pr_num or 0)
        assert closed.status == "closed"
        comments = [e.content for e in closed.events if isinstance(e, DiscussionComment)]
        assert any("pickle" in c and "not valid JSON" in c for c in comments)
        assert [f.rfilename for f in (await alice.model_info("alice/model")).siblings or []] == [
            ".gitattributes",
            "README.md",
            "config.json",
            "tokenizer.json",
        ]

        # an empty draft waits for its first commit, then is published and merged
        draft = await bob.create_pull_request("alice/model", "Docs, soon")
        await _until(lambda: any(r.num == draft.num for r in bot.reviews))
        assert next(r for r in bot.reviews if r.num == draft.num).outcome == "skipped"
        await bob.upload_file(
            path_or_fileobj=b"# better docs\n",
            path_in_repo="README.md",
            repo_id="alice/model",
            revision=draft.git_reference,
        )
        await _until(
            lambda: [r.outcome for r in bot.reviews if r.num == draft.num][-1:] == ["merged"]
        )
        assert (await alice.get_discussion_details("alice/model", draft.num)).status == "merged"
    # every delivery went over the socket and was answered 200 by the bot
    assert hub.webhooks.wait_idle(10)
    deliveries = hub.webhooks.deliveries()
    assert deliveries
    assert all(d.state == "delivered" for d in deliveries)
    assert all(d.url.startswith("http://127.0.0.1:") for d in deliveries)
