"""download_repos: many repos from a Hub onto local disk, as snapshot_download lays them out."""

from __future__ import annotations

from pathlib import Path

import huggingface_hub
import pytest

from hubclient import AsyncHubClient
from hubclient.mirror import MirrorOptions, MirrorPlanItem, MirrorProgress, MirrorStage, PlanError
from hubclient.testing import FaultRule, LocalHub, RequestRecord
from hubclient.testing._faults import peak_concurrency
from tests.mirror.world import build_world, snapshot_refs

pytestmark = pytest.mark.anyio


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


def _source_bytes(hub: LocalHub, repo_type: str, repo_id: str, ref: str) -> dict[str, bytes]:
    repo = hub.store.find(repo_type, repo_id)
    assert repo is not None
    commit = repo.resolve(ref).commit
    return {
        path: hub.store.objects.read_bytes(entry.sha256)
        for path, entry in repo.snapshot(commit).files.items()
    }


def _is_dir(path: str) -> bool:
    return Path(path).is_dir()


async def test_cache_layout_every_ref_found_offline_by_huggingface_hub(
    source_hub: LocalHub,
    source: AsyncHubClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world(source_hub, count=3, scale=0.002)
    cache = tmp_path / "cache"
    events: list[MirrorProgress] = []
    report = await source.download_repos(
        world.plan_text.splitlines(), cache_dir=cache, progress=events.append
    )
    assert report.ok, report.to_json()
    assert [(r.repo_type, r.repo_id) for r in report.results] == world.repos
    for result, (repo_type, repo_id) in zip(report.results, world.repos, strict=True):
        refs = snapshot_refs(source_hub, repo_type, repo_id)
        assert {r.name for r in result.refs if r.kind == "branch"} == set(refs.branches)
        assert {r.name for r in result.refs if r.kind == "tag"} == set(refs.tags)
        assert result.files_copied > 0
        assert result.bytes_copied > 0
        assert _is_dir(result.destination)
    stages = [(e.repo_id, e.stage) for e in events]
    assert stages[:3] == [(repo_id, MirrorStage.QUEUED) for _, repo_id in world.repos]
    assert {(repo_id, MirrorStage.DONE) for _, repo_id in world.repos} <= set(stages)

    # Offline, as a cluster node reading the mirror would be. huggingface_hub reads the
    # environment once, when its constants are first imported: patch the constant instead
    # of the variable, so later tests are not left offline.
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    for repo_type, repo_id in world.repos:
        refs = snapshot_refs(source_hub, repo_type, repo_id)
        for ref in [*refs.branches, *refs.tags]:
            folder = huggingface_hub.snapshot_download(
                repo_id,
                repo_type=repo_type,
                revision=ref,
                cache_dir=cache,
                local_files_only=True,
            )
            assert _files(Path(folder)) == _source_bytes(source_hub, repo_type, repo_id, ref)

    # a second run downloads nothing: every file is there
    again = await source.download_repos(world.plan_text.splitlines(), cache_dir=cache)
    assert again.ok
    assert again.files_copied == 0
    assert again.bytes_copied == 0
    assert again.files_skipped > 0
    assert all(ref.status == "unchanged" for r in again.results for ref in r.refs)


async def test_local_dir_layout_and_renames(
    source_hub: LocalHub, source: AsyncHubClient, tmp_path: Path
) -> None:
    build_world(source_hub, count=5, scale=0.002)
    plan: list[MirrorPlanItem | str] = [
        "acme/model-00@dev",  # a branch other than main
        "dataset:alice/dataset-01",
        MirrorPlanItem(repo_id="acme/space-04", repo_type="space", dest_repo_id="mine/demo"),
    ]
    out = tmp_path / "out"
    report = await source.download_repos(plan, local_dir=out, cache_dir=tmp_path / "cache")
    assert report.ok, report.to_json()
    expected = {
        out / "acme/model-00": ("model", "acme/model-00", "dev"),
        out / "datasets/alice/dataset-01": ("dataset", "alice/dataset-01", "main"),
        out / "spaces/mine/demo": ("space", "acme/space-04", "main"),
    }
    assert [Path(r.destination) for r in report.results] == list(expected)
    for folder, (repo_type, repo_id, ref) in expected.items():
        assert _files(folder) == _source_bytes(source_hub, repo_type, repo_id, ref)
    assert [r.refs[0].name for r in report.results] == ["dev", "main", "main"]
    again = await source.download_repos(plan, local_dir=out, cache_dir=tmp_path / "cache")
    assert again.files_copied == 0
    assert again.files_skipped == report.files_copied


async def test_failures_are_recorded_and_the_others_go_on(
    source_hub: LocalHub, source: AsyncHubClient, tmp_path: Path
) -> None:
    build_world(source_hub, count=2, scale=0.002)
    plan = ["acme/model-00", "acme/does-not-exist", "dataset:alice/dataset-01@nope"]
    report = await source.download_repos(plan, cache_dir=tmp_path / "cache")
    assert not report.ok
    first, missing, bad_rev = report.results
    assert first.ok
    assert first.files_copied > 0
    assert [e.type for e in missing.errors] == ["RepositoryNotFoundError"]
    assert missing.errors[0].status_code == 404
    assert [e.type for e in bad_rev.errors] == ["RevisionNotFoundError"]
    assert report.failed == [missing, bad_rev]


async def test_repos_and_files_in_flight_are_bounded_over_the_whole_job(
    source_hub: LocalHub, source: AsyncHubClient, tmp_path: Path
) -> None:
    world = build_world(source_hub, count=6, scale=0.002)
    # slow every transfer and refs listing down a little, so that they overlap when allowed
    source_hub.faults.add(
        FaultRule(action="delay", delay=0.02, method="GET", path=r"/resolve/|/refs$", times=None)
    )
    source_hub.faults.add(FaultRule(action="delay", delay=0.02, origin="storage", times=None))
    source_hub.log.clear()
    report = await source.download_repos(
        world.plan_text.splitlines(),
        cache_dir=tmp_path / "cache",
        options=MirrorOptions(max_concurrent_repos=2, max_concurrent_files=4),
    )
    assert report.ok
    transfers: list[RequestRecord] = [
        r
        for r in source_hub.log.records
        if r.method == "GET" and (r.origin == "storage" or "/resolve/" in r.path)
    ]
    assert len(transfers) > 100
    assert 2 <= peak_concurrency(transfers) <= 4
    assert source_hub.log.max_in_flight(method="GET", path=r"/refs$") == 2


async def test_a_cache_layout_cannot_rename(source: AsyncHubClient, tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="needs local_dir"):
        await source.download_repos(["acme/x other/x"], cache_dir=tmp_path)


async def test_one_revision_is_reported_as_the_ref_it_is(
    source_hub: LocalHub, source: AsyncHubClient, tmp_path: Path
) -> None:
    build_world(source_hub, count=1, scale=0.002)
    refs = snapshot_refs(source_hub, "model", "acme/model-00")
    tag = sorted(refs.tags)[0]
    report = await source.download_repos(
        [f"acme/model-00@{tag}", "acme/model-00@dev mine/dev-copy"],
        local_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
    )
    assert report.ok, report.to_json()
    assert [(r.refs[0].kind, r.refs[0].name) for r in report.results] == [
        ("tag", tag),
        ("branch", "dev"),
    ]
