"""sync_bucket end to end against the served local Hub: a folder up to a bucket prefix and
back, only what changed, deletes, filters, plans saved and applied, dry runs, and a plan or a
listing that would write outside the folder refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hubclient import HFValidationError, SyncPlan
from hubclient.testing import ServedHub
from tests.buckets.conftest import data, on_socket

pytestmark = pytest.mark.anyio

OLD = 1_600_000_000


def tree_of(root: Path) -> dict[str, bytes]:
    files = (p for p in sorted(root.rglob("*")) if p.is_file())
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def make_folder(root: Path) -> dict[str, bytes]:
    files = {
        "a.txt": b"alpha",
        "sub/b.bin": data(300_000, 1),
        "sub/deeper/c.json": b'{"c": 1}',
        "skip.log": b"noise",
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        os.utime(path, (OLD, OLD))
    return files


async def test_up_and_back_only_what_changed(
    served: ServedHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = served.hub
    src = tmp_path / "src"
    files = make_folder(src)
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/sync")
        plan = await c.sync_bucket(str(src), "hf://buckets/alice/sync/run")
        assert isinstance(plan, SyncPlan)
        assert plan.summary() == {
            "uploads": 4,
            "downloads": 0,
            "deletes": 0,
            "skips": 0,
            "total_size": sum(len(v) for v in files.values()),
        }
        out = capsys.readouterr().out
        assert "Uploads: 4" in out
        assert "Sync completed." in out
        remote = {e.path async for e in c.list_bucket_tree("alice/sync", recursive=True)}
        assert remote == {f"run/{name}" for name in files}

        # again: nothing to do, nothing sent
        hub.log.clear()
        plan = await c.sync_bucket(str(src), "hf://buckets/alice/sync/run", quiet=True)
        assert plan.summary()["skips"] == 4
        assert {op.reason for op in plan.operations} == {"identical"}
        assert hub.log.count(method="POST") == 0
        assert capsys.readouterr().out == ""

        # a changed size and a removed file, with delete
        (src / "a.txt").write_bytes(b"alpha, longer")
        os.utime(src / "a.txt", (OLD, OLD))
        (src / "skip.log").unlink()
        plan = await c.sync_bucket(str(src), "hf://buckets/alice/sync/run", delete=True, quiet=True)
        actions = {op.path: (op.action, op.reason) for op in plan.operations}
        assert actions["a.txt"] == ("upload", "size differs")
        assert actions["skip.log"] == ("delete", "not in source (--delete)")
        assert actions["sub/b.bin"][0] == "skip"
        remote = {e.path async for e in c.list_bucket_tree("alice/sync", "run", recursive=True)}
        assert "run/skip.log" not in remote

        # down into an empty folder, then a local change made undone
        back = tmp_path / "back"
        plan = await c.sync_bucket("hf://buckets/alice/sync/run", str(back), quiet=True)
        assert plan.summary()["downloads"] == 3
        expected = {**files, "a.txt": b"alpha, longer"}
        del expected["skip.log"]
        assert tree_of(back) == expected
        (back / "extra.txt").write_bytes(b"local only")
        (back / "sub" / "b.bin").write_bytes(b"damaged")
        plan = await c.sync_bucket(
            "hf://buckets/alice/sync/run", str(back), delete=True, quiet=True
        )
        kinds = {op.path: op.action for op in plan.operations}
        assert kinds["extra.txt"] == "delete"
        assert kinds["sub/b.bin"] == "download"
        assert tree_of(back) == expected


async def test_filters_existing_and_ignore_existing(served: ServedHub, tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_folder(src)
    rules = tmp_path / "rules.txt"
    rules.write_text("# comments are skipped\n- sub/deeper/*\n+ sub/*\n")
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/filtered")
        bucket = "hf://buckets/alice/filtered"
        plan = await c.sync_bucket(str(src), bucket, exclude=["*.log"], quiet=True)
        assert sorted(op.path for op in plan.operations) == [
            "a.txt",
            "sub/b.bin",
            "sub/deeper/c.json",
        ]
        plan = await c.sync_bucket(str(src), bucket, include=["*.log"], dry_run=True, quiet=True)
        assert [(op.path, op.action) for op in plan.operations] == [("skip.log", "upload")]
        plan = await c.sync_bucket(str(src), bucket, filter_from=str(rules), dry_run=True)
        # a rule that matches first decides; sub/deeper/* is excluded, a.txt matches nothing
        assert {op.path for op in plan.operations} >= {"sub/b.bin"}
        assert "sub/deeper/c.json" not in {op.path for op in plan.operations}

        (src / "new.txt").write_bytes(b"new")
        (src / "a.txt").write_bytes(b"changed!")
        plan = await c.sync_bucket(str(src), bucket, existing=True, exclude=["*.log"], quiet=True)
        actions = {op.path: (op.action, op.reason) for op in plan.operations}
        assert actions["new.txt"] == ("skip", "new file (--existing)")
        assert actions["a.txt"][0] == "upload"
        (src / "a.txt").write_bytes(b"changed again")
        plan = await c.sync_bucket(
            str(src), bucket, ignore_existing=True, exclude=["*.log"], quiet=True
        )
        kinds = {op.path: op.action for op in plan.operations}
        assert kinds["new.txt"] == "upload"
        assert kinds["a.txt"] == "skip"


async def test_a_saved_plan_applies_later(
    served: ServedHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    files = make_folder(src)
    plan_file = tmp_path / "plan.jsonl"
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/planned")
        plan = await c.sync_bucket(
            str(src), "hf://buckets/alice/planned", plan=str(plan_file), quiet=True
        )
        assert [e async for e in c.list_bucket_tree("alice/planned")] == []  # only planned
        lines = [json.loads(line) for line in plan_file.read_text().splitlines()]
        assert lines[0]["type"] == "header"
        assert lines[0]["summary"]["uploads"] == len(files)
        assert {line["path"] for line in lines[1:]} == set(files)
        assert all(line["type"] == "operation" for line in lines[1:])

        applied = await c.sync_bucket(apply=str(plan_file), quiet=True)
        assert applied.summary() == plan.summary()
        remote = {e.path async for e in c.list_bucket_tree("alice/planned", recursive=True)}
        assert remote == set(files)

        capsys.readouterr()
        await c.sync_bucket(str(src), "hf://buckets/alice/planned", dry_run=True)
        printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert printed[0]["type"] == "header"
        assert {line["action"] for line in printed[1:]} == {"skip"}


async def test_arguments_are_checked(served: ServedHub, tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_folder(src)
    bucket = "hf://buckets/alice/args"
    async with on_socket(served, tmp_path) as c:
        served.hub.log.clear()
        for kwargs in (
            {"source": str(src), "dest": str(tmp_path / "other")},
            {"source": bucket, "dest": "hf://buckets/alice/other"},
            {"source": str(src)},
            {"source": str(src), "dest": "hf://alice/model"},
            {"source": str(tmp_path / "missing"), "dest": bucket},
            {"source": str(src), "dest": bucket, "ignore_times": True, "ignore_sizes": True},
            {"source": str(src), "dest": bucket, "existing": True, "ignore_existing": True},
            {"source": str(src), "dest": bucket, "dry_run": True, "plan": "p.jsonl"},
            {"source": str(src), "apply": "p.jsonl"},
        ):
            with pytest.raises(HFValidationError):
                await c.sync_bucket(quiet=True, **kwargs)
        assert served.hub.log.count() == 0


async def test_a_plan_that_leaves_the_folder_is_refused(served: ServedHub, tmp_path: Path) -> None:
    plan_file = tmp_path / "evil.jsonl"
    dest = tmp_path / "dest"
    header = {
        "type": "header",
        "source": "hf://buckets/alice/evil",
        "dest": str(dest),
        "timestamp": "2026-01-01T00:00:00+00:00",
        "summary": {},
    }
    for bad in ("../outside.txt", "/etc/passwd", "a/../../b"):
        op = {"type": "operation", "action": "download", "path": bad, "reason": "new file"}
        plan_file.write_text(json.dumps(header) + "\n" + json.dumps(op) + "\n")
        async with on_socket(served, tmp_path) as c:
            with pytest.raises(HFValidationError):
                await c.sync_bucket(apply=str(plan_file), quiet=True)
    assert not (tmp_path / "outside.txt").exists()
    plan_file.write_text("not json\n")
    async with on_socket(served, tmp_path) as c:
        with pytest.raises(HFValidationError):
            await c.sync_bucket(apply=str(plan_file), quiet=True)
