"""huggingface_hub with hf_xet, as it runs by default, against the local Hub's Xet CAS.

Every test here turns Xet on for huggingface_hub (whatever the run's mode), so both runs of the
suite check the Xet path; the rest of the suite runs once with Xet off and once with it on.
"""

from __future__ import annotations

import hashlib
import io
import random
import time
from pathlib import Path

import anyio
import httpx
import pytest
from huggingface_hub import (
    CommitOperationAdd,
    HfApi,
    constants,
    hf_hub_download,
    snapshot_download,
)
from huggingface_hub.hf_api import RepoFile

from hubclient import AsyncHubClient
from hubclient.testing import ServedHub
from tests.conformance._support import ALICE_READ_TOKEN, ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance

AUTH = {"authorization": f"Bearer {ALICE_TOKEN}"}


@pytest.fixture(autouse=True)
def _xet_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def xorb_bytes_sent(conf: Conformance) -> int:
    return sum(r.request_bytes for r in conf.hub.log.filter(origin="cas", method="POST"))


def test_upload_and_download_through_xet(conf: Conformance, tmp_path: Path) -> None:
    repo_id = conf.new_repo("xet")
    content = random_bytes(3 * 1024 * 1024 + 11, seed=1)
    source = tmp_path / "weights.bin"
    source.write_bytes(content)
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=source, path_in_repo="weights.bin", repo_id=repo_id)
    log = conf.hub.log
    assert log.count(origin="hub", method="GET", path=r"/xet-write-token/main$") >= 1
    assert log.count(origin="cas", method="POST", path=r"^/v1/xorbs/default/") >= 1
    assert log.count(origin="cas", method="POST", path=r"^/v[12]/shards$") == 1
    assert log.count(origin="storage") == 0  # nothing over classic LFS
    assert all(r.status < 400 for r in log.filter(origin="cas", path=r"^/v1/xorbs/"))

    (entry,) = conf.api.get_paths_info(repo_id, "weights.bin")
    assert isinstance(entry, RepoFile)
    assert entry.lfs is not None
    assert entry.lfs.sha256 == hashlib.sha256(content).hexdigest()
    assert entry.xet_hash is not None
    assert len(entry.xet_hash) == 64

    log.clear()
    path = Path(hf_hub_download(repo_id, "weights.bin", **conf.download_kwargs()))
    assert path.read_bytes() == content
    (head,) = log.filter(origin="hub", method="HEAD", path=r"/resolve/")
    assert head.response_headers["x-xet-hash"] == entry.xet_hash
    assert 'rel="xet-auth"' in head.response_headers["link"]
    assert log.count(origin="cas", method="GET", path=r"^/v2/reconstructions/") == 1
    assert log.count(origin="cas", method="GET", path=r"^/fetch/") >= 1
    assert log.count(origin="storage") == 0


def test_a_xet_upload_reads_the_same_over_classic_lfs_and_with_hubclient(
    conf: Conformance, served_hub: ServedHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo_id = conf.new_repo("xet-cross")
    content = random_bytes(1024 * 1024 + 5, seed=2)
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="w.bin", repo_id=repo_id)
    sha = conf.api.model_info(repo_id).sha
    assert sha is not None

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    conf.hub.log.clear()
    classic = Path(
        hf_hub_download(repo_id, "w.bin", **{**conf.download_kwargs(), "force_download": True})
    )
    assert classic.read_bytes() == content
    assert conf.hub.log.count(origin="cas") == 0  # the 302 to storage: the same bytes
    assert conf.hub.log.count(origin="storage", method="GET") == 1

    raw = httpx.get(
        f"{conf.endpoint}/{repo_id}/resolve/{sha}/w.bin", headers=AUTH, follow_redirects=True
    )
    assert raw.status_code == 200
    assert raw.content == content

    async def with_hubclient() -> bytes:
        async with AsyncHubClient(endpoint=served_hub.hub_url, token=ALICE_TOKEN) as client:
            local = await client.hf_hub_download(
                repo_id, "w.bin", cache_dir=conf.tmp / "hubclient-cache"
            )
            return await anyio.Path(local).read_bytes()

    assert anyio.run(with_hubclient) == content


def test_upload_folder_and_snapshot_download(conf: Conformance, tmp_path: Path) -> None:
    repo_id = conf.new_repo("xet-folder")
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    files = {
        "a.bin": random_bytes(700_000, seed=3),
        "sub/b.bin": random_bytes(300_000, seed=4),
        "sub/empty.bin": b"",
        "config.json": b'{"x": 1}',
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / ".gitattributes").write_text("*.bin filter=lfs diff=lfs merge=lfs -text\n")
    conf.api.upload_folder(folder_path=folder, repo_id=repo_id)
    tree = {e.path: e for e in conf.api.list_repo_tree(repo_id, recursive=True)}
    for name in ("a.bin", "sub/b.bin"):
        entry = tree[name]
        assert isinstance(entry, RepoFile)
        assert entry.xet_hash is not None
    target = Path(snapshot_download(repo_id, **conf.download_kwargs()))
    for name, data in files.items():
        assert (target / name).read_bytes() == data


def test_pull_request_through_xet(conf: Conformance) -> None:
    repo_id = conf.new_repo("xet-pr")
    content = random_bytes(400_000, seed=5)
    info = conf.api.upload_file(
        path_or_fileobj=content, path_in_repo="pr.bin", repo_id=repo_id, create_pr=True
    )
    assert info.pr_revision == "refs/pr/1"
    assert conf.hub.log.count(origin="hub", path=r"/xet-write-token/None$") >= 1
    path = hf_hub_download(repo_id, "pr.bin", revision="refs/pr/1", **conf.download_kwargs())
    assert Path(path).read_bytes() == content


def test_a_changed_file_sends_only_what_changed(conf: Conformance) -> None:
    repo_id = conf.new_repo("xet-dedup")
    size = 4 * 1024 * 1024
    original = random_bytes(size, seed=6)
    conf.api.upload_file(path_or_fileobj=original, path_in_repo="w.bin", repo_id=repo_id)
    middle = size // 2
    changed = original[:middle] + random_bytes(64 * 1024, seed=7) + original[middle + 65536 :]
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=changed, path_in_repo="w.bin", repo_id=repo_id)
    assert xorb_bytes_sent(conf) < size // 5
    path = hf_hub_download(repo_id, "w.bin", **conf.download_kwargs())
    assert Path(path).read_bytes() == changed


def test_a_new_xet_cache_dedups_against_the_hub(
    conf: Conformance, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo_id = conf.new_repo("xet-global")
    size = 3 * 1024 * 1024
    original = random_bytes(size, seed=8)
    conf.api.upload_file(path_or_fileobj=original, path_in_repo="w.bin", repo_id=repo_id)
    monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "another-xet-cache"))
    conf.hub.log.clear()
    conf.api.upload_file(path_or_fileobj=original + b"tail", path_in_repo="w2.bin", repo_id=repo_id)
    # the client's cache knows nothing: the Hub's global dedup answer told it what is stored
    assert conf.hub.log.count(origin="cas", method="GET", path=r"^/v1/chunks/") >= 1
    assert xorb_bytes_sent(conf) < size // 5


def test_token_routes_answer_json_and_headers(conf: Conformance) -> None:
    repo_id = conf.new_repo("xet-token", private=True)
    base = f"{conf.endpoint}/api/models/{repo_id}"
    for mode in ("read", "write"):
        r = httpx.get(f"{base}/xet-{mode}-token/main", headers=AUTH)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"accessToken", "exp", "casUrl"}
        assert r.headers["x-xet-access-token"] == body["accessToken"]
        assert r.headers["x-xet-cas-url"] == body["casUrl"]
        assert int(r.headers["x-xet-token-expiration"]) == body["exp"] > time.time()
    read_only = {"authorization": f"Bearer {ALICE_READ_TOKEN}"}
    assert httpx.get(f"{base}/xet-read-token/main", headers=read_only).status_code == 200
    assert httpx.get(f"{base}/xet-write-token/main", headers=read_only).status_code == 403
    assert httpx.get(f"{base}/xet-read-token/main").status_code == 401  # private, anonymous
    assert httpx.get(f"{base}/xet-read-token/nope", headers=AUTH).status_code == 404
    # a read token cannot write to the CAS
    token = httpx.get(f"{base}/xet-read-token/main", headers=read_only).json()
    posted = httpx.post(
        f"{token['casUrl']}/v1/shards",
        headers={"authorization": f"Bearer {token['accessToken']}"},
        content=b"x",
    )
    assert posted.status_code == 403


def test_js_style_download_info_of_a_xet_file(conf: Conformance) -> None:
    repo_id = conf.new_repo("xet-js")
    content = random_bytes(500_000, seed=9)
    conf.api.upload_file(path_or_fileobj=content, path_in_repo="w.bin", repo_id=repo_id)
    headers = {**AUTH, "range": "bytes=0-0", "accept": "application/vnd.xet-fileinfo+json, */*"}
    r = httpx.get(f"{conf.endpoint}/{repo_id}/resolve/main/w.bin", headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.xet-fileinfo+json")
    assert int(r.headers["x-linked-size"]) == len(content)
    links = r.headers["link"]
    assert 'rel="xet-auth"' in links
    assert 'rel="xet-reconstruction-info"' in links
    file_id = r.headers["x-xet-hash"]
    token = httpx.get(f"{conf.endpoint}/api/models/{repo_id}/xet-read-token/main", headers=AUTH)
    cas, access = token.json()["casUrl"], token.json()["accessToken"]
    bearer = {"authorization": f"Bearer {access}"}
    # reconstruction v1 with a range, fetched through its presigned byte range, no bearer
    answer = httpx.get(
        f"{cas}/v1/reconstructions/{file_id}",
        headers={**bearer, "range": "bytes=100000-100099"},
    ).json()
    (term,) = answer["terms"]
    (fetch,) = answer["fetch_info"][term["hash"]]
    first, last = fetch["url_range"]["start"], fetch["url_range"]["end"]
    got = httpx.get(fetch["url"], headers={"range": f"bytes={first}-{last}"})
    assert got.status_code == 206
    assert len(got.content) == last - first + 1
    assert httpx.get(fetch["url"].replace("X-Signature=", "X-Signature=0")).status_code == 403
    assert httpx.head(f"{cas}/v1/files/{file_id}", headers=bearer).headers["content-length"] == (
        str(len(content))
    )


def test_classic_and_xet_clients_share_one_repo(conf: Conformance) -> None:
    repo_id = conf.new_repo("xet-mixed")
    classic = random_bytes(200_000, seed=10)
    conf.api.upload_file(
        path_or_fileobj=io.BytesIO(classic), path_in_repo="classic.bin", repo_id=repo_id
    )
    xet = random_bytes(200_000, seed=11)
    conf.api.create_commit(
        repo_id, [CommitOperationAdd("xet.bin", xet)], commit_message="through xet"
    )
    tree = {e.path: e for e in conf.api.list_repo_tree(repo_id) if isinstance(e, RepoFile)}
    assert tree["classic.bin"].xet_hash is None
    assert tree["xet.bin"].xet_hash is not None
    other = HfApi(endpoint=conf.endpoint, token=ALICE_TOKEN)
    for name, data in (("classic.bin", classic), ("xet.bin", xet)):
        path = other.hf_hub_download(repo_id, name, cache_dir=conf.cache_dir)
        assert Path(path).read_bytes() == data
