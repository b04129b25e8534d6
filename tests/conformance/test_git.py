"""git clone / fetch / push (with git-lfs) of local Hub repos, read back by huggingface_hub.

The git objects are the ones the commit ids describe: a commit made by git and one made through
the API share one history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from huggingface_hub import ModelInfo, RepoFile, RepoFolder, hf_hub_download

from hubclient import CommitOperationAdd, CommitOperationDelete, HubClient
from hubclient.testing import LocalHub, standard_hub
from tests.conformance._git import Git, need_git, url_with_token
from tests.conformance._support import (
    ALICE_READ_TOKEN,
    ALICE_TOKEN,
    BOB_TOKEN,
    Conformance,
    payload,
)

pytestmark = pytest.mark.conformance

DANGLING = "Your push was rejected because an LFS pointer pointed to a file that does not exist"


@pytest.fixture
def git(tmp_path: Path) -> Git:
    need_git()
    return Git(tmp_path / "git-home")


@pytest.fixture
def client(conf: Conformance) -> Iterator[HubClient]:
    with HubClient(endpoint=conf.endpoint, token=ALICE_TOKEN) as hub_client:
        yield hub_client


def _clone(
    git: Git, conf: Conformance, repo_id: str, dest: Path, token: str | None = ALICE_TOKEN
) -> Path:
    git.run("clone", url_with_token(conf.endpoint, repo_id, token), str(dest))
    return dest


def test_create_with_hubclient_clone_change_push_read_back_with_huggingface_hub(
    conf: Conformance, git: Git, client: HubClient, tmp_path: Path
) -> None:
    repo_id = conf.repo_id("round-trip")
    client.create_repo(repo_id)
    weights = payload(300_000, seed=1)  # LFS (binary, and *.bin), several multipart parts
    made = client.create_commit(
        repo_id,
        [
            CommitOperationAdd("README.md", b"# round trip\n"),
            CommitOperationAdd("model/weights.bin", weights),
            CommitOperationAdd("old.txt", b"to be removed\n"),
        ],
        commit_message="made with hubclient",
    )
    work = _clone(git, conf, repo_id, tmp_path / "clone")
    # the clone's head is the API's commit, and git-lfs smudged the LFS file through the batch API
    assert git.out("rev-parse", "HEAD", cwd=work) == made.oid
    assert (work / "model" / "weights.bin").read_bytes() == weights
    assert git.out("lfs", "ls-files", "--name-only", cwd=work) == "model/weights.bin"

    (work / "README.md").write_text("# round trip\n\nchanged with git\n")
    (work / "old.txt").unlink()
    (work / "notes").mkdir()
    (work / "notes" / "new.txt").write_text("added with git\n")
    pushed_weights = payload(200_000, seed=2)
    (work / "model" / "more.safetensors").write_bytes(pushed_weights)
    git.run("add", "-A", cwd=work)
    git.run("commit", "-m", "changed with git", "-m", "A body line.", cwd=work)
    push = git.run("push", "origin", "main", cwd=work)
    head = git.out("rev-parse", "HEAD", cwd=work)
    print(f"\n$ git push origin main\n{push.stderr.strip()}")
    print(f"$ git rev-parse HEAD\n{head}")

    # huggingface_hub reads back the same files and the pushed commit at the head of main
    api = conf.api
    info = api.repo_info(repo_id, files_metadata=True)
    assert info.sha == head
    commits = api.list_repo_commits(repo_id)
    assert [c.commit_id for c in commits[:2]] == [head, made.oid]
    assert commits[0].title == "changed with git"
    assert sorted(api.list_repo_files(repo_id)) == [
        ".gitattributes",
        "README.md",
        "model/more.safetensors",
        "model/weights.bin",
        "notes/new.txt",
    ]
    assert isinstance(info, ModelInfo)
    files = {s.rfilename: s for s in info.siblings or []}
    assert files["model/more.safetensors"].lfs is not None
    assert files["model/more.safetensors"].lfs.size == len(pushed_weights)
    assert files["notes/new.txt"].lfs is None
    for path, expected in {
        "README.md": b"# round trip\n\nchanged with git\n",
        "notes/new.txt": b"added with git\n",
        "model/more.safetensors": pushed_weights,
        "model/weights.bin": weights,
    }.items():
        got = Path(hf_hub_download(repo_id, path, **conf.download_kwargs())).read_bytes()
        assert got == expected, path
    print(f"huggingface_hub: repo_info.sha={info.sha}")
    print(f"huggingface_hub: files={sorted(files)}")
    # the pushed git objects are the ones behind the API's ids: blob and tree oids agree
    tree = {e.path: e for e in api.list_repo_tree(repo_id, recursive=True)}
    for path in ("README.md", "notes/new.txt", "model/more.safetensors"):
        entry = tree[path]
        assert isinstance(entry, RepoFile)
        assert entry.blob_id == git.out("rev-parse", f"HEAD:{path}", cwd=work)
    folder = tree["notes"]
    assert isinstance(folder, RepoFolder)
    assert folder.tree_id == git.out("rev-parse", "HEAD:notes", cwd=work)


def test_an_api_commit_on_a_pushed_commit_is_fetched_by_git(
    conf: Conformance, git: Git, client: HubClient, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("shared-history")
    work = _clone(git, conf, repo_id, tmp_path / "clone")
    (work / "a.txt").write_text("from git\n")
    git.run("add", "a.txt", cwd=work)
    git.run("commit", "-m", "git first", cwd=work)
    git.run("push", cwd=work)
    pushed = git.out("rev-parse", "HEAD", cwd=work)
    made = client.upload_file(
        path_or_fileobj=b"from the API\n", path_in_repo="b.txt", repo_id=repo_id
    )
    git.run("pull", "--ff-only", cwd=work)
    assert git.out("rev-parse", "HEAD", cwd=work) == made.oid
    assert git.out("rev-parse", "HEAD^", cwd=work) == pushed
    assert (work / "b.txt").read_text() == "from the API\n"
    git.run("fsck", "--strict", cwd=work)
    # and git builds on the API's commit again
    (work / "c.txt").write_text("git again\n")
    git.run("add", "c.txt", cwd=work)
    git.run("commit", "-m", "git again", cwd=work)
    git.run("push", cwd=work)
    assert conf.api.list_repo_commits(repo_id)[1].commit_id == made.oid


def test_branches_tags_and_deletions_over_git(conf: Conformance, git: Git, tmp_path: Path) -> None:
    repo_id = conf.new_repo("refs")
    work = _clone(git, conf, repo_id, tmp_path / "clone")
    git.run("checkout", "-b", "dev", cwd=work)
    (work / "dev.txt").write_text("dev\n")
    git.run("add", "dev.txt", cwd=work)
    git.run("commit", "-m", "on dev", cwd=work)
    git.run("tag", "v1", cwd=work)
    git.run("push", "origin", "dev", "v1", cwd=work)
    dev = git.out("rev-parse", "HEAD", cwd=work)
    refs = conf.api.list_repo_refs(repo_id)
    assert {b.name: b.target_commit for b in refs.branches}["dev"] == dev
    assert {t.name: t.target_commit for t in refs.tags} == {"v1": dev}
    # an annotated tag is refused with a reason (the Hub's refs hold commits here)
    git.run("tag", "-a", "v2", "-m", "annotated", cwd=work)
    refused = git.run("push", "origin", "v2", cwd=work, check=False)
    assert refused.returncode != 0
    assert "annotated tags are not supported" in refused.stderr
    # deleting a branch and a tag; the default branch cannot be deleted
    git.run("push", "origin", ":dev", ":v1", cwd=work)
    refs = conf.api.list_repo_refs(repo_id)
    assert [b.name for b in refs.branches] == ["main"]
    assert refs.tags == []
    refused = git.run("push", "origin", ":main", cwd=work, check=False)
    assert refused.returncode != 0
    assert "Cannot delete the default branch" in refused.stderr


def test_force_push_and_a_stale_push(
    conf: Conformance, git: Git, client: HubClient, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("force")
    work = _clone(git, conf, repo_id, tmp_path / "clone")
    client.upload_file(path_or_fileobj=b"api\n", path_in_repo="api.txt", repo_id=repo_id)
    (work / "git.txt").write_text("git\n")
    git.run("add", "git.txt", cwd=work)
    git.run("commit", "-m", "behind the API", cwd=work)
    stale = git.run("push", cwd=work, check=False)
    assert stale.returncode != 0  # the API moved main: git refuses a non-fast-forward
    git.run("push", "--force", cwd=work)
    assert conf.api.repo_info(repo_id).sha == git.out("rev-parse", "HEAD", cwd=work)
    assert "api.txt" not in conf.api.list_repo_files(repo_id)


def test_private_repos_need_credentials_and_writes_need_write(
    conf: Conformance, git: Git, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("private", private=True)
    anonymous = git.run(
        "clone", url_with_token(conf.endpoint, repo_id, None), str(tmp_path / "a"), check=False
    )
    assert anonymous.returncode != 0
    assert (
        "could not read Username" in anonymous.stderr or "Authentication failed" in anonymous.stderr
    )
    other = git.run(
        "clone", url_with_token(conf.endpoint, repo_id, BOB_TOKEN), str(tmp_path / "b"), check=False
    )
    assert other.returncode != 0
    assert "not found" in other.stderr.lower() or "404" in other.stderr
    wrong = git.run(
        "clone", url_with_token(conf.endpoint, repo_id, "hf_nope"), str(tmp_path / "c"), check=False
    )
    assert wrong.returncode != 0
    reader = _clone(git, conf, repo_id, tmp_path / "r", ALICE_READ_TOKEN)
    (reader / "x.txt").write_text("x\n")
    git.run("add", "x.txt", cwd=reader)
    git.run("commit", "-m", "read token", cwd=reader)
    refused = git.run("push", cwd=reader, check=False)
    assert refused.returncode != 0
    assert "403" in refused.stderr
    assert conf.api.list_repo_commits(repo_id)[0].title != "read token"


def test_a_pointer_to_an_object_the_repo_does_not_hold_is_refused(
    conf: Conformance, git: Git, tmp_path: Path
) -> None:
    secret = payload(50_000, seed=7)
    conf.bob.create_repo("bob/vault", private=True)
    conf.bob.upload_file(path_or_fileobj=secret, path_in_repo="secret.bin", repo_id="bob/vault")
    repo_id = conf.new_repo("thief")
    work = _clone(git, conf, repo_id, tmp_path / "clone")
    # a pointer to bob's object, committed without the content (no git-lfs upload)
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        f"oid sha256:{hashlib.sha256(secret).hexdigest()}\nsize {len(secret)}\n"
    )
    (work / "stolen.bin").write_text(pointer)
    git.run("add", "stolen.bin", cwd=work)
    git.run("commit", "-m", "steal", cwd=work)
    refused = git.run("push", "--no-verify", cwd=work, check=False)
    assert refused.returncode != 0
    assert DANGLING in refused.stderr
    assert "stolen.bin" in refused.stderr
    assert "stolen.bin" not in conf.api.list_repo_files(repo_id)


def test_big_or_binary_regular_files_are_refused_as_by_the_hub(git: Git, tmp_path: Path) -> None:
    with (
        standard_hub(LocalHub(tmp_path / "hub", lfs_size_threshold=10_000)) as hub,
        hub.serve() as served,
    ):
        hub.seed_repo("alice/strict", {"README.md": b"# strict\n"})
        work = tmp_path / "clone"
        git.run("clone", url_with_token(served.hub_url, "alice/strict", ALICE_TOKEN), str(work))
        git.run("config", "core.autocrlf", "false", cwd=work)
        (work / "big.txt").write_text("x" * 20_000)
        git.run("add", "big.txt", cwd=work)
        git.run("commit", "-m", "big", cwd=work)
        refused = git.run("push", cwd=work, check=False)
        assert refused.returncode != 0
        assert "contains files larger than 10000 bytes (big.txt)" in refused.stderr
        git.run("reset", "--hard", "HEAD^", cwd=work)
        (work / "data.raw").write_bytes(b"\x00\x01\x02binary")
        git.run("add", "data.raw", cwd=work)
        git.run("commit", "-m", "binary", cwd=work)
        refused = git.run("push", cwd=work, check=False)
        assert refused.returncode != 0
        assert "contains binary files (data.raw)" in refused.stderr
        # the same with git-lfs tracking it goes through
        git.run("lfs", "track", "*.raw", cwd=work)
        git.run("rm", "--cached", "data.raw", cwd=work)
        git.run("add", ".gitattributes", "data.raw", cwd=work)
        git.run("commit", "--amend", "-m", "binary with lfs", cwd=work)
        git.run("push", cwd=work)
        repo = hub.store.find("model", "alice/strict")
        assert repo is not None
        entry = repo.snapshot(repo.refs.heads["main"]).files["data.raw"]
        assert entry.lfs


def test_modes_and_a_delete_through_the_api_after_a_push(
    conf: Conformance, git: Git, client: HubClient, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("modes")
    work = _clone(git, conf, repo_id, tmp_path / "clone")
    script = work / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o755)
    (work / "link").symlink_to("run.sh")
    git.run("add", "-A", cwd=work)
    git.run("commit", "-m", "modes", cwd=work)
    git.run("push", cwd=work)
    made = client.create_commit(
        repo_id, [CommitOperationDelete("link")], commit_message="drop the link"
    )
    git.run("pull", "--ff-only", cwd=work)
    assert git.out("rev-parse", "HEAD", cwd=work) == made.oid
    assert git.out("ls-tree", "HEAD", "run.sh", cwd=work).startswith("100755 blob")
    assert not (work / "link").exists()
    git.run("fsck", "--strict", cwd=work)


def test_a_fresh_clone_after_a_restart_of_the_hub(
    conf: Conformance, git: Git, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("restart")
    conf.api.upload_file(
        path_or_fileobj=payload(70_000, seed=9), path_in_repo="w.bin", repo_id=repo_id
    )
    first = _clone(git, conf, repo_id, tmp_path / "one")
    data_dir = conf.hub.data_dir
    with LocalHub(data_dir) as again:
        standard_hub(again)
        with again.serve() as served:
            second = tmp_path / "two"
            git.run("clone", url_with_token(served.hub_url, repo_id, ALICE_TOKEN), str(second))
    assert git.out("rev-parse", "HEAD", cwd=first) == git.out("rev-parse", "HEAD", cwd=second)
    assert (first / "w.bin").read_bytes() == (second / "w.bin").read_bytes()
