"""URL builders: quoting rules of the wire protocol."""

from __future__ import annotations

import pytest

from hubclient import HFValidationError, _urls


def test_revision_is_one_segment() -> None:
    assert _urls.quote_revision("refs/pr/1") == "refs%2Fpr%2F1"
    assert (
        _urls.repo_info_path("model", "a/b", "refs/pr/1")
        == "/api/models/a/b/revision/refs%2Fpr%2F1"
    )
    assert _urls.tree_path("dataset", "a/b", "v 1", None) == "/api/datasets/a/b/tree/v%201"
    assert _urls.branch_path("space", "a/b", "feat/x") == "/api/spaces/a/b/branch/feat%2Fx"


def test_paths() -> None:
    assert _urls.tree_path("model", "a/b", None, "sub/dir") == "/api/models/a/b/tree/main/sub%2Fdir"
    assert (
        _urls.resolve_url("http://h.local/hf", "a/b", "sub dir/é.bin", revision="refs/pr/2")
        == "http://h.local/hf/a/b/resolve/refs%2Fpr%2F2/sub%20dir/%C3%A9.bin"
    )
    assert _urls.resolve_url("http://h", "a/b", "x", repo_type="dataset", subfolder="s/") == (
        "http://h/datasets/a/b/resolve/main/s/x"
    )
    assert _urls.lfs_batch_path("dataset", "a/b") == "/datasets/a/b.git/info/lfs/objects/batch"
    assert _urls.list_repos_path(None) == "/api/models"


@pytest.mark.parametrize("bad", ["a/b/c", "-a/b", "a/b.", "a--b", "a..b", "b.git", "", "a b"])
def test_bad_repo_ids(bad: str) -> None:
    with pytest.raises(HFValidationError):
        _urls.validate_repo_id(bad)


def test_good_repo_ids() -> None:
    for good in ("gpt2", "a/b", "A_1/b-2.c", "x" * 96):
        assert _urls.validate_repo_id(good) == good


def test_origin() -> None:
    assert _urls.origin_of("HTTP://Hub.Local:80/x") == "http://hub.local"
    assert _urls.origin_of("https://h:8443/x?y") == "https://h:8443"
    assert _urls.origin_of("http://[::1]:5/") == "http://[::1]:5"
