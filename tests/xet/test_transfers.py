"""hubclient with hf_xet (the ``xet`` extra) against the served local Hub: uploads and downloads
through the CAS, dedup figures, progress, cancellation, and the fallbacks to classic LFS."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, HfHubHTTPError, HubSettings
from hubclient.progress import FileProgress, FileState, ProgressEvent, TotalProgress
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub, ServedHub, standard_hub

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _xet_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # hf_xet keeps the shards it uploaded per CAS URL: a fresh cache per test, so that a port
    # reused by a later hub never finds the xorbs of an earlier one there
    monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "xet-cache"))
    monkeypatch.setenv("HF_XET_TELEMETRY_ENABLED", "false")
    monkeypatch.delenv("HF_HUB_DISABLE_XET", raising=False)


def serve(tmp_path: Path, name: str, **kwargs: object) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / name, **kwargs))  # type: ignore[arg-type]
    try:
        with hub.serve() as served:
            yield served
    finally:
        hub.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHub]:
    yield from serve(tmp_path, "xet-hub")


def client(
    served: ServedHub, tmp_path: Path, *, xet: bool = True, token: str = ALICE_TOKEN
) -> AsyncHubClient:
    base = HubSettings.from_env(
        endpoint=served.hub_url,
        token=token,
        hub_cache=tmp_path / "cache",
        retry_backoff_base=0.01,
        xet=xet,
    )
    return AsyncHubClient(settings=base)


def data(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def cas_bytes_sent(hub: LocalHub) -> int:
    return sum(r.request_bytes for r in hub.log.filter(origin="cas", method="POST"))


async def test_uploads_of_bytes_paths_and_streams_go_through_xet(
    served: ServedHub, tmp_path: Path
) -> None:
    hub = served.hub
    path = tmp_path / "from-disk.bin"
    path.write_bytes(data(1_600_000, 2))
    contents = {
        "bytes.bin": data(1_500_000, 1),
        "from-disk.bin": path.read_bytes(),
        "stream.bin": data(1_400_000, 3),
    }
    async with client(served, tmp_path) as c:
        await c.create_repo("alice/xet")
        hub.log.clear()
        info = await c.upload_file(
            path_or_fileobj=contents["bytes.bin"], path_in_repo="bytes.bin", repo_id="alice/xet"
        )
        assert info.xet is not None
        assert info.xet.total_bytes == len(contents["bytes.bin"])
        assert info.xet.new_bytes == len(contents["bytes.bin"])
        await c.upload_file(path_or_fileobj=path, path_in_repo="from-disk.bin", repo_id="alice/xet")
        await c.upload_file(
            path_or_fileobj=io.BytesIO(contents["stream.bin"]),
            path_in_repo="stream.bin",
            repo_id="alice/xet",
        )
        assert hub.log.count(origin="storage") == 0  # no classic LFS transfer at all
        assert hub.log.count(origin="cas", method="POST", path=r"^/v1/xorbs/") >= 3
        tree = {e.path: e async for e in c.list_repo_tree("alice/xet")}
        for name, content in contents.items():
            assert getattr(tree[name], "xet_hash", None)
            hub.log.clear()
            local = await c.hf_hub_download("alice/xet", name)
            assert await anyio.Path(local).read_bytes() == content
            # files above the small-file size come through Xet (small ones in one GET)
            assert hub.log.count(origin="cas", path=r"^/v2/reconstructions/") == 1
            assert hub.log.count(origin="storage") == 0


async def test_a_changed_file_sends_only_its_changes(served: ServedHub, tmp_path: Path) -> None:
    size = 3_000_000
    first = data(size, 4)
    second = first[: size // 2] + data(50_000, 5) + first[size // 2 + 50_000 :]
    async with client(served, tmp_path) as c:
        await c.create_repo("alice/dedup")
        await c.upload_file(path_or_fileobj=first, path_in_repo="w.bin", repo_id="alice/dedup")
        served.hub.log.clear()
        info = await c.upload_file(
            path_or_fileobj=second, path_in_repo="w.bin", repo_id="alice/dedup"
        )
        assert info.xet is not None
        assert info.xet.deduped_bytes > size * 0.8
        assert cas_bytes_sent(served.hub) < size * 0.2
        local = await c.hf_hub_download("alice/dedup", "w.bin")
        assert await anyio.Path(local).read_bytes() == second


async def test_a_community_pull_request_uploads_through_xet(
    served: ServedHub, tmp_path: Path
) -> None:
    # bob may not write to alice's repo, but he may open a pull request on it and push to it:
    # the Hub gives him a Xet write token for that (create_pr=1, or a refs/pr/N revision)
    first, second = data(1_500_000, 20), data(1_400_000, 21)
    async with client(served, tmp_path) as alice:
        await alice.create_repo("alice/community")
        await alice.upload_file(
            path_or_fileobj=b"hi\n", path_in_repo="README.md", repo_id="alice/community"
        )
    async with client(served, tmp_path, token=BOB_TOKEN) as bob:
        served.hub.log.clear()
        info = await bob.upload_file(
            path_or_fileobj=first, path_in_repo="w.bin", repo_id="alice/community", create_pr=True
        )
        assert info.pr_num == 1
        assert info.xet is not None
        assert info.xet.new_bytes == len(first)
        await bob.upload_file(
            path_or_fileobj=second,
            path_in_repo="v.bin",
            repo_id="alice/community",
            revision="refs/pr/1",
        )
        assert len(served.hub.log.filter(path=r"/xet-write-token/", status=200)) == 2
        assert served.hub.log.count(origin="storage") == 0  # no classic LFS
        with pytest.raises(HfHubHTTPError) as err:  # his own write rights did not grow
            await bob.upload_file(
                path_or_fileobj=data(1_200_000, 22), path_in_repo="x.bin", repo_id="alice/community"
            )
        assert err.value.status_code == 403
        for name, content in (("w.bin", first), ("v.bin", second)):
            local = await bob.hf_hub_download("alice/community", name, revision="refs/pr/1")
            assert await anyio.Path(local).read_bytes() == content
    async with client(served, tmp_path) as alice:
        files = [e.path async for e in alice.list_repo_tree("alice/community")]
        assert "w.bin" not in files  # main is untouched until the PR is merged


async def test_progress_events_of_a_xet_upload(served: ServedHub, tmp_path: Path) -> None:
    events: list[ProgressEvent] = []
    content = data(2_000_000, 6)
    async with client(served, tmp_path) as c:
        await c.create_repo("alice/progress")
        await c.upload_file(
            path_or_fileobj=content,
            path_in_repo="w.bin",
            repo_id="alice/progress",
            progress=events.append,
        )
    states = [e.state for e in events if isinstance(e, FileProgress) and e.path == "w.bin"]
    assert FileState.UPLOADING in states
    assert states[-1] == FileState.DONE
    totals = [e for e in events if isinstance(e, TotalProgress)]
    assert totals[-1].bytes_done == totals[-1].bytes_total == len(content)
    assert totals[-1].files_done == 1


async def test_a_hub_without_xet_gets_classic_lfs(tmp_path: Path) -> None:
    for served in serve(tmp_path, "no-xet-hub", xet=False):
        async with client(served, tmp_path) as c:
            await c.create_repo("alice/classic")
            info = await c.upload_file(
                path_or_fileobj=data(300_000, 7), path_in_repo="w.bin", repo_id="alice/classic"
            )
            assert info.xet is None
            assert served.hub.log.count(origin="storage", method="PUT") >= 1
            assert len(served.hub.log.filter(path=r"/xet-write-token/", status=404)) == 1


async def test_xet_off_in_the_settings_gives_classic_lfs(served: ServedHub, tmp_path: Path) -> None:
    async with client(served, tmp_path, xet=False) as c:
        await c.create_repo("alice/off")
        info = await c.upload_file(
            path_or_fileobj=data(300_000, 8), path_in_repo="w.bin", repo_id="alice/off"
        )
        assert info.xet is None
        assert served.hub.log.count(origin="cas") == 0
        served.hub.log.clear()
        await c.hf_hub_download("alice/off", "w.bin")
        assert served.hub.log.count(origin="cas") == 0


async def test_hf_hub_disable_xet_is_honoured(
    served: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    assert HubSettings.from_env().xet is False
    monkeypatch.delenv("HF_HUB_DISABLE_XET")
    assert HubSettings.from_env().xet is True


async def test_an_in_process_hub_is_served_over_classic_lfs(tmp_path: Path) -> None:
    hub = standard_hub(LocalHub(tmp_path / "in-process"))
    try:
        async with AsyncHubClient(
            endpoint=hub.hub_url, token=ALICE_TOKEN, transport=hub.async_transport()
        ) as c:
            await c.create_repo("alice/inproc")
            info = await c.upload_file(
                path_or_fileobj=data(300_000, 9), path_in_repo="w.bin", repo_id="alice/inproc"
            )
            assert info.xet is None  # hf_xet cannot reach an in-process transport
            assert hub.log.count(origin="cas") == 0
    finally:
        hub.close()


async def test_a_classic_upload_is_downloaded_over_classic_lfs(
    served: ServedHub, tmp_path: Path
) -> None:
    async with client(served, tmp_path, xet=False) as c:
        await c.create_repo("alice/mixed")
        await c.upload_file(
            path_or_fileobj=data(1_300_000, 10), path_in_repo="w.bin", repo_id="alice/mixed"
        )
    served.hub.log.clear()
    async with client(served, tmp_path) as c:
        local = await c.hf_hub_download("alice/mixed", "w.bin", force_download=True)
        assert await anyio.Path(local).read_bytes() == data(1_300_000, 10)
    assert served.hub.log.count(origin="cas") == 0
    assert served.hub.log.count(origin="storage", method="GET") >= 1


async def test_snapshot_download_fetches_xet_files_through_xet(
    served: ServedHub, tmp_path: Path
) -> None:
    files = {"a.bin": data(1_400_000, 11), "sub/b.bin": data(1_300_000, 12), "c.txt": b"text"}
    async with client(served, tmp_path) as c:
        await c.create_repo("alice/snap")
        for name, content in files.items():
            await c.upload_file(path_or_fileobj=content, path_in_repo=name, repo_id="alice/snap")
        served.hub.log.clear()
        folder = Path(await c.snapshot_download("alice/snap"))
    for name, content in files.items():
        assert (folder / name).read_bytes() == content
    assert served.hub.log.count(origin="cas", path=r"^/v2/reconstructions/") == 2
    assert served.hub.log.count(origin="storage") == 0


async def test_cancelling_a_xet_upload_stops_it_and_commits_nothing(
    served: ServedHub, tmp_path: Path
) -> None:
    from hubclient.testing import FaultRule

    served.hub.faults.add(FaultRule(action="delay", delay=2.0, origin="cas", times=None))
    async with client(served, tmp_path) as c:
        await c.create_repo("alice/cancel")
        with anyio.move_on_after(0.5) as scope:
            await c.upload_file(
                path_or_fileobj=data(500_000, 13), path_in_repo="w.bin", repo_id="alice/cancel"
            )
        assert scope.cancelled_caught
        assert served.hub.log.count(path=r"/commit/") == 0
        files = [e.path async for e in c.list_repo_tree("alice/cancel")]
        assert "w.bin" not in files
