"""copy_files into a bucket, on the served local Hub: from a repo (Xet files server side by
hash, regular files downloaded and added, ``.gitattributes`` left behind) and from another
bucket (all server side), with the landing rules of ``cp -r``/rsync; what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient import (
    AsyncHubClient,
    BucketFile,
    EntryNotFoundError,
    HFValidationError,
    RepoFile,
)
from hubclient.testing import ServedHub
from tests.buckets.conftest import data, on_socket

pytestmark = pytest.mark.anyio

WEIGHTS = data(300_000, 7)


async def _bucket_files(client: AsyncHubClient, bucket: str) -> dict[str, BucketFile]:
    return {
        e.path: e
        async for e in client.list_bucket_tree(bucket, recursive=True)
        if isinstance(e, BucketFile)
    }


async def _seed_model(client: AsyncHubClient) -> dict[str, str]:
    """alice/src with an LFS file stored in Xet and two regular files; their Xet hashes."""
    await client.create_repo("alice/src")
    await client.upload_file(
        path_or_fileobj=WEIGHTS, path_in_repo="w/model.bin", repo_id="alice/src"
    )
    await client.upload_file(
        path_or_fileobj=b'{"a": 1}', path_in_repo="w/config.json", repo_id="alice/src"
    )
    await client.upload_file(
        path_or_fileobj=b"# src\n", path_in_repo="README.md", repo_id="alice/src"
    )
    hashes = {}
    async for entry in client.list_repo_tree("alice/src", recursive=True):
        if isinstance(entry, RepoFile) and entry.xet_hash is not None:
            hashes[entry.path] = entry.xet_hash
    return hashes


async def test_a_repo_into_a_bucket(served: ServedHub, tmp_path: Path) -> None:
    hub = served.hub
    async with on_socket(served, tmp_path) as client:
        hashes = await _seed_model(client)
        assert set(hashes) == {"w/model.bin"}  # the LFS file is in Xet, the others are not
        await client.create_bucket("alice/backup")

        hub.log.clear()
        await client.copy_files("hf://alice/src", "hf://buckets/alice/backup/")
        files = await _bucket_files(client, "alice/backup")
        # the whole repo nests under its root (the destination is the bucket's root)
        assert set(files) == {"w/model.bin", "w/config.json", "README.md"}
        assert files["w/model.bin"].xet_hash == hashes["w/model.bin"]
        assert files["w/model.bin"].size == len(WEIGHTS)
        # the Xet file moved no byte: only the regular files went to the CAS
        sent = hub.log.bytes_sent(origin="cas", method="POST")
        assert sent < len(WEIGHTS)
        got = tmp_path / "got.bin"
        await client.download_bucket_files("alice/backup", [("w/model.bin", got)])
        assert got.read_bytes() == WEIGHTS

        # a folder into an existing folder nests; with a trailing / its contents merge
        await client.copy_files("hf://alice/src/w", "hf://buckets/alice/backup/w")
        await client.copy_files("hf://alice/src/w/", "hf://buckets/alice/backup/flat/")
        files = await _bucket_files(client, "alice/backup")
        assert {"w/w/model.bin", "w/w/config.json", "flat/model.bin", "flat/config.json"} <= set(
            files
        )
        # one file onto a new name
        await client.copy_files("hf://alice/src/w/config.json", "hf://buckets/alice/backup/c.json")
        files = await _bucket_files(client, "alice/backup")
        assert files["c.json"].size == len(b'{"a": 1}')


async def test_a_bucket_into_a_bucket_is_all_server_side(served: ServedHub, tmp_path: Path) -> None:
    hub = served.hub
    async with on_socket(served, tmp_path) as client:
        await client.create_bucket("alice/one")
        await client.create_bucket("alice/two")
        await client.batch_bucket_files(
            "alice/one",
            add=[
                (data(50_000, 1), "logs/a.bin"),
                (data(10_000, 2), "logs/b.bin"),
                (b"x", "logs.json"),
            ],
        )
        hub.log.clear()
        await client.copy_files("hf://buckets/alice/one/logs", "hf://buckets/alice/two/")
        await client.copy_files("hf://buckets/alice/one/logs.json", "hf://buckets/alice/two/kept/")
        assert hub.log.count(origin="cas", method="POST") == 0
        one = await _bucket_files(client, "alice/one")
        two = await _bucket_files(client, "alice/two")
        # "logs" is the folder only, not logs.json beside it
        assert set(two) == {"logs/a.bin", "logs/b.bin", "kept/logs.json"}
        assert two["logs/a.bin"].xet_hash == one["logs/a.bin"].xet_hash


async def test_what_is_refused(served: ServedHub, tmp_path: Path) -> None:
    async with on_socket(served, tmp_path) as client:
        await client.create_repo("alice/dst")
        await client.create_bucket("alice/b")
        with pytest.raises(HFValidationError, match="Bucket-to-repo"):
            await client.copy_files("hf://buckets/alice/b/x.bin", "hf://alice/dst/")
        with pytest.raises(EntryNotFoundError):
            await client.copy_files("hf://buckets/alice/b/nothing", "hf://buckets/alice/b/else/")
        with pytest.raises(HFValidationError):
            await client.copy_files("hf://buckets/alice/b@v1/x", "hf://buckets/alice/b/")


async def test_the_same_copies_as_huggingface_hub(
    served: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both clients copy the same sources into a bucket each: the same files land, with the
    same sizes and Xet hashes."""
    import anyio.to_thread
    from huggingface_hub import HfApi, constants

    from hubclient.testing import ALICE_TOKEN

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "their-cache"))
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    theirs = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
    async with on_socket(served, tmp_path) as client:
        await _seed_model(client)
        await client.create_bucket("alice/src-bucket")
        await client.batch_bucket_files(
            "alice/src-bucket", add=[(data(20_000, 3), "d/x.bin"), (b"y", "d/y.txt")]
        )
        copies = (
            ("hf://alice/src", ""),
            ("hf://alice/src/w/", "flat/"),
            ("hf://alice/src/w/model.bin", "one/"),
            ("hf://buckets/alice/src-bucket/d", "from-bucket"),
        )
        for name in ("ours", "theirs"):
            await client.create_bucket(f"alice/{name}")
            for source, target in copies:
                destination = f"hf://buckets/alice/{name}/{target}"
                if name == "ours":
                    await client.copy_files(source, destination)
                else:
                    await anyio.to_thread.run_sync(theirs.copy_files, source, destination)

        def key(files: dict[str, BucketFile]) -> dict[str, tuple[int, str]]:
            return {p: (f.size, f.xet_hash) for p, f in files.items()}

        ours = key(await _bucket_files(client, "alice/ours"))
        assert ours == key(await _bucket_files(client, "alice/theirs"))
        assert {"README.md", "flat/config.json", "one/model.bin", "from-bucket/x.bin"} <= set(ours)


async def test_many_regular_files_and_a_failing_download(served: ServedHub, tmp_path: Path) -> None:
    """Regular files are downloaded several at once, each to its place; when one cannot be
    downloaded the copy raises that typed error and the bucket gets nothing."""
    from hubclient.testing import FaultRule

    hub = served.hub
    files = {f"cfg/{i:02}.json": f'{{"n": {i}}}'.encode() for i in range(20)}
    hub.seed_repo("alice/many", files)
    async with on_socket(served, tmp_path) as client:
        await client.create_bucket("alice/dest")
        await client.copy_files("hf://alice/many/cfg/", "hf://buckets/alice/dest/c/")
        landed = await _bucket_files(client, "alice/dest")
        assert {p: f.size for p, f in landed.items()} == {
            f"c/{p.split('/')[1]}": len(v) for p, v in files.items()
        }

        await client.create_bucket("alice/empty")
        hub.faults.add(FaultRule(status=404, path=r"/resolve/.*/cfg/07\.json$", times=None))
    # a client with an empty cache, so that the files are downloaded again
    async with on_socket(served, tmp_path / "second") as fresh:
        # a 404 without an error code on the file's HEAD: what hf_hub_download raises then
        with pytest.raises(EntryNotFoundError, match=r"07\.json"):
            await fresh.copy_files("hf://alice/many/cfg/", "hf://buckets/alice/empty/")
        assert await _bucket_files(fresh, "alice/empty") == {}
