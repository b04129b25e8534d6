"""Awkward paths and revisions, range reads, file metadata, HfFileSystem, checksum verification."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import pytest
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationCopy,
    HfFileSystem,
    RepoFile,
    hf_hub_download,
    hf_hub_url,
    snapshot_download,
)

from tests.conformance._support import ALICE_TOKEN, CHUNK_SIZE, Conformance, payload

pytestmark = pytest.mark.conformance

ODD = {
    "dir with space/naïve é.txt": b"unicode and spaces",
    "dir with space/w #1?.bin": payload(3000, seed=41),
    "100%/a+b=c&d.txt": b"reserved characters",
    "emoji/\U0001f917.txt": b"hugging face",
}


def test_paths_that_need_quoting(conf: Conformance) -> None:
    repo_id = conf.new_repo("odd-paths")
    conf.api.create_commit(
        repo_id, [CommitOperationAdd(p, c) for p, c in ODD.items()], commit_message="odd"
    )
    assert set(conf.api.list_repo_files(repo_id)) == {".gitattributes", *ODD}
    listed = sorted(e.path for e in conf.api.list_repo_tree(repo_id, path_in_repo="dir with space"))
    assert listed == sorted(p for p in ODD if p.startswith("dir with space/"))
    infos = conf.api.get_paths_info(repo_id, list(ODD))
    assert {e.path for e in infos} == set(ODD)
    for path, content in ODD.items():
        assert conf.api.file_exists(repo_id, path)
        local = hf_hub_download(repo_id, path, **conf.download_kwargs())
        assert Path(local).read_bytes() == content
    folder = Path(snapshot_download(repo_id, local_dir=conf.tmp / "odd", **conf.download_kwargs()))
    for path, content in ODD.items():
        assert (folder / path).read_bytes() == content


def test_branch_names_with_slashes(conf: Conformance) -> None:
    repo_id = conf.new_repo("slash-branch")
    conf.api.create_branch(repo_id, branch="feature/new-thing")
    conf.api.upload_file(
        path_or_fileobj=payload(2000, seed=42),
        path_in_repo="w.bin",
        repo_id=repo_id,
        revision="feature/new-thing",
    )
    conf.api.create_tag(repo_id, tag="release/v1", revision="feature/new-thing")
    for revision in ("feature/new-thing", "release/v1"):
        local = hf_hub_download(repo_id, "w.bin", revision=revision, **conf.download_kwargs())
        assert Path(local).read_bytes() == payload(2000, seed=42)
        assert "w.bin" in conf.api.list_repo_files(repo_id, revision=revision)
        (entry,) = conf.api.get_paths_info(repo_id, "w.bin", revision=revision)
        assert isinstance(entry, RepoFile)
    refs = conf.api.list_repo_refs(repo_id)
    assert "refs/heads/feature/new-thing" in {b.ref for b in refs.branches}
    assert "refs/tags/release/v1" in {t.ref for t in refs.tags}


def test_file_metadata(conf: Conformance) -> None:
    repo_id = conf.new_repo("metadata")
    big = payload(2 * CHUNK_SIZE, seed=43)
    commit = conf.api.create_commit(
        repo_id,
        [CommitOperationAdd("small.txt", b"small"), CommitOperationAdd("big.bin", big)],
        commit_message="metadata",
    )
    small = conf.api.get_hf_file_metadata(
        url=hf_hub_url(repo_id, "small.txt", endpoint=conf.endpoint)
    )
    assert small.commit_hash == commit.oid
    assert small.etag == hashlib.sha1(b"blob 5\0small").hexdigest()
    assert small.size == 5
    lfs = conf.api.get_hf_file_metadata(url=hf_hub_url(repo_id, "big.bin", endpoint=conf.endpoint))
    assert lfs.commit_hash == commit.oid
    assert lfs.etag == hashlib.sha256(big).hexdigest()
    assert lfs.size == len(big)
    assert lfs.location.startswith(conf.storage_url)


def test_empty_file(conf: Conformance) -> None:
    repo_id = conf.new_repo("empty")
    conf.api.upload_file(path_or_fileobj=b"", path_in_repo="empty.bin", repo_id=repo_id)
    (entry,) = conf.api.get_paths_info(repo_id, "empty.bin")
    assert isinstance(entry, RepoFile)
    assert entry.size == 0
    assert entry.lfs is None  # an empty file is always regular
    assert Path(hf_hub_download(repo_id, "empty.bin", **conf.download_kwargs())).read_bytes() == b""


def test_force_download_and_copy_from_an_older_revision(conf: Conformance) -> None:
    repo_id = conf.new_repo("older")
    first = conf.api.upload_file(path_or_fileobj=b"v1", path_in_repo="f.txt", repo_id=repo_id)
    conf.api.upload_file(path_or_fileobj=b"v2", path_in_repo="f.txt", repo_id=repo_id)
    conf.api.create_commit(
        repo_id,
        [CommitOperationCopy("f.txt", "restored.txt", src_revision=first.oid)],
        commit_message="restore v1",
    )
    kw = conf.download_kwargs()
    assert Path(hf_hub_download(repo_id, "restored.txt", **kw)).read_bytes() == b"v1"
    conf.hub.log.clear()
    again = hf_hub_download(repo_id, "restored.txt", force_download=True, **kw)
    assert Path(again).read_bytes() == b"v1"
    assert conf.hub.log.count(method="GET", path=r"/resolve/") == 1


def safetensors_file() -> bytes:
    header = {
        "__metadata__": {"format": "pt"},
        "weight": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
        "bias": {"dtype": "F32", "shape": [3], "data_offsets": [24, 36]},
    }
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + bytes(36)


def test_safetensors_metadata_reads_ranges_through_the_redirect(conf: Conformance) -> None:
    repo_id = conf.new_repo("safetensors")
    conf.api.upload_file(
        path_or_fileobj=safetensors_file(), path_in_repo="model.safetensors", repo_id=repo_id
    )
    conf.hub.log.clear()
    meta = conf.api.get_safetensors_metadata(repo_id)
    tensors = meta.files_metadata["model.safetensors"].tensors
    assert tensors["weight"].shape == [2, 3]
    assert tensors["bias"].dtype == "F32"
    ranged = [
        r for r in conf.hub.log.filter(origin="storage", method="GET") if "range" in r.headers
    ]
    assert ranged
    assert all(r.status == 206 for r in ranged)
    assert all("authorization" not in r.headers for r in ranged)


def test_hf_file_system(conf: Conformance) -> None:
    repo_id = conf.new_repo("fsspec")
    big = payload(3 * CHUNK_SIZE, seed=44)
    conf.api.create_commit(
        repo_id,
        [
            CommitOperationAdd("data/a.txt", b"alpha"),
            CommitOperationAdd("data/sub/b.txt", b"beta"),
            CommitOperationAdd("big.bin", big),
        ],
        commit_message="fs",
    )
    conf.api.create_branch(repo_id, branch="dev")
    conf.api.upload_file(
        path_or_fileobj=b"dev", path_in_repo="data/dev.txt", repo_id=repo_id, revision="dev"
    )
    fs = HfFileSystem(endpoint=conf.endpoint, token=ALICE_TOKEN, skip_instance_cache=True)
    assert sorted(str(p) for p in fs.ls(f"{repo_id}/data", detail=False)) == [
        f"{repo_id}/data/a.txt",
        f"{repo_id}/data/sub",
    ]
    assert fs.info(f"{repo_id}/big.bin")["size"] == len(big)
    assert sorted(fs.glob(f"{repo_id}/**/*.txt")) == [
        f"{repo_id}/data/a.txt",
        f"{repo_id}/data/sub/b.txt",
    ]
    assert fs.cat_file(f"{repo_id}/data/sub/b.txt") == b"beta"
    with fs.open(f"{repo_id}/big.bin", "rb") as f:
        f.seek(CHUNK_SIZE + 10)
        assert f.read(1000) == big[CHUNK_SIZE + 10 : CHUNK_SIZE + 1010]
    assert fs.cat_file(f"{repo_id}/big.bin", start=5, end=25) == big[5:25]
    assert fs.cat_file(f"{repo_id}@dev/data/dev.txt") == b"dev"
    assert not fs.exists(f"{repo_id}/data/dev.txt")  # type: ignore[no-untyped-call]


def test_verify_repo_checksums(conf: Conformance) -> None:
    repo_id = conf.new_repo("verify")
    conf.api.create_commit(
        repo_id,
        [
            CommitOperationAdd("a.txt", b"a"),
            CommitOperationAdd("w.bin", payload(3000, seed=45)),
            CommitOperationAdd("d/c.json", b"{}"),
        ],
        commit_message="verify",
    )
    target = conf.tmp / "verify"
    snapshot_download(repo_id, local_dir=target, **conf.download_kwargs())
    clean = conf.api.verify_repo_checksums(repo_id, local_dir=target)
    assert clean.checked_count == 4
    assert clean.mismatches == []
    assert clean.missing_paths == []
    (target / "w.bin").write_bytes(payload(3000, seed=46))
    broken = conf.api.verify_repo_checksums(repo_id, local_dir=target)
    assert [m["path"] for m in broken.mismatches] == ["w.bin"]
    assert broken.mismatches[0]["algorithm"] == "sha256"
    cached = conf.api.verify_repo_checksums(
        repo_id, cache_dir=Path(snapshot_download(repo_id, **conf.download_kwargs())).parents[2]
    )
    assert cached.mismatches == []
