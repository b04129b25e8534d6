"""The same data dir after a restart: the same repos, commits, refs, blobs and redirects."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub

from ._helpers import HUB, client, commit, file_op, lfs_op, ndjson, upload_lfs

pytestmark = pytest.mark.anyio


async def test_everything_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    big = b"\0big" * 1000
    with standard_hub(LocalHub(data)) as hub:
        hub.seed_repo("alice/kept", {"a.txt": b"a"})
        async with client(hub, ALICE_TOKEN) as http:
            await upload_lfs(http, "alice/kept", big)
            answer = await commit(
                http, "alice/kept", ndjson("two", file_op("b.txt", b"b"), lfs_op("w.bin", big))
            )
            head = answer.json()["commitOid"]
            await http.post(f"{HUB}/api/models/alice/kept/branch/dev", json={})
            await http.post(f"{HUB}/api/models/alice/kept/tag/main", json={"tag": "v1"})
            await commit(http, "alice/kept", ndjson("pr", file_op("c.txt", b"c")), create_pr=True)
            await http.post(f"{HUB}/api/repos/create", json={"name": "old", "type": "dataset"})
            await http.post(
                f"{HUB}/api/repos/move",
                json={"fromRepo": "alice/old", "toRepo": "alice/new", "type": "dataset"},
            )
            before = (await http.get(f"{HUB}/api/models/alice/kept?blobs=true")).json()
            refs_before = (await http.get(f"{HUB}/api/models/alice/kept/refs?include_prs=1")).json()
    with standard_hub(LocalHub(data)) as hub:
        async with client(hub, ALICE_TOKEN) as http:
            after = (await http.get(f"{HUB}/api/models/alice/kept?blobs=true")).json()
            assert after == before
            assert after["sha"] == head
            refs = (await http.get(f"{HUB}/api/models/alice/kept/refs?include_prs=1")).json()
            assert refs == refs_before
            assert [r["name"] for r in refs["pullRequests"]] == ["refs/pr/1"]
            got = await http.get(f"{HUB}/alice/kept/resolve/v1/w.bin", follow_redirects=True)
            assert got.content == big
            assert (await http.get(f"{HUB}/alice/kept/resolve/dev/b.txt")).content == b"b"
            history = (await http.get(f"{HUB}/api/models/alice/kept/commits/main")).json()
            assert [c["title"] for c in history] == ["two", "seed"]
            moved = await http.get(f"{HUB}/api/datasets/alice/old")
            assert moved.status_code == 307
            assert moved.headers["location"] == "/api/datasets/alice/new"
            # the next commit continues the history
            answer = await commit(
                http, "alice/kept", ndjson("three", file_op("d.txt", b"d"), parentCommit=head)
            )
            assert answer.status_code == 200
            # a new PR gets the next number
            pr = await commit(
                http, "alice/kept", ndjson("pr2", file_op("e.txt", b"e")), create_pr=True
            )
            assert pr.json()["pullRequestUrl"].endswith("/discussions/2")
