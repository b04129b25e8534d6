"""Model cards, tags and filters; protocol details the client relies on without checking them."""

from __future__ import annotations

import io

import pytest
from huggingface_hub import RepoFile, hf_hub_download
from huggingface_hub.errors import RepositoryNotFoundError

from tests.conformance._support import Conformance, payload

pytestmark = pytest.mark.conformance

CARD = """---
license: mit
library_name: transformers
pipeline_tag: text-classification
tags:
- conformance-tag
---
# A model with a card
"""


def test_card_metadata_and_filters(conf: Conformance) -> None:
    tagged = conf.new_repo("carded")
    plain = conf.new_repo("carded-plain")
    conf.api.upload_file(path_or_fileobj=CARD.encode(), path_in_repo="README.md", repo_id=tagged)
    info = conf.api.model_info(tagged, expand=["tags", "library_name", "pipeline_tag", "cardData"])
    assert "conformance-tag" in (info.tags or [])
    assert info.library_name == "transformers"
    assert info.pipeline_tag == "text-classification"
    assert info.card_data is not None
    assert info.card_data["license"] == "mit"
    found = [m.id for m in conf.api.list_models(filter="conformance-tag")]
    assert found == [tagged]
    assert plain not in found
    by_pipeline = [m.id for m in conf.api.list_models(pipeline_tag="text-classification")]
    assert tagged in by_pipeline
    assert plain not in by_pipeline


def test_space_sdk_and_org_listing(conf: Conformance) -> None:
    space = conf.repo_id("sdk-space", namespace="acme")
    conf.api.create_repo(space, repo_type="space", space_sdk="gradio")
    assert conf.api.space_info(space).sdk == "gradio"
    model = conf.new_repo("org-listed")
    assert model not in [m.id for m in conf.api.list_models(author="acme")]
    assert [s.id for s in conf.api.list_spaces(author="acme")] == [space]


def test_renamed_repo_redirect_is_relative(conf: Conformance) -> None:
    old = conf.new_repo("rel-old")
    conf.api.upload_file(path_or_fileobj=payload(2000, seed=51), path_in_repo="w.bin", repo_id=old)
    new = conf.repo_id("rel-new")
    conf.api.move_repo(old, new)
    conf.hub.log.clear()
    path = hf_hub_download(old, "w.bin", **conf.download_kwargs())
    with open(path, "rb") as f:
        assert f.read() == payload(2000, seed=51)
    (moved,) = conf.hub.log.filter(origin="hub", method="HEAD", status=307)
    assert moved.response_headers["location"].startswith(f"/{new}/resolve/")
    assert conf.hub.log.filter(origin="hub", method="HEAD", status=302)  # then the LFS redirect
    with pytest.raises(RepositoryNotFoundError):
        conf.api.repo_info("alice/rel-never-existed")


def test_classic_lfs_files_are_not_advertised_as_xet(conf: Conformance) -> None:
    repo_id = conf.new_repo("no-xet")
    conf.api.upload_file(  # a file object always goes over classic LFS
        path_or_fileobj=io.BytesIO(payload(2000, seed=52)), path_in_repo="w.bin", repo_id=repo_id
    )
    (entry,) = conf.api.get_paths_info(repo_id, "w.bin")
    assert isinstance(entry, RepoFile)
    assert entry.xet_hash is None
    assert all(
        e.xet_hash is None
        for e in conf.api.list_repo_tree(repo_id, recursive=True)
        if isinstance(e, RepoFile)
    )
    conf.hub.log.clear()
    hf_hub_download(repo_id, "w.bin", **conf.download_kwargs())
    for record in conf.hub.log.filter(origin="hub"):
        assert "x-xet-hash" not in record.response_headers
        assert "xet" not in record.response_headers.get("link", "")
    assert conf.hub.log.count(origin="cas") == 0


def test_errors_carry_a_request_id(conf: Conformance) -> None:
    with pytest.raises(RepositoryNotFoundError) as info:
        conf.api.model_info("alice/no-request-id")
    assert info.value.request_id
