"""model_info / dataset_info / space_info / repo_info and the existence checks."""

from __future__ import annotations

from datetime import datetime

import pytest

from hubclient import (
    AsyncHubClient,
    DatasetInfo,
    GatedRepoError,
    HFValidationError,
    ModelInfo,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    SpaceInfo,
)
from hubclient.testing import BOB_TOKEN, LocalHub

from .conftest import MODEL_FILES

pytestmark = pytest.mark.anyio


async def test_model_info(client: AsyncHubClient, model_sha: str) -> None:
    info = await client.model_info("alice/model")
    assert isinstance(info, ModelInfo)
    assert info.id == "alice/model"
    assert info.sha == model_sha
    assert isinstance(info.last_modified, datetime)
    assert info.private is False
    names = {s.rfilename for s in info.siblings or []}
    assert set(MODEL_FILES) <= names
    # without files_metadata, siblings carry names only
    assert all(s.size is None for s in info.siblings or [])


async def test_model_info_files_metadata(client: AsyncHubClient, model_sha: str) -> None:
    info = await client.model_info("alice/model", files_metadata=True)
    by_name = {s.rfilename: s for s in info.siblings or []}
    weights = by_name["weights.bin"]
    assert weights.size == len(MODEL_FILES["weights.bin"])
    assert weights.lfs is not None
    assert len(weights.lfs.sha256) == 64
    assert weights.lfs.size == weights.size
    config = by_name["config.json"]
    assert config.lfs is None
    assert config.blob_id is not None
    assert len(config.blob_id) == 40


async def test_model_info_at_revision(client: AsyncHubClient, local_hub: LocalHub) -> None:
    first = local_hub.seed_repo("alice/rev", {"a.txt": b"1"})
    second = local_hub.seed_repo("alice/rev", {"a.txt": b"2"})
    assert first != second
    assert (await client.model_info("alice/rev")).sha == second
    assert (await client.model_info("alice/rev", revision=first)).sha == first
    assert (await client.model_info("alice/rev", revision=first[:7])).sha == first


async def test_model_info_expand(client: AsyncHubClient, model_sha: str) -> None:
    info = await client.model_info("alice/model", expand=["sha"])
    assert info.sha == model_sha
    with pytest.raises(ValueError, match="expand"):
        await client.model_info("alice/model", expand=["sha"], files_metadata=True)


async def test_model_info_errors(client: AsyncHubClient, model_sha: str) -> None:
    with pytest.raises(RepositoryNotFoundError) as err:
        await client.model_info("alice/missing")
    assert err.value.status_code in (401, 404)
    assert err.value.url.endswith("/api/models/alice/missing")
    assert err.value.request_id
    with pytest.raises(RevisionNotFoundError) as rev_err:
        await client.model_info("alice/model", revision="no-such-branch")
    assert rev_err.value.status_code == 404
    assert rev_err.value.server_message


async def test_invalid_repo_id_sends_nothing(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.log.clear()
    for bad in ("a/b/c", "../etc", "a--b/c", "x/y.git", ""):
        with pytest.raises(HFValidationError):
            await client.model_info(bad)
    with pytest.raises(HFValidationError):
        await client.repo_info("alice/model", repo_type="bucket")
    assert len(local_hub.log) == 0


async def test_private_repo_needs_access(local_hub: LocalHub, client: AsyncHubClient) -> None:
    local_hub.seed_repo("alice/secret", {"a.txt": b"x"}, private=True)
    assert (await client.model_info("alice/secret")).private is True
    with pytest.raises(RepositoryNotFoundError):
        await client.model_info("alice/secret", token=BOB_TOKEN)
    with pytest.raises(RepositoryNotFoundError):
        await client.model_info("alice/secret", token=False)


async def test_dataset_and_space_info(local_hub: LocalHub, client: AsyncHubClient) -> None:
    ds_sha = local_hub.seed_repo("alice/data", {"train.csv": b"a,b\n1,2\n"}, repo_type="dataset")
    sp_sha = local_hub.seed_repo("alice/demo", {"app.py": b"print(1)\n"}, repo_type="space")
    ds = await client.dataset_info("alice/data")
    assert isinstance(ds, DatasetInfo)
    assert ds.sha == ds_sha
    sp = await client.space_info("alice/demo")
    assert isinstance(sp, SpaceInfo)
    assert sp.sha == sp_sha
    generic = await client.repo_info("alice/data", repo_type="dataset")
    assert isinstance(generic, DatasetInfo)
    assert generic.id == "alice/data"
    with pytest.raises(RepositoryNotFoundError):
        await client.dataset_info("alice/demo")  # it is a space


async def test_repo_exists(local_hub: LocalHub, client: AsyncHubClient, model_sha: str) -> None:
    assert await client.repo_exists("alice/model") is True
    assert await client.repo_exists("alice/nope") is False
    assert await client.repo_exists("alice/model", repo_type="dataset") is False
    local_hub.seed_repo("alice/gated", {"a.txt": b"x"}, gated=True)
    assert await client.repo_exists("alice/gated", token=BOB_TOKEN) is True


async def test_revision_exists(client: AsyncHubClient, model_sha: str) -> None:
    assert await client.revision_exists("alice/model", "main") is True
    assert await client.revision_exists("alice/model", model_sha) is True
    assert await client.revision_exists("alice/model", "nope") is False
    assert await client.revision_exists("alice/nope", "main") is False


async def test_gated_repo_errors(local_hub: LocalHub, client: AsyncHubClient) -> None:
    local_hub.seed_repo("alice/gated", {"a.txt": b"x"}, gated=True)
    with pytest.raises(GatedRepoError):
        await client.file_exists("alice/gated", "a.txt", token=BOB_TOKEN)
    assert await client.file_exists("alice/gated", "a.txt") is True  # the owner may read it
