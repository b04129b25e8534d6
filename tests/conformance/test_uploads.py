"""Uploads: regular and LFS files (single PUT, multipart), folders, commit operations, PRs."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    RepoFile,
    hf_hub_download,
)
from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

from tests.conformance._support import (
    ALICE_READ_TOKEN,
    CHUNK_SIZE,
    MULTIPART_THRESHOLD,
    Conformance,
    classic_only,
    git_blob_sha1,
    payload,
)

pytestmark = pytest.mark.conformance


def read_remote(
    conf: Conformance,
    repo_id: str,
    path: str,
    *,
    revision: str | None = None,
    repo_type: str | None = None,
) -> bytes:
    local = hf_hub_download(
        repo_id, path, revision=revision, repo_type=repo_type, **conf.download_kwargs()
    )
    return Path(local).read_bytes()


def tree(conf: Conformance, repo_id: str, revision: str | None = None) -> dict[str, RepoFile]:
    return {
        e.path: e
        for e in conf.api.list_repo_tree(repo_id, recursive=True, revision=revision)
        if isinstance(e, RepoFile)
    }


def test_upload_regular_file(conf: Conformance) -> None:
    repo_id = conf.new_repo("regular")
    content = b"hello world\n"
    info = conf.api.upload_file(path_or_fileobj=content, path_in_repo="hello.txt", repo_id=repo_id)
    assert len(info.oid) == 40
    assert info.commit_url == f"{conf.endpoint}/{repo_id}/commit/{info.oid}"
    assert info.commit_message == "Upload hello.txt with huggingface_hub"
    assert info.pr_url is None
    assert conf.api.repo_info(repo_id).sha == info.oid
    # no LFS traffic: nothing went to the storage origin
    assert conf.hub.log.count(origin="storage") == 0
    entry = tree(conf, repo_id)["hello.txt"]
    assert entry.blob_id == git_blob_sha1(content)
    assert entry.lfs is None
    assert read_remote(conf, repo_id, "hello.txt") == content


@classic_only
def test_upload_lfs_single_put(conf: Conformance) -> None:
    repo_id = conf.new_repo("lfs-single")
    content = payload(MULTIPART_THRESHOLD // 2, seed=1)
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="weights.bin", repo_id=repo_id)

    puts = conf.hub.log.filter(origin="storage", method="PUT")
    assert len(puts) == 1
    assert puts[0].request_bytes == len(content)
    assert "authorization" not in puts[0].headers  # presigned: no token leaves the hub origin
    assert (
        conf.hub.log.count(origin="hub", method="POST", path=r"\.git/info/lfs/objects/batch$") == 1
    )

    entry = tree(conf, repo_id)["weights.bin"]
    sha256 = hashlib.sha256(content).hexdigest()
    assert entry.lfs is not None
    assert entry.lfs.sha256 == sha256
    assert entry.size == len(content)
    assert read_remote(conf, repo_id, "weights.bin") == content


@classic_only
def test_upload_lfs_multipart(conf: Conformance, tmp_path: Path) -> None:
    repo_id = conf.new_repo("lfs-multipart")
    content = payload(5 * CHUNK_SIZE + 1234, seed=2)
    assert len(content) >= MULTIPART_THRESHOLD
    source = tmp_path / "big.safetensors"
    source.write_bytes(content)
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=source, path_in_repo="model.safetensors", repo_id=repo_id)

    parts = conf.hub.log.filter(origin="storage", method="PUT")
    assert len(parts) == math.ceil(len(content) / CHUNK_SIZE) == 6
    assert sum(p.request_bytes for p in parts) == len(content)
    assert all("etag" in p.response_headers for p in parts)
    assert all("authorization" not in p.headers for p in parts)
    lfs = tree(conf, repo_id)["model.safetensors"].lfs
    assert lfs is not None
    assert lfs.sha256 == hashlib.sha256(content).hexdigest()
    assert read_remote(conf, repo_id, "model.safetensors") == content


def test_reuploading_the_same_content_is_a_no_op(conf: Conformance) -> None:
    repo_id = conf.new_repo("no-op")
    first = conf.api.upload_file(
        path_or_fileobj=payload(1000), path_in_repo="w.bin", repo_id=repo_id
    )
    conf.hub.log.clear()
    second = conf.api.upload_file(
        path_or_fileobj=payload(1000), path_in_repo="w.bin", repo_id=repo_id
    )
    assert second.oid == first.oid  # the preupload answered the remote oid: nothing to commit
    assert conf.hub.log.count(method="POST", path=r"/commit/") == 0
    assert conf.hub.log.count(origin="storage") == 0


def test_uploading_an_object_the_repo_already_holds_skips_the_put(conf: Conformance) -> None:
    repo_id = conf.new_repo("dedup")
    content = payload(4000, seed=3)
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="w.bin", repo_id=repo_id)
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="same.bin", repo_id=repo_id)
    assert conf.hub.log.count(origin="storage") == 0
    assert read_remote(conf, repo_id, "same.bin") == content


@classic_only
def test_an_object_held_by_another_repo_is_sent_again(conf: Conformance) -> None:
    a = conf.new_repo("dedup-a")
    b = conf.new_repo("dedup-b")
    content = payload(4000, seed=3)
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="w.bin", repo_id=a)
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="same.bin", repo_id=b)
    # LFS objects belong to repos, as on the Hub: b never held it, so the bytes travel
    assert conf.hub.log.count(origin="storage", method="PUT") == 1
    assert read_remote(conf, b, "same.bin") == content


def test_gitattributes_tracks_new_lfs_paths(conf: Conformance) -> None:
    repo_id = conf.new_repo("gitattributes")
    content = b"\x00\x01binary without an LFS extension" * 10
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="data/blob.weird", repo_id=repo_id)
    entry = tree(conf, repo_id)["data/blob.weird"]
    assert entry.lfs is not None
    attributes = read_remote(conf, repo_id, ".gitattributes").decode()
    assert "data/blob.weird" in attributes
    assert "filter=lfs" in attributes


def test_upload_folder(conf: Conformance, tmp_path: Path) -> None:
    repo_id = conf.new_repo("folder")
    folder = tmp_path / "folder"
    (folder / "sub" / "deep").mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# A model\n")
    (folder / "config.json").write_text('{"a": 1}')
    (folder / "sub" / "notes.txt").write_text("notes")
    (folder / "sub" / "deep" / "w.bin").write_bytes(payload(3000, seed=4))
    (folder / "big.safetensors").write_bytes(payload(3 * CHUNK_SIZE, seed=5))
    (folder / "skip.log").write_text("ignored")
    conf.hub.log.clear()
    info = conf.api.upload_folder(repo_id=repo_id, folder_path=folder, ignore_patterns=["*.log"])
    assert info.commit_message == "Upload folder using huggingface_hub"
    # README.md among the additions: the client validated its YAML first
    assert conf.hub.log.count(method="POST", path=r"^/api/validate-yaml$") >= 1
    assert conf.hub.log.count(method="POST", path=r"/commit/") == 1
    files = sorted(conf.api.list_repo_files(repo_id))
    assert files == [
        ".gitattributes",
        "README.md",
        "big.safetensors",
        "config.json",
        "sub/deep/w.bin",
        "sub/notes.txt",
    ]
    assert read_remote(conf, repo_id, "sub/deep/w.bin") == payload(3000, seed=4)
    assert read_remote(conf, repo_id, "big.safetensors") == payload(3 * CHUNK_SIZE, seed=5)


def test_upload_folder_into_a_subfolder_with_delete_patterns(
    conf: Conformance, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("folder-delete")
    conf.api.upload_file(path_or_fileobj=b"old", path_in_repo="out/old.txt", repo_id=repo_id)
    conf.api.upload_file(path_or_fileobj=b"keep", path_in_repo="keep.txt", repo_id=repo_id)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "new.txt").write_text("new")
    conf.api.upload_folder(
        repo_id=repo_id, folder_path=folder, path_in_repo="out", delete_patterns=["*.txt"]
    )
    assert sorted(conf.api.list_repo_files(repo_id)) == [
        ".gitattributes",
        "keep.txt",
        "out/new.txt",
    ]


def test_create_commit_add_delete_copy(conf: Conformance) -> None:
    repo_id = conf.new_repo("ops")
    big = payload(2000, seed=6)
    conf.api.create_commit(
        repo_id,
        [
            CommitOperationAdd("a.txt", b"regular a"),
            CommitOperationAdd("dir/b.txt", b"regular b"),
            CommitOperationAdd("dir/c.txt", b"regular c"),
            CommitOperationAdd("w.bin", big),
        ],
        commit_message="seed the ops",
    )
    conf.hub.log.clear()
    info = conf.api.create_commit(
        repo_id,
        [
            CommitOperationCopy(src_path_in_repo="w.bin", path_in_repo="copies/w-copy.bin"),
            CommitOperationCopy(src_path_in_repo="a.txt", path_in_repo="copies/a-copy.txt"),
            CommitOperationDelete("dir/"),
            CommitOperationAdd("new.txt", b"new"),
        ],
        commit_message="copy, delete, add",
        commit_description="a longer description",
    )
    # the LFS copy is server-side: no byte went to storage
    assert conf.hub.log.count(origin="storage", method="PUT") == 0
    files = sorted(conf.api.list_repo_files(repo_id))
    assert files == [
        ".gitattributes",
        "a.txt",
        "copies/a-copy.txt",
        "copies/w-copy.bin",
        "new.txt",
        "w.bin",
    ]
    assert read_remote(conf, repo_id, "copies/w-copy.bin") == big
    assert read_remote(conf, repo_id, "copies/a-copy.txt") == b"regular a"
    lfs = tree(conf, repo_id)["copies/w-copy.bin"].lfs
    assert lfs is not None
    assert lfs.sha256 == hashlib.sha256(big).hexdigest()
    commits = conf.api.list_repo_commits(repo_id)
    assert commits[0].commit_id == info.oid
    assert commits[0].title == "copy, delete, add"
    assert "a longer description" in commits[0].message


def test_delete_file_and_folder(conf: Conformance) -> None:
    repo_id = conf.new_repo("deletes")
    conf.api.create_commit(
        repo_id,
        [CommitOperationAdd(p, p.encode()) for p in ("x.txt", "f/1.txt", "f/g/2.txt", "h/3.txt")],
        commit_message="files",
    )
    conf.api.delete_file("x.txt", repo_id)
    conf.api.delete_folder("f", repo_id)
    assert sorted(conf.api.list_repo_files(repo_id)) == [".gitattributes", "h/3.txt"]


def test_deleting_a_missing_file_fails(conf: Conformance) -> None:
    repo_id = conf.new_repo("delete-missing")
    with pytest.raises(EntryNotFoundError) as info:
        conf.api.delete_file("not-there.txt", repo_id)
    assert "A file with this name doesn't exist" in str(info.value)


def test_stale_parent_commit_is_refused(conf: Conformance) -> None:
    repo_id = conf.new_repo("parent")
    first = conf.api.upload_file(path_or_fileobj=b"1", path_in_repo="n.txt", repo_id=repo_id)
    second = conf.api.upload_file(
        path_or_fileobj=b"2", path_in_repo="n.txt", repo_id=repo_id, parent_commit=first.oid
    )
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.upload_file(
            path_or_fileobj=b"3", path_in_repo="n.txt", repo_id=repo_id, parent_commit=first.oid
        )
    assert info.value.response.status_code == 412
    assert conf.api.repo_info(repo_id).sha == second.oid
    # a short sha works as a parent too
    third = conf.api.upload_file(
        path_or_fileobj=b"3", path_in_repo="n.txt", repo_id=repo_id, parent_commit=second.oid[:7]
    )
    assert read_remote(conf, repo_id, "n.txt", revision=third.oid) == b"3"


def test_pull_request_commits(conf: Conformance) -> None:
    repo_id = conf.new_repo("prs")
    base = conf.api.upload_file(path_or_fileobj=b"v1", path_in_repo="f.txt", repo_id=repo_id)
    big = payload(3 * CHUNK_SIZE, seed=7)
    pr = conf.api.create_commit(
        repo_id,
        [CommitOperationAdd("f.txt", b"v2"), CommitOperationAdd("w.bin", big)],
        commit_message="a PR",
        create_pr=True,
    )
    assert pr.pr_url == f"{conf.endpoint}/{repo_id}/discussions/1"
    assert pr.pr_num == 1
    assert pr.pr_revision == "refs/pr/1"
    assert conf.api.repo_info(repo_id).sha == base.oid  # main did not move
    assert read_remote(conf, repo_id, "f.txt") == b"v1"
    assert read_remote(conf, repo_id, "f.txt", revision="refs/pr/1") == b"v2"
    assert read_remote(conf, repo_id, "w.bin", revision="refs/pr/1") == big
    assert conf.api.repo_info(repo_id, revision="refs/pr/1").sha == pr.oid

    second = conf.api.upload_file(
        path_or_fileobj=b"v3", path_in_repo="f.txt", repo_id=repo_id, create_pr=True
    )
    assert second.pr_num == 2
    # a commit on top of an open PR
    more = conf.api.upload_file(
        path_or_fileobj=b"v4", path_in_repo="f.txt", repo_id=repo_id, revision="refs/pr/1"
    )
    assert conf.api.repo_info(repo_id, revision="refs/pr/1").sha == more.oid
    refs = conf.api.list_repo_refs(repo_id, include_pull_requests=True)
    assert sorted(r.ref for r in refs.pull_requests or []) == ["refs/pr/1", "refs/pr/2"]


def test_upload_to_a_branch(conf: Conformance) -> None:
    repo_id = conf.new_repo("branch-upload")
    conf.api.create_branch(repo_id, branch="dev")
    info = conf.api.upload_file(
        path_or_fileobj=b"dev", path_in_repo="d.txt", repo_id=repo_id, revision="dev"
    )
    assert conf.api.repo_info(repo_id, revision="dev").sha == info.oid
    assert not conf.api.file_exists(repo_id, "d.txt")
    assert conf.api.file_exists(repo_id, "d.txt", revision="dev")


def test_dataset_uploads(conf: Conformance) -> None:
    repo_id = conf.new_repo("data", repo_type="dataset")
    table = payload(3 * CHUNK_SIZE, seed=8)
    info = conf.api.upload_file(
        path_or_fileobj=table, path_in_repo="train.parquet", repo_id=repo_id, repo_type="dataset"
    )
    assert info.commit_url == f"{conf.endpoint}/datasets/{repo_id}/commit/{info.oid}"
    assert read_remote(conf, repo_id, "train.parquet", repo_type="dataset") == table


def test_read_token_cannot_write(conf: Conformance) -> None:
    repo_id = conf.new_repo("read-only")
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.upload_file(
            path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id, token=ALICE_READ_TOKEN
        )
    assert info.value.response.status_code in (401, 403)
    with pytest.raises(HfHubHTTPError):
        conf.api.create_repo(conf.repo_id("read-create"), token=ALICE_READ_TOKEN)


def test_others_cannot_write(conf: Conformance) -> None:
    repo_id = conf.new_repo("alices")
    with pytest.raises(HfHubHTTPError) as info:
        conf.bob.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id)
    assert info.value.response.status_code in (401, 403)


def test_dataset_pull_request(conf: Conformance) -> None:
    repo_id = conf.new_repo("data-pr", repo_type="dataset")
    pr = conf.api.upload_file(
        path_or_fileobj=b"a,b\n1,2\n",
        path_in_repo="data.csv",
        repo_id=repo_id,
        repo_type="dataset",
        create_pr=True,
    )
    assert pr.pr_url == f"{conf.endpoint}/datasets/{repo_id}/discussions/1"
    assert pr.pr_revision == "refs/pr/1"
    assert read_remote(conf, repo_id, "data.csv", revision="refs/pr/1", repo_type="dataset") == (
        b"a,b\n1,2\n"
    )
