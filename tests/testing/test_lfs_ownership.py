"""LFS objects belong to repos: knowing a sha256 held elsewhere gives neither the bytes nor a skip.

The store keeps one copy of the bytes on disk; what a repo may point at is what was uploaded to
it (or copied into it, or committed in it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub, standard_hub

from ._helpers import HUB, client, commit, lfs_op, ndjson, sha256, upload_lfs

pytestmark = pytest.mark.anyio

CHUNK = 64 * 1024
SECRET = bytes(range(256)) * 8 * 1024  # 2 MiB, LFS by content (binary) and by name
DANGLING = (
    "Your push was rejected because an LFS pointer pointed to a file that does not exist. "
    "For instance, this can happen if you used git push --no-verify to push your changes. "
    "Offending file: - stolen.bin"
)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    with standard_hub(
        LocalHub(tmp_path / "hub", lfs_multipart_threshold=4 * CHUNK, lfs_chunk_size=CHUNK)
    ) as hub:
        hub.seed_repo("bob/secret", {"weights.bin": SECRET}, private=True)
        hub.seed_repo("alice/mine", {"README.md": b"# mine"})
        yield hub


async def _batch(
    http: httpx.AsyncClient, repo: str, content: bytes, operation: str = "upload"
) -> dict[str, Any]:
    answer = await http.post(
        f"{HUB}/{repo}.git/info/lfs/objects/batch",
        json={
            "operation": operation,
            "transfers": ["basic", "multipart"],
            "objects": [{"oid": sha256(content), "size": len(content)}],
            "hash_algo": "sha256",
        },
    )
    assert answer.status_code == 200, answer.text
    obj: dict[str, Any] = answer.json()["objects"][0]
    return obj


async def test_an_object_held_only_by_another_users_private_repo_is_not_stored_for_mine(
    hub: LocalHub,
) -> None:
    assert hub.store.objects.has(sha256(SECRET))  # the bytes are on disk, in bob's repo
    async with client(hub, ALICE_TOKEN) as alice:
        # the batch answer asks alice for the bytes (multipart: the object is 32 parts)
        obj = await _batch(alice, "alice/mine", SECRET)
        assert "error" not in obj
        assert set(obj["actions"]) == {"upload", "verify"}
        assert obj["actions"]["upload"]["header"]["chunk_size"] == str(CHUNK)
        # a commit pointing at the oid without the upload is refused as the Hub refuses it
        answer = await commit(alice, "alice/mine", ndjson("steal", lfs_op("stolen.bin", SECRET)))
        assert answer.status_code == 400
        assert answer.json()["error"] == DANGLING
        # the same without the size (the form of a server-side copy)
        answer = await commit(
            alice, "alice/mine", ndjson("steal", lfs_op("stolen.bin", SECRET, size=False))
        )
        assert answer.status_code == 400
        assert answer.json()["error"] == DANGLING
        # nothing landed: the file is not there and its bytes cannot be had through alice's repo
        tree = await alice.get(f"{HUB}/api/models/alice/mine/tree/main")
        assert [e["path"] for e in tree.json()] == [".gitattributes", "README.md"]
        resolve = await alice.get(f"{HUB}/alice/mine/resolve/main/stolen.bin")
        assert resolve.status_code == 404
        download = await _batch(alice, "alice/mine", SECRET, "download")
        assert download["error"]["code"] == 404
        assert "actions" not in download
        verify = await alice.post(
            f"{HUB}/alice/mine.git/info/lfs/objects/verify",
            json={"oid": sha256(SECRET), "size": len(SECRET)},
        )
        assert verify.status_code == 404
        # and bob's repo stays out of reach
        assert (await alice.get(f"{HUB}/bob/secret/resolve/main/weights.bin")).status_code == 404


async def test_an_upload_of_the_bytes_makes_the_object_mine(hub: LocalHub) -> None:
    async with client(hub, ALICE_TOKEN) as alice:
        obj = await upload_lfs(alice, "alice/mine", SECRET)
        assert "actions" in obj  # really sent, not skipped
        answer = await commit(alice, "alice/mine", ndjson("mine", lfs_op("mine.bin", SECRET)))
        assert answer.status_code == 200, answer.text
        # the second time it is stored for alice's repo: no actions
        assert "actions" not in await _batch(alice, "alice/mine", SECRET)
        got = await alice.get(f"{HUB}/alice/mine/resolve/main/mine.bin", follow_redirects=True)
        assert got.content == SECRET


async def test_a_basic_upload_of_the_bytes_makes_the_object_mine(hub: LocalHub) -> None:
    small = SECRET[: CHUNK // 2]
    hub.seed_repo("bob/secret", {"small.bin": small})
    async with client(hub, ALICE_TOKEN) as alice:
        assert "chunk_size" not in (await _batch(alice, "alice/mine", small))["actions"]["upload"]
        answer = await commit(alice, "alice/mine", ndjson("x", lfs_op("small.bin", small)))
        assert answer.status_code == 400
        await upload_lfs(alice, "alice/mine", small)
        answer = await commit(alice, "alice/mine", ndjson("x", lfs_op("small.bin", small)))
        assert answer.status_code == 200, answer.text


async def test_a_copy_inside_a_repo_reuses_the_object(hub: LocalHub) -> None:
    async with client(hub, BOB_TOKEN) as bob:
        body = ndjson("copy", lfs_op("copy.bin", SECRET, size=False))
        answer = await commit(bob, "bob/secret", body)
        assert answer.status_code == 200, answer.text
        tree = (await bob.get(f"{HUB}/api/models/bob/secret/tree/main")).json()
        copy = next(e for e in tree if e["path"] == "copy.bin")
        assert copy["lfs"] == {"oid": sha256(SECRET), "size": len(SECRET), "pointerSize": 132}


async def test_a_repo_keeps_what_it_held_after_a_rename_and_loses_it_with_deletion(
    hub: LocalHub,
) -> None:
    async with client(hub, BOB_TOKEN) as bob:
        moved = await bob.post(
            f"{HUB}/api/repos/move", json={"fromRepo": "bob/secret", "toRepo": "bob/renamed"}
        )
        assert moved.status_code == 200, moved.text
        assert "actions" not in await _batch(bob, "bob/renamed", SECRET)
        deleted = await bob.request(
            "DELETE", f"{HUB}/api/repos/delete", json={"name": "renamed", "organization": "bob"}
        )
        assert deleted.status_code == 200, deleted.text
        created = await bob.post(f"{HUB}/api/repos/create", json={"name": "renamed"})
        assert created.status_code == 200, created.text
        # a new repo of the same name holds nothing of the old one
        assert "actions" in await _batch(bob, "bob/renamed", SECRET)


def test_a_data_dir_from_before_per_repo_objects_holds_what_its_commits_point_at(
    tmp_path: Path,
) -> None:
    with LocalHub(tmp_path / "old") as hub:
        hub.seed_repo("bob/secret", {"weights.bin": SECRET}, private=True)
        folder = hub.store.find("model", "bob/secret")
        assert folder is not None
        repo_dir = folder.folder
    shutil.rmtree(repo_dir / "lfs")  # what an older local Hub left behind
    with LocalHub(tmp_path / "old") as hub:
        repo = hub.store.find("model", "bob/secret")
        assert repo is not None
        assert repo.holds_lfs(sha256(SECRET))
        assert not repo.holds_lfs(sha256(b"other"))
