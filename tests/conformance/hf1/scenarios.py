"""huggingface_hub 1.x scenarios, run by the venv of tests/conformance/test_hf1.py.

Usage: python scenarios.py NAME (env: HUB_URL, ALICE, ALICE_READ, BOB, WORK). Prints one JSON
line: {"ok": true, ...} or {"ok": false, "error": ...}. Runs under the 1.x line, so it imports
nothing of hubclient.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_DISABLE_XET", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import huggingface_hub
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    HfApi,
    hf_hub_download,
    snapshot_download,
)
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

HUB = os.environ["HUB_URL"]
WORK = Path(os.environ["WORK"])
api = HfApi(endpoint=HUB, token=os.environ["ALICE"])
bob = HfApi(endpoint=HUB, token=os.environ["BOB"])
reader = HfApi(endpoint=HUB, token=os.environ["ALICE_READ"])
CACHE = WORK / "cache"


def blob(size: int, seed: int) -> bytes:
    block = hashlib.sha256(f"seed-{seed}".encode()).digest() + b"\0"
    return (block * (size // len(block) + 1))[:size]


def dl(repo: str, path: str, **kw: Any) -> bytes:
    return Path(
        hf_hub_download(repo, path, endpoint=HUB, token=os.environ["ALICE"], cache_dir=CACHE, **kw)
    ).read_bytes()


def version() -> dict[str, Any]:
    return {"version": huggingface_hub.__version__}


def whoami() -> dict[str, Any]:
    me = api.whoami()
    return {"name": me["name"], "orgs": [o["name"] for o in me["orgs"]]}


def upload_and_download() -> dict[str, Any]:
    repo = "alice/hf1-upload"
    api.create_repo(repo)
    big = blob(300_000, 1)  # multipart with the suite's 64 KiB parts
    api.upload_file(path_or_fileobj=b"hello", path_in_repo="a.txt", repo_id=repo)
    api.upload_file(path_or_fileobj=big, path_in_repo="w.bin", repo_id=repo)
    folder = WORK / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "x.txt").write_text("x")
    (folder / "m.safetensors").write_bytes(blob(70_000, 2))
    api.upload_folder(repo_id=repo, folder_path=folder, path_in_repo="f")
    snap = Path(snapshot_download(repo, endpoint=HUB, token=os.environ["ALICE"], cache_dir=CACHE))
    info = api.model_info(repo, files_metadata=True)
    return {
        "a": dl(repo, "a.txt").decode(),
        "big_ok": dl(repo, "w.bin") == big,
        "snapshot": sorted(p.relative_to(snap).as_posix() for p in snap.rglob("*") if p.is_file()),
        "lfs": sorted(s.rfilename for s in info.siblings or [] if s.lfs),
        "sha": info.sha,
        "commits": [c.title for c in api.list_repo_commits(repo)],
    }


def commit_ops() -> dict[str, Any]:
    repo = "alice/hf1-ops"
    api.create_repo(repo)
    data = blob(5_000, 3)
    api.create_commit(
        repo,
        [CommitOperationAdd("d/w.bin", data), CommitOperationAdd("d/t.txt", b"t")],
        commit_message="add",
    )
    api.create_commit(
        repo,
        [
            CommitOperationCopy("d/w.bin", "copy.bin"),
            CommitOperationDelete("d/t.txt"),
        ],
        commit_message="copy and delete",
    )
    pr = api.create_commit(
        repo, [CommitOperationAdd("pr.txt", b"pr")], commit_message="pr", create_pr=True
    )
    try:
        api.create_commit(
            repo,
            [CommitOperationAdd("late.txt", b"l")],
            commit_message="stale",
            parent_commit=api.list_repo_commits(repo)[-1].commit_id,
        )
        stale = "accepted"
    except HfHubHTTPError as exc:
        stale = str(exc.response.status_code)
    return {
        "files": sorted(api.list_repo_files(repo)),
        "copy_ok": dl(repo, "copy.bin") == data,
        "pr": pr.pr_revision,
        "pr_files": sorted(api.list_repo_files(repo, revision=pr.pr_revision or "")),
        "stale": stale,
    }


def refs() -> dict[str, Any]:
    repo = "alice/hf1-refs"
    api.create_repo(repo)
    api.create_branch(repo, branch="dev")
    api.upload_file(path_or_fileobj=b"d", path_in_repo="d.txt", repo_id=repo, revision="dev")
    api.create_tag(repo, tag="v1", revision="dev")
    listed = api.list_repo_refs(repo)
    tree = [e.path for e in api.list_repo_tree(repo, revision="v1", recursive=True)]
    api.delete_branch(repo, branch="dev")
    return {
        "branches": sorted(b.name for b in listed.branches),
        "tags": [t.name for t in listed.tags],
        "tree_at_tag": sorted(tree),
        "after_delete": sorted(b.name for b in api.list_repo_refs(repo).branches),
        "d_at_tag": dl(repo, "d.txt", revision="v1").decode(),
    }


def infos() -> dict[str, Any]:
    api.create_repo("alice/hf1-info")
    api.create_repo("alice/hf1-ds", repo_type="dataset")
    api.create_repo("alice/hf1-sp", repo_type="space", space_sdk="static")
    return {
        "models": [m.id for m in api.list_models(author="alice", search="hf1-info")],
        "dataset": api.dataset_info("alice/hf1-ds").id,
        "space": api.space_info("alice/hf1-sp").id,
        "exists": api.repo_exists("alice/hf1-info"),
        "file_exists": api.file_exists("alice/hf1-info", ".gitattributes"),
    }


def errors() -> dict[str, Any]:
    api.create_repo("alice/hf1-private", private=True)
    out: dict[str, Any] = {}
    try:
        bob.model_info("alice/hf1-private")
    except RepositoryNotFoundError:
        out["bob_private"] = "RepositoryNotFoundError"
    try:
        api.model_info("alice/hf1-private", revision="nope")
    except RevisionNotFoundError:
        out["revision"] = "RevisionNotFoundError"
    try:
        dl("alice/hf1-private", "missing.txt")
    except EntryNotFoundError:
        out["entry"] = "EntryNotFoundError"
    try:
        reader.upload_file(path_or_fileobj=b"r", path_in_repo="r.txt", repo_id="alice/hf1-private")
    except HfHubHTTPError as exc:
        out["read_token_write"] = exc.response.status_code
    return out


SCENARIOS = {
    f.__name__: f for f in (version, whoami, upload_and_download, commit_ops, refs, infos, errors)
}

if __name__ == "__main__":
    try:
        print(json.dumps({"ok": True, **SCENARIOS[sys.argv[1]]()}))
    except Exception as exc:  # reported to the test, which fails with it
        print(json.dumps({"ok": False, "error": repr(exc), "trace": traceback.format_exc()}))
