"""The cache manager: scan, deletion plans and verification, on a cache both clients filled,
checked against huggingface_hub's own scanner."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from hubclient import (
    CorruptedCacheException,
    HubClient,
    scan_cache_dir,
    verify_cache_dir,
)
from hubclient.cli import main
from hubclient.testing import ALICE_TOKEN, ServedHub
from tests.download.conftest import payload

FILES = {
    "config.json": b'{"a": 1}',
    "weights.bin": payload(200_000, 1),
    "sub/notes.txt": b"notes",
}


def _summary(info: Any) -> dict[str, Any]:
    """What both scanners must agree on, in plain data."""
    return {
        "size": info.size_on_disk,
        "warnings": len(info.warnings),
        "repos": {
            f"{repo.repo_type}/{repo.repo_id}": {
                "size": repo.size_on_disk,
                "nb_files": repo.nb_files,
                "revisions": {
                    rev.commit_hash: (
                        rev.size_on_disk,
                        rev.nb_files,
                        sorted(rev.refs),
                        sorted(
                            f.file_path.relative_to(rev.snapshot_path).as_posix() for f in rev.files
                        ),
                    )
                    for rev in repo.revisions
                },
            }
            for repo in info.repos
        },
    }


@pytest.fixture
def filled(served_hub: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache filled by hubclient (acme/a at main and v1) and huggingface_hub (acme/a at dev,
    alice/b)."""
    from huggingface_hub import constants, hf_hub_download, snapshot_download

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    hub = served_hub.hub
    first = hub.seed_repo("acme/a", FILES, message="one")
    hub.seed_repo("acme/a", {**FILES, "config.json": b'{"a": 2}'}, message="two")
    repo = hub.store.find("model", "acme/a")
    assert repo is not None
    repo.create_tag("v1", first)
    repo.create_branch("dev", first)
    hub.seed_repo("alice/b", {"data.csv": b"x,y\n1,2\n"}, repo_type="dataset")
    cache = tmp_path / "cache"
    with HubClient(served_hub.hub_url, token=ALICE_TOKEN, cache_dir=cache) as client:
        client.snapshot_download("acme/a")
        client.snapshot_download("acme/a", revision="v1")
    snapshot_download(
        "acme/a", revision="dev", cache_dir=cache, endpoint=served_hub.hub_url, token=ALICE_TOKEN
    )
    hf_hub_download(
        "alice/b",
        "data.csv",
        repo_type="dataset",
        cache_dir=cache,
        endpoint=served_hub.hub_url,
        token=ALICE_TOKEN,
    )
    return cache


def test_both_scanners_report_the_same_cache(filled: Path) -> None:
    from huggingface_hub import scan_cache_dir as hf_scan

    ours, theirs = scan_cache_dir(filled), hf_scan(filled)
    assert _summary(ours) == _summary(theirs)
    a = next(r for r in ours.repos if r.repo_id == "acme/a")
    assert len(a.revisions) == 2  # main, and v1 == dev (one commit, two refs)
    assert sorted(a.refs) == ["dev", "main", "v1"]
    assert ours.warnings == []


def test_a_plan_says_what_it_frees_and_leaves_a_clean_cache(filled: Path) -> None:
    from huggingface_hub import scan_cache_dir as hf_scan

    info = scan_cache_dir(filled)
    a = next(r for r in info.repos if r.repo_id == "acme/a")
    b = next(r for r in info.repos if r.repo_id == "alice/b")
    old = a.refs["v1"]
    plan = info.delete_revisions(old.commit_hash, *(r.commit_hash for r in b.revisions), "0" * 40)
    assert plan.not_found == frozenset({"0" * 40})
    assert plan.repos == frozenset({b.repo_path})
    assert plan.snapshots == frozenset({old.snapshot_path})
    before = hf_scan(filled).size_on_disk
    plan.execute()
    after = hf_scan(filled)
    assert after.warnings == []
    assert before - after.size_on_disk == plan.expected_freed_size
    assert {r.repo_id for r in after.repos} == {"acme/a"}
    (remaining,) = next(iter(after.repos)).revisions
    assert sorted(remaining.refs) == ["main"]
    assert not (a.repo_path / "trees" / f"{old.commit_hash}.json").exists()
    # the blob both revisions shared (weights.bin) is still there for main
    assert _summary(scan_cache_dir(filled)) == _summary(after)


def test_corrupt_entries_are_warnings_in_both(filled: Path) -> None:
    from huggingface_hub import scan_cache_dir as hf_scan

    (filled / "not-a-repo").mkdir()
    (filled / "models--acme--broken" / "snapshots" / ("1" * 40)).mkdir(parents=True)
    (filled / "models--acme--broken" / "snapshots" / ("1" * 40) / "x").symlink_to("../nowhere")
    (filled / "models--acme--stale" / "snapshots").mkdir(parents=True)
    (filled / "models--acme--stale" / "refs").mkdir()
    (filled / "models--acme--stale" / "refs" / "main").write_text("2" * 40)
    ours, theirs = scan_cache_dir(filled), hf_scan(filled)
    assert len(ours.warnings) == len(theirs.warnings) == 3
    assert all(isinstance(w, CorruptedCacheException) for w in ours.warnings)
    assert _summary(ours) == _summary(theirs)


def test_verify_finds_a_changed_blob(filled: Path) -> None:
    assert verify_cache_dir(filled).ok
    info = scan_cache_dir(filled)
    a = next(r for r in info.repos if r.repo_id == "acme/a")
    weights = next(f for f in a.refs["main"].files if f.file_name == "weights.bin")
    blob = weights.blob_path
    os.chmod(blob, 0o644)
    blob.write_bytes(b"tampered" + blob.read_bytes()[8:])
    report = verify_cache_dir(filled)
    assert not report.ok
    (bad,) = report.failures
    assert bad.reason == "mismatch"
    assert bad.blob_path == blob
    assert bad.expected == blob.name
    assert len(bad.files) == 2  # main and v1/dev show the same blob
    assert verify_cache_dir(filled, repos=["dataset/alice/b"]).ok


def test_the_cache_command(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "ls", "--dir", str(filled), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert sorted(r["repo_id"] for r in listing["repos"]) == ["acme/a", "alice/b"]
    assert main(["cache", "rm", "dataset/alice/b", "--dir", str(filled), "--dry-run"]) == 0
    assert "would free" in capsys.readouterr().out
    assert len(scan_cache_dir(filled).repos) == 2
    assert main(["cache", "rm", "dataset/alice/b", "--dir", str(filled), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["freed"] > 0
    assert len(scan_cache_dir(filled).repos) == 1
    assert main(["cache", "rm", "model/acme/nope", "--dir", str(filled)]) == 3
    assert main(["cache", "verify", "--dir", str(filled)]) == 0
    assert "all match" in capsys.readouterr().out
    assert main(["cache", "ls", "--dir", str(filled / "missing")]) == 3
