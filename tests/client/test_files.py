"""list_repo_tree, list_repo_files, get_paths_info, get_hf_file_metadata, file_exists."""

from __future__ import annotations

import hashlib

import pytest

from hubclient import (
    AsyncHubClient,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepoFile,
    RepoFolder,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient._urls import resolve_url
from hubclient.testing import LocalHub

from .conftest import MODEL_FILES

pytestmark = pytest.mark.anyio


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


async def test_list_repo_tree_root(client: AsyncHubClient, model_sha: str) -> None:
    entries = [e async for e in client.list_repo_tree("alice/model")]
    files = {e.path: e for e in entries if isinstance(e, RepoFile)}
    folders = {e.path for e in entries if isinstance(e, RepoFolder)}
    assert {"README.md", "config.json", "weights.bin"} <= set(files)
    assert {"sub", "with space"} <= folders
    assert "sub/top.txt" not in files  # not recursive
    config = files["config.json"]
    assert config.size == len(MODEL_FILES["config.json"])
    assert config.blob_id == git_blob_sha1(MODEL_FILES["config.json"])
    weights = files["weights.bin"]
    assert weights.lfs is not None
    assert weights.lfs.sha256 == hashlib.sha256(MODEL_FILES["weights.bin"]).hexdigest()
    assert weights.size == len(MODEL_FILES["weights.bin"])


async def test_list_repo_tree_recursive_and_subfolder(
    client: AsyncHubClient, model_sha: str
) -> None:
    everything = [e async for e in client.list_repo_tree("alice/model", recursive=True)]
    file_paths = {e.path for e in everything if isinstance(e, RepoFile)}
    assert set(MODEL_FILES) <= file_paths
    assert {"sub", "sub/dir"} <= {e.path for e in everything if isinstance(e, RepoFolder)}
    sub = [e.path async for e in client.list_repo_tree("alice/model", "sub/dir")]
    assert sub == ["sub/dir/notes.txt"]
    quoted = [e.path async for e in client.list_repo_tree("alice/model", "with space")]
    assert quoted == ["with space/é.txt"]


async def test_list_repo_tree_expand(client: AsyncHubClient, model_sha: str) -> None:
    entries = [e async for e in client.list_repo_tree("alice/model", expand=True)]
    commits = {e.last_commit.oid for e in entries if e.last_commit is not None}
    assert commits == {model_sha}


async def test_list_repo_tree_errors(client: AsyncHubClient, model_sha: str) -> None:
    with pytest.raises(RemoteEntryNotFoundError):
        [e async for e in client.list_repo_tree("alice/model", "no/such/dir")]
    with pytest.raises(RevisionNotFoundError):
        [e async for e in client.list_repo_tree("alice/model", revision="nope")]
    with pytest.raises(RepositoryNotFoundError):
        [e async for e in client.list_repo_tree("alice/missing")]


async def test_list_repo_tree_paginates(local_hub: LocalHub, client: AsyncHubClient) -> None:
    files = {f"f{i:03d}.txt": str(i).encode() for i in range(25)}
    local_hub.seed_repo("alice/many", files)
    local_hub.log.clear()
    listed = [e.path async for e in client.list_repo_tree("alice/many")]
    assert sorted(p for p in listed if p.startswith("f")) == sorted(files)
    pages = local_hub.log.filter(origin="hub", path=r"/tree/")
    assert len(pages) >= 2  # the fixture hub uses small pages


async def test_list_repo_files(client: AsyncHubClient, model_sha: str) -> None:
    files = await client.list_repo_files("alice/model")
    assert set(MODEL_FILES) <= set(files)
    assert "sub" not in files
    assert "sub/dir" not in files


async def test_list_repo_files_at_revision(client: AsyncHubClient, local_hub: LocalHub) -> None:
    old = local_hub.seed_repo("alice/hist", {"a.txt": b"1"})
    local_hub.seed_repo("alice/hist", {"a.txt": b"1", "b.txt": b"2"})
    assert "b.txt" not in await client.list_repo_files("alice/hist", revision=old)
    assert "b.txt" in await client.list_repo_files("alice/hist")


async def test_get_paths_info(client: AsyncHubClient, model_sha: str) -> None:
    entries = await client.get_paths_info(
        "alice/model", ["config.json", "sub", "missing.txt", "weights.bin"]
    )
    by_path = {e.path: e for e in entries}
    assert set(by_path) == {"config.json", "sub", "weights.bin"}  # missing left out
    assert isinstance(by_path["sub"], RepoFolder)
    weights = by_path["weights.bin"]
    assert isinstance(weights, RepoFile)
    assert weights.lfs is not None
    single = await client.get_paths_info("alice/model", "config.json")
    assert [e.path for e in single] == ["config.json"]


async def test_get_paths_info_batches_of_500(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.log.clear()
    wanted = ["config.json"] + [f"nope/{i}.txt" for i in range(1100)] + ["README.md"]
    entries = await client.get_paths_info("alice/model", wanted)
    assert sorted(e.path for e in entries) == ["README.md", "config.json"]
    assert len(local_hub.log.filter(origin="hub", method="POST", path="/paths-info/")) == 3


async def test_get_hf_file_metadata_regular(client: AsyncHubClient, model_sha: str) -> None:
    url = resolve_url(client.endpoint, "alice/model", "config.json")
    meta = await client.get_hf_file_metadata(url=url)
    assert meta.commit_hash == model_sha
    assert meta.etag == git_blob_sha1(MODEL_FILES["config.json"])
    assert meta.size == len(MODEL_FILES["config.json"])
    assert meta.location == url


async def test_get_hf_file_metadata_lfs_not_followed(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    local_hub.log.clear()
    url = resolve_url(client.endpoint, "alice/model", "weights.bin")
    meta = await client.get_hf_file_metadata(url=url)
    assert meta.commit_hash == model_sha
    assert meta.etag == hashlib.sha256(MODEL_FILES["weights.bin"]).hexdigest()
    assert meta.size == len(MODEL_FILES["weights.bin"])
    assert meta.location.startswith(local_hub.storage_url)
    assert local_hub.log.filter(origin="storage") == []  # the HEAD stopped at the redirect


async def test_get_hf_file_metadata_quoted_path(client: AsyncHubClient, model_sha: str) -> None:
    url = resolve_url(client.endpoint, "alice/model", "with space/é.txt")
    assert "with%20space/%C3%A9.txt" in url
    meta = await client.get_hf_file_metadata(url=url)
    assert meta.size == len(MODEL_FILES["with space/é.txt"])


async def test_get_hf_file_metadata_missing(client: AsyncHubClient, model_sha: str) -> None:
    url = resolve_url(client.endpoint, "alice/model", "nope.txt")
    with pytest.raises(RemoteEntryNotFoundError) as err:
        await client.get_hf_file_metadata(url=url)
    assert err.value.headers.get("x-repo-commit") == model_sha


async def test_file_exists(client: AsyncHubClient, model_sha: str) -> None:
    assert await client.file_exists("alice/model", "config.json") is True
    assert await client.file_exists("alice/model", "weights.bin") is True
    assert await client.file_exists("alice/model", "sub/dir/notes.txt") is True
    assert await client.file_exists("alice/model", "nope.txt") is False
    assert await client.file_exists("alice/model", "config.json", revision="nope") is False
    assert await client.file_exists("alice/missing", "config.json") is False
    assert await client.file_exists("alice/model", "config.json", repo_type="dataset") is False


async def test_get_paths_info_batch_failure_is_typed(
    client: AsyncHubClient, local_hub: LocalHub, model_sha: str
) -> None:
    """A failing batch among several raises its own typed error, not an exception group."""
    from hubclient.testing import FaultRule

    local_hub.faults.add(FaultRule(status=404, method="POST", path="/paths-info/", skip=1))
    with pytest.raises(HfHubHTTPError) as err:
        await client.get_paths_info("alice/model", [f"p{i}" for i in range(1200)])
    assert err.value.status_code == 404
