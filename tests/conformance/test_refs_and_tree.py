"""Branches, tags, refs, commits, tree listings, paths-info and repo info with files metadata."""

from __future__ import annotations

import hashlib

import pytest
from huggingface_hub import CommitOperationAdd, RepoFile, RepoFolder
from huggingface_hub.errors import HfHubHTTPError

from tests.conformance._support import PAGE_SIZE, Conformance, git_blob_sha1, payload

pytestmark = pytest.mark.conformance

FILES = {
    "README.md": b"# layout\n",
    "a.txt": b"a",
    "b.txt": b"b",
    "sub/c.txt": b"c",
    "sub/d.txt": b"d",
    "sub/deep/e.txt": b"e",
    "sub/deep/w.bin": payload(1500, seed=11),
    "other/f.txt": b"f",
}


@pytest.fixture
def layout(conf: Conformance) -> str:
    repo_id = conf.new_repo("layout")
    conf.api.create_commit(
        repo_id,
        [CommitOperationAdd(path, content) for path, content in FILES.items()],
        commit_message="layout",
    )
    return repo_id


# --- branches, tags, refs, commits -------------------------------------------------------------


def test_branches(conf: Conformance, layout: str) -> None:
    head = conf.api.repo_info(layout).sha
    conf.api.create_branch(layout, branch="dev")
    assert conf.api.repo_info(layout, revision="dev").sha == head
    conf.api.create_branch(layout, branch="dev", exist_ok=True)
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.create_branch(layout, branch="dev")
    assert info.value.response.status_code == 409

    first = conf.api.list_repo_commits(layout)[-1].commit_id
    conf.api.create_branch(layout, branch="feature/old", revision=first)
    assert conf.api.repo_info(layout, revision="feature/old").sha == first
    assert conf.api.list_repo_files(layout, revision="feature/old") == [".gitattributes"]

    refs = conf.api.list_repo_refs(layout)
    branches = {b.name: b for b in refs.branches}
    assert set(branches) == {"main", "dev", "feature/old"}
    assert branches["feature/old"].ref == "refs/heads/feature/old"
    assert branches["feature/old"].target_commit == first
    assert refs.converts == []

    conf.api.delete_branch(layout, branch="feature/old")
    assert not conf.api.revision_exists(layout, "feature/old")
    assert conf.api.revision_exists(layout, "dev")


def test_tags(conf: Conformance, layout: str) -> None:
    head = conf.api.repo_info(layout).sha
    conf.api.create_tag(layout, tag="v1.0", tag_message="first release")
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.create_tag(layout, tag="v1.0")
    assert info.value.response.status_code == 409
    conf.api.create_tag(layout, tag="v1.0", exist_ok=True)

    old = conf.api.list_repo_commits(layout)[-1].commit_id
    conf.api.create_tag(layout, tag="v0", revision=old)
    conf.api.upload_file(path_or_fileobj=b"later", path_in_repo="later.txt", repo_id=layout)

    tags = {t.name: t for t in conf.api.list_repo_refs(layout).tags}
    assert tags["v1.0"].target_commit == head
    assert tags["v1.0"].ref == "refs/tags/v1.0"
    assert tags["v0"].target_commit == old
    assert conf.api.repo_info(layout, revision="v1.0").sha == head
    assert "later.txt" not in conf.api.list_repo_files(layout, revision="v1.0")

    conf.api.delete_tag(layout, tag="v0")
    assert "v0" not in {t.name for t in conf.api.list_repo_refs(layout).tags}


def test_refs_without_and_with_prs(conf: Conformance, layout: str) -> None:
    conf.api.upload_file(
        path_or_fileobj=b"pr", path_in_repo="pr.txt", repo_id=layout, create_pr=True
    )
    plain = conf.api.list_repo_refs(layout)
    assert plain.pull_requests is None
    with_prs = conf.api.list_repo_refs(layout, include_pull_requests=True)
    assert [(p.name, p.ref) for p in with_prs.pull_requests or []] == [("refs/pr/1", "refs/pr/1")]


def test_commits_are_paginated_newest_first(conf: Conformance) -> None:
    repo_id = conf.new_repo("history")
    oids = [
        conf.api.upload_file(
            path_or_fileobj=str(i).encode(),
            path_in_repo="n.txt",
            repo_id=repo_id,
            commit_message=f"commit {i}",
        ).oid
        for i in range(5)
    ]
    conf.hub.log.clear()
    commits = conf.api.list_repo_commits(repo_id)
    assert conf.hub.log.count(method="GET", path=r"/commits/") > 1  # several pages
    assert [c.commit_id for c in commits[:5]] == oids[::-1]
    assert len(commits) == 6  # + the initial commit of create_repo
    assert commits[0].title == "commit 4"
    assert commits[0].authors == ["alice"]
    assert commits[0].created_at is not None
    formatted = conf.api.list_repo_commits(repo_id, formatted=True)
    assert formatted[0].formatted_title is not None
    on_old = conf.api.list_repo_commits(repo_id, revision=oids[1])
    assert [c.commit_id for c in on_old[:2]] == [oids[1], oids[0]]


# --- tree and paths-info -----------------------------------------------------------------------


def test_tree_root_and_subfolder(conf: Conformance, layout: str) -> None:
    root = list(conf.api.list_repo_tree(layout))
    assert sorted((type(e).__name__, e.path) for e in root) == [
        ("RepoFile", ".gitattributes"),
        ("RepoFile", "README.md"),
        ("RepoFile", "a.txt"),
        ("RepoFile", "b.txt"),
        ("RepoFolder", "other"),
        ("RepoFolder", "sub"),
    ]
    sub = list(conf.api.list_repo_tree(layout, path_in_repo="sub"))
    assert sorted(e.path for e in sub) == ["sub/c.txt", "sub/d.txt", "sub/deep"]
    deep = list(conf.api.list_repo_tree(layout, path_in_repo="sub/deep"))
    assert sorted(e.path for e in deep) == ["sub/deep/e.txt", "sub/deep/w.bin"]


def test_tree_recursive_paginated(conf: Conformance, layout: str) -> None:
    conf.hub.log.clear()
    entries = list(conf.api.list_repo_tree(layout, recursive=True))
    pages = conf.hub.log.count(method="GET", path=r"/tree/")
    assert pages >= len(entries) // PAGE_SIZE
    folders = sorted(e.path for e in entries if isinstance(e, RepoFolder))
    files = {e.path: e for e in entries if isinstance(e, RepoFile)}
    assert folders == ["other", "sub", "sub/deep"]
    assert set(files) == {".gitattributes", *FILES}
    for path, content in FILES.items():
        entry = files[path]
        assert entry.size == len(content)
        if path.endswith(".bin"):
            assert entry.lfs is not None
            assert entry.lfs.sha256 == hashlib.sha256(content).hexdigest()
            assert entry.lfs.size == len(content)
            assert entry.lfs.pointer_size > 0
        else:
            assert entry.lfs is None
            assert entry.blob_id == git_blob_sha1(content)
    assert set(conf.api.list_repo_files(layout)) == set(files)


def test_tree_expand(conf: Conformance, layout: str) -> None:
    entries = list(conf.api.list_repo_tree(layout, path_in_repo="sub", expand=True))
    head = conf.api.repo_info(layout).sha
    for entry in entries:
        assert entry.last_commit is not None
        assert entry.last_commit.oid == head
        assert entry.last_commit.title == "layout"


def test_tree_at_revisions(conf: Conformance, layout: str) -> None:
    conf.api.create_branch(layout, branch="feature/x")
    conf.api.upload_file(
        path_or_fileobj=b"x", path_in_repo="sub/x.txt", repo_id=layout, revision="feature/x"
    )
    at_branch = sorted(
        e.path for e in conf.api.list_repo_tree(layout, path_in_repo="sub", revision="feature/x")
    )
    assert "sub/x.txt" in at_branch
    at_main = sorted(e.path for e in conf.api.list_repo_tree(layout, path_in_repo="sub"))
    assert "sub/x.txt" not in at_main


def test_paths_info(conf: Conformance, layout: str) -> None:
    infos = conf.api.get_paths_info(
        layout, ["a.txt", "sub/deep/w.bin", "sub", "missing.txt", "sub/missing"]
    )
    by_path = {e.path: e for e in infos}
    assert set(by_path) == {"a.txt", "sub/deep/w.bin", "sub"}  # missing paths are left out
    assert isinstance(by_path["sub"], RepoFolder)
    a = by_path["a.txt"]
    assert isinstance(a, RepoFile)
    assert a.blob_id == git_blob_sha1(b"a")
    w = by_path["sub/deep/w.bin"]
    assert isinstance(w, RepoFile)
    assert w.lfs is not None
    assert w.lfs.sha256 == hashlib.sha256(FILES["sub/deep/w.bin"]).hexdigest()
    expanded = conf.api.get_paths_info(layout, "a.txt", expand=True)
    assert expanded[0].last_commit is not None


def test_info_with_files_metadata(conf: Conformance, layout: str) -> None:
    info = conf.api.model_info(layout, files_metadata=True)
    siblings = {s.rfilename: s for s in info.siblings or []}
    assert set(siblings) == {".gitattributes", *FILES}
    for path, content in FILES.items():
        sibling = siblings[path]
        assert sibling.size == len(content)
        if path.endswith(".bin"):
            assert sibling.lfs is not None
            assert sibling.lfs.sha256 == hashlib.sha256(content).hexdigest()
            assert sibling.lfs.size == len(content)
        else:
            assert sibling.lfs is None
            assert sibling.blob_id == git_blob_sha1(content)


def test_info_at_revisions(conf: Conformance, layout: str) -> None:
    head = conf.api.repo_info(layout).sha
    assert head is not None
    conf.api.create_tag(layout, tag="t1")
    conf.api.upload_file(path_or_fileobj=b"z", path_in_repo="z.txt", repo_id=layout)
    for revision in ("t1", head, head[:7]):
        info = conf.api.model_info(layout, revision=revision)
        assert info.sha == head
        assert "z.txt" not in {s.rfilename for s in info.siblings or []}


def test_file_repo_and_revision_exist(conf: Conformance, layout: str) -> None:
    assert conf.api.file_exists(layout, "sub/deep/w.bin")
    assert conf.api.file_exists(layout, "a.txt")
    assert not conf.api.file_exists(layout, "nope.txt")
    assert not conf.api.file_exists(layout, "a.txt", revision="no-branch")
    assert conf.api.repo_exists(layout)
    assert not conf.api.repo_exists("alice/does-not-exist")
    assert conf.api.revision_exists(layout, "main")
    assert not conf.api.revision_exists(layout, "no-branch")
