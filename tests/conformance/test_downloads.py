"""Downloads: hf_hub_download through the storage redirect, snapshot_download, offline reuse."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from huggingface_hub import CommitOperationAdd, constants, hf_hub_download, snapshot_download
from huggingface_hub.errors import LocalEntryNotFoundError

from tests.conformance._support import CHUNK_SIZE, Conformance, classic_only, git_blob_sha1, payload

pytestmark = pytest.mark.conformance

FILES = {
    "config.json": b'{"hidden_size": 8}',
    "README.md": b"# model\n",
    "weights.bin": payload(3 * CHUNK_SIZE + 17, seed=21),
    "sub/tokenizer.json": b'{"vocab": {}}',
    "sub/deep/extra.safetensors": payload(5000, seed=22),
}


@pytest.fixture
def model(conf: Conformance) -> str:
    repo_id = conf.new_repo("downloads")
    conf.api.create_commit(
        repo_id,
        [CommitOperationAdd(path, content) for path, content in FILES.items()],
        commit_message="model files",
    )
    return repo_id


def cache_folder(conf: Conformance, repo_id: str, repo_type: str = "model") -> Path:
    return conf.cache_dir / f"{repo_type}s--{repo_id.replace('/', '--')}"


def test_download_regular_file(conf: Conformance, model: str) -> None:
    head = conf.api.repo_info(model).sha
    conf.hub.log.clear()
    path = Path(hf_hub_download(model, "config.json", **conf.download_kwargs()))
    assert path.read_bytes() == FILES["config.json"]
    folder = cache_folder(conf, model)
    assert path == folder / "snapshots" / str(head) / "config.json"
    assert path.is_symlink()
    assert path.resolve() == (folder / "blobs" / git_blob_sha1(FILES["config.json"])).resolve()
    assert (folder / "refs" / "main").read_text() == head
    # regular files are served by the hub itself
    assert conf.hub.log.count(origin="storage") == 0
    heads = conf.hub.log.filter(origin="hub", method="HEAD", path=r"/resolve/")
    assert len(heads) == 1
    assert heads[0].status == 200


@classic_only
def test_download_lfs_file_through_the_storage_redirect(conf: Conformance, model: str) -> None:
    conf.hub.log.clear()
    path = Path(hf_hub_download(model, "weights.bin", **conf.download_kwargs()))
    content = FILES["weights.bin"]
    assert path.read_bytes() == content
    sha256 = hashlib.sha256(content).hexdigest()
    assert path.resolve().name == sha256  # the blob is named by X-Linked-Etag

    (head,) = conf.hub.log.filter(origin="hub", method="HEAD", path=r"/resolve/")
    assert head.status == 302
    assert head.response_headers["location"].startswith(conf.storage_url)
    assert head.response_headers["x-linked-etag"].strip('"') == sha256
    assert int(head.response_headers["x-linked-size"]) == len(content)
    assert "authorization" in head.headers
    (get,) = conf.hub.log.filter(origin="storage", method="GET")
    assert "authorization" not in get.headers  # the token never reaches the storage origin
    assert get.response_bytes == len(content)


def test_second_download_is_served_from_the_cache(conf: Conformance, model: str) -> None:
    hf_hub_download(model, "weights.bin", **conf.download_kwargs())
    conf.hub.log.clear()
    again = hf_hub_download(model, "weights.bin", **conf.download_kwargs())
    assert Path(again).read_bytes() == FILES["weights.bin"]
    assert conf.hub.log.count(origin="storage") == 0  # only the metadata HEAD went out
    head = conf.api.repo_info(model).sha
    conf.hub.log.clear()
    hf_hub_download(model, "weights.bin", revision=head, **conf.download_kwargs())
    assert len(conf.hub.log) == 0  # a commit hash already in the cache costs nothing


def test_download_at_revisions_and_subfolder(conf: Conformance, model: str) -> None:
    conf.api.create_tag(model, tag="v1")
    conf.api.upload_file(
        path_or_fileobj=b'{"changed": 1}', path_in_repo="config.json", repo_id=model
    )
    pr = conf.api.upload_file(
        path_or_fileobj=b"from a PR", path_in_repo="config.json", repo_id=model, create_pr=True
    )
    kw = conf.download_kwargs()
    assert (
        Path(hf_hub_download(model, "config.json", revision="v1", **kw)).read_bytes()
        == (FILES["config.json"])
    )
    assert Path(hf_hub_download(model, "config.json", **kw)).read_bytes() == b'{"changed": 1}'
    assert Path(
        hf_hub_download(model, "config.json", revision=pr.pr_revision, **kw)
    ).read_bytes() == (b"from a PR")
    assert (cache_folder(conf, model) / "refs" / "refs" / "pr" / "1").read_text() == pr.oid
    nested = hf_hub_download(model, "tokenizer.json", subfolder="sub", **kw)
    assert Path(nested).read_bytes() == FILES["sub/tokenizer.json"]


def test_download_to_a_local_dir(conf: Conformance, model: str) -> None:
    target = conf.tmp / "local"
    kw = conf.download_kwargs()
    path = Path(hf_hub_download(model, "sub/deep/extra.safetensors", local_dir=target, **kw))
    assert path == target / "sub" / "deep" / "extra.safetensors"
    assert not path.is_symlink()
    assert path.read_bytes() == FILES["sub/deep/extra.safetensors"]
    metadata = target / ".cache" / "huggingface" / "download" / "sub" / "deep"
    assert (metadata / "extra.safetensors.metadata").exists()


@classic_only
def test_snapshot_download_to_the_cache(conf: Conformance, model: str) -> None:
    head = conf.api.repo_info(model).sha
    conf.hub.log.clear()
    folder = Path(snapshot_download(model, **conf.download_kwargs()))
    assert folder == cache_folder(conf, model) / "snapshots" / str(head)
    for path, content in FILES.items():
        assert (folder / path).read_bytes() == content
    assert (folder / ".gitattributes").exists()
    assert (cache_folder(conf, model) / "trees" / f"{head}.json").exists()
    assert conf.hub.log.count(origin="storage", method="GET") == 2  # the two LFS files

    # a second run pins the same commit and finds every file: one info call, nothing else
    conf.hub.log.clear()
    assert Path(snapshot_download(model, **conf.download_kwargs())) == folder
    assert [r.path for r in conf.hub.log.records] == [f"/api/models/{model}/revision/main"]


def test_snapshot_download_with_patterns_and_revision(conf: Conformance, model: str) -> None:
    conf.api.create_branch(model, branch="dev")
    conf.api.upload_file(
        path_or_fileobj=b"dev only", path_in_repo="dev.txt", repo_id=model, revision="dev"
    )
    folder = Path(
        snapshot_download(
            model, revision="dev", allow_patterns=["*.json", "*.txt"], **conf.download_kwargs()
        )
    )
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())
    assert found == ["config.json", "dev.txt", "sub/tokenizer.json"]


def test_snapshot_download_to_a_local_dir(conf: Conformance, model: str) -> None:
    target = conf.tmp / "snapshot"
    folder = Path(snapshot_download(model, local_dir=target, **conf.download_kwargs()))
    assert folder == target
    for path, content in FILES.items():
        assert (target / path).read_bytes() == content
        assert not (target / path).is_symlink()
    assert (target / ".cache" / "huggingface" / ".gitignore").exists()
    # no content went to the shared cache (huggingface_hub records only the ref there)
    assert not (cache_folder(conf, model) / "blobs").exists()
    assert not (cache_folder(conf, model) / "snapshots").exists()


def test_dataset_snapshot(conf: Conformance) -> None:
    repo_id = conf.new_repo("snap-ds", repo_type="dataset")
    rows = payload(2 * CHUNK_SIZE, seed=23)
    conf.api.upload_file(
        path_or_fileobj=rows,
        path_in_repo="data/train.parquet",
        repo_id=repo_id,
        repo_type="dataset",
    )
    folder = Path(snapshot_download(repo_id, repo_type="dataset", **conf.download_kwargs()))
    assert (folder / "data" / "train.parquet").read_bytes() == rows
    assert folder.parent.parent == cache_folder(conf, repo_id, "dataset")


def test_offline_reuse_of_the_cache(
    conf: Conformance, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kw = conf.download_kwargs()
    patterns = ["*.json", "*.bin"]
    online = Path(snapshot_download(model, allow_patterns=patterns, **kw))
    conf.hub.log.clear()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert Path(snapshot_download(model, allow_patterns=patterns, **kw)) == online
    cached = Path(hf_hub_download(model, "weights.bin", **kw))
    assert cached.read_bytes() == FILES["weights.bin"]
    with pytest.raises(LocalEntryNotFoundError):
        hf_hub_download(model, "sub/deep/extra.safetensors", **kw)
    # the tree cached by the first run tells that the snapshot is incomplete for other patterns
    with pytest.raises(LocalEntryNotFoundError):
        snapshot_download(model, **kw)
    assert len(conf.hub.log) == 0

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    local = hf_hub_download(model, "config.json", local_files_only=True, **kw)
    assert Path(local).read_bytes() == FILES["config.json"]
    with pytest.raises(LocalEntryNotFoundError):
        hf_hub_download(model, "README.md", local_files_only=True, **kw)
    assert Path(snapshot_download(model, allow_patterns=patterns, local_files_only=True, **kw)) == (
        online
    )
    assert len(conf.hub.log) == 0


def test_offline_reuse_of_a_local_dir(
    conf: Conformance, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = conf.tmp / "offline-local"
    snapshot_download(model, local_dir=target, **conf.download_kwargs())
    conf.hub.log.clear()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    path = hf_hub_download(model, "weights.bin", local_dir=target, **conf.download_kwargs())
    assert Path(path).read_bytes() == FILES["weights.bin"]
    assert len(conf.hub.log) == 0


def test_cache_is_readable_by_path_only(conf: Conformance, model: str) -> None:
    folder = Path(snapshot_download(model, **conf.download_kwargs()))
    for path in FILES:
        link = folder / path
        assert link.is_symlink()
        assert not os.path.isabs(os.readlink(link))  # relative links into blobs/
