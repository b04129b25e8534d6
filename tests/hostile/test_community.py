"""The community areas (discussions, access requests, collections, people, webhooks) against a
Hub that lies: HTML, JSON of another shape, listings that never move forward. Each call ends
with an ``UnexpectedResponseError`` naming what was expected, never a raw JSON, KeyError or
pydantic error, and a listing that does not advance stops."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from hubclient import AsyncHubClient
from hubclient.errors import UnexpectedResponseError
from tests.hostile._server import FakeHub, Reply, Request
from tests.hostile.test_names import failure

pytestmark = pytest.mark.anyio

_HTML = b"<!DOCTYPE html><html><body>Sign in to the proxy</body></html>"


async def _drain(items: AsyncIterator[Any]) -> None:
    async for _ in items:
        pass


def _call(client: AsyncHubClient, name: str) -> Awaitable[object]:
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "get_discussion_details": lambda: client.get_discussion_details("acme/m", 1),
        "get_repo_discussions": lambda: _drain(client.get_repo_discussions("acme/m")),
        "get_collection": lambda: client.get_collection("acme/c-0123456789abcdef01234567"),
        "list_collections": lambda: _drain(client.list_collections(owner="acme")),
        "list_pending_access_requests": lambda: _drain(
            client.list_pending_access_requests("acme/m")
        ),
        "get_webhook": lambda: client.get_webhook("0123456789abcdef01234567"),
        "list_repo_likers": lambda: _drain(client.list_repo_likers("acme/m")),
        "get_user_overview": lambda: client.get_user_overview("bob"),
    }
    return calls[name]()


_ROUTES = {
    "get_discussion_details": r"/api/models/acme/m/discussions/1",
    "get_repo_discussions": r"/api/models/acme/m/discussions",
    "get_collection": r"/api/collections/acme/c-0123456789abcdef01234567",
    "list_collections": r"/api/collections",
    "list_pending_access_requests": r"/api/models/acme/m/user-access-request/pending",
    "get_webhook": r"/api/settings/webhooks/0123456789abcdef01234567",
    "list_repo_likers": r"/api/models/acme/m/likers",
    "get_user_overview": r"/api/users/bob/overview",
}


async def _fails_typed(client: AsyncHubClient, hub: FakeHub, call: str) -> UnexpectedResponseError:
    err = await failure(_call(client, call))
    assert isinstance(err, UnexpectedResponseError), repr(err)
    assert hub.server.count(pattern=_ROUTES[call]) >= 1  # the lie was asked for
    return err


@pytest.mark.parametrize("call", sorted(_ROUTES))
async def test_an_html_answer(client: AsyncHubClient, hub: FakeHub, call: str) -> None:
    hub.server.on(
        "GET", _ROUTES[call], lambda r: Reply(200, [("content-type", "text/html")], _HTML)
    )
    err = await _fails_typed(client, hub, call)
    assert "HTML" in str(err)
    assert err.status_code == 200


@pytest.mark.parametrize("call", sorted(_ROUTES))
async def test_json_of_another_shape(client: AsyncHubClient, hub: FakeHub, call: str) -> None:
    shape: object = {"discussions": "many", "start": 0, "count": 1}
    if call != "get_repo_discussions":
        shape = ["a list"] if not call.startswith("list_") else {"items": []}
    hub.server.on("GET", _ROUTES[call], lambda r: Reply.json(shape))
    err = await _fails_typed(client, hub, call)
    assert err.expected
    assert "Traceback" not in str(err)


async def test_a_discussions_listing_that_does_not_move_forward_stops(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    page = {
        "discussions": [
            {
                "num": 1,
                "title": "again",
                "status": "open",
                "isPullRequest": False,
                "createdAt": "2026-01-01T00:00:00.000Z",
                "author": {"name": "bob"},
                "repo": {"name": "acme/m", "type": "model"},
            }
        ],
        "start": 0,  # every page says it is the first one
        "count": 1_000_000,
    }
    hub.server.on("GET", _ROUTES["get_repo_discussions"], lambda r: Reply.json(page))
    err = await _fails_typed(client, hub, "get_repo_discussions")
    assert "page 1 to start at item 1" in str(err)
    assert hub.server.count(pattern=_ROUTES["get_repo_discussions"]) == 2


async def test_an_access_request_with_a_bad_field(client: AsyncHubClient, hub: FakeHub) -> None:
    def requests(r: Request) -> Reply:
        return Reply.json([{"user": {"user": "bob"}, "status": "pending", "timestamp": "soon"}])

    hub.server.on("GET", _ROUTES["list_pending_access_requests"], requests)
    err = await _fails_typed(client, hub, "list_pending_access_requests")
    assert "timestamp" in str(err)
