"""The route table: pattern matching, 404/405 answers, every route's handler fits its pattern,
and the areas' persistent documents."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import Response

from hubclient.testing import LocalHub
from hubclient.testing._hub_app import ROUTES
from hubclient.testing._routes import Route
from tests.testing._helpers import HUB, client


async def _handler(ctx: Any, **params: Any) -> Response:
    return Response(b"")


def test_placeholders_match_as_the_hub_spells_paths() -> None:
    tree = Route("GET", "/api/{types}/{repo_id}/tree/{rev}/{path*}", _handler)
    assert tree.match(["api", "models", "acme", "m", "tree", "main"]) == {
        "repo_type": "model",
        "repo_id": "acme/m",
        "revision": "main",
        "path": "",
    }
    # refs/pr/1 percent-encoded is one segment; written raw it is three
    assert tree.match(["api", "datasets", "acme", "d", "tree", "refs/pr/1", "a", "b"]) == {
        "repo_type": "dataset",
        "repo_id": "acme/d",
        "revision": "refs/pr/1",
        "path": "a/b",
    }
    assert tree.match(["api", "spaces", "acme", "s", "tree", "refs", "pr", "2", "x"]) == {
        "repo_type": "space",
        "repo_id": "acme/s",
        "revision": "refs/pr/2",
        "path": "x",
    }
    assert tree.match(["api", "buckets", "acme", "m", "tree", "main"]) is None
    assert tree.match(["api", "kernels", "acme", "m", "tree", "main"]) == {
        "repo_type": "kernel",
        "repo_id": "acme/m",
        "revision": "main",
        "path": "",
    }
    assert tree.match(["api", "models", "acme"]) is None


def test_the_file_url_prefix_and_git_urls() -> None:
    resolve = Route("GET", "/{prefix?}/{repo_id}/resolve/{rev}/{path+}", _handler)
    assert resolve.match(["acme", "m", "resolve", "main", "w.bin"]) == {
        "repo_type": "model",
        "repo_id": "acme/m",
        "revision": "main",
        "path": "w.bin",
    }
    assert resolve.match(["datasets", "acme", "d", "resolve", "v1", "a", "b.txt"])["repo_type"] == (  # type: ignore[index]
        "dataset"
    )
    assert resolve.match(["acme", "m", "resolve", "main"]) is None  # a file path is required
    batch = Route("POST", "/{prefix?}/{repo.git}/info/lfs/objects/batch", _handler)
    assert batch.match(["spaces", "acme", "s.git", "info", "lfs", "objects", "batch"]) == {
        "repo_type": "space",
        "repo_id": "acme/s",
    }
    assert batch.match(["acme", "m", "info", "lfs", "objects", "batch"]) is None


def test_types_can_be_narrowed_and_bad_patterns_are_refused() -> None:
    runtime = Route("GET", "/api/{types}/{repo_id}/runtime", _handler, types=("spaces",))
    assert runtime.match(["api", "spaces", "a", "b", "runtime"]) is not None
    assert runtime.match(["api", "models", "a", "b", "runtime"]) is None
    with pytest.raises(ValueError, match="starts with"):
        Route("GET", "api/x", _handler)
    with pytest.raises(ValueError, match="comes last"):
        Route("GET", "/api/{rest*}/x", _handler)
    with pytest.raises(ValueError, match="unknown placeholder"):
        Route("GET", "/api/{not-a-name}", _handler)


def _sample(route: Route) -> list[str]:
    out: list[str] = []
    for token in route.tokens:
        out += {
            "literal": [token.value],
            "types": [route.types[0] if route.types else "models"],
            "prefix": [],
            "repo": ["acme", "model"],
            "repo_id": ["acme", "model"],
            "repo.git": ["acme", "model.git"],
            "rev": ["main"],
            "one": ["x"],
            "rest": ["a", "b"],
        }[token.kind]
    return out


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{'|'.join(r.methods)} {r.pattern}")
def test_every_route_handler_takes_what_its_pattern_passes(route: Route) -> None:
    params = route.match(_sample(route))
    assert params is not None, "the route does not match its own sample path"
    if route.resolves_repo:
        params.pop("repo_id")
        params.pop("repo_type")
        params["repo"] = object()
    inspect.signature(route.handler).bind(object(), **params)  # raises TypeError if not


@pytest.mark.anyio
async def test_unknown_paths_are_404_and_wrong_methods_405() -> None:
    hub = LocalHub()
    hub.add_user("alice")
    hub.add_token("hf_alice", user="alice")
    hub.seed_repo("alice/m", {"a.txt": b"a"})
    async with client(hub, "hf_alice") as http:
        missing = await http.get(f"{HUB}/api/no-such-route")
        assert missing.status_code == 404
        wrong = await http.post(f"{HUB}/api/models/alice/m/refs")
        assert wrong.status_code == 405
        assert wrong.headers["allow"] == "GET"
        # HEAD on an API route answers as GET does, without a body
        head = await http.head(f"{HUB}/api/models/alice/m")
        assert head.status_code == 200
        assert head.content == b""
        assert (await http.get(f"{HUB}/api/models/alice/m/")).json()["id"] == "alice/m"
    hub.close()


def test_documents_persist_and_follow_their_repo(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    hub = LocalHub(data)
    hub.add_user("alice", orgs=["acme"])
    hub.seed_repo("alice/m", {"a.txt": b"a"})
    documents = hub.state.documents
    settings = documents.hub("webhooks")
    with settings.lock:
        settings.data["hooks"] = [{"id": "1"}]
        settings.save()
    repo = hub.store.find("model", "alice/m")
    assert repo is not None
    discussions = documents.repo(repo, "discussions")
    with discussions.lock:
        discussions.data["items"] = [{"num": 1}]
        discussions.save()
    assert documents.repo(repo, "discussions") is discussions  # loaded once, then cached
    hub.store.move(repo, "acme/m")
    hub.close()

    again = LocalHub(data)
    assert again.state.documents.hub("webhooks").data == {"hooks": [{"id": "1"}]}
    moved = again.store.find("model", "acme/m")
    assert moved is not None
    assert again.state.documents.repo(moved, "discussions").data == {"items": [{"num": 1}]}
    with pytest.raises(ValueError, match="not an area name"):
        again.state.documents.hub("../escape")
    again.close()
