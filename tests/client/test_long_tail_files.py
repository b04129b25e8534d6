"""The file long tail: copy_files and cross-repo CommitOperationCopy, verify_repo_checksums,
resolve_revision and pinned downloads, against the local Hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient import (
    AsyncHubClient,
    CommitOperationCopy,
    EntryNotFoundError,
    HFValidationError,
    RepositoryNotFoundError,
    ResolvedRevision,
    RevisionNotFoundError,
    RevisionResolutionError,
)
from hubclient.testing import BOB_TOKEN, LocalHub

from .conftest import MODEL_FILES, make_client

pytestmark = pytest.mark.anyio

LFS = MODEL_FILES["weights.bin"]
FILES = {"w.bin": LFS, "dir/a.txt": b"a", "dir/deep/b.txt": b"b", "top.txt": b"t"}


def _disk(path: str) -> bytes:
    return Path(path).read_bytes()


async def _read(client: AsyncHubClient, repo_id: str, path: str) -> bytes:
    async with client.open_file(repo_id, path) as f:
        return await f.read()


async def test_copy_files_within_a_repo(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/src", FILES)
    await client.copy_files("hf://alice/src/w.bin", "hf://alice/src/backup/w.bin")
    await client.copy_files("hf://alice/src/dir", "hf://alice/src/archive")  # a new folder
    files = set(await client.list_repo_files("alice/src"))
    assert {"backup/w.bin", "archive/a.txt", "archive/deep/b.txt"} <= files
    # onto an existing folder: nested (cp -r), or merged with a trailing slash (rsync)
    await client.copy_files("hf://alice/src/dir", "hf://alice/src/archive")
    await client.copy_files("hf://alice/src/dir/", "hf://alice/src/backup/")
    files = set(await client.list_repo_files("alice/src"))
    assert {"archive/dir/a.txt", "backup/a.txt", "backup/deep/b.txt"} <= files
    assert await _read(client, "alice/src", "backup/w.bin") == LFS
    commits = await client.list_repo_commits("alice/src")
    assert commits[0].title == "Copy files from models/alice/src"


async def test_copy_files_across_repos_copies_lfs_server_side(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.seed_repo("acme/base", FILES)
    await client.create_repo("alice/derived")
    local_hub.log.clear()
    await client.copy_files("hf://acme/base/", "hf://alice/derived/")
    assert await _read(client, "alice/derived", "w.bin") == LFS
    assert await _read(client, "alice/derived", "dir/deep/b.txt") == b"b"
    # the LFS bytes never travelled: no LFS batch or storage PUT, one duplicate call
    assert not local_hub.log.filter(path=r"/info/lfs/objects/batch$")
    assert not local_hub.log.filter(origin="storage", method="PUT")
    assert len(local_hub.log.filter(path=r"/api/models/acme/base/lfs-files/duplicate$")) == 1
    # a dataset file into a model repo, at a revision, onto a new name
    local_hub.seed_repo("acme/ds", {"t.csv": b"1\n"}, repo_type="dataset")
    await client.create_tag("acme/ds", tag="v1", repo_type="dataset")
    await client.copy_files("hf://datasets/acme/ds@v1/t.csv", "hf://alice/derived/data.csv")
    assert await _read(client, "alice/derived", "data.csv") == b"1\n"


async def test_copy_files_errors(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/src", FILES)
    local_hub.seed_repo("bob/secret", {"w.bin": LFS + b"x"}, private=True)
    with pytest.raises(EntryNotFoundError):
        await client.copy_files("hf://alice/src/nothing-here", "hf://alice/src/x")
    with pytest.raises(ValueError, match="buckets"):
        await client.copy_files("hf://buckets/alice/b/x", "hf://alice/src/x")
    with pytest.raises(HFValidationError):
        await client.copy_files("alice/src/w.bin", "hf://alice/src/x")
    with pytest.raises(RepositoryNotFoundError):
        await client.copy_files("hf://bob/secret/w.bin", "hf://alice/src/w2.bin")
    assert "w2.bin" not in await client.list_repo_files("alice/src")


async def test_cross_repo_copy_operation(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("acme/base", FILES)
    local_hub.seed_repo("bob/private", {"secret.bin": b"\0private bytes"}, private=True)
    await client.create_repo("alice/target")
    info = await client.create_commit(
        "alice/target",
        [
            CommitOperationCopy(
                "w.bin", "weights/w.bin", src_repo_id="acme/base", src_repo_type="model"
            ),
            CommitOperationCopy(
                "top.txt", "top.txt", src_repo_id="acme/base", src_repo_type="model"
            ),
        ],
        commit_message="from base",
    )
    assert await _read(client, "alice/target", "weights/w.bin") == LFS
    assert (await client.model_info("alice/target")).sha == info.oid
    # the same copy again changes nothing: no commit
    with pytest.warns(UserWarning, match="No files have been modified"):
        again = await client.create_commit(
            "alice/target",
            [
                CommitOperationCopy(
                    "w.bin", "weights/w.bin", src_repo_id="acme/base", src_repo_type="model"
                )
            ],
            commit_message="again",
        )
    assert again.oid == info.oid
    # another user's private repo is not a source
    with pytest.raises(RepositoryNotFoundError):
        await client.create_commit(
            "alice/target",
            [
                CommitOperationCopy(
                    "secret.bin", "s.bin", src_repo_id="bob/private", src_repo_type="model"
                )
            ],
            commit_message="steal",
        )
    with pytest.raises(ValueError, match="src_repo_type"):
        CommitOperationCopy("a", "b", src_repo_id="acme/base")


async def test_verify_repo_checksums(
    client: AsyncHubClient, local_hub: LocalHub, tmp_path: Path
) -> None:
    sha = local_hub.seed_repo("alice/model", MODEL_FILES)
    await client.snapshot_download("alice/model")
    result = await client.verify_repo_checksums("alice/model")
    assert result.ok
    assert result.revision == sha
    assert result.checked_count == len(MODEL_FILES) + 1
    # a local dir copy, tampered with: one byte changed, one file gone, one file too many
    target = tmp_path / "copy"
    await client.snapshot_download("alice/model", local_dir=target)
    (target / "config.json").write_bytes(b'{"hidden_size": 9}\n')
    (target / "sub" / "top.txt").unlink()
    (target / "stray.txt").write_text("not in the repo")
    result = await client.verify_repo_checksums("alice/model", local_dir=target)
    assert not result.ok
    assert [(m.path, m.algorithm) for m in result.mismatches] == [("config.json", "git-sha1")]
    assert result.missing_paths == ["sub/top.txt"]
    assert result.extra_paths == ["stray.txt"]  # .cache/huggingface/ is not counted
    weights = target / "weights.bin"
    weights.write_bytes(b"x" + weights.read_bytes()[1:])
    result = await client.verify_repo_checksums("alice/model", local_dir=target)
    assert {m.path: m.algorithm for m in result.mismatches}["weights.bin"] == "sha256"
    with pytest.raises(ValueError, match="not present in cache"):
        await client.verify_repo_checksums("alice/other")
    with pytest.raises(ValueError, match="either"):
        await client.verify_repo_checksums("alice/model", local_dir=target, cache_dir=tmp_path)


async def test_resolve_revision_pins_the_downloads(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    first = local_hub.seed_repo("alice/model", MODEL_FILES, message="one")
    revision = await client.resolve_revision("alice/model")
    assert isinstance(revision, ResolvedRevision)
    assert (revision, revision.initial, revision.resolved) == ("main", None, first)
    cache = client.settings.hub_cache / "models--alice--model"
    assert (cache / "refs" / "main").read_text() == first
    # the repo moves on; the pinned downloads still read the first commit, the cached one
    # without a request
    local_hub.seed_repo("alice/model", {"config.json": b"{}"}, message="two")
    path = await client.hf_hub_download("alice/model", "config.json", revision=revision)
    assert _disk(path) == MODEL_FILES["config.json"]
    assert f"/snapshots/{first}/" in path
    local_hub.log.clear()
    assert await client.hf_hub_download("alice/model", "config.json", revision=revision) == path
    assert len(local_hub.log) == 0
    folder = await client.snapshot_download("alice/model", revision=revision)
    assert folder.endswith(first)
    # a commit id resolves to itself; one made for another repo resolves what it was asked
    assert (await client.resolve_revision("alice/model", revision=first)).resolved == first
    local_hub.seed_repo("alice/other", {"a": b"a"})
    other = await client.resolve_revision("alice/other", revision=revision)
    assert other.resolved == (await client.model_info("alice/other")).sha


async def test_resolve_revision_without_the_hub(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    sha = local_hub.seed_repo("alice/model", MODEL_FILES)
    with pytest.raises(RevisionResolutionError):
        await client.resolve_revision("alice/model", local_files_only=True)
    await client.resolve_revision("alice/model")
    offline = client.with_options(offline=True)
    assert (await offline.resolve_revision("alice/model")).resolved == sha
    cached = await client.resolve_revision("alice/model", local_files_only=True)
    assert cached.resolved == sha
    with pytest.raises(RevisionResolutionError):
        await offline.resolve_revision("alice/model", revision="dev")
    # the Hub answered: no such thing (never the cache)
    with pytest.raises(RevisionNotFoundError):
        await client.resolve_revision("alice/model", revision="nope")
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        local_hub.update_repo("alice/model", private=True)
        with pytest.raises(RepositoryNotFoundError):
            await bob.resolve_revision("alice/model")
