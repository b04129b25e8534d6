"""preupload decisions and the NDJSON commit: every operation, PRs, 412, .gitattributes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

from ._helpers import HUB, client, commit, file_op, git_sha1, lfs_op, ndjson, sha256, upload_lfs

pytestmark = pytest.mark.anyio


async def tree_files(
    http: httpx.AsyncClient, repo: str, revision: str = "main"
) -> dict[str, dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url: str | None = f"{HUB}/api/models/{repo}/tree/{revision}?recursive=true"
    while url:
        answer = await http.get(url)
        items.extend(answer.json())
        url = answer.links.get("next", {}).get("url")
    return {e["path"]: e for e in items if e["type"] == "file"}


async def read(http: httpx.AsyncClient, repo: str, path: str, revision: str = "main") -> bytes:
    answer = await http.get(f"{HUB}/{repo}/resolve/{revision}/{path}", follow_redirects=True)
    assert answer.status_code == 200, answer.text
    return answer.content


async def test_preupload_decisions(local_hub: LocalHub) -> None:
    local_hub.seed_repo(
        "alice/model",
        {".gitignore": b"*.log\nbuild/\n", "kept.txt": b"old", "w.safetensors": b"\0w"},
    )
    sample = base64.b64encode(b"plain text").decode()
    binary = base64.b64encode(b"\x00\x01").decode()
    files = [
        {"path": "a.txt", "sample": sample, "size": 10},
        {"path": "x.safetensors", "sample": sample, "size": 10},  # .gitattributes pattern
        {"path": "huge.txt", "sample": sample, "size": 20_000_000},  # size
        {"path": "raw.dat", "sample": binary, "size": 2},  # binary sample
        {"path": "debug.log", "sample": sample, "size": 10},  # .gitignore
        {"path": "build/out.txt", "sample": sample, "size": 10},
        {"path": "kept.txt", "sample": sample, "size": 3},
        {"path": "w.safetensors", "sample": binary, "size": 2},
    ]
    async with client(local_hub, ALICE_TOKEN) as http:
        answer = await http.post(
            f"{HUB}/api/models/alice/model/preupload/main", json={"files": files}
        )
        got = {f["path"]: f for f in answer.json()["files"]}
        extra = await http.post(
            f"{HUB}/api/models/alice/model/preupload/main",
            json={"files": files[:1], "gitIgnore": "a.txt\n"},
        )
    modes = {path: (f["uploadMode"], f["shouldIgnore"]) for path, f in got.items()}
    assert modes == {
        "a.txt": ("regular", False),
        "x.safetensors": ("lfs", False),
        "huge.txt": ("lfs", False),
        "raw.dat": ("lfs", False),
        "debug.log": ("regular", True),
        "build/out.txt": ("regular", True),
        "kept.txt": ("regular", False),
        "w.safetensors": ("lfs", False),
    }
    assert got["kept.txt"]["oid"] == git_sha1(b"old")
    assert got["w.safetensors"]["oid"] == sha256(b"\0w")
    assert "oid" not in got["a.txt"]
    assert extra.json()["files"][0]["shouldIgnore"] is True


async def test_every_operation(local_hub: LocalHub) -> None:
    big = b"\0big" * 64
    local_hub.seed_repo(
        "alice/ops",
        {"old.txt": b"old", "gone.txt": b"g", "fold/a/x.txt": b"x", "fold/a/y.txt": b"y"},
    )
    async with client(local_hub, ALICE_TOKEN) as http:
        await upload_lfs(http, "alice/ops", big)
        body = ndjson(
            "many",
            file_op("b64.txt", b"base64!"),
            ("file", {"path": "/utf8.txt", "content": "héllo", "encoding": "utf-8"}),
            lfs_op("data/big.custom", big),
            lfs_op("copy.custom", big, size=False),  # a server-side copy: no size
            ("deletedFile", {"path": "gone.txt"}),
            ("deletedFolder", {"path": "fold/a/"}),
            ("file", {"path": "new.txt", "oldPath": "old.txt"}),
        )
        answer = await commit(http, "alice/ops", body)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert result["commitUrl"] == f"{HUB}/alice/ops/commit/{result['commitOid']}"
        files = await tree_files(http, "alice/ops")
        assert set(files) == {
            ".gitattributes",
            "b64.txt",
            "utf8.txt",
            "data/big.custom",
            "copy.custom",
            "new.txt",
        }
        assert await read(http, "alice/ops", "utf8.txt") == "héllo".encode()
        assert await read(http, "alice/ops", "copy.custom") == big
        assert await read(http, "alice/ops", "new.txt") == b"old"
        assert files["data/big.custom"]["lfs"]["oid"] == sha256(big)
        # the new LFS paths are tracked by .gitattributes
        attributes = (await read(http, "alice/ops", ".gitattributes")).decode()
        assert "data/big.custom filter=lfs" in attributes
        assert "copy.custom filter=lfs" in attributes
        assert attributes.startswith("*.7z filter=lfs")


async def test_missing_entries_and_bad_bodies(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/ops", {"a.txt": b"a"})
    async with client(local_hub, ALICE_TOKEN) as http:
        missing = await commit(http, "alice/ops", ndjson("x", ("deletedFile", {"path": "b.txt"})))
        assert (missing.status_code, missing.headers["x-error-code"]) == (404, "EntryNotFound")
        assert "A file with this name doesn't exist" in missing.json()["error"]
        folder = await commit(http, "alice/ops", ndjson("x", ("deletedFolder", {"path": "d/"})))
        assert folder.status_code == 404
        for body in [
            b"not json\n",
            json.dumps({"key": "file", "value": {"path": "a"}}).encode(),  # no header
            ndjson("x", ("weird", {"path": "a.txt"})),
            ndjson("x", file_op("../escape.txt", b"x")),
            ndjson("x", file_op(".git/config", b"x")),
        ]:
            assert (await commit(http, "alice/ops", body)).status_code == 400
        tag = await http.post(f"{HUB}/api/models/alice/ops/tag/main", json={"tag": "v1"})
        assert tag.status_code == 200
        on_tag = await commit(http, "alice/ops", ndjson("x", file_op("b.txt", b"b")), revision="v1")
        assert on_tag.status_code == 400
        nowhere = await commit(
            http, "alice/ops", ndjson("x", file_op("b.txt", b"b")), revision="nope"
        )
        assert (nowhere.status_code, nowhere.headers["x-error-code"]) == (404, "RevisionNotFound")
        # nothing of the above changed the branch
        assert set(await tree_files(http, "alice/ops")) == {".gitattributes", "a.txt"}


async def test_parent_commit(local_hub: LocalHub) -> None:
    head = local_hub.seed_repo("alice/ops", {"a.txt": b"a"})
    async with client(local_hub, ALICE_TOKEN) as http:
        ok = await commit(
            http, "alice/ops", ndjson("1", file_op("b.txt", b"b"), parentCommit=head[:7])
        )
        assert ok.status_code == 200
        stale = await commit(
            http, "alice/ops", ndjson("2", file_op("c.txt", b"c"), parentCommit=head)
        )
        assert stale.status_code == 412
        assert stale.json()["error"]


async def test_pull_requests(local_hub: LocalHub) -> None:
    head = local_hub.seed_repo("alice/ops", {"a.txt": b"a"})
    async with client(local_hub, ALICE_TOKEN) as http:
        first = await commit(
            http, "alice/ops", ndjson("pr", file_op("p.txt", b"p")), create_pr=True
        )
        assert first.json()["pullRequestUrl"] == f"{HUB}/alice/ops/discussions/1"
        # commit on top of the PR ref
        more = await commit(
            http, "alice/ops", ndjson("more", file_op("q.txt", b"q")), revision="refs%2Fpr%2F1"
        )
        assert more.status_code == 200
        second = await commit(
            http, "alice/ops", ndjson("pr2", file_op("r.txt", b"r")), create_pr=True
        )
        assert second.json()["pullRequestUrl"].endswith("/discussions/2")
        refs = (
            await http.get(f"{HUB}/api/models/alice/ops/refs", params={"include_prs": 1})
        ).json()
        prs = {r["ref"]: r["targetCommit"] for r in refs["pullRequests"]}
        assert prs == {
            "refs/pr/1": more.json()["commitOid"],
            "refs/pr/2": second.json()["commitOid"],
        }
        assert refs["branches"] == [
            {"name": "main", "ref": "refs/heads/main", "targetCommit": head}
        ]
        assert set(await tree_files(http, "alice/ops", "refs%2Fpr%2F1")) >= {"p.txt", "q.txt"}
        assert "p.txt" not in await tree_files(http, "alice/ops")
        without = (await http.get(f"{HUB}/api/models/alice/ops/refs")).json()
        assert "pullRequests" not in without


async def test_regular_content_must_be_small_text(tmp_path: Path) -> None:
    with standard_hub(LocalHub(tmp_path / "hub", lfs_size_threshold=100)) as hub:
        hub.seed_repo("alice/ops", {"a.txt": b"a"})
        async with client(hub, ALICE_TOKEN) as http:
            binary = await commit(http, "alice/ops", ndjson("x", file_op("b.dat", b"\0\1")))
            assert binary.status_code == 400
            assert "binary" in binary.json()["error"]
            big = await commit(http, "alice/ops", ndjson("x", file_op("big.txt", b"t" * 100)))
            assert big.status_code == 400
            ok = await commit(http, "alice/ops", ndjson("x", file_op("ok.txt", b"t" * 99)))
            assert ok.status_code == 200
            empty = await commit(http, "alice/ops", ndjson("x", file_op("empty.bin", b"")))
            assert empty.status_code == 200
