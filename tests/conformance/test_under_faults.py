"""huggingface_hub's own retries and resumes, driven by the local Hub's injected faults.

Each test costs about one second: huggingface_hub waits 1 s before its first retry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from huggingface_hub import constants, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError

from hubclient.testing import FaultRule
from tests.conformance._support import CHUNK_SIZE, Conformance, classic_only, payload

pytestmark = pytest.mark.conformance


def test_preupload_503_is_retried(conf: Conformance) -> None:
    repo_id = conf.new_repo("retry-preupload")
    rule = conf.hub.faults.add(FaultRule(status=503, method="POST", path=r"/preupload/"))
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id)
    assert conf.hub.faults.fired(rule) == 1
    statuses = [r.status for r in conf.hub.log.filter(method="POST", path=r"/preupload/")]
    assert statuses == [503, 200]


def test_paginated_listing_waits_for_the_ratelimit(conf: Conformance) -> None:
    repo_id = conf.new_repo("retry-tree")
    conf.api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id)
    rule = conf.hub.faults.add(
        FaultRule(status=429, method="GET", path=r"/tree/", ratelimit_reset=0)
    )
    conf.hub.log.clear()
    files = sorted(e.path for e in conf.api.list_repo_tree(repo_id))
    assert files == [".gitattributes", "x.txt"]
    assert conf.hub.faults.fired(rule) == 1
    first = conf.hub.log.filter(path=r"/tree/")[0]
    assert first.status == 429
    assert first.response_headers["ratelimit"] == '"api";r=0;t=0'


@classic_only
def test_failed_multipart_part_is_retried(conf: Conformance) -> None:
    repo_id = conf.new_repo("retry-part")
    content = payload(3 * CHUNK_SIZE, seed=31)
    rule = conf.hub.faults.add(FaultRule(status=500, origin="storage", method="PUT", skip=1))
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="w.bin", repo_id=repo_id)
    assert conf.hub.faults.fired(rule) == 1
    assert [r.status for r in conf.hub.log.filter(origin="storage", method="PUT")] == [
        200,
        500,
        200,
        200,
    ]
    path = hf_hub_download(repo_id, "w.bin", **conf.download_kwargs())
    assert Path(path).read_bytes() == content


def test_truncated_download_is_resumed_with_a_range(conf: Conformance) -> None:
    # huggingface_hub writes the body in DOWNLOAD_CHUNK_SIZE (10 MiB) pieces and resumes after the
    # last whole piece: cut the body past the first one
    piece = constants.DOWNLOAD_CHUNK_SIZE
    content = payload(piece + (2 << 20), seed=32)
    conf.hub.seed_repo("alice/resume", {"big.bin": content})
    rule = conf.hub.faults.add(
        FaultRule(action="truncate", origin="storage", method="GET", after_bytes=piece + (1 << 20))
    )
    conf.hub.log.clear()
    path = hf_hub_download("alice/resume", "big.bin", **conf.download_kwargs())
    assert hashlib.sha256(Path(path).read_bytes()).digest() == hashlib.sha256(content).digest()
    assert conf.hub.faults.fired(rule) == 1
    cut, resumed = conf.hub.log.filter(origin="storage", method="GET")
    assert cut.fault == "truncate"
    assert cut.response_bytes == piece + (1 << 20)
    assert resumed.headers["range"] == f"bytes={piece}-"
    assert resumed.status == 206
    assert resumed.response_bytes == len(content) - piece


@classic_only
def test_dropped_storage_request_is_retried(conf: Conformance) -> None:
    repo_id = conf.new_repo("drop-get")
    content = payload(5000, seed=33)
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="w.bin", repo_id=repo_id)
    rule = conf.hub.faults.add(FaultRule(action="drop", origin="storage", method="GET"))
    conf.hub.log.clear()
    path = hf_hub_download(repo_id, "w.bin", **conf.download_kwargs())
    assert Path(path).read_bytes() == content
    assert conf.hub.faults.fired(rule) == 1
    gets = conf.hub.log.filter(origin="storage", method="GET")
    assert [(r.fault, r.status) for r in gets] == [("drop", 0), (None, 200)]


def test_metadata_head_503_is_tried_again(conf: Conformance) -> None:
    repo_id = conf.new_repo("head-503")
    conf.api.upload_file(path_or_fileobj=b"data", path_in_repo="d.txt", repo_id=repo_id)
    rule = conf.hub.faults.add(FaultRule(status=503, method="HEAD", path=r"/resolve/"))
    conf.hub.log.clear()
    path = hf_hub_download(repo_id, "d.txt", **conf.download_kwargs())
    assert Path(path).read_bytes() == b"data"
    assert conf.hub.faults.fired(rule) == 1
    assert [r.status for r in conf.hub.log.filter(method="HEAD", path=r"/resolve/")] == [503, 200]


def test_a_slow_hub_falls_back_to_the_cache(conf: Conformance) -> None:
    repo_id = conf.new_repo("slow-head")
    conf.api.upload_file(path_or_fileobj=b"cached", path_in_repo="c.txt", repo_id=repo_id)
    first = hf_hub_download(repo_id, "c.txt", **conf.download_kwargs())
    conf.hub.faults.add(FaultRule(action="delay", delay=1.5, method="HEAD", times=None))
    again = hf_hub_download(repo_id, "c.txt", etag_timeout=0.3, **conf.download_kwargs())
    assert again == first


def test_commit_errors_are_not_retried(conf: Conformance) -> None:
    repo_id = conf.new_repo("commit-500")
    before = conf.api.repo_info(repo_id).sha
    conf.hub.faults.add(FaultRule(status=500, method="POST", path=r"/commit/"))
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id)
    assert info.value.response.status_code == 500
    assert "Injected fault" in str(info.value)
    assert conf.api.repo_info(repo_id).sha == before
    assert conf.hub.log.count(method="POST", path=r"/commit/") == 1
    conf.api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id)
    assert "x.txt" in conf.api.list_repo_files(repo_id)
