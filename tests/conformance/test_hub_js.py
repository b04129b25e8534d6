"""huggingface.js (`@huggingface/hub`, the pinned 2.x from npm) against the served local Hub.

Each call runs in a node process (tests/conformance/js/driver.cjs); results are checked against
what the local Hub holds and what huggingface_hub reads.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from tests.conformance._node import JsClient, JsError, b64, install_hub_js
from tests.conformance._support import (
    ALICE_READ_TOKEN,
    ALICE_TOKEN,
    BOB_TOKEN,
    CHUNK_SIZE,
    Conformance,
    git_blob_sha1,
    payload,
)

pytestmark = pytest.mark.conformance


@pytest.fixture(scope="session")
def hub_js_modules() -> Path:
    return install_hub_js()


@pytest.fixture
def js(conf: Conformance, hub_js_modules: Path) -> JsClient:
    return JsClient(hub_js_modules, conf.endpoint, ALICE_TOKEN)


def _decode(value: str) -> bytes:
    return base64.b64decode(value)


def test_who_am_i(js: JsClient) -> None:
    me = js.run("whoAmI")
    assert me["name"] == "alice"
    assert me["type"] == "user"
    assert [o["name"] for o in me["orgs"]] == ["acme"]
    assert me["auth"]["accessToken"]["role"] == "write"
    with pytest.raises(JsError) as raised:
        js.as_user("hf_unknown").run("whoAmI")
    assert raised.value.status == 401


def test_create_check_and_delete_repos(conf: Conformance, js: JsClient) -> None:
    repo = conf.repo_id("js-repo")
    created = js.run("createRepo", repo=repo, private=True)
    assert created["repoUrl"] == f"{conf.endpoint}/{repo}"
    assert js.run("repoExists", repo=repo) is True
    assert js.as_user(BOB_TOKEN).run("repoExists", repo=repo) is False  # private: bob sees nothing
    with pytest.raises(JsError) as raised:
        js.as_user(BOB_TOKEN).run("checkRepoAccess", repo=repo)
    assert raised.value.status == 404
    assert conf.api.repo_info(repo).private is True
    for kind in ("dataset", "space"):
        other = conf.repo_id(f"js-{kind}")
        js.run("createRepo", repo={"type": kind, "name": other})
        assert js.run("repoExists", repo={"type": kind, "name": other}) is True
    with pytest.raises(JsError) as raised:
        js.run("createRepo", repo=repo)
    assert raised.value.status == 409
    js.run("deleteRepo", repo=repo)
    assert js.run("repoExists", repo=repo) is False


def test_create_repo_with_files(conf: Conformance, js: JsClient) -> None:
    repo = conf.repo_id("js-with-files")
    js.run(
        "createRepo",
        repo=repo,
        files=[{"path": "README.md", "content": b64(b"# with files\n")}],
    )
    assert sorted(conf.api.list_repo_files(repo)) == [".gitattributes", "README.md"]


@pytest.mark.hub_without_xet  # classic LFS: huggingface.js offers Xet, this Hub has none
def test_upload_regular_lfs_and_multipart_files(conf: Conformance, js: JsClient) -> None:
    repo = conf.new_repo("js-upload")
    big = payload(7 * CHUNK_SIZE + 123, seed=11)  # multipart: 8 parts, 5 in flight at once
    small_lfs = payload(5000, seed=12)
    conf.hub.log.clear()
    result = js.run(
        "uploadFiles",
        repo=repo,
        title="from js",
        files=[
            {"path": "config.json", "content": b64(b'{"a": 1}')},
            {"path": "w.bin", "content": b64(small_lfs)},
            {"path": "big/model.safetensors", "content": b64(big)},
        ],
    )
    assert len(result["commit"]["oid"]) == 40
    assert result["commit"]["url"] == f"{conf.endpoint}/{repo}/commit/{result['commit']['oid']}"
    # the parts went up in parallel (huggingface.js sends 5 at once)
    parts = conf.hub.log.filter(origin="storage", method="PUT", path=r"^/parts/")
    assert len(parts) == 8
    assert conf.hub.log.max_in_flight(origin="storage", method="PUT") > 1
    # the batch asked for Xet too, and this Hub (without Xet) answered basic
    info = conf.api.model_info(repo, files_metadata=True)
    files = {s.rfilename: s for s in info.siblings or []}
    assert files["config.json"].lfs is None
    assert files["w.bin"].lfs is not None
    assert files["big/model.safetensors"].lfs is not None
    assert files["big/model.safetensors"].lfs.sha256 == hashlib.sha256(big).hexdigest()
    assert conf.api.list_repo_commits(repo)[0].title == "from js"
    from huggingface_hub import hf_hub_download

    got = Path(hf_hub_download(repo, "big/model.safetensors", **conf.download_kwargs()))
    assert got.read_bytes() == big


def test_upload_with_progress_and_a_folder(conf: Conformance, js: JsClient, tmp_path: Path) -> None:
    repo = conf.new_repo("js-progress")
    phases = js.run(
        "uploadFilesWithProgress",
        repo=repo,
        files=[
            {"path": "a.txt", "content": b64(b"a")},
            {"path": "b.bin", "content": b64(payload(900))},
        ],
    )
    assert phases == ["preuploading", "uploadingLargeFiles", "committing"]
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "c.txt").write_text("c")
    js.run("uploadFolder", repo=repo, folder=str(folder))
    assert "folder/sub/c.txt" in conf.api.list_repo_files(repo)


@pytest.mark.hub_without_xet
def test_the_same_bytes_again_in_one_repo_are_not_sent_and_in_another_are(
    conf: Conformance, js: JsClient
) -> None:
    first, second = conf.new_repo("js-dedup-a"), conf.new_repo("js-dedup-b")
    data = payload(20_000, seed=13)
    js.run("uploadFiles", repo=first, files=[{"path": "a.bin", "content": b64(data)}])
    conf.hub.log.clear()
    js.run("uploadFiles", repo=first, files=[{"path": "copy.bin", "content": b64(data)}])
    assert conf.hub.log.count(origin="storage") == 0  # the repo holds it: a commit-side copy
    js.run("uploadFiles", repo=second, files=[{"path": "a.bin", "content": b64(data)}])
    assert conf.hub.log.count(origin="storage", method="PUT") == 1  # another repo: sent again
    # huggingface.js copies server-side only Xet files (into buckets): not on this Hub
    with pytest.raises(JsError, match="migrated to xet"):
        js.run("copyFile", source=first, path="a.bin", destination=second, to="b.bin")


def test_list_files_paths_info_and_downloads(
    conf: Conformance, js: JsClient, tmp_path: Path
) -> None:
    repo = conf.new_repo("js-read")
    weights = payload(150_000, seed=14)
    conf.api.upload_folder(repo_id=repo, folder_path=_folder(tmp_path, weights))
    listing = js.run("listFiles", repo=repo, recursive=True)
    assert [e["path"] for e in listing] == [
        "sub",
        "sub/deep",
        "sub/deep/x.txt",
        ".gitattributes",
        "README.md",
        "w.bin",
    ]  # folders first, walked over several pages (page size 2)
    expanded = {e["path"]: e for e in js.run("listFiles", repo=repo, expand=True)}
    assert expanded["w.bin"]["lfs"]["oid"] == hashlib.sha256(weights).hexdigest()
    assert len(expanded["w.bin"]["lastCommit"]["id"]) == 40
    info = {
        e["path"]: e
        for e in js.run("pathsInfo", repo=repo, paths=["README.md", "sub", "nope"], expand=True)
    }
    assert set(info) == {"README.md", "sub"}
    assert info["README.md"]["oid"] == git_blob_sha1(b"# js\n")
    assert info["sub"]["type"] == "directory"
    assert _decode(js.run("downloadFile", repo=repo, path="README.md")) == b"# js\n"
    assert _decode(js.run("downloadFile", repo=repo, path="w.bin")) == weights
    assert js.run("downloadFile", repo=repo, path="missing.txt") is None
    pointer = _decode(js.run("downloadFile", repo=repo, path="w.bin", raw=True))
    assert pointer.startswith(b"version https://git-lfs.github.com/spec/v1\n")
    assert js.run("fileExists", repo=repo, path="sub/deep/x.txt") is True
    assert js.run("fileExists", repo=repo, path="w.bin") is True
    assert js.run("fileExists", repo=repo, path="nope.txt") is False
    described = js.run("fileDownloadInfo", repo=repo, path="w.bin")
    assert described["size"] == len(weights)
    assert described["etag"].strip('"') == hashlib.sha256(weights).hexdigest()


def test_download_to_the_cache_dir_that_huggingface_hub_reads(
    conf: Conformance, js: JsClient, tmp_path: Path
) -> None:
    repo = conf.new_repo("js-cache")
    weights = payload(60_000, seed=15)
    conf.api.upload_folder(repo_id=repo, folder_path=_folder(tmp_path, weights))
    cache = tmp_path / "js-cache"
    path = Path(js.run("downloadFileToCacheDir", repo=repo, path="w.bin", cacheDir=str(cache)))
    assert path.read_bytes() == weights
    snapshot = Path(js.run("snapshotDownload", repo=repo, cacheDir=str(cache)))
    assert (snapshot / "sub" / "deep" / "x.txt").read_text() == "x"
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo, "w.bin", cache_dir=cache)
    assert isinstance(found, str)
    assert Path(found).read_bytes() == weights


def test_repo_infos_and_listings(conf: Conformance, js: JsClient) -> None:
    model = conf.new_repo("js-info")
    conf.api.upload_file(
        path_or_fileobj=b"---\nlicense: mit\npipeline_tag: text-generation\n---\n# m\n",
        path_in_repo="README.md",
        repo_id=model,
    )
    info = js.run("modelInfo", name=model, additionalFields=["filePaths", "sha", "author"])
    assert info["name"] == model
    assert info["private"] is False
    assert info["task"] == "text-generation"
    assert info["filePaths"] == [".gitattributes", "README.md"]
    assert info["sha"] == conf.api.repo_info(model).sha
    assert info["author"] == "alice"
    dataset = conf.new_repo("js-ds", repo_type="dataset")
    assert js.run("datasetInfo", name=dataset)["name"] == dataset
    space = conf.new_repo("js-sp", repo_type="space", space_sdk="static")
    assert js.run("spaceInfo", name=space)["name"] == space
    models = js.run("listModels", search={"owner": "alice", "query": "js-info"})
    assert [m["name"] for m in models] == [model]
    assert models[0]["task"] == "text-generation"
    assert [
        d["name"] for d in js.run("listDatasets", search={"owner": "alice", "query": "js-ds"})
    ] == [dataset]
    assert [
        s["name"] for s in js.run("listSpaces", search={"owner": "alice", "query": "js-sp"})
    ] == [space]
    # pagination: five repos, pages of two
    for i in range(5):
        conf.api.create_repo(f"alice/js-page-{i}")
    paged = js.run("listModels", search={"owner": "alice", "query": "js-page-"})
    assert sorted(m["name"] for m in paged) == [f"alice/js-page-{i}" for i in range(5)]


def test_commits_branches_and_deletions(conf: Conformance, js: JsClient) -> None:
    repo = conf.new_repo("js-commits")
    for i in range(3):
        js.run(
            "uploadFiles",
            repo=repo,
            title=f"c{i}",
            files=[{"path": f"f{i}.txt", "content": b64(b"x")}],
        )
    commits = js.run("listCommits", repo=repo, batchSize=2)
    assert [c["title"] for c in commits] == ["c2", "c1", "c0", "initial commit"]
    assert commits[0]["authors"][0]["username"] == "alice"
    assert js.run("countCommits", repo=repo) == 4
    js.run("createBranch", repo=repo, branch="dev")
    js.run(
        "uploadFiles", repo=repo, branch="dev", files=[{"path": "dev.txt", "content": b64(b"d")}]
    )
    assert "dev.txt" in conf.api.list_repo_files(repo, revision="dev")
    assert "dev.txt" not in conf.api.list_repo_files(repo)
    with pytest.raises(JsError) as raised:
        js.run("createBranch", repo=repo, branch="dev")
    assert raised.value.status == 409
    js.run("createBranch", repo=repo, branch="dev", revision="main", overwrite=True)
    assert "dev.txt" not in conf.api.list_repo_files(repo, revision="dev")
    js.run("createBranch", repo=repo, branch="empty", empty=True)
    assert conf.api.list_repo_files(repo, revision="empty") == []
    js.run("deleteBranch", repo=repo, branch="dev")
    assert "dev" not in [b.name for b in conf.api.list_repo_refs(repo).branches]
    js.run("deleteFile", repo=repo, path="f0.txt")
    js.run("deleteFiles", repo=repo, paths=["f1.txt", "f2.txt"])
    assert sorted(conf.api.list_repo_files(repo)) == [".gitattributes"]
    head = conf.api.repo_info(repo).sha
    stale = js.run(
        "commit",
        repo=repo,
        title="on head",
        parentCommit=head,
        operations=[{"operation": "addOrUpdate", "path": "p.txt", "content": b64(b"p")}],
    )
    assert len(stale["commit"]["oid"]) == 40
    with pytest.raises(JsError) as raised:
        js.run(
            "commit",
            repo=repo,
            title="stale",
            parentCommit=head,
            operations=[{"operation": "addOrUpdate", "path": "q.txt", "content": b64(b"q")}],
        )
    assert raised.value.status == 412
    pr = js.run(
        "commit",
        repo=repo,
        title="a pr",
        isPullRequest=True,
        operations=[{"operation": "addOrUpdate", "path": "pr.txt", "content": b64(b"pr")}],
    )
    assert pr["pullRequestUrl"].endswith("/discussions/1")
    assert "pr.txt" in conf.api.list_repo_files(repo, revision="refs/pr/1")


def test_errors_and_private_repos(conf: Conformance, js: JsClient) -> None:
    repo = conf.new_repo("js-private", private=True)
    bob = js.as_user(BOB_TOKEN)
    with pytest.raises(JsError) as raised:
        bob.run("listFiles", repo=repo)
    assert raised.value.status == 404
    with pytest.raises(JsError) as raised:
        js.as_user(None).run("modelInfo", name=repo)
    assert raised.value.status == 401
    with pytest.raises(JsError) as raised:
        js.as_user(ALICE_READ_TOKEN).run(
            "uploadFiles", repo=repo, files=[{"path": "a", "content": b64(b"a")}]
        )
    assert raised.value.status == 403
    with pytest.raises(JsError) as raised:
        js.run("deleteFile", repo=repo, path="never-there.txt")
    assert raised.value.status == 404
    with pytest.raises(JsError) as raised:
        js.run("listFiles", repo=repo, revision="no-such-branch")
    assert raised.value.status == 404


def _folder(tmp_path: Path, weights: bytes) -> Path:
    folder = tmp_path / f"src-{os.urandom(4).hex()}"
    (folder / "sub" / "deep").mkdir(parents=True)
    (folder / "README.md").write_bytes(b"# js\n")
    (folder / "w.bin").write_bytes(weights)
    (folder / "sub" / "deep" / "x.txt").write_text("x")
    return folder


def test_uploads_and_downloads_through_xet(conf: Conformance, js: JsClient) -> None:
    repo = conf.new_repo("js-xet")
    big = os.urandom(3 * 1024 * 1024 + 5)
    small = payload(40_000, seed=15)
    conf.hub.log.clear()
    js.run(
        "uploadFiles",
        repo=repo,
        files=[
            {"path": "w.bin", "content": b64(small)},
            {"path": "big/model.safetensors", "content": b64(big)},
        ],
    )
    # the batch offered Xet and the Hub answered it: xorbs and a shard, no classic transfer
    assert conf.hub.log.count(origin="hub", path=r"/info/lfs/objects/batch$") >= 1
    assert conf.hub.log.count(origin="cas", method="POST", path=r"^/v1/xorbs/") >= 1
    assert conf.hub.log.count(origin="cas", method="POST", path=r"^/v[12]/shards$") >= 1
    assert conf.hub.log.count(origin="storage", method="PUT") == 0
    entries = {e["path"]: e for e in js.run("pathsInfo", repo=repo, paths=["w.bin", "big"])}
    assert "w.bin" in entries
    from huggingface_hub import hf_hub_download

    got = Path(hf_hub_download(repo, "big/model.safetensors", **conf.download_kwargs()))
    assert got.read_bytes() == big  # read back by another client, over classic /resolve
    info = js.run("fileDownloadInfo", repo=repo, path="big/model.safetensors")
    assert info["size"] == len(big)
    assert info["xet"]["hash"]
    conf.hub.log.clear()
    assert _decode(js.run("downloadFile", repo=repo, path="big/model.safetensors")) == big
    assert _decode(js.run("downloadFile", repo=repo, path="w.bin")) == small
    # huggingface.js reads Xet files from the CAS (reconstruction, presigned xorb ranges)
    assert conf.hub.log.count(origin="cas", method="GET", path=r"/reconstructions/") >= 1
    assert conf.hub.log.count(origin="cas", method="GET", path=r"^/fetch/") >= 1
