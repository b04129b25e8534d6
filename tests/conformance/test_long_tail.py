"""huggingface_hub 2.4.0 drives the long-tail routes of the served local Hub: kernels,
auth-check, duplicate, super-squash, lfs-files, copies, settings/repositories, tags, Space
search, papers and leaderboards, and resolve_revision / verify_repo_checksums over them."""

from __future__ import annotations

import calendar
from pathlib import Path

import pytest
from huggingface_hub import CommitOperationCopy, HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
)

from hubclient.testing import ServedHub
from tests.conformance._support import ALICE_TOKEN, Conformance, payload

pytestmark = pytest.mark.conformance


def test_kernel_repos(conf: Conformance) -> None:
    repo_id = conf.repo_id("kernel")
    url = conf.api.create_repo(repo_id, repo_type="kernel")
    assert str(url) == f"{conf.endpoint}/kernels/{repo_id}"
    conf.api.upload_file(
        path_or_fileobj=b"void k();\n", path_in_repo="k.h", repo_id=repo_id, repo_type="kernel"
    )
    info = conf.api.kernel_info(repo_id)
    assert info.id == repo_id
    assert info.sha is not None
    assert conf.api.repo_info(repo_id, repo_type="kernel").sha == info.sha
    path = hf_hub_download(repo_id, "k.h", repo_type="kernel", **conf.download_kwargs())
    assert "kernels--alice--" in path
    assert conf.api.list_repo_refs(repo_id, repo_type="kernel").branches[0].name == "main"


def test_auth_check(conf: Conformance) -> None:
    repo_id = conf.new_repo("auth")
    conf.api.auth_check(repo_id)
    conf.api.auth_check(repo_id, write=True)
    with pytest.raises(HfHubHTTPError) as info:
        conf.bob.auth_check(repo_id, write=True)
    assert info.value.response.status_code == 403
    gated = conf.repo_id("gated")
    conf.hub.seed_repo(gated, {"a.txt": b"a"}, gated=True)
    with pytest.raises(GatedRepoError):
        conf.bob.auth_check(gated)
    private = conf.new_repo("private", private=True)
    with pytest.raises(RepositoryNotFoundError):
        conf.bob.auth_check(private)


def test_duplicate_repo(conf: Conformance) -> None:
    source = conf.repo_id("source")
    conf.hub.seed_repo(source, {"w.bin": payload(4096), "a.txt": b"a"}, message="one")
    conf.hub.seed_repo(source, {"b.txt": b"b"}, message="two")
    conf.api.create_tag(source, tag="v1")
    url = conf.api.duplicate_repo(source, "acme/" + source.split("/")[1], private=True)
    assert url.repo_id == "acme/" + source.split("/")[1]
    assert url.files_copy_pending is False
    theirs = [c.commit_id for c in conf.api.list_repo_commits(source)]
    assert [c.commit_id for c in conf.api.list_repo_commits(url.repo_id)] == theirs
    assert [t.name for t in conf.api.list_repo_refs(url.repo_id).tags] == ["v1"]
    assert conf.api.model_info(url.repo_id).private is True
    path = hf_hub_download(url.repo_id, "w.bin", **conf.download_kwargs())
    assert Path(path).read_bytes() == payload(4096)
    again = conf.api.duplicate_repo(source, url.repo_id, exist_ok=True)
    assert again.repo_id == url.repo_id
    with pytest.raises(HfHubHTTPError) as info:
        conf.api.duplicate_repo(source, url.repo_id)
    assert info.value.response.status_code == 409
    dataset = conf.repo_id("dataset", namespace="acme")
    conf.hub.seed_repo(dataset, {"d.csv": b"1\n"}, repo_type="dataset")
    copy = conf.api.duplicate_repo(dataset, repo_type="dataset")  # into alice's namespace
    assert copy.repo_id.startswith("alice/")
    assert conf.api.list_repo_files(copy.repo_id, repo_type="dataset") == [
        ".gitattributes",
        "d.csv",
    ]


def test_super_squash_history(conf: Conformance) -> None:
    repo_id = conf.repo_id("squash")
    for i in range(3):
        conf.hub.seed_repo(repo_id, {f"f{i}.txt": b"x"}, message=f"c{i}")
    conf.api.super_squash_history(repo_id, commit_message="squashed")
    assert [c.title for c in conf.api.list_repo_commits(repo_id)] == ["squashed"]
    assert len(conf.api.list_repo_files(repo_id)) == 4


def test_list_and_permanently_delete_lfs_files(conf: Conformance) -> None:
    repo_id = conf.new_repo("lfs")
    conf.api.upload_file(
        path_or_fileobj=b"LFS content", path_in_repo="lfs_file.bin", repo_id=repo_id
    )
    conf.api.upload_file(
        path_or_fileobj=b"TXT content", path_in_repo="txt_file.txt", repo_id=repo_id
    )
    conf.api.upload_file(
        path_or_fileobj=b"LFS content 2", path_in_repo="lfs_file_2.bin", repo_id=repo_id
    )
    conf.api.create_branch(repo_id=repo_id, branch="my-branch")
    conf.api.upload_file(
        path_or_fileobj=b"LFS content branch",
        path_in_repo="lfs_file_branch.bin",
        repo_id=repo_id,
        revision="my-branch",
    )
    lfs_files = list(conf.api.list_lfs_files(repo_id=repo_id))
    assert {f.filename for f in lfs_files} == {
        "lfs_file.bin",
        "lfs_file_2.bin",
        "lfs_file_branch.bin",
    }
    on_main = [f for f in lfs_files if f.ref in ("main", "refs/heads/main")]
    assert len(on_main) == 2
    conf.api.permanently_delete_lfs_files(repo_id=repo_id, lfs_files=on_main)
    assert {f.filename for f in conf.api.list_lfs_files(repo_id=repo_id)} == {"lfs_file_branch.bin"}
    assert set(conf.api.list_repo_files(repo_id=repo_id)) == {".gitattributes", "txt_file.txt"}
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(repo_id, "lfs_file.bin", **conf.download_kwargs())


def test_copies(conf: Conformance) -> None:
    source = conf.repo_id("copy-src")
    conf.hub.seed_repo(source, {"w.bin": payload(2048), "dir/a.txt": b"a", "dir/b.txt": b"b"})
    # within a repo (the LFS file is copied server side)
    conf.api.copy_files(f"hf://{source}/w.bin", f"hf://{source}/backup/w.bin")
    conf.api.copy_files(f"hf://{source}/dir/", f"hf://{source}/merged/")
    files = set(conf.api.list_repo_files(source))
    assert {"backup/w.bin", "merged/a.txt", "merged/b.txt"} <= files
    # across repos: regular files (huggingface_hub reads them and commits them again)
    target = conf.new_repo("copy-dst")
    conf.api.copy_files(f"hf://{source}/dir", f"hf://{target}/")
    assert {"dir/a.txt", "dir/b.txt"} <= set(conf.api.list_repo_files(target))
    conf.api.create_commit(
        target,
        [CommitOperationCopy("dir/a.txt", "a-copy.txt", src_repo_id=source, src_repo_type="model")],
        commit_message="cross-repo regular copy",
    )
    path = hf_hub_download(target, "a-copy.txt", **conf.download_kwargs())
    assert Path(path).read_bytes() == b"a"
    # huggingface_hub 2.4.0 copies an LFS file across repos only by its Xet hash: without Xet
    # (this local Hub, until Xet lands) it refuses before sending anything
    with pytest.raises(ValueError, match="xet hash"):
        conf.api.copy_files(f"hf://{source}/w.bin", f"hf://{target}/w.bin")


def test_lfs_files_duplicate_route(conf: Conformance) -> None:
    """The route huggingface_hub calls for cross-repo LFS copies, sent as it sends it."""
    from huggingface_hub import get_session

    headers = {"authorization": f"Bearer {ALICE_TOKEN}"}

    source, target = conf.repo_id("dup-src"), conf.new_repo("dup-dst")
    conf.hub.seed_repo(source, {"w.bin": payload(3000)})
    sha = next(iter(conf.api.list_lfs_files(source))).file_oid
    response = get_session().post(
        f"{conf.endpoint}/api/models/{source}/lfs-files/duplicate",
        headers=headers,
        json={
            "target": {"type": "model", "name": target},
            "files": [{"sha256": sha, "filename": "w.bin"}],
        },
    )
    response.raise_for_status()
    assert response.json()["failed"] == []
    assert conf.hub.store.find("model", target).holds_lfs(sha)
    # an object the source does not hold is a failure of that object, nothing else
    response = get_session().post(
        f"{conf.endpoint}/api/models/{source}/lfs-files/duplicate",
        headers=headers,
        json={"target": {"type": "model", "name": target}, "files": [{"sha256": "0" * 64}]},
    )
    assert [f["sha256"] for f in response.json()["failed"]] == ["0" * 64]


def test_resolve_revision_and_verify_repo_checksums(conf: Conformance) -> None:
    repo_id = conf.repo_id("verify")
    sha = conf.hub.seed_repo(repo_id, {"w.bin": payload(5000), "a.txt": b"a"})
    revision = conf.api.resolve_revision(repo_id, cache_dir=conf.cache_dir)
    assert revision.resolved == sha
    snapshot_download(repo_id, revision=revision, **conf.download_kwargs())
    result = conf.api.verify_repo_checksums(repo_id, cache_dir=conf.cache_dir)
    assert result.checked_count == 3
    assert result.mismatches == []
    assert result.missing_paths == result.extra_paths == []


def test_user_repos_tags_and_search(conf: Conformance) -> None:
    repo_id = conf.repo_id("storage")
    conf.hub.seed_repo(repo_id, {"README.md": b"---\ntags:\n- conformance-tag\n---\n"})
    repos = {r.id: r for r in conf.api.list_user_repos()}
    assert repo_id in repos
    assert repos[repo_id].type == "model"
    assert repos[repo_id].visibility == "public"
    assert repos[repo_id].storage > 0
    org_repo = conf.repo_id("org-storage", namespace="acme")
    conf.hub.seed_repo(org_repo, {"a.txt": b"a"})
    assert org_repo in {r.id for r in conf.api.list_user_repos("acme")}
    tags = conf.api.get_model_tags()
    assert "conformance-tag" in [t["id"] for t in tags["other"]]
    assert "task_categories" in conf.api.get_dataset_tags()
    conf.hub.spaces.plan(build_seconds=0, start_seconds=0)
    space = conf.repo_id("painter")
    files = {"README.md": b"---\ntitle: Painter\n---\n", "app.py": b"import gradio\n"}
    conf.hub.seed_repo(space, files, repo_type="space")
    results = list(conf.api.search_spaces("a painter"))
    assert [r.id for r in results] == [space]
    assert results[0].title == "Painter"
    assert results[0].runtime is not None


def test_papers_and_leaderboards(conf: Conformance) -> None:
    day = float(calendar.timegm((2024, 3, 4, 9, 0, 0)))
    conf.hub.add_paper(
        "2403.00001",
        title="A Paper",
        summary="About things.",
        authors=["Ada"],
        submitted_by="alice",
        submitted_at=day,
        upvotes=4,
    )
    paper = conf.api.paper_info("2403.00001")
    assert (paper.id, paper.title, paper.upvotes) == ("2403.00001", "A Paper", 4)
    assert paper.authors is not None
    assert paper.authors[0].name == "Ada"
    assert conf.api.read_paper("2403.00001").startswith("# A Paper")
    assert [p.id for p in conf.api.list_papers(query="paper")] == ["2403.00001"]
    daily = list(conf.api.list_daily_papers(date="2024-03-04"))
    assert [p.id for p in daily] == ["2403.00001"]
    assert daily[0].submitted_by is not None
    assert daily[0].submitted_by.username == "alice"
    with pytest.raises(HfHubHTTPError):
        conf.api.paper_info("0000.00000")

    bench = conf.repo_id("bench")
    conf.hub.seed_repo(bench, {"d.csv": b"1\n"}, repo_type="dataset")
    conf.hub.add_leaderboard_entry(bench, model_id="acme/top", value=0.75, verified=True)
    board = conf.api.get_dataset_leaderboard(bench)
    assert [(e.rank, e.model_id, e.value) for e in board] == [(1, "acme/top", 0.75)]
    assert getattr(board[0].author, "name", None) == "acme"


@pytest.mark.dataset_viewer
def test_dataset_parquet_files(
    conf: Conformance, served_hub: ServedHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """huggingface_hub asks only huggingface.co's viewer: pointed at the served Hub and its
    ``datasets-server`` origin, it reads the local viewer's answers."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "_HF_DEFAULT_ENDPOINT", conf.endpoint)
    monkeypatch.setattr(constants, "DATASETS_SERVER_ENDPOINT", served_hub.url("datasets-server"))
    dataset = conf.repo_id("corpus", namespace="acme")
    files = {
        "data/train-00000-of-00002.parquet": payload(300, 1),
        "data/train-00001-of-00002.parquet": payload(200, 2),
        "en/test/0000.parquet": payload(100, 3),
        "README.md": b"# corpus\n",
    }
    conf.hub.seed_repo(dataset, files, repo_type="dataset")
    entries = conf.api.list_dataset_parquet_files(dataset)
    assert sorted((e.config, e.split, e.size) for e in entries) == [
        ("default", "train", 200),
        ("default", "train", 300),
        ("en", "test", 100),
    ]
    assert [e.split for e in conf.api.list_dataset_parquet_files(dataset, config="en")] == ["test"]
    by_size = {e.size: e for e in entries}
    path = hf_hub_download(
        dataset,
        by_size[300].url.rsplit("/resolve/main/", 1)[1],
        repo_type="dataset",
        **conf.download_kwargs(),
    )
    assert Path(path).read_bytes() == files["data/train-00000-of-00002.parquet"]

    private = conf.repo_id("secret", namespace="acme")
    conf.hub.seed_repo(private, files, repo_type="dataset", private=True)
    assert len(conf.api.list_dataset_parquet_files(private)) == 3
    with pytest.raises(HfHubHTTPError) as info:
        conf.bob.list_dataset_parquet_files(private)
    assert info.value.response.status_code == 404
    assert info.value.response.headers["x-error-code"] == "ExternalAuthenticatedError"
    with pytest.raises(HfHubHTTPError) as info:
        HfApi(endpoint=conf.endpoint).list_dataset_parquet_files(private)  # no token
    assert info.value.response.status_code == 401
