"""Git-style patterns: LFS rules of `.gitattributes`, ignore rules of `.gitignore`, git oids."""

from __future__ import annotations

import hashlib

import pytest

from hubclient.testing._gitobjects import DEFAULT_GITATTRIBUTES, git_blob_sha1, tree_oids
from hubclient.testing._patterns import GitAttributes, GitIgnore


@pytest.mark.parametrize(
    ("path", "lfs"),
    [
        ("model.safetensors", True),
        ("deep/dir/weights.bin", True),
        ("saved_model/variables/v.data", True),
        ("logs/events.out.tfevents.123", True),
        ("a.tar.gz", True),
        ("README.md", False),
        ("config.json", False),
        ("plain.bin", False),  # un-tracked by the line added below
        ("data/special.txt", True),
        ("other/special.txt", False),
    ],
)
def test_gitattributes(path: str, lfs: bool) -> None:
    text = DEFAULT_GITATTRIBUTES.decode() + "plain.bin -filter\ndata/special.txt filter=lfs\n"
    assert GitAttributes.parse(text).is_lfs(path) is lfs


def test_default_gitattributes_shape() -> None:
    lines = DEFAULT_GITATTRIBUTES.decode().splitlines()
    assert len(lines) == 35
    assert all(line.endswith(" filter=lfs diff=lfs merge=lfs -text") for line in lines)


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("debug.log", True),
        ("sub/debug.log", True),
        ("keep.log", False),
        ("build/out.txt", True),
        ("src/build/out.txt", True),
        ("build", False),  # a file named like the folder-only pattern
        ("root.txt", True),
        ("sub/root.txt", False),
        ("notes.md", False),
    ],
)
def test_gitignore(path: str, ignored: bool) -> None:
    rules = GitIgnore.parse("# comment\n*.log\n!keep.log\nbuild/\n/root.txt\n")
    assert rules.ignores(path) is ignored


def test_git_oids() -> None:
    assert git_blob_sha1(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's empty blob
    assert git_blob_sha1(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    # `git mktree` of one file "a" holding "hello\n"
    blob = git_blob_sha1(b"hello\n")
    body = b"100644 a\0" + bytes.fromhex(blob)
    expected = hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()
    assert tree_oids({"a": blob})[""] == expected
    nested = tree_oids({"d/a": blob, "b": blob})
    assert set(nested) == {"", "d"}
    assert nested["d"] == expected
