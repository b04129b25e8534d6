"""The engine's local pieces: patterns, sources, hashing, the byte budget, the NDJSON lines."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import warnings
from pathlib import Path

import anyio
import pytest

from hubclient.models.commits import CommitFileLine, CommitFileValue
from hubclient.upload._budget import ByteBudget
from hubclient.upload._commit import _b64_len, _ContentLine
from hubclient.upload._hashing import git_blob_sha1, hash_source
from hubclient.upload._patterns import filter_paths, list_local_files
from hubclient.upload._source import BytesSource, FileObjSource, PathSource, source_for


def test_filter_paths_allow_ignore_and_folders() -> None:
    paths = ["a.bin", "b.txt", "logs/x.txt", "logs/deep/y.txt", "c.TXT"]
    assert list(filter_paths(paths, allow_patterns="*.txt")) == [
        "b.txt",
        "logs/x.txt",
        "logs/deep/y.txt",
    ]
    assert list(filter_paths(paths, allow_patterns=["*.txt"], ignore_patterns="logs/")) == ["b.txt"]
    assert list(filter_paths(paths)) == paths
    assert list(filter_paths(paths, allow_patterns=[])) == []
    assert list(filter_paths(paths, ignore_patterns=[])) == paths
    assert list(filter_paths(paths, allow_patterns="*.TXT")) == ["c.TXT"]  # case-sensitive
    assert list(filter_paths(["a[1].txt", "a1.txt"], allow_patterns="a[[]1].txt")) == ["a[1].txt"]


def test_list_local_files_is_sorted_and_relative(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "sub" / "a.txt").write_text("a")
    (tmp_path / "sub" / "deeper" / "c.txt").write_text("c")
    rels = [rel for rel, _ in list_local_files(tmp_path)]
    assert rels == ["b.txt", "sub/a.txt", "sub/deeper/c.txt"]
    with pytest.raises(ValueError, match="not a directory"):
        list_local_files(tmp_path / "b.txt")


def test_sources_read_by_offset_and_keep_file_positions(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10
    path = tmp_path / "f"
    path.write_bytes(data)
    fileobj = io.BytesIO(data)
    fileobj.seek(7)
    for source in (PathSource(str(path)), BytesSource(data), FileObjSource(fileobj)):
        assert source.size == len(data)
        assert source.sample() == data[:512]
        reader = source.open()
        assert reader.read_at(100, 50) == data[100:150]
        assert reader.read_at(len(data) - 3, 10) == data[-3:]
        reader.close()
        assert source.read_all() == data
    assert fileobj.tell() == 7
    assert isinstance(source_for(b"x"), BytesSource)


@pytest.mark.anyio
async def test_hashing_streams_and_matches_hashlib(tmp_path: Path) -> None:
    data = b"0123456789" * 10_000
    path = tmp_path / "f"
    path.write_bytes(data)
    seen: list[int] = []
    digests = await hash_source(
        PathSource(str(path)), sha256=True, sha1=True, chunk_size=4096, on_progress=seen.append
    )
    assert digests.sha256 == hashlib.sha256(data).hexdigest()
    assert digests.sha1 == git_blob_sha1(data)
    assert seen[-1] == len(data)
    assert len(seen) == -(-len(data) // 4096)
    only = await hash_source(BytesSource(b""), sha256=False, sha1=True)
    assert only.sha256 is None
    assert only.sha1 == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's empty blob


@pytest.mark.anyio
async def test_byte_budget_bounds_what_is_held() -> None:
    budget = ByteBudget(10)
    await budget.acquire(6)
    order: list[str] = []

    async def second() -> None:
        await budget.acquire(6)
        order.append("second")
        budget.release(6)

    async with anyio.create_task_group() as tg:
        tg.start_soon(second)
        await anyio.sleep(0.01)
        order.append("first releases")
        budget.release(6)
    assert order == ["first releases", "second"]
    assert budget.peak == 6
    await budget.acquire(50)  # more than the whole budget passes when alone
    budget.release(50)
    with pytest.raises(ValueError, match="positive"):
        ByteBudget(0)


def test_content_line_length_is_exact() -> None:
    for size in (0, 1, 2, 3, 4, 1000):
        content = bytes(size)
        line = _ContentLine.build('dir/na"me é.txt', None, content)
        full = line.prefix + base64.b64encode(content) + line.suffix
        assert len(full) == line.size
        b64 = base64.b64encode(content).decode()
        model = CommitFileLine(value=CommitFileValue(content=b64, path='dir/na"me é.txt'))
        assert full == json.dumps(model.wire()).encode() + b"\n"
        assert _b64_len(size) == len(base64.b64encode(content))
        parsed = json.loads(full)
        assert parsed == {
            "key": "file",
            "value": {
                "content": base64.b64encode(content).decode(),
                "path": 'dir/na"me é.txt',
                "encoding": "base64",
            },
        }


def test_overwriting_operations_warn_like_huggingface_hub() -> None:
    from hubclient import CommitOperationAdd, CommitOperationDelete
    from hubclient.upload._commit import _warn_on_overwrites

    with pytest.warns(UserWarning, match="same file twice"):
        _warn_on_overwrites(
            [CommitOperationAdd("a/b.txt", b"1"), CommitOperationAdd("a/b.txt", b"2")]
        )
    with pytest.warns(UserWarning, match="folder holding files"):
        _warn_on_overwrites([CommitOperationAdd("a/b.txt", b"1"), CommitOperationDelete("a/")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _warn_on_overwrites([CommitOperationDelete("a/"), CommitOperationAdd("a/b.txt", b"1")])
