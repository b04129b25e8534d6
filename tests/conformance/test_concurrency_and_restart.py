"""Several huggingface_hub clients at once, many files in parallel, and a restart of the hub."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from huggingface_hub import CommitInfo, HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import HfHubHTTPError

from hubclient.testing import LocalHub, standard_hub
from tests.conformance._support import (
    ALICE_READ_TOKEN,
    ALICE_TOKEN,
    CHUNK_SIZE,
    MULTIPART_THRESHOLD,
    PAGE_SIZE,
    Conformance,
    classic_only,
    payload,
)

pytestmark = pytest.mark.conformance


def test_concurrent_commits_are_serialised(conf: Conformance) -> None:
    repo_id = conf.new_repo("concurrent")

    def commit(i: int) -> CommitInfo:
        api = HfApi(endpoint=conf.endpoint, token=ALICE_TOKEN)
        return api.upload_file(
            path_or_fileobj=f"file {i}".encode(), path_in_repo=f"f{i}.txt", repo_id=repo_id
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        oids = [info.oid for info in pool.map(commit, range(6))]
    assert len(set(oids)) == 6
    files = set(conf.api.list_repo_files(repo_id))
    assert files == {".gitattributes", *(f"f{i}.txt" for i in range(6))}  # no lost update
    history = [c.commit_id for c in conf.api.list_repo_commits(repo_id)]
    assert len(history) == 7
    assert set(oids) <= set(history)


def test_concurrent_commits_on_one_parent_only_one_wins(conf: Conformance) -> None:
    repo_id = conf.new_repo("race")
    parent = conf.api.repo_info(repo_id).sha

    def commit(i: int) -> int:
        api = HfApi(endpoint=conf.endpoint, token=ALICE_TOKEN)
        try:
            api.upload_file(
                path_or_fileobj=f"racer {i}".encode(),
                path_in_repo="winner.txt",
                repo_id=repo_id,
                parent_commit=parent,
            )
        except HfHubHTTPError as exc:
            return exc.response.status_code
        return 200

    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = sorted(pool.map(commit, range(5)))
    assert statuses == [200, 412, 412, 412, 412]
    assert len(conf.api.list_repo_commits(repo_id)) == 2


@classic_only
def test_many_files_in_parallel(conf: Conformance, tmp_path: Path) -> None:
    repo_id = conf.new_repo("many")
    folder = tmp_path / "many"
    expected: dict[str, bytes] = {}
    for i in range(40):
        expected[f"part-{i // 10}/file-{i:02d}.txt"] = f"content {i}\n".encode()
    for i in range(4):
        expected[f"weights/shard-{i}.bin"] = payload(CHUNK_SIZE + 100 * i, seed=60 + i)
    expected["weights/large.safetensors"] = payload(MULTIPART_THRESHOLD + CHUNK_SIZE, seed=70)
    for path, content in expected.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    conf.api.upload_folder(repo_id=repo_id, folder_path=folder)

    conf.hub.log.clear()
    snapshot = Path(snapshot_download(repo_id, max_workers=8, **conf.download_kwargs()))
    for path, content in expected.items():
        assert (snapshot / path).read_bytes() == content
    tree_pages = conf.hub.log.count(method="GET", path=r"/tree/")
    assert tree_pages >= (len(expected) + 4) // PAGE_SIZE  # files and folders, page by page
    assert conf.hub.log.count(origin="storage", method="GET") == 5


def test_read_token(conf: Conformance) -> None:
    me = conf.api.whoami(token=ALICE_READ_TOKEN)
    assert me["name"] == "alice"
    assert me["auth"]["accessToken"]["role"] == "read"
    repo_id = conf.new_repo("read-private", private=True)
    conf.api.upload_file(path_or_fileobj=b"mine", path_in_repo="m.txt", repo_id=repo_id)
    local = hf_hub_download(
        repo_id, "m.txt", endpoint=conf.endpoint, token=ALICE_READ_TOKEN, cache_dir=conf.tmp
    )
    assert Path(local).read_bytes() == b"mine"


def test_a_restarted_hub_serves_the_same_repos(tmp_path: Path) -> None:
    data = tmp_path / "persistent-hub"
    content = payload(MULTIPART_THRESHOLD + 1, seed=80)

    def hub() -> LocalHub:
        return standard_hub(
            LocalHub(data, lfs_multipart_threshold=MULTIPART_THRESHOLD, lfs_chunk_size=CHUNK_SIZE)
        )

    first = hub()
    with first.serve() as served:
        api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
        api.create_repo("alice/persistent")
        commit = api.upload_file(
            path_or_fileobj=content, path_in_repo="w.bin", repo_id="alice/persistent"
        )
        api.create_tag("alice/persistent", tag="v1")
    first.close()

    second = hub()
    try:
        with second.serve() as served:
            api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
            assert api.repo_info("alice/persistent").sha == commit.oid
            assert api.repo_info("alice/persistent", revision="v1").sha == commit.oid
            local = hf_hub_download(
                "alice/persistent",
                "w.bin",
                endpoint=served.hub_url,
                token=ALICE_TOKEN,
                cache_dir=tmp_path / "cache",
            )
            assert Path(local).read_bytes() == content
    finally:
        second.close()
