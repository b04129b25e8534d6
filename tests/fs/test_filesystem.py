"""HubFileSystem: the Hub through fsspec (listing, reading by ranges, writing by commits), and
pandas/pyarrow reading one column of a parquet file by the ranges they need."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from hubclient import AsyncHubClient
from hubclient.fs import HubFileSystem, parse_path
from hubclient.testing import ALICE_TOKEN, LocalHub
from tests.download.conftest import payload

BIG = payload(3 * 2**20 + 17, 3)
FILES = {
    "README.md": b"# data\n",
    "config.json": json.dumps({"a": 1}).encode(),
    "data/train.bin": BIG,
    "data/sub/x.txt": b"x" * 10,
    "data/sub/y.txt": b"y" * 20,
}


@pytest.fixture
def hub(local_hub: LocalHub) -> LocalHub:
    local_hub.seed_repo("alice/data", FILES, repo_type="dataset")
    return local_hub


@pytest.fixture
def fs(hub: LocalHub) -> Iterator[HubFileSystem]:
    client = AsyncHubClient(hub.hub_url, token=ALICE_TOKEN, transport=hub.async_transport())
    filesystem = HubFileSystem(client=client, skip_instance_cache=True)
    yield filesystem
    filesystem.close()


def test_paths_are_spelled_as_hf_paths() -> None:
    p = parse_path("hubclient://datasets/acme/corpus@refs%2Fpr%2F3/a/b.txt")
    assert (p.repo_type, p.repo_id, p.revision, p.path_in_repo) == (
        "dataset",
        "acme/corpus",
        "refs/pr/3",
        "a/b.txt",
    )
    assert parse_path("acme/model@refs/pr/3/x").revision == "refs/pr/3"
    assert parse_path("spaces/acme/demo").root == "spaces/acme/demo"
    assert parse_path("acme/model/file@2.txt").path_in_repo == "file@2.txt"
    assert str(parse_path("datasets/acme/d@v 1/x")) == "datasets/acme/d@v%201/x"
    for bad in ("", "acme", "dataset/acme/x", "acme/m@"):
        with pytest.raises(ValueError):  # noqa: PT011 - the message varies by case
            parse_path(bad)


def test_listing_and_info(fs: HubFileSystem, hub: LocalHub) -> None:
    root = "datasets/alice/data"
    assert sorted(fs.ls(root, detail=False)) == [
        f"{root}/.gitattributes",
        f"{root}/README.md",
        f"{root}/config.json",
        f"{root}/data",
    ]
    assert fs.info(f"{root}/data/train.bin")["size"] == len(BIG)
    assert fs.info(f"{root}/data/train.bin")["lfs"]["sha256"]
    assert fs.isdir(f"{root}/data/sub")
    assert fs.isfile(f"{root}/config.json")
    assert not fs.exists(f"{root}/missing.txt")
    assert fs.find(root) == sorted(f"{root}/{p}" for p in [*FILES, ".gitattributes"])
    assert fs.glob(f"{root}/**/*.txt") == [f"{root}/data/sub/x.txt", f"{root}/data/sub/y.txt"]
    assert fs.find(f"{root}/data", maxdepth=1) == [f"{root}/data/train.bin"]
    hub.log.clear()
    fs.find(root)
    assert fs.info(f"{root}/data/sub/y.txt")["size"] == 20  # from the listing: no request
    assert fs.ls(f"{root}/data/sub", detail=False) == [
        f"{root}/data/sub/x.txt",
        f"{root}/data/sub/y.txt",
    ]
    assert hub.log.count(origin="hub", path="/paths-info/") == 0
    with pytest.raises(FileNotFoundError):
        fs.info("datasets/alice/nope/x")
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{root}@no-such-branch")


def test_reading_by_ranges(fs: HubFileSystem, hub: LocalHub) -> None:
    path = "datasets/alice/data/data/train.bin"
    assert fs.cat_file("datasets/alice/data/config.json") == FILES["config.json"]
    hub.log.clear()
    assert fs.cat_file(path, start=10, end=20) == BIG[10:20]
    assert fs.cat_file(path, start=-5) == BIG[-5:]
    got = fs.cat_ranges([path, path, path], [0, 2**20, len(BIG) - 3], [4, 2**20 + 4, None])
    assert got == [BIG[:4], BIG[2**20 : 2**20 + 4], BIG[-3:]]
    # one HEAD for the file, then only the asked bytes
    assert hub.log.count(origin="hub", method="HEAD") == 1
    assert sum(r.response_bytes for r in hub.log.filter(origin="storage")) < 100
    with fs.open(path, "rb") as f:
        f.seek(len(BIG) - 100)
        assert f.read() == BIG[-100:]
        f.seek(0)
        assert f.read(5) == BIG[:5]
    local = fsspec.open(
        "hubclient://datasets/alice/data/README.md", client=fs.client, skip_instance_cache=True
    )
    with local as f:
        assert f.read() == FILES["README.md"]


def test_revisions_in_the_path_are_pinned(fs: HubFileSystem, hub: LocalHub) -> None:
    first = hub.seed_repo("alice/data", {"config.json": b"{}"}, repo_type="dataset", message="b")
    hub.seed_repo("alice/data", {"config.json": b"[]"}, repo_type="dataset", message="c")
    assert fs.cat_file(f"datasets/alice/data@{first}/config.json") == b"{}"
    assert fs.cat_file("datasets/alice/data/config.json") == b"[]"
    hub.seed_repo("alice/data", {"config.json": b"null"}, repo_type="dataset", message="d")
    assert fs.cat_file("datasets/alice/data/config.json") == b"[]"  # resolved once
    fs.invalidate_cache()
    assert fs.cat_file("datasets/alice/data/config.json") == b"null"


def test_writing_through_commits(fs: HubFileSystem, hub: LocalHub, tmp_path: Path) -> None:
    root = "datasets/alice/data"
    fs.pipe_file(f"{root}/new/hello.txt", b"hello")
    assert fs.cat_file(f"{root}/new/hello.txt") == b"hello"
    folder = tmp_path / "out"
    (folder / "deep").mkdir(parents=True)
    for i in range(5):
        (folder / f"f{i}.txt").write_bytes(b"%d" % i)
    (folder / "deep" / "z.bin").write_bytes(payload(100_000, 9))
    hub.log.clear()
    fs.put(str(folder), f"{root}/uploaded", recursive=True)
    assert hub.log.count(origin="hub", method="POST", path="/commit/") == 1  # one commit
    assert fs.cat_file(f"{root}/uploaded/deep/z.bin") == payload(100_000, 9)
    assert len(fs.find(f"{root}/uploaded")) == 6
    with fs.open(f"{root}/written.bin", "wb") as f:
        f.write(b"a" * 1000)
        f.write(b"b" * 1000)
    assert fs.cat_file(f"{root}/written.bin") == b"a" * 1000 + b"b" * 1000
    fs.cp_file(f"{root}/config.json", f"{root}/copy.json")
    assert fs.cat_file(f"{root}/copy.json") == FILES["config.json"]
    hub.log.clear()
    fs.rm(f"{root}/uploaded", recursive=True)
    assert hub.log.count(origin="hub", method="POST", path="/commit/") == 1
    assert not fs.exists(f"{root}/uploaded/f0.txt")
    get_to = tmp_path / "got.bin"
    fs.get_file(f"{root}/data/train.bin", str(get_to))
    assert get_to.read_bytes() == BIG


def test_pandas_reads_one_column_by_ranges(fs: HubFileSystem, hub: LocalHub) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rows = 200_000
    frame = pd.DataFrame(
        {
            "id": range(rows),
            "text": [f"row {i} " + "x" * 40 for i in range(rows)],
            "score": [i * 0.5 for i in range(rows)],
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, row_group_size=50_000, compression=None)
    data = buffer.getvalue()
    hub.seed_repo("alice/table", {"t.parquet": data}, repo_type="dataset")
    hub.log.clear()
    column = pd.read_parquet("datasets/alice/table/t.parquet", columns=["id"], filesystem=fs)
    assert column["id"].tolist() == list(range(rows))
    fetched = sum(r.response_bytes for r in hub.log.filter(origin="storage"))
    assert fetched < len(data) / 2, (fetched, len(data))
