"""Bucket files end to end against the served local Hub: uploads through Xet (paths, bytes,
file objects; only new chunks sent), the tree and paths-info, file metadata, downloads through
hf_xet and over plain HTTP (the CAS bridge), server-side copies, deletes, partial failures,
and bad input refused before anything is sent."""

from __future__ import annotations

import io
import os
from pathlib import Path

import anyio
import pytest

from hubclient import (
    BucketBatchError,
    BucketFile,
    BucketFolder,
    DownloadOptions,
    EntryNotFoundError,
    HFValidationError,
    RemoteEntryNotFoundError,
    XetRequiredError,
)
from hubclient.buckets import _batch
from hubclient.progress import ProgressEvent, TotalProgress
from hubclient.testing import BOB_TOKEN, FaultRule, LocalHub, ServedHub
from tests.buckets.conftest import data, in_process, on_socket

pytestmark = pytest.mark.anyio


def cas_bytes_sent(hub: LocalHub) -> int:
    return hub.log.bytes_sent(origin="cas", method="POST")


async def test_add_files_list_them_and_download_them_back(
    served: ServedHub, tmp_path: Path
) -> None:
    hub = served.hub
    weights = data(2_500_000, 1)
    on_disk = tmp_path / "model.safetensors"
    on_disk.write_bytes(weights)
    os.utime(on_disk, (1_700_000_000, 1_700_000_000))
    contents = {
        "models/v1/model.safetensors": weights,
        "config.json": b'{"hidden": 8}',
        "logs/stream.bin": data(700_000, 2),
        "empty.txt": b"",
    }
    events: list[ProgressEvent] = []
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/ckpt")
        hub.log.clear()
        result = await c.batch_bucket_files(
            "alice/ckpt",
            add=[
                (on_disk, "models/v1/model.safetensors"),
                (contents["config.json"], "config.json"),
                (io.BytesIO(contents["logs/stream.bin"]), "logs/stream.bin"),
                (b"", "empty.txt"),
            ],
            progress=events.append,
        )
        assert set(result.added) == set(contents)
        assert result.xet is not None
        assert result.xet.total_bytes == sum(len(v) for v in contents.values())
        assert hub.log.count(origin="hub", method="GET", path=r"/xet-write-token$") == 1
        assert hub.log.count(origin="cas", method="POST", path=r"^/v1/xorbs/") >= 1
        (batch,) = hub.log.filter(origin="hub", method="POST", path=r"/batch$")
        assert batch.status == 200
        assert hub.log.count(origin="storage") == 0
        final = [e for e in events if isinstance(e, TotalProgress)][-1]
        assert final.files_done == final.files_total == 4
        assert final.bytes_done == final.bytes_total == sum(len(v) for v in contents.values())

        info = await c.bucket_info("alice/ckpt")
        assert (info.total_files, info.size) == (4, sum(len(v) for v in contents.values()))

        root = [e async for e in c.list_bucket_tree("alice/ckpt")]
        assert [(type(e).__name__, e.path) for e in root] == [
            ("BucketFile", "config.json"),
            ("BucketFile", "empty.txt"),
            ("BucketFolder", "logs"),
            ("BucketFolder", "models"),
        ]
        everything = {e.path: e async for e in c.list_bucket_tree("alice/ckpt", recursive=True)}
        assert set(everything) == set(contents)
        model = everything["models/v1/model.safetensors"]
        assert isinstance(model, BucketFile)
        assert model.size == len(weights)
        assert model.xet_hash == result.added["models/v1/model.safetensors"]
        assert model.mtime is not None
        assert int(model.mtime.timestamp()) == 1_700_000_000  # the local file's mtime
        under = [e.path async for e in c.list_bucket_tree("alice/ckpt", "models/v1")]
        assert under == ["models/v1/model.safetensors"]
        folders = [e async for e in c.list_bucket_tree("alice/ckpt", "models")]
        assert [(type(e), e.path) for e in folders] == [(BucketFolder, "models/v1")]

        found = [
            f.path
            async for f in c.get_bucket_paths_info(
                "alice/ckpt", ["config.json", "nope.bin", "models/v1/model.safetensors"]
            )
        ]
        assert sorted(found) == ["config.json", "models/v1/model.safetensors"]

        meta = await c.get_bucket_file_metadata("alice/ckpt", "models/v1/model.safetensors")
        assert meta.size == len(weights)
        assert meta.xet_file_data.file_hash == model.xet_hash
        assert meta.xet_file_data.refresh_route.endswith("/api/buckets/alice/ckpt/xet-read-token")
        with pytest.raises(RemoteEntryNotFoundError):
            await c.get_bucket_file_metadata("alice/ckpt", "nope.bin")

        stream = everything["logs/stream.bin"]
        assert isinstance(stream, BucketFile)
        hub.log.clear()
        out = tmp_path / "out"
        await c.download_bucket_files(
            "alice/ckpt",
            [
                ("models/v1/model.safetensors", out / "model.safetensors"),
                (stream, out / "deep" / "stream.bin"),
                ("config.json", str(out / "config.json")),
                ("empty.txt", out / "empty.txt"),
            ],
        )
        assert (out / "model.safetensors").read_bytes() == weights
        assert (out / "deep" / "stream.bin").read_bytes() == contents["logs/stream.bin"]
        assert (out / "config.json").read_bytes() == contents["config.json"]
        assert (out / "empty.txt").read_bytes() == b""
        assert hub.log.count(origin="cas", method="GET", path=r"^/v2/reconstructions/") >= 1
        assert hub.log.count(origin="cas", path=r"^/bridge/") == 0  # all through hf_xet
        assert not [p for p in out.rglob("*") if p.name.endswith(".incomplete")]


async def test_downloads_without_hf_xet_go_over_plain_http(
    served: ServedHub, tmp_path: Path
) -> None:
    content = data(1_200_000, 3)
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/plain")
        await c.batch_bucket_files("alice/plain", add=[(content, "a.bin"), (b"tiny", "b.txt")])
    hub = served.hub
    hub.log.clear()
    async with on_socket(served, tmp_path, xet=False) as c:
        await c.download_bucket_files(
            "alice/plain", [("a.bin", tmp_path / "a.bin"), ("b.txt", tmp_path / "b.txt")]
        )
    assert (tmp_path / "a.bin").read_bytes() == content
    assert (tmp_path / "b.txt").read_bytes() == b"tiny"
    assert hub.log.count(origin="hub", path=r"^/buckets/alice/plain/resolve/") == 2
    assert hub.log.count(origin="cas", method="GET", path=r"^/bridge/") >= 2
    assert hub.log.count(origin="cas", path=r"^/v[12]/reconstructions/") == 0
    # the bridge is presigned: no bearer token leaves the Hub's origin
    for record in hub.log.filter(origin="cas", path=r"^/bridge/"):
        assert "authorization" not in {k.lower() for k in record.headers}


async def test_a_changed_file_sends_only_its_changed_chunks(
    served: ServedHub, tmp_path: Path
) -> None:
    size = 3_000_000
    first = data(size, 4)
    second = first[: size // 2] + data(40_000, 5) + first[size // 2 + 40_000 :]
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/dedup")
        await c.batch_bucket_files("alice/dedup", add=[(first, "w.bin")])
        served.hub.log.clear()
        result = await c.batch_bucket_files("alice/dedup", add=[(second, "w.bin")])
        assert result.xet is not None
        assert result.xet.deduped_bytes > size * 0.8
        assert cas_bytes_sent(served.hub) < size * 0.2
        await c.download_bucket_files("alice/dedup", [("w.bin", tmp_path / "w.bin")])
        assert (tmp_path / "w.bin").read_bytes() == second


async def test_copies_are_server_side_and_deletes_remove(served: ServedHub, tmp_path: Path) -> None:
    hub = served.hub
    content = data(900_000, 6)
    repo_file = data(1_100_000, 7)
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/src")
        await c.create_bucket("alice/dst")
        added = await c.batch_bucket_files("alice/src", add=[(content, "a.bin")])
        await c.create_repo("alice/model")
        await c.upload_file(path_or_fileobj=repo_file, path_in_repo="w.bin", repo_id="alice/model")
        (entry,) = await c.get_paths_info("alice/model", ["w.bin"])
        repo_hash = getattr(entry, "xet_hash", None)
        assert repo_hash
        hub.log.clear()
        result = await c.batch_bucket_files(
            "alice/dst",
            copy=[
                ("bucket", "alice/src", added.added["a.bin"], "from-bucket/a.bin"),
                ("model", "alice/model", repo_hash, "from-model/w.bin"),
            ],
        )
        assert result.copied == 2
        assert hub.log.count(origin="cas") == 0  # nothing read, nothing sent
        await c.download_bucket_files(
            "alice/dst",
            [("from-bucket/a.bin", tmp_path / "a.bin"), ("from-model/w.bin", tmp_path / "w.bin")],
        )
        assert (tmp_path / "a.bin").read_bytes() == content
        assert (tmp_path / "w.bin").read_bytes() == repo_file

        result = await c.batch_bucket_files("alice/dst", delete=["from-bucket/a.bin"])
        assert result.deleted == 1
        paths = [e.path async for e in c.list_bucket_tree("alice/dst", recursive=True)]
        assert paths == ["from-model/w.bin"]
        # the source keeps its file
        assert [e.path async for e in c.list_bucket_tree("alice/src")] == ["a.bin"]
    async with on_socket(served, tmp_path, token=BOB_TOKEN) as bob:
        await bob.create_bucket("bob/mine")
        await c_private(served, tmp_path)
        with pytest.raises(BucketBatchError) as caught:
            await bob.batch_bucket_files(
                "bob/mine", copy=[("bucket", "alice/hidden", added.added["a.bin"], "x.bin")]
            )
        assert "not found" in caught.value.failures[0]["error"]


async def c_private(served: ServedHub, tmp_path: Path) -> None:
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/hidden", private=True, exist_ok=True)
        await c.batch_bucket_files("alice/hidden", add=[(data(900_000, 6), "a.bin")])


async def test_refused_operations_raise_once_the_rest_is_applied(
    served: ServedHub, tmp_path: Path
) -> None:
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/partial")
        with pytest.raises(BucketBatchError) as caught:
            await c.batch_bucket_files(
                "alice/partial",
                add=[(b"kept", "kept.txt")],
                copy=[("bucket", "alice/partial", "ab" * 32, "ghost.bin")],
                delete=["never-there.txt"],
            )
        error = caught.value
        assert sorted(f["path"] for f in error.failures) == ["ghost.bin", "never-there.txt"]
        assert "2 out of 3" in str(error)
        assert error.status_code == 200
        paths = [e.path async for e in c.list_bucket_tree("alice/partial")]
        assert paths == ["kept.txt"]  # the batch is not transactional
        with pytest.raises(BucketBatchError) as caught:
            await c.batch_bucket_files("alice/partial", delete=["a", "b"])
        assert caught.value.status_code == 422  # every operation refused


async def test_large_batches_go_in_chunks_and_collect_every_refusal(
    served: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_batch, "CHUNK", 2)
    hub = served.hub
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/many")
        hub.log.clear()
        with pytest.raises(BucketBatchError) as caught:
            await c.batch_bucket_files(
                "alice/many",
                add=[(f"file {i}".encode(), f"f{i}.txt") for i in range(5)],
                delete=["missing-1", "missing-2", "missing-3"],
            )
        assert [f["path"] for f in caught.value.failures] == ["missing-1", "missing-2", "missing-3"]
        assert hub.log.count(origin="hub", method="POST", path=r"/batch$") == 3 + 2
        assert len([e async for e in c.list_bucket_tree("alice/many")]) == 5


async def test_bad_input_is_refused_before_anything_is_sent(
    served: ServedHub, tmp_path: Path
) -> None:
    hub = served.hub
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/strict")
        hub.log.clear()
        bad_adds = [
            [(b"x", "../escape.txt")],
            [(b"x", "/abs.txt")],
            [(b"x", "a//b.txt")],
            [(b"x", "dir/")],
            [(b"x", "back\\slash.txt")],
            [(b"x", "ctl\x00.txt")],
            [(b"x", "x" * 1100)],
            [(b"x",)],
        ]
        for add in bad_adds:
            with pytest.raises(HFValidationError):
                await c.batch_bucket_files("alice/strict", add=add)  # type: ignore[arg-type]
        with pytest.raises(FileNotFoundError):
            await c.batch_bucket_files("alice/strict", add=[(tmp_path / "nope.bin", "a.bin")])
        for copy in (
            ("bucket", "alice/strict", "not-a-hash", "a.bin"),
            ("gist", "alice/strict", "ab" * 32, "a.bin"),
            ("bucket", "no-namespace", "ab" * 32, "a.bin"),
            ("bucket", "alice/strict", "ab" * 32),
        ):
            with pytest.raises(HFValidationError):
                await c.batch_bucket_files("alice/strict", copy=[copy])  # type: ignore[list-item]
        with pytest.raises(HFValidationError):
            await c.batch_bucket_files("alice/strict", delete=["../x"])
        with pytest.raises(HFValidationError):
            _ = [f async for f in c.get_bucket_paths_info("alice/strict", ["ok", "../x"])]
        # an empty batch sends nothing either
        result = await c.batch_bucket_files("alice/strict")
        assert (result.added, result.copied, result.deleted) == ({}, 0, 0)
        assert hub.log.count() == 0
        assert [e async for e in c.list_bucket_tree("alice/strict")] == []


async def test_missing_files_warn_or_raise(served: ServedHub, tmp_path: Path) -> None:
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/some")
        await c.batch_bucket_files("alice/some", add=[(b"here", "here.txt")])
        with pytest.warns(UserWarning, match=r"gone\.txt"):
            await c.download_bucket_files(
                "alice/some",
                [("here.txt", tmp_path / "here.txt"), ("gone.txt", tmp_path / "gone.txt")],
            )
        assert (tmp_path / "here.txt").read_bytes() == b"here"
        assert not (tmp_path / "gone.txt").exists()
        with pytest.raises(EntryNotFoundError, match=r"gone\.txt"):
            await c.download_bucket_files(
                "alice/some", [("gone.txt", tmp_path / "g.txt")], raise_on_missing_files=True
            )
        (tmp_path / "a-dir").mkdir()
        with pytest.raises(IsADirectoryError):
            await c.download_bucket_files("alice/some", [("here.txt", tmp_path / "a-dir")])


async def test_a_cancelled_download_leaves_no_file(served: ServedHub, tmp_path: Path) -> None:
    content = data(4_000_000, 8)
    async with on_socket(served, tmp_path, xet=False) as c:
        await c.create_bucket("alice/slow")
        await c.batch_bucket_files("alice/slow", add=[(content, "big.bin")])
        target = tmp_path / "dl" / "big.bin"
        with anyio.move_on_after(0.05):
            await c.download_bucket_files("alice/slow", [("big.bin", target)])
        assert not target.exists() or target.read_bytes() == content
        assert not list((tmp_path / "dl").rglob("*.incomplete"))


async def test_uploads_need_hf_xet_and_say_so(
    hub: LocalHub, served: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with in_process(hub) as c:
        await c.create_bucket("alice/in-process")
        hub.log.clear()
        with pytest.raises(XetRequiredError, match="transport"):
            await c.batch_bucket_files("alice/in-process", add=[(b"x", "x.txt")])
        assert hub.log.count() == 0
        # deletes and copies need no Xet transfer
        with pytest.raises(BucketBatchError):
            await c.batch_bucket_files("alice/in-process", delete=["nothing"])
    monkeypatch.setattr(_batch, "hf_xet", lambda: None)
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/no-extra")
        with pytest.raises(XetRequiredError, match=r"hubclient\[xet\]"):
            await c.batch_bucket_files("alice/no-extra", add=[(b"x", "x.txt")])


async def test_plain_http_downloads_resume_and_go_in_ranges(
    served: ServedHub, tmp_path: Path
) -> None:
    hub = served.hub
    big, cut = data(3_000_000, 9), data(2_000_000, 10)
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/ranges")
        await c.batch_bucket_files("alice/ranges", add=[(big, "big.bin"), (cut, "cut.bin")])
    options = DownloadOptions(parallel_threshold=1_000_000, part_size=512 * 1024)
    hub.log.clear()
    hub.faults.add(
        FaultRule(action="truncate", origin="cas", path=r"^/bridge/", after_bytes=300_000)
    )
    async with on_socket(served, tmp_path, xet=False) as c:
        await c.download_bucket_files(
            "alice/ranges",
            [("big.bin", tmp_path / "big.bin"), ("cut.bin", tmp_path / "cut.bin")],
            options=options,
        )
    assert (tmp_path / "big.bin").read_bytes() == big
    assert (tmp_path / "cut.bin").read_bytes() == cut
    gets = hub.log.filter(origin="cas", path=r"^/bridge/")
    assert len([r for r in gets if r.status == 206]) >= 6  # both files in 512 KiB parts
    (cut_off,) = [r for r in gets if r.fault == "truncate"]
    start = int(cut_off.headers["range"].removeprefix("bytes=").split("-")[0])
    again = f"bytes={start + 300_000}-"
    resumed = [r for r in gets if r.headers.get("range", "").startswith(again)]
    assert len(resumed) == 1  # the cut part went on from where it stopped
