"""The wire variants of other clients (huggingface.js, huggingface_hub 0.20), sent by hand.

hub-protocol.md §1.1, §2.5, §2.6, §4.3, §4.7 and §8.2 ask the server to accept them too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from huggingface_hub import CommitOperationAdd

from tests.conformance._support import (
    ALICE_TOKEN,
    Conformance,
    classic_only,
    git_blob_sha1,
    payload,
)

pytestmark = pytest.mark.conformance

AUTH = {"authorization": f"Bearer {ALICE_TOKEN}"}
BIG = payload(4000, seed=90)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(headers=AUTH, timeout=30) as client:
        yield client


@pytest.fixture
def repo(conf: Conformance) -> str:
    repo_id = conf.new_repo("wire")
    conf.api.create_commit(
        repo_id,
        [
            CommitOperationAdd("hello.txt", b"hello world"),
            CommitOperationAdd("sub/dir/a.txt", b"a"),
            CommitOperationAdd("sub/w.bin", BIG),
        ],
        commit_message="wire",
    )
    conf.api.upload_file(
        path_or_fileobj=b"pr", path_in_repo="sub/pr.txt", repo_id=repo_id, create_pr=True
    )
    return repo_id


def test_paths_info_with_a_json_body(conf: Conformance, repo: str, http: httpx.Client) -> None:
    r = http.post(
        f"{conf.endpoint}/api/models/{repo}/paths-info/main",
        json={"paths": ["hello.txt", "sub", "missing"], "expand": False},
    )
    assert r.status_code == 200
    assert sorted(e["path"] for e in r.json()) == ["hello.txt", "sub"]


def test_raw_revision_and_path_in_tree_urls(
    conf: Conformance, repo: str, http: httpx.Client
) -> None:
    raw = http.get(f"{conf.endpoint}/api/models/{repo}/tree/refs/pr/1/sub")
    assert raw.status_code == 200
    assert "sub/pr.txt" in {e["path"] for e in raw.json()}
    quoted = http.get(f"{conf.endpoint}/api/models/{repo}/tree/refs%2Fpr%2F1/sub%2Fdir")
    assert quoted.status_code == 200
    assert [e["path"] for e in quoted.json()] == ["sub/dir/a.txt"]


def test_revision_head(conf: Conformance, repo: str, http: httpx.Client) -> None:
    r = http.get(f"{conf.endpoint}/api/models/{repo}/revision/HEAD")
    assert r.status_code == 200
    assert r.json()["sha"] == conf.api.repo_info(repo).sha


@pytest.mark.parametrize("flag", ["true", "True", "1"])
def test_query_booleans(conf: Conformance, repo: str, http: httpx.Client, flag: str) -> None:
    paths: list[str] = []
    url: str | None = f"{conf.endpoint}/api/models/{repo}/tree/main?recursive={flag}"
    while url is not None:
        r = http.get(url)
        assert r.status_code == 200
        paths += [e["path"] for e in r.json()]
        url = r.links.get("next", {}).get("url")
    assert "sub/dir/a.txt" in paths


def test_pagination_link_header(conf: Conformance, repo: str, http: httpx.Client) -> None:
    r = http.get(f"{conf.endpoint}/api/models/{repo}/tree/main", params={"recursive": "true"})
    link = r.headers["link"]
    assert link.startswith(f"<{conf.endpoint}/")
    assert '>; rel="next"' in link
    assert "recursive=true" in link
    assert "cursor=" in link


def test_commits_with_bracketed_expand(conf: Conformance, repo: str, http: httpx.Client) -> None:
    r = http.get(
        f"{conf.endpoint}/api/models/{repo}/commits/main", params={"expand[]": "formatted"}
    )
    assert r.status_code == 200
    first = r.json()[0]
    assert {"id", "title", "message", "date", "authors"} <= set(first)
    assert "formatted" in first


def _batch(conf: Conformance, repo: str, http: httpx.Client, transfers: list[str]) -> Any:
    fresh = payload(3000, seed=91)
    body = {
        "operation": "upload",
        "transfers": transfers,
        "objects": [
            {"oid": hashlib.sha256(fresh).hexdigest(), "size": len(fresh)},
            {"oid": hashlib.sha256(BIG).hexdigest(), "size": len(BIG)},
        ],
        "hash_algo": "sha_256",
        "ref": {"name": "main"},
    }
    r = http.post(
        f"{conf.endpoint}/{repo}.git/info/lfs/objects/batch",
        json=body,
        headers={"accept": "application/vnd.git-lfs+json"},
    )
    assert r.status_code == 200
    return r.json()


def test_lfs_batch_variants(conf: Conformance, repo: str, http: httpx.Client) -> None:
    answer = _batch(conf, repo, http, ["basic", "multipart"])
    assert answer.get("transfer") == "basic"
    new, stored = answer["objects"]
    assert "upload" in new["actions"]
    assert "actions" not in stored  # already stored: nothing to upload


def test_lfs_batch_answers_xet_to_a_client_that_offers_it(
    conf: Conformance, repo: str, http: httpx.Client
) -> None:
    answer = _batch(conf, repo, http, ["basic", "multipart", "xet"])
    assert answer["transfer"] == "xet"
    new, stored = answer["objects"]
    assert "actions" not in stored
    upload = new["actions"]["upload"]
    assert upload["href"] == f"{conf.endpoint}/api/models/{repo}/xet-write-token/main"
    header = upload["header"]
    assert header["X-Xet-Cas-Url"].startswith("http://127.0.0.1:")
    assert header["X-Xet-Access-Token"]
    assert int(header["X-Xet-Token-Expiration"]) > time.time()
    assert header["X-Xet-Session-Id"]


def test_compact_ndjson_commit(conf: Conformance, repo: str, http: httpx.Client) -> None:
    lines = [
        {"key": "header", "value": {"summary": "from js"}},
        {
            "key": "file",
            "value": {"path": "js.txt", "content": "written by js", "encoding": "utf-8"},
        },
        {
            "key": "file",
            "value": {
                "path": "b64.txt",
                "content": base64.b64encode(b"base64").decode(),
                "encoding": "base64",
            },
        },
        {"key": "deletedFile", "value": {"path": "hello.txt"}},
    ]
    body = "\n".join(json.dumps(line, separators=(",", ":")) for line in lines)  # no last newline
    r = http.post(
        f"{conf.endpoint}/api/models/{repo}/commit/main",
        content=body.encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["commitOid"]) == 40
    files = set(conf.api.list_repo_files(repo))
    assert {"js.txt", "b64.txt"} <= files
    assert "hello.txt" not in files


@classic_only
def test_js_style_download_info(conf: Conformance, repo: str, http: httpx.Client) -> None:
    headers = {"range": "bytes=0-0", "accept": "application/vnd.xet-fileinfo+json, */*"}
    r = http.get(
        f"{conf.endpoint}/{repo}/resolve/main/sub/w.bin", headers=headers, follow_redirects=True
    )
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes 0-0/{len(BIG)}"
    assert r.headers["etag"].strip('"') == hashlib.sha256(BIG).hexdigest()
    assert str(r.url).startswith(conf.storage_url)
    regular = http.get(f"{conf.endpoint}/{repo}/resolve/main/hello.txt", headers=headers)
    assert regular.status_code == 206
    assert regular.headers["content-range"] == "bytes 0-0/11"
    assert regular.headers["etag"].strip('"') == git_blob_sha1(b"hello world")


@pytest.mark.parametrize(
    ("spec", "status", "content", "content_range"),
    [
        ("bytes=2-4", 206, b"llo", "bytes 2-4/11"),
        ("bytes=6-", 206, b"world", "bytes 6-10/11"),
        ("bytes=-3", 206, b"rld", "bytes 8-10/11"),
        ("bytes=20-", 416, None, "bytes */11"),
    ],
)
def test_ranges_on_a_regular_file(
    conf: Conformance,
    repo: str,
    http: httpx.Client,
    spec: str,
    status: int,
    content: bytes | None,
    content_range: str,
) -> None:
    r = http.get(f"{conf.endpoint}/{repo}/resolve/main/hello.txt", headers={"range": spec})
    assert r.status_code == status
    assert r.headers["content-range"] == content_range
    if content is not None:
        assert r.content == content


def test_ranges_on_storage(conf: Conformance, repo: str, http: httpx.Client) -> None:
    location = http.get(f"{conf.endpoint}/{repo}/resolve/main/sub/w.bin").headers["location"]
    with httpx.Client(timeout=30) as anonymous:  # presigned: no token needed
        r = anonymous.get(location, headers={"range": "bytes=100-199"})
        assert r.status_code == 206
        assert r.content == BIG[100:200]
        assert r.headers["content-range"] == f"bytes 100-199/{len(BIG)}"
        bad = anonymous.get(location, headers={"range": f"bytes={len(BIG)}-"})
        assert bad.status_code == 416


def test_old_client_create_body(conf: Conformance, http: httpx.Client) -> None:
    name = conf.repo_id("old-style").split("/")[1]
    r = http.post(
        f"{conf.endpoint}/api/repos/create",
        json={"name": name, "organization": None, "private": True},
    )
    assert r.status_code == 200
    assert r.json()["url"] == f"{conf.endpoint}/alice/{name}"
    assert conf.api.repo_info(f"alice/{name}").private is True
    listed = http.get(
        f"{conf.endpoint}/api/models", params={"search": name, "direction": "-1", "full": "True"}
    )
    assert [m["id"] for m in listed.json()] == [f"alice/{name}"]


def test_head_has_a_real_content_length(conf: Conformance, repo: str, http: httpx.Client) -> None:
    r = http.head(f"{conf.endpoint}/{repo}/resolve/main/hello.txt")
    assert r.status_code == 200
    assert r.headers["content-length"] == "11"
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["x-repo-commit"] == conf.api.repo_info(repo).sha


def test_tampered_storage_urls_are_refused(
    conf: Conformance, repo: str, http: httpx.Client
) -> None:
    location = http.get(f"{conf.endpoint}/{repo}/resolve/main/sub/w.bin").headers["location"]
    url = httpx.URL(location)
    signed = {k: v for k, v in url.params.items() if k.lower().startswith("x-")}
    assert signed  # presigned: an expiry and a signature
    with httpx.Client(timeout=30) as anonymous:
        assert anonymous.get(url).status_code == 200
        for name, value in signed.items():
            forged = url.copy_set_param(name, value[:-1] + ("1" if value[-1] == "0" else "0"))
            assert anonymous.get(forged).status_code in (400, 401, 403)
        assert anonymous.get(url.copy_with(query=None)).status_code in (400, 401, 403)
        other = str(url).replace(hashlib.sha256(BIG).hexdigest(), hashlib.sha256(b"x").hexdigest())
        assert anonymous.get(other).status_code in (400, 401, 403, 404)


def lfs_batch(
    conf: Conformance, http: httpx.Client, repo: str, content: bytes
) -> dict[str, object]:
    r = http.post(
        f"{conf.endpoint}/{repo}.git/info/lfs/objects/batch",
        json={
            "operation": "upload",
            "transfers": ["basic", "multipart"],
            "objects": [{"oid": hashlib.sha256(content).hexdigest(), "size": len(content)}],
            "hash_algo": "sha256",
        },
    )
    assert r.status_code == 200
    obj: dict[str, object] = r.json()["objects"][0]
    return obj


def test_a_basic_put_with_the_wrong_bytes_is_refused(
    conf: Conformance, repo: str, http: httpx.Client
) -> None:
    content = payload(2000, seed=92)
    actions = lfs_batch(conf, http, repo, content)["actions"]
    assert isinstance(actions, dict)
    href = actions["upload"]["href"]
    with httpx.Client(timeout=30) as anonymous:
        assert anonymous.put(href, content=payload(2000, seed=93)).status_code >= 400
        assert anonymous.put(href, content=content).status_code < 300
    assert "actions" not in lfs_batch(conf, http, repo, content)


def test_multipart_completion_checks_the_parts(
    conf: Conformance, repo: str, http: httpx.Client
) -> None:
    from tests.conformance._support import CHUNK_SIZE

    content = payload(3 * CHUNK_SIZE, seed=94)
    oid = hashlib.sha256(content).hexdigest()
    actions = lfs_batch(conf, http, repo, content)["actions"]
    assert isinstance(actions, dict)
    header = actions["upload"]["header"]
    chunk = int(header["chunk_size"])
    parts = sorted((int(k), v) for k, v in header.items() if k.isdigit())
    etags = []
    with httpx.Client(timeout=30) as anonymous:
        for number, url in parts:
            r = anonymous.put(url, content=content[(number - 1) * chunk : number * chunk])
            assert r.status_code < 300
            etags.append({"partNumber": number, "etag": r.headers["etag"]})
        completion = actions["upload"]["href"]
        wrong = [dict(p, etag='"0000"') if p["partNumber"] == 2 else p for p in etags]
        assert anonymous.post(completion, json={"oid": oid, "parts": wrong}).status_code >= 400
        assert anonymous.post(completion, json={"oid": oid, "parts": etags}).status_code < 300
    commit = "\n".join(
        json.dumps(line)
        for line in (
            {"key": "header", "value": {"summary": "multipart by hand"}},
            {
                "key": "lfsFile",
                "value": {"path": "hand.bin", "algo": "sha256", "oid": oid, "size": len(content)},
            },
        )
    )
    r = http.post(
        f"{conf.endpoint}/api/models/{repo}/commit/main",
        content=commit.encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text


def test_commit_of_an_unknown_lfs_object_is_refused(
    conf: Conformance, repo: str, http: httpx.Client
) -> None:
    missing = hashlib.sha256(b"never uploaded").hexdigest()
    commit = "\n".join(
        json.dumps(line)
        for line in (
            {"key": "header", "value": {"summary": "dangling"}},
            {
                "key": "lfsFile",
                "value": {"path": "x.bin", "algo": "sha256", "oid": missing, "size": 14},
            },
        )
    )
    r = http.post(
        f"{conf.endpoint}/api/models/{repo}/commit/main",
        content=commit.encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert 400 <= r.status_code < 500
    assert r.json()["error"]
    assert "x.bin" not in conf.api.list_repo_files(repo)
