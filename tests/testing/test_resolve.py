"""resolve (HEAD and GET): headers, ranges, redirects, errors, and every revision spelling."""

from __future__ import annotations

import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub

from ._helpers import HUB, STORAGE, client, commit, file_op, git_sha1, ndjson, sha256

pytestmark = pytest.mark.anyio

TEXT = b"hello, local hub\n"
BLOB = b"\0\1\2" * 100


@pytest.fixture
def seeded(local_hub: LocalHub) -> str:
    return local_hub.seed_repo(
        "alice/model", {"notes/a b é.txt": TEXT, "w.bin": BLOB, "dir/x.txt": b"x"}
    )


async def test_regular_file(local_hub: LocalHub, seeded: str) -> None:
    url = f"{HUB}/alice/model/resolve/main/notes/a%20b%20%C3%A9.txt"
    async with client(local_hub, ALICE_TOKEN) as http:
        head = await http.head(url)
        assert head.status_code == 200
        assert head.headers["content-length"] == str(len(TEXT))
        assert head.headers["etag"] == f'"{git_sha1(TEXT)}"'
        assert head.headers["x-repo-commit"] == seeded
        assert head.headers["accept-ranges"] == "bytes"
        assert head.headers["x-request-id"]
        assert head.content == b""
        get = await http.get(url)
        assert get.content == TEXT
        part = await http.get(url, headers={"range": "bytes=7-"})
        assert (part.status_code, part.content) == (206, TEXT[7:])
        assert part.headers["content-range"] == f"bytes 7-{len(TEXT) - 1}/{len(TEXT)}"
        bad = await http.get(url, headers={"range": "bytes=999-"})
        assert bad.status_code == 416
        assert bad.headers["content-range"] == f"bytes */{len(TEXT)}"


async def test_lfs_file_redirects_to_storage(local_hub: LocalHub, seeded: str) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        for method in ("HEAD", "GET"):
            answer = await http.request(method, f"{HUB}/alice/model/resolve/main/w.bin")
            assert answer.status_code == 302
            assert answer.headers["location"].startswith(STORAGE + "/")
            assert answer.headers["x-linked-etag"] == f'"{sha256(BLOB)}"'
            assert answer.headers["x-linked-size"] == str(len(BLOB))
            assert answer.headers["x-repo-commit"] == seeded
            assert answer.headers["etag"]
            assert "x-xet-hash" not in answer.headers
        followed = await http.get(f"{HUB}/alice/model/resolve/main/w.bin", follow_redirects=True)
        assert followed.content == BLOB
        assert "authorization" not in followed.request.headers  # httpx drops it cross-origin


async def test_errors_carry_codes(local_hub: LocalHub, seeded: str) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        missing = await http.head(f"{HUB}/alice/model/resolve/main/nope.txt")
        assert (missing.status_code, missing.headers["x-error-code"]) == (404, "EntryNotFound")
        assert missing.headers["x-repo-commit"] == seeded
        revision = await http.get(f"{HUB}/alice/model/resolve/nope/w.bin")
        assert (revision.status_code, revision.headers["x-error-code"]) == (404, "RevisionNotFound")
        repo = await http.get(f"{HUB}/alice/nope/resolve/main/w.bin")
        assert (repo.status_code, repo.headers["x-error-code"]) == (404, "RepoNotFound")
        assert repo.json()["error"] == repo.headers["x-error-message"]
        xet = await http.get(f"{HUB}/api/models/alice/model/xet-read-token/nope")
        assert (xet.status_code, xet.headers["x-error-code"]) == (404, "RevisionNotFound")
        folder = await http.get(f"{HUB}/alice/model/resolve/main/dir")
        assert folder.headers["x-error-code"] == "EntryNotFound"


async def test_revision_spellings(local_hub: LocalHub, seeded: str) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        await http.post(f"{HUB}/api/models/alice/model/tag/main", json={"tag": "v1"})
        await http.post(f"{HUB}/api/models/alice/model/branch/feature%2Fx", json={})
        pr = await commit(http, "alice/model", ndjson("pr", file_op("p.txt", b"p")), create_pr=True)
        pr_sha = pr.json()["commitOid"]
        for revision, expected in [
            ("main", seeded),
            ("v1", seeded),
            ("HEAD", seeded),
            (seeded, seeded),
            (seeded[:7], seeded),
            ("refs%2Fheads%2Fmain", seeded),
            ("feature%2Fx", seeded),
            ("refs%2Fpr%2F1", pr_sha),
            ("refs/pr/1", pr_sha),  # huggingface.js spelling: raw segments
        ]:
            answer = await http.head(f"{HUB}/alice/model/resolve/{revision}/dir/x.txt")
            assert answer.headers.get("x-repo-commit") == expected, revision
            info = await http.get(f"{HUB}/api/models/alice/model/revision/{revision}")
            assert info.json()["sha"] == expected, revision


async def test_moved_repo_answers_a_relative_redirect(local_hub: LocalHub, seeded: str) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        moved = await http.post(
            f"{HUB}/api/repos/move",
            json={"fromRepo": "alice/model", "toRepo": "acme/renamed", "type": "model"},
        )
        assert moved.status_code == 200
        old = await http.head(f"{HUB}/alice/model/resolve/main/dir/x.txt?x=1")
        assert old.status_code == 307
        assert old.headers["location"] == "/acme/renamed/resolve/main/dir/x.txt?x=1"
        api = await http.get(f"{HUB}/api/models/alice/model/revision/main")
        assert api.headers["location"] == "/api/models/acme/renamed/revision/main"
        followed = await http.get(f"{HUB}/api/models/alice/model", follow_redirects=True)
        assert followed.json()["id"] == "acme/renamed"


async def test_head_on_api_routes(local_hub: LocalHub, seeded: str) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        get = await http.get(f"{HUB}/api/models/alice/model")
        head = await http.head(f"{HUB}/api/models/alice/model")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
