"""Concurrent commits on one branch are serialised: a stale parent gets 412, nothing is lost."""

from __future__ import annotations

import threading

import anyio
import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub

from ._helpers import HUB, client, commit, file_op, ndjson

pytestmark = pytest.mark.anyio


async def test_racing_commits_with_the_same_parent(local_hub: LocalHub) -> None:
    parent = local_hub.seed_repo("alice/race", {"a.txt": b"a"})
    statuses: list[int] = []
    async with client(local_hub, ALICE_TOKEN) as http:

        async def one(i: int) -> None:
            body = ndjson(f"c{i}", file_op(f"f{i}.txt", b"x"), parentCommit=parent[:7])
            statuses.append((await commit(http, "alice/race", body)).status_code)

        async with anyio.create_task_group() as tg:
            for i in range(8):
                tg.start_soon(one, i)
        assert sorted(statuses) == [200] + [412] * 7
        tree = (await http.get(f"{HUB}/api/models/alice/race/tree/main")).json()
    assert len([e for e in tree if e["path"].startswith("f")]) == 1


async def test_racing_commits_without_parent_lose_nothing(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/race", {"a.txt": b"a"})
    async with client(local_hub, ALICE_TOKEN) as http:

        async def one(i: int) -> None:
            answer = await commit(http, "alice/race", ndjson(f"c{i}", file_op(f"f{i}.txt", b"x")))
            assert answer.status_code == 200

        async with anyio.create_task_group() as tg:
            for i in range(10):
                tg.start_soon(one, i)
        files = await _all(http, f"{HUB}/api/models/alice/race/tree/main")
        history = await _all(http, f"{HUB}/api/models/alice/race/commits/main")
    assert {f"f{i}.txt" for i in range(10)} <= {e["path"] for e in files}
    assert sorted(str(c["title"]) for c in history) == sorted(
        [f"c{i}" for i in range(10)] + ["seed"]
    )


async def _all(http: httpx.AsyncClient, url: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    next_url: str | None = url
    while next_url:
        answer = await http.get(next_url)
        items.extend(answer.json())
        next_url = answer.links.get("next", {}).get("url")
    return items


def test_racing_commits_from_threads(local_hub: LocalHub) -> None:
    """The served app (uvicorn thread) and in-process requests share one store safely."""
    local_hub.seed_repo("alice/threads", {"a.txt": b"a"})
    errors: list[BaseException] = []
    with local_hub.serve() as served:

        def worker(i: int) -> None:
            try:
                with httpx.Client(headers={"authorization": f"Bearer {ALICE_TOKEN}"}) as http:
                    for j in range(5):
                        answer = http.post(
                            f"{served.hub_url}/api/models/alice/threads/commit/main",
                            content=ndjson(f"t{i}-{j}", file_op(f"t{i}-{j}.txt", b"x")),
                        )
                        assert answer.status_code == 200, answer.text
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        # meanwhile, seed from this thread too
        for k in range(5):
            local_hub.seed_repo("alice/threads", {f"seed{k}.txt": b"s"})
        for t in threads:
            t.join(60)
    assert not errors
    repo = local_hub.store.find("model", "alice/threads")
    assert repo is not None
    files = repo.snapshot(repo.resolve("main").commit).files
    assert {f"t{i}-{j}.txt" for i in range(4) for j in range(5)} <= set(files)
    assert {f"seed{k}.txt" for k in range(5)} <= set(files)
    assert len(list(repo.history(repo.resolve("main").commit))) == 1 + 20 + 5
