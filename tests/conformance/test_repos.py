"""Repos: whoami, create, delete, move (the old name redirects), settings, info and listings."""

from __future__ import annotations

import pytest
from huggingface_hub import hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from tests.conformance._support import BOB_TOKEN, Conformance

pytestmark = pytest.mark.conformance


def test_whoami(conf: Conformance) -> None:
    me = conf.api.whoami()
    assert me["name"] == "alice"
    assert me["type"] == "user"
    assert "acme" in [org["name"] for org in me["orgs"]]
    assert me["auth"]["accessToken"]["role"] == "write"
    assert conf.bob.whoami()["name"] == "bob"


def test_whoami_with_a_bad_token(conf: Conformance) -> None:
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.whoami(token="hf_not_a_token")
    assert info.value.response.status_code == 401


@pytest.mark.parametrize("repo_type", [None, "model", "dataset"])
def test_create_and_delete(conf: Conformance, repo_type: str | None) -> None:
    repo_id = conf.repo_id("created")
    url = conf.api.create_repo(repo_id, repo_type=repo_type)
    assert url.repo_id == repo_id
    assert url.endpoint == conf.endpoint
    prefix = "datasets/" if repo_type == "dataset" else ""
    assert str(url) == f"{conf.endpoint}/{prefix}{repo_id}"
    info = conf.api.repo_info(repo_id, repo_type=repo_type)
    assert info.id == repo_id
    assert info.sha is not None
    assert len(info.sha) == 40
    assert info.private is False
    # a new repo holds the default .gitattributes
    assert ".gitattributes" in conf.api.list_repo_files(repo_id, repo_type=repo_type)
    assert conf.api.repo_exists(repo_id, repo_type=repo_type)

    conf.api.delete_repo(repo_id, repo_type=repo_type)
    assert not conf.api.repo_exists(repo_id, repo_type=repo_type)
    with pytest.raises(RepositoryNotFoundError):
        conf.api.repo_info(repo_id, repo_type=repo_type)


def test_create_space(conf: Conformance) -> None:
    repo_id = conf.repo_id("space")
    url = conf.api.create_repo(repo_id, repo_type="space", space_sdk="static")
    assert str(url) == f"{conf.endpoint}/spaces/{repo_id}"
    assert conf.api.space_info(repo_id).id == repo_id
    conf.api.upload_file(
        path_or_fileobj=b"<h1>hi</h1>",
        path_in_repo="index.html",
        repo_id=repo_id,
        repo_type="space",
    )
    path = hf_hub_download(repo_id, "index.html", repo_type="space", **conf.download_kwargs())
    with open(path, "rb") as f:
        assert f.read() == b"<h1>hi</h1>"


def test_create_in_an_org_and_private(conf: Conformance) -> None:
    repo_id = conf.repo_id("org-private", namespace="acme")
    conf.api.create_repo(repo_id, private=True)
    assert conf.api.repo_info(repo_id).private is True
    with pytest.raises(RepositoryNotFoundError):
        conf.bob.repo_info(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        conf.anon.repo_info(repo_id)


def test_create_existing(conf: Conformance) -> None:
    repo_id = conf.new_repo("exists")
    again = conf.api.create_repo(repo_id, exist_ok=True)
    assert again.repo_id == repo_id
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.create_repo(repo_id)
    assert info.value.response.status_code == 409


def test_cannot_create_in_someone_elses_namespace(conf: Conformance) -> None:
    with pytest.raises(HfHubHTTPError) as info:
        conf.bob.create_repo(conf.repo_id("not-bobs", namespace="alice"))
    assert info.value.response.status_code in (401, 403)


def test_delete_missing(conf: Conformance) -> None:
    missing = conf.repo_id("never-created")
    conf.api.delete_repo(missing, missing_ok=True)
    with pytest.raises(RepositoryNotFoundError):
        conf.api.delete_repo(missing)


def test_move_and_old_name_redirect(conf: Conformance) -> None:
    old = conf.new_repo("before-move")
    conf.api.upload_file(path_or_fileobj=b"hello", path_in_repo="hello.txt", repo_id=old)
    new = conf.repo_id("after-move")
    conf.api.move_repo(old, new)

    assert conf.api.repo_info(new).id == new
    # the old name answers with a relative redirect: the API session and the download follow it
    assert conf.api.repo_info(old).id == new
    path = hf_hub_download(old, "hello.txt", **conf.download_kwargs())
    with open(path, "rb") as f:
        assert f.read() == b"hello"
    assert conf.hub.log.filter(origin="hub", status=307)


def test_move_dataset(conf: Conformance) -> None:
    old = conf.new_repo("ds-before", repo_type="dataset")
    new = conf.repo_id("ds-after")
    conf.api.move_repo(old, new, repo_type="dataset")
    assert conf.api.dataset_info(new).id == new


def test_visibility_settings(conf: Conformance) -> None:
    repo_id = conf.new_repo("visibility")
    conf.api.update_repo_settings(repo_id, private=True)
    assert conf.api.repo_info(repo_id).private is True
    with pytest.raises(RepositoryNotFoundError):
        conf.bob.repo_info(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(
            repo_id, ".gitattributes", endpoint=conf.endpoint, token=BOB_TOKEN, cache_dir=conf.tmp
        )
    conf.api.update_repo_settings(repo_id, visibility="public")
    assert conf.bob.repo_info(repo_id).private is False


def test_gated_setting(conf: Conformance) -> None:
    repo_id = conf.new_repo("gated-setting")
    conf.api.update_repo_settings(repo_id, gated="auto")
    assert conf.api.repo_info(repo_id).gated == "auto"
    conf.api.update_repo_settings(repo_id, gated=False)
    assert conf.api.repo_info(repo_id).gated is False


def test_info_fields(conf: Conformance) -> None:
    repo_id = conf.new_repo("info")
    commit = conf.api.upload_file(path_or_fileobj=b"x", path_in_repo="a.txt", repo_id=repo_id)
    info = conf.api.model_info(repo_id)
    assert info.id == repo_id
    assert info.sha == commit.oid
    assert info.last_modified is not None
    assert info.created_at is not None
    assert sorted(s.rfilename for s in info.siblings or []) == [".gitattributes", "a.txt"]
    only_sha = conf.api.model_info(repo_id, expand=["sha"])
    assert only_sha.sha == commit.oid
    assert only_sha.siblings is None


def test_list_models_paginated(conf: Conformance) -> None:
    ids = sorted(conf.new_repo("listed") for _ in range(5))
    conf.hub.log.clear()
    found = sorted(m.id for m in conf.api.list_models(author="alice", search="listed"))
    assert found == ids
    # the hub's page size is small: several pages were followed through absolute Link URLs
    assert conf.hub.log.count(origin="hub", method="GET", path=r"^/api/models$") > 1


def test_list_models_limit_full_and_filters(conf: Conformance) -> None:
    ids = [conf.new_repo("limited") for _ in range(4)]
    two = list(conf.api.list_models(search="limited", limit=2))
    assert len(two) == 2
    assert {m.id for m in two} <= set(ids)
    full = list(conf.api.list_models(search="limited", full=True))
    assert sorted(m.id for m in full) == sorted(ids)
    assert all(m.sha is not None and len(m.sha) == 40 for m in full)
    assert not list(conf.api.list_models(author="bob", search="limited"))
    assert len(list(conf.api.list_models(search="limited", sort="last_modified"))) == 4


def test_list_datasets_and_spaces(conf: Conformance) -> None:
    ds = conf.new_repo("list-ds", repo_type="dataset")
    sp = conf.new_repo("list-sp", repo_type="space", space_sdk="static")
    assert [d.id for d in conf.api.list_datasets(search="list-ds")] == [ds]
    assert [s.id for s in conf.api.list_spaces(search="list-sp")] == [sp]
    assert not list(conf.api.list_models(search="list-ds"))


def test_private_repos_are_not_listed_for_others(conf: Conformance) -> None:
    hidden = conf.new_repo("hidden-list", private=True)
    assert [m.id for m in conf.api.list_models(search="hidden-list")] == [hidden]
    assert not list(conf.bob.list_models(search="hidden-list"))
    assert not list(conf.anon.list_models(search="hidden-list"))


def test_move_into_an_org_and_permissions(conf: Conformance) -> None:
    repo_id = conf.new_repo("to-org")
    target = conf.repo_id("from-alice", namespace="acme")
    with pytest.raises(HfHubHTTPError) as info:
        conf.bob.move_repo(repo_id, conf.repo_id("stolen", namespace="bob"))
    assert info.value.response.status_code in (401, 403, 404)
    with pytest.raises(HfHubHTTPError) as info:
        conf.bob.delete_repo(repo_id)
    assert info.value.response.status_code in (401, 403, 404)
    conf.api.move_repo(repo_id, target)
    assert conf.api.repo_info(target).id == target
    assert target in [m.id for m in conf.api.list_models(author="acme")]
