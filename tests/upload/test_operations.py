"""Commit operations, CommitInfo and the wire models: validation and HfApi-compatible meaning."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

import pytest

from hubclient import (
    CommitInfo,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    InvalidPathInRepoError,
)
from hubclient.models.commits import (
    CommitHeaderLine,
    CommitHeaderValue,
    LfsBatchResponse,
    PreuploadResponse,
    validate_path_in_repo,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a.txt", "a.txt"),
        ("/a.txt", "a.txt"),
        ("./a/b.txt", "a/b.txt"),
        ("/./a/b.txt", "a/b.txt"),
        ("dir/", "dir/"),
        ("a/.gitattributes", "a/.gitattributes"),
        (".gitignore", ".gitignore"),
        ("weird name é.bin", "weird name é.bin"),
    ],
)
def test_paths_are_normalised(given: str, expected: str) -> None:
    assert validate_path_in_repo(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        ".",
        "/",
        "..",
        "../x",
        "a/../../etc/passwd",
        "a/..",
        ".git/config",
        "x/.git/y",
        ".cache/huggingface/x",
        "a/.cache/b",
    ],
)
def test_bad_paths_raise_a_typed_error(bad: str) -> None:
    with pytest.raises(InvalidPathInRepoError) as info:
        validate_path_in_repo(bad)
    assert isinstance(info.value, ValueError)
    assert info.value.path == bad


def test_add_accepts_path_bytes_and_file_objects(tmp_path: Path) -> None:
    f = tmp_path / "w.bin"
    f.write_bytes(b"abc")
    assert CommitOperationAdd("/w.bin", f).path_or_fileobj == str(f)
    assert CommitOperationAdd("w.bin", str(f)).path_in_repo == "w.bin"
    assert CommitOperationAdd("w.bin", bytearray(b"x")).path_or_fileobj == b"x"  # type: ignore[arg-type]
    buffer = io.BytesIO(b"abc")
    assert CommitOperationAdd("w.bin", buffer).path_or_fileobj is buffer


def test_add_rejects_missing_files_text_io_and_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a file"):
        CommitOperationAdd("a", tmp_path / "missing")
    with pytest.raises(ValueError, match="binary file"):
        CommitOperationAdd("a", io.StringIO("text"))  # type: ignore[arg-type]
    with pytest.raises(InvalidPathInRepoError):
        CommitOperationAdd("../a", b"x")


def test_operations_are_immutable() -> None:
    op = CommitOperationAdd("a", b"x")
    with pytest.raises(AttributeError):
        op.path_in_repo = "b"  # type: ignore[misc]


def test_delete_guesses_folders_from_a_trailing_slash() -> None:
    assert CommitOperationDelete("dir/").is_folder is True
    assert CommitOperationDelete("file.txt").is_folder is False
    assert CommitOperationDelete("dir", is_folder=True).is_folder is True
    with pytest.raises(ValueError, match="is_folder"):
        CommitOperationDelete("x", is_folder="yes")  # type: ignore[arg-type]


def test_copy_validates_both_paths() -> None:
    op = CommitOperationCopy("/a.bin", "./b.bin", src_revision="v1")
    assert (op.src_path_in_repo, op.path_in_repo, op.src_revision) == ("a.bin", "b.bin", "v1")
    with pytest.raises(InvalidPathInRepoError):
        CommitOperationCopy("a.bin", ".git/b")


def test_commit_info_is_the_commit_url_and_parses_the_pr() -> None:
    info = CommitInfo(
        commit_url="http://hub.local/datasets/alice/d/commit/" + "a" * 40,
        commit_message="m",
        commit_description="",
        oid="a" * 40,
        pr_url="http://hub.local/datasets/alice/d/discussions/3",
    )
    assert info == info.commit_url
    assert info.pr_revision == "refs/pr/3"
    assert info.pr_num == 3
    assert info.repo_url == "http://hub.local/datasets/alice/d"
    again = pickle.loads(pickle.dumps(info))
    assert (again.oid, again.pr_num, again.commit_message) == (info.oid, 3, "m")
    plain = CommitInfo("http://h/a/b/commit/1234567", "m", "", "1234567")
    assert plain.pr_revision is None
    assert plain.pr_num is None
    with pytest.raises(ValueError, match="pull request URL"):
        CommitInfo("http://h/a/b/commit/1", "m", "", "1", pr_url="http://h/a/b/pulls")


def test_wire_models_use_the_protocol_names() -> None:
    header = CommitHeaderLine(value=CommitHeaderValue(summary="s", parent_commit="abc1234"))
    assert json.dumps(header.wire()) == (
        '{"key": "header", "value": {"summary": "s", "description": "", "parentCommit": "abc1234"}}'
    )
    answer = PreuploadResponse.model_validate(
        {"files": [{"path": "a", "uploadMode": "lfs", "shouldIgnore": False, "oid": "x"}]}
    )
    assert answer.files[0].upload_mode == "lfs"
    with pytest.raises(ValueError, match="shouldIgnore"):
        PreuploadResponse.model_validate({"files": [{"path": "a", "uploadMode": "lfs"}]})
    batch = LfsBatchResponse.model_validate(
        {"objects": [{"oid": "o", "size": 1, "error": {"code": 422, "message": "no"}}]}
    )
    assert batch.objects[0].error is not None
    assert batch.objects[0].error.code == 422
