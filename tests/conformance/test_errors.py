"""Typed errors: missing repo, revision and entry; private and gated repos; stale parents."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import CommitOperationAdd, hf_hub_download
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from tests.conformance._support import BOB_TOKEN, Conformance

pytestmark = pytest.mark.conformance


@pytest.fixture
def repo(conf: Conformance) -> str:
    repo_id = conf.new_repo("errors")
    conf.api.upload_file(path_or_fileobj=b"present", path_in_repo="here.txt", repo_id=repo_id)
    return repo_id


def test_missing_repo(conf: Conformance) -> None:
    missing = "alice/no-such-repo"
    with pytest.raises(RepositoryNotFoundError) as info:
        conf.api.repo_info(missing)
    assert info.value.response.status_code == 404
    with pytest.raises(RepositoryNotFoundError):
        conf.anon.repo_info(missing)
    with pytest.raises(RepositoryNotFoundError):
        conf.api.list_repo_tree(missing).__iter__().__next__()
    with pytest.raises(RepositoryNotFoundError):
        conf.api.list_repo_refs(missing)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(missing, "x.txt", **conf.download_kwargs())
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(missing, "x.txt", endpoint=conf.endpoint, token=False, cache_dir=conf.tmp)
    with pytest.raises(RepositoryNotFoundError):
        conf.api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=missing)


def test_private_repo_looks_missing(conf: Conformance) -> None:
    repo_id = conf.new_repo("secret", private=True)
    conf.api.upload_file(path_or_fileobj=b"secret", path_in_repo="s.txt", repo_id=repo_id)
    for api in (conf.bob, conf.anon):
        with pytest.raises(RepositoryNotFoundError):
            api.repo_info(repo_id)
        with pytest.raises(RepositoryNotFoundError):
            api.list_repo_files(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(
            repo_id, "s.txt", endpoint=conf.endpoint, token=BOB_TOKEN, cache_dir=conf.tmp
        )
    path = hf_hub_download(repo_id, "s.txt", **conf.download_kwargs())
    assert Path(path).read_bytes() == b"secret"


def test_missing_revision(conf: Conformance, repo: str) -> None:
    with pytest.raises(RevisionNotFoundError) as info:
        conf.api.repo_info(repo, revision="no-such-branch")
    assert info.value.response.status_code == 404
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(repo, "here.txt", revision="no-such-branch", **conf.download_kwargs())
    with pytest.raises(RevisionNotFoundError):
        list(conf.api.list_repo_tree(repo, revision="no-such-branch"))
    with pytest.raises(RevisionNotFoundError):
        conf.api.list_repo_commits(repo, revision="no-such-branch")


def test_commit_to_a_missing_branch(conf: Conformance, repo: str) -> None:
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.create_commit(
            repo,
            [CommitOperationAdd("x.txt", b"x")],
            commit_message="nowhere",
            revision="no-such-branch",
        )
    assert info.value.response.status_code in (400, 404)


def test_missing_entry(conf: Conformance, repo: str) -> None:
    head = conf.api.repo_info(repo).sha
    with pytest.raises(RemoteEntryNotFoundError) as info:
        hf_hub_download(repo, "not-here.txt", **conf.download_kwargs())
    assert info.value.response.status_code == 404
    # the 404 carried X-Repo-Commit: the client remembered the absence in the cache
    folder = conf.cache_dir / f"models--{repo.replace('/', '--')}"
    assert (folder / ".no_exist" / str(head) / "not-here.txt").exists()
    with pytest.raises(RemoteEntryNotFoundError):
        list(conf.api.list_repo_tree(repo, path_in_repo="no-folder"))


def test_gated_repo(conf: Conformance) -> None:
    repo_id = conf.new_repo("gated")
    conf.api.upload_file(path_or_fileobj=b"gated", path_in_repo="g.txt", repo_id=repo_id)
    conf.api.update_repo_settings(repo_id, gated="manual")
    with pytest.raises(GatedRepoError):
        hf_hub_download(
            repo_id, "g.txt", endpoint=conf.endpoint, token=BOB_TOKEN, cache_dir=conf.tmp
        )
    with pytest.raises(GatedRepoError):
        hf_hub_download(repo_id, "g.txt", endpoint=conf.endpoint, token=False, cache_dir=conf.tmp)
    with pytest.raises(GatedRepoError):
        conf.bob.file_exists(repo_id, "g.txt")
    # the owner has access
    assert (
        Path(hf_hub_download(repo_id, "g.txt", **conf.download_kwargs())).read_bytes() == b"gated"
    )


def test_seeded_gated_repo(conf: Conformance) -> None:
    conf.hub.seed_repo("alice/seeded-gated", {"g.txt": b"gated"}, gated=True)
    with pytest.raises(GatedRepoError):
        hf_hub_download(
            "alice/seeded-gated",
            "g.txt",
            endpoint=conf.endpoint,
            token=BOB_TOKEN,
            cache_dir=conf.tmp,
        )


def test_stale_parent_commit(conf: Conformance, repo: str) -> None:
    parent = conf.api.repo_info(repo).sha
    conf.api.upload_file(path_or_fileobj=b"moved on", path_in_repo="here.txt", repo_id=repo)
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.create_commit(
            repo,
            [CommitOperationAdd("late.txt", b"late")],
            commit_message="late",
            parent_commit=parent,
        )
    assert info.value.response.status_code == 412
    assert "late.txt" not in conf.api.list_repo_files(repo)


def test_error_messages_come_from_the_server(conf: Conformance) -> None:
    with pytest.raises(RepositoryNotFoundError) as info:
        conf.api.repo_info("alice/no-such-repo")
    response = info.value.response
    assert response.headers.get("x-error-code") == "RepoNotFound"
    assert response.headers.get("x-error-message")
    assert response.json()["error"]
    assert info.value.server_message
