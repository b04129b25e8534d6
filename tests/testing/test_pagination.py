"""Every paginated answer, at a page size of 1: absolute `Link` URLs carrying the query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

from ._helpers import HUB, client

pytestmark = pytest.mark.anyio


@pytest.fixture
def tiny_pages(tmp_path: Path) -> Iterator[LocalHub]:
    hub = standard_hub(LocalHub(tmp_path / "hub", page_size=1))
    try:
        yield hub
    finally:
        hub.close()


async def walk(http: httpx.AsyncClient, url: str, **params: Any) -> tuple[list[Any], int]:
    """Follow `Link: rel="next"` (the URLs are used exactly as given); return items and pages."""
    answer = await http.get(url, params=params)
    items, pages = [], 0
    while True:
        assert answer.status_code == 200, answer.text
        items.extend(answer.json())
        pages += 1
        assert pages < 100
        following = answer.links.get("next")
        if following is None:
            return items, pages
        assert following["url"].startswith(HUB + "/")
        assert 'rel="next"' in answer.headers["link"]
        answer = await http.get(following["url"])


async def test_repo_listing(tiny_pages: LocalHub) -> None:
    for name in ("m1", "m2", "m3"):
        tiny_pages.seed_repo(f"alice/{name}", {"a.txt": name.encode()})
    tiny_pages.seed_repo("bob/other", {"a.txt": b"b"})
    async with client(tiny_pages, ALICE_TOKEN) as http:
        items, pages = await walk(http, f"{HUB}/api/models", author="alice")
        assert [m["id"] for m in items] == ["alice/m1", "alice/m2", "alice/m3"]
        assert pages == 3
        first = await http.get(f"{HUB}/api/models", params={"author": "alice", "full": "true"})
        link = first.links["next"]["url"]
        assert "author=alice" in link
        assert "full=true" in link
        assert "cursor=" in link


async def test_tree_listing(tiny_pages: LocalHub) -> None:
    files = {f"d/f{i}.txt": b"x" for i in range(4)}
    tiny_pages.seed_repo("alice/tree", files)
    async with client(tiny_pages, ALICE_TOKEN) as http:
        url = f"{HUB}/api/models/alice/tree/tree/main"
        items, pages = await walk(http, url, recursive="true")
        assert [e["path"] for e in items] == ["d", *sorted(files), ".gitattributes"]
        assert pages == 6
        items, pages = await walk(http, url + "/d", expand="true")
        assert [e["path"] for e in items] == sorted(files)
        assert all("lastCommit" in e for e in items)


async def test_commit_listing(tiny_pages: LocalHub) -> None:
    shas = [tiny_pages.seed_repo("alice/log", {"a.txt": str(i).encode()}) for i in range(3)]
    async with client(tiny_pages, ALICE_TOKEN) as http:
        items, pages = await walk(http, f"{HUB}/api/models/alice/log/commits/main")
    assert [c["id"] for c in items] == shas[::-1]
    assert pages == 3


async def test_a_bad_cursor_is_a_400(tiny_pages: LocalHub) -> None:
    async with client(tiny_pages, ALICE_TOKEN) as http:
        answer = await http.get(f"{HUB}/api/models", params={"cursor": "garbage!"})
    assert answer.status_code == 400
