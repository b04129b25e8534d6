"""Safetensors metadata, repo cards and the cache scan: huggingface_hub 2.4.0 against the
local Hub's routes (safetensors-metadata, validate-yaml, ranged resolve) and our cache."""

from __future__ import annotations

import pytest
from huggingface_hub import ModelCard, constants, get_session, hf_hub_download, scan_cache_dir

from hubclient import scan_cache_dir as our_scan
from tests.conformance._support import Conformance
from tests.safetensors._files import sharded_model

pytestmark = pytest.mark.conformance


def test_safetensors_metadata_by_huggingface_hub(conf: Conformance) -> None:
    repo_id = conf.repo_id("st")
    conf.hub.seed_repo(repo_id, sharded_model(3))
    by_shards = conf.api.get_safetensors_metadata(repo_id)
    by_hub = conf.api.get_sharded_safetensors_metadata(repo_id)
    assert (
        by_shards.parameter_count
        == by_hub.parameter_count
        == {
            "F16": 3 * 64 * 32,
            "F32": 3 * 64,
            "BF16": 3,
        }
    )
    header = conf.api.parse_safetensors_file_metadata(repo_id, "model-00001-of-00003.safetensors")
    assert header.metadata == {"format": "pt"}


def test_cards_are_validated_by_the_hub(conf: Conformance) -> None:
    good = ModelCard("---\nlicense: mit\ntags: [a]\n---\n# Hi\n")
    bad = ModelCard("---\nlicense: mit\ndatasets: {not: a list}\n---\n")
    # RepoCard.validate posts to the module-wide ENDPOINT (not the HfApi's): point it here for
    # the two calls only (hf_hub_url rewrites URLs by comparing with it)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "ENDPOINT", conf.endpoint)
        good.validate()
        with pytest.raises(ValueError, match="datasets"):
            bad.validate()
    repo_id = conf.new_repo("card")
    conf.api.upload_file(
        path_or_fileobj=str(good).encode(), path_in_repo="README.md", repo_id=repo_id
    )
    local = hf_hub_download(repo_id, "README.md", **conf.download_kwargs())
    assert ModelCard.load(local).data.license == "mit"
    answer = get_session().post(
        f"{conf.endpoint}/api/validate-yaml",
        json={"repoType": "model", "content": "---\nlicense: [mit\n---\n"},
    )
    assert answer.status_code == 400
    assert "YAML" in answer.text


def test_our_scan_of_a_cache_huggingface_hub_filled(conf: Conformance) -> None:
    repo_id = conf.repo_id("cache")
    conf.hub.seed_repo(repo_id, {"a.txt": b"a", "w.bin": b"\0" * 300_000})
    for name in ("a.txt", "w.bin"):
        hf_hub_download(repo_id, name, **conf.download_kwargs())
    ours, theirs = our_scan(conf.cache_dir), scan_cache_dir(conf.cache_dir)
    assert ours.size_on_disk == theirs.size_on_disk
    assert [(r.repo_id, r.nb_files, r.size_on_disk) for r in ours.repos] == [
        (r.repo_id, r.nb_files, r.size_on_disk) for r in theirs.repos
    ]
