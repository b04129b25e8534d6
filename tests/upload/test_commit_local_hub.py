"""create_commit and friends against the in-process local Hub (asyncio and trio)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import anyio
import pytest

from hubclient import (
    AsyncHubClient,
    CommitConflictError,
    CommitOperation,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressEvent,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    TotalProgress,
    UploadOptions,
)
from hubclient.errors import HfHubHTTPError
from hubclient.testing import FaultRule, LocalHub
from tests.upload.conftest import SMALL_CHUNK, head_sha, read_back

pytestmark = pytest.mark.anyio

REPO = "alice/model"


def blob(size: int, seed: int = 0) -> bytes:
    """Deterministic bytes that do not look like text (so the Hub picks LFS for big ones)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d-%d" % (seed, counter)).digest()
        counter += 1
    return bytes(out[:size])


async def test_regular_lfs_and_multipart_round_trip(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(5 * SMALL_CHUNK + 123, seed=1))  # multipart: 6 parts
    single = blob(SMALL_CHUNK + 5, seed=2)  # LFS, one PUT
    ops = [
        CommitOperationAdd("text/hello.txt", b"hello world\n"),
        CommitOperationAdd("empty.txt", b""),
        CommitOperationAdd("single.bin", io.BytesIO(single)),
        CommitOperationAdd("nested/big.bin", big),
    ]
    info = await client.create_commit(REPO, ops, commit_message="Add files")
    assert len(info.oid) == 40
    assert info.commit_url.endswith(f"/{REPO}/commit/{info.oid}")
    assert info.pr_url is None
    assert await head_sha(client, REPO) == info.oid
    assert await read_back(client, REPO, "text/hello.txt") == b"hello world\n"
    assert await read_back(client, REPO, "empty.txt") == b""
    assert await read_back(client, REPO, "single.bin") == single
    assert await read_back(client, REPO, "nested/big.bin") == big.read_bytes()
    downloaded = await client.hf_hub_download(REPO, "nested/big.bin", cache_dir=tmp_path / "c")
    assert await anyio.Path(downloaded).read_bytes() == big.read_bytes()
    log = small_hub.log
    assert log.count("storage", "PUT") == 1 + 6
    assert log.count("hub", "POST", r"/commit/") == 1
    assert all("authorization" not in r.headers for r in log.filter("storage"))
    assert all("authorization" not in r.headers for r in log.filter("hub", path="lfs/complete"))
    assert all("content-type" not in r.headers for r in log.filter("storage", "PUT"))
    verifies = log.filter("hub", "POST", path="verify$")
    assert verifies
    assert all(r.headers.get("authorization") for r in verifies)


async def test_parts_of_one_file_go_up_in_parallel_within_the_limit(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(12 * SMALL_CHUNK, seed=3))
    small_hub.faults.add(
        FaultRule(action="delay", delay=0.05, origin="storage", method="PUT", times=None)
    )
    options = UploadOptions(max_parts_per_file=3, max_concurrent_parts=8)
    await client.upload_file(
        path_or_fileobj=big, path_in_repo="big.bin", repo_id=REPO, options=options
    )
    peak = small_hub.log.max_in_flight("storage", "PUT")
    assert 2 <= peak <= 3
    assert small_hub.log.count("storage", "PUT") == 12
    assert await read_back(client, REPO, "big.bin") == big.read_bytes()


async def test_files_and_parts_share_the_global_part_limit(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    paths = []
    for i in range(3):
        p = tmp_path / f"f{i}.bin"
        p.write_bytes(blob(4 * SMALL_CHUNK, seed=10 + i))
        paths.append(p)
    small_hub.faults.add(
        FaultRule(action="delay", delay=0.05, origin="storage", method="PUT", times=None)
    )
    options = UploadOptions(max_concurrent_files=3, max_parts_per_file=4, max_concurrent_parts=5)
    ops = [CommitOperationAdd(p.name, p) for p in paths]
    await client.create_commit(REPO, ops, commit_message="three", options=options)
    peak = small_hub.log.max_in_flight("storage", "PUT")
    assert 4 < peak <= 5
    for p in paths:
        assert await read_back(client, REPO, p.name) == p.read_bytes()


async def test_chaos_500s_and_dropped_connections_on_parts(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(8 * SMALL_CHUNK + 7, seed=4))
    status = small_hub.faults.add(
        FaultRule(action="status", status=500, origin="storage", method="PUT", times=3, skip=1)
    )
    dropped = small_hub.faults.add(
        FaultRule(action="drop", origin="storage", method="PUT", times=2, skip=4)
    )
    completion = small_hub.faults.add(
        FaultRule(action="status", status=503, origin="hub", method="POST", path="lfs/complete")
    )
    verify = small_hub.faults.add(
        FaultRule(action="status", status=502, origin="hub", method="POST", path="verify$")
    )
    info = await client.upload_file(path_or_fileobj=big, path_in_repo="big.bin", repo_id=REPO)
    assert small_hub.faults.fired(status) == 3
    assert small_hub.faults.fired(dropped) == 2
    assert await head_sha(client, REPO) == info.oid
    assert await read_back(client, REPO, "big.bin") == big.read_bytes()
    assert small_hub.faults.fired(completion) == 1
    assert small_hub.faults.fired(verify) == 1
    assert small_hub.log.count("hub", "POST", r"/commit/") == 1


async def test_stale_parent_commit_is_a_typed_error_and_commits_nothing(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    first = small_hub.seed_repo(REPO, {"a.txt": b"a"})
    second = (
        await client.upload_file(path_or_fileobj=b"b", path_in_repo="b.txt", repo_id=REPO)
    ).oid
    with pytest.raises(CommitConflictError) as info:
        await client.upload_file(
            path_or_fileobj=b"c", path_in_repo="c.txt", repo_id=REPO, parent_commit=first
        )
    assert info.value.status_code == 412
    assert "parent_commit" in str(info.value)
    assert await head_sha(client, REPO) == second
    with pytest.raises(HfHubHTTPError):
        await read_back(client, REPO, "c.txt")
    ok = await client.upload_file(
        path_or_fileobj=b"c", path_in_repo="c.txt", repo_id=REPO, parent_commit=second
    )
    assert await head_sha(client, REPO) == ok.oid


async def test_cancellation_mid_upload_creates_no_commit(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    before = small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(10 * SMALL_CHUNK, seed=5))
    small_hub.faults.add(
        FaultRule(action="delay", delay=30.0, origin="storage", method="PUT", times=None, skip=2)
    )
    uploading = anyio.Event()

    def on_event(event: ProgressEvent) -> None:
        if isinstance(event, FileProgress) and event.state is FileState.UPLOADING and event.done:
            uploading.set()

    with anyio.fail_after(20):
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                await client.upload_file(
                    path_or_fileobj=big, path_in_repo="big.bin", repo_id=REPO, progress=on_event
                )

            tg.start_soon(run)
            await uploading.wait()
            tg.cancel_scope.cancel()
    assert small_hub.log.count("hub", "POST", r"/commit/") == 0
    assert await head_sha(client, REPO) == before


async def test_unchanged_files_and_stored_objects_are_not_sent_again(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    content = blob(3 * SMALL_CHUNK, seed=6)
    first = await client.create_commit(
        REPO,
        [CommitOperationAdd("w.bin", content), CommitOperationAdd("t.txt", b"text")],
        commit_message="one",
    )
    small_hub.log.clear()
    with pytest.warns(UserWarning, match="No files have been modified"):
        again = await client.create_commit(
            REPO,
            [CommitOperationAdd("w.bin", content), CommitOperationAdd("t.txt", b"text")],
            commit_message="same",
        )
    assert again.oid == first.oid
    assert small_hub.log.count("hub", "POST", r"/commit/") == 0
    assert small_hub.log.count("storage", "PUT") == 0
    # the same content under another path: committed, but the object is not sent again
    copy = await client.upload_file(path_or_fileobj=content, path_in_repo="w2.bin", repo_id=REPO)
    assert copy.oid != first.oid
    assert small_hub.log.count("storage", "PUT") == 0
    assert await read_back(client, REPO, "w2.bin") == content


async def test_preupload_does_not_mutate_and_commit_reuses_the_objects(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    data = blob(3 * SMALL_CHUNK, seed=7)
    ops = [CommitOperationAdd("shard-0.bin", data), CommitOperationAdd("small.txt", b"s")]
    snapshot = [(op.path_in_repo, op.path_or_fileobj) for op in ops]
    done = await client.preupload_lfs_files(REPO, ops)
    assert [(d.path_in_repo, d.size, d.uploaded) for d in done] == [
        ("shard-0.bin", len(data), True)
    ]
    assert done[0].sha256 == hashlib.sha256(data).hexdigest()
    assert [(op.path_in_repo, op.path_or_fileobj) for op in ops] == snapshot
    puts = small_hub.log.count("storage", "PUT")
    assert puts >= 1
    await client.create_commit(REPO, ops, commit_message="shards")
    assert small_hub.log.count("storage", "PUT") == puts
    assert await read_back(client, REPO, "shard-0.bin") == data


async def test_copies_deletes_and_pull_requests(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    lfs = blob(2 * SMALL_CHUNK, seed=8)
    small_hub.seed_repo(
        REPO,
        {
            "w.bin": lfs,
            "cfg.json": b'{"a": 1}',
            "logs/a.txt": b"a",
            "logs/b.txt": b"b",
            "keep.txt": b"k",
        },
    )
    info = await client.create_commit(
        REPO,
        [
            CommitOperationCopy("w.bin", "copies/w.bin"),
            CommitOperationCopy("cfg.json", "copies/cfg.json"),
            CommitOperationDelete("logs", is_folder=True),
        ],
        commit_message="copy and delete",
    )
    assert await read_back(client, REPO, "copies/w.bin") == lfs
    assert await read_back(client, REPO, "copies/cfg.json") == b'{"a": 1}'
    with pytest.raises(RemoteEntryNotFoundError):
        await read_back(client, REPO, "logs/a.txt")
    await client.delete_file("keep.txt", REPO)
    with pytest.raises(RemoteEntryNotFoundError) as missing:
        await client.delete_file("keep.txt", REPO)
    assert "is_folder" in str(missing.value)
    await client.delete_files(REPO, ["copies/*.json"])
    with pytest.raises(RemoteEntryNotFoundError):
        await read_back(client, REPO, "copies/cfg.json")
    await client.delete_folder("copies", REPO)
    with pytest.raises(RemoteEntryNotFoundError):
        await read_back(client, REPO, "copies/w.bin")
    head = await head_sha(client, REPO)
    pr = await client.upload_file(
        path_or_fileobj=b"proposal", path_in_repo="p.txt", repo_id=REPO, create_pr=True
    )
    assert pr.pr_revision is not None
    assert pr.pr_revision.startswith("refs/pr/")
    assert pr.pr_num == int(pr.pr_revision.rsplit("/", 1)[1])
    assert await head_sha(client, REPO) == head
    assert await read_back(client, REPO, "p.txt", revision=pr.pr_revision) == b"proposal"
    assert info.oid != head


async def test_upload_folder_patterns_and_deletions(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"sub/old.txt": b"old", "sub/keep.md": b"keep", "other/x.txt": b"x"})
    folder = tmp_path / "local"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("[core]")
    (folder / ".cache" / "huggingface").mkdir(parents=True)
    (folder / ".cache" / "huggingface" / "x.metadata").write_text("m")
    (folder / "data").mkdir()
    (folder / "data" / "a.txt").write_text("a")
    (folder / "data" / "b.tmp").write_text("tmp")
    (folder / "w.bin").write_bytes(blob(3 * SMALL_CHUNK, seed=9))
    info = await client.upload_folder(
        repo_id=REPO,
        folder_path=folder,
        path_in_repo="sub",
        ignore_patterns="*.tmp",
        delete_patterns="*.txt",
    )
    assert info.commit_message == "Upload folder using hubclient"
    assert await read_back(client, REPO, "sub/data/a.txt") == b"a"
    assert await read_back(client, REPO, "sub/w.bin") == (folder / "w.bin").read_bytes()
    assert await read_back(client, REPO, "sub/keep.md") == b"keep"
    assert await read_back(client, REPO, "other/x.txt") == b"x"
    for gone in ("sub/old.txt", "sub/data/b.tmp", "sub/.git/config"):
        with pytest.raises((RemoteEntryNotFoundError, HfHubHTTPError)):
            await read_back(client, REPO, gone)
    with pytest.raises(ValueError, match="create_pr"):
        await client.upload_folder(repo_id=REPO, folder_path=folder, create_pr=True, revision="dev")


async def test_progress_events_tell_the_story(client: AsyncHubClient, small_hub: LocalHub) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    events: list[ProgressEvent] = []
    data = blob(3 * SMALL_CHUNK, seed=11)
    await client.create_commit(
        REPO,
        [CommitOperationAdd("w.bin", data), CommitOperationAdd("a.txt", b"a")],
        commit_message="progress",
        progress=events.append,
    )
    phases = [e.phase for e in events if isinstance(e, PhaseChanged)]
    assert phases == [
        Phase.PLANNING,
        Phase.PREUPLOAD,
        Phase.HASHING,
        Phase.UPLOADING,
        Phase.COMMITTING,
        Phase.DONE,
    ]
    uploads = [e for e in events if isinstance(e, FileProgress) and e.state is FileState.UPLOADING]
    assert uploads[-1].done == len(data)
    assert [u.done for u in uploads] == sorted(u.done for u in uploads)
    done = {e.path for e in events if isinstance(e, FileProgress) and e.state is FileState.DONE}
    assert done == {"w.bin", "a.txt"}
    totals = [e for e in events if isinstance(e, TotalProgress)]
    assert totals[-1].bytes_done == totals[-1].bytes_total == len(data) + len(b"a")
    assert totals[-1].files_done == totals[-1].files_total == 2  # the LFS file and a.txt


async def test_permanent_errors_fail_fast_with_advice(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    with pytest.raises(RepositoryNotFoundError) as missing:
        await client.upload_file(path_or_fileobj=b"x", path_in_repo="x", repo_id="alice/nope")
    assert "create_repo" in str(missing.value)
    small_hub.log.clear()
    reader = client.with_options(token="hf_alice_read")
    with pytest.raises(HfHubHTTPError) as denied:
        await reader.upload_file(path_or_fileobj=b"x", path_in_repo="x", repo_id=REPO)
    assert denied.value.status_code in (401, 403)
    assert "token" in str(denied.value)
    assert len(small_hub.log) == 1  # not retried
    bad = client.with_options(token="hf_not_a_token")
    with pytest.raises(HfHubHTTPError) as unknown:
        await bad.upload_file(path_or_fileobj=b"x", path_in_repo="x", repo_id=REPO)
    assert unknown.value.status_code in (401, 404)


async def test_readme_is_validated_before_anything_is_uploaded(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"a.txt": b"a"})
    await client.create_commit(
        REPO,
        [
            CommitOperationAdd("w.bin", blob(3 * SMALL_CHUNK)),
            CommitOperationAdd("README.md", b"# x"),
        ],
        commit_message="readme",
    )
    paths = [r.path for r in small_hub.log.records if r.origin == "hub"]
    assert paths[0] == "/api/validate-yaml"


async def test_arguments_are_checked_before_anything_is_sent(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"a.txt": b"a"})
    with pytest.raises(ValueError, match="commit_message"):
        await client.create_commit(REPO, [], commit_message="")
    with pytest.raises(ValueError, match="parent_commit"):
        await client.create_commit(REPO, [], commit_message="m", parent_commit="zz")
    assert len(small_hub.log) == 0


async def test_dataset_repo_and_a_branch(client: AsyncHubClient, small_hub: LocalHub) -> None:
    small_hub.seed_repo("alice/data", {"a.csv": b"x,y\n"}, repo_type="dataset")
    info = await client.upload_file(
        path_or_fileobj=b"1,2\n", path_in_repo="b.csv", repo_id="alice/data", repo_type="dataset"
    )
    assert "/datasets/alice/data/commit/" in info.commit_url
    assert await read_back(client, "alice/data", "b.csv", repo_type="dataset") == b"1,2\n"


async def test_gitignore_in_the_commit_is_sent_with_the_preupload(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"a.txt": b"a"})
    await client.create_commit(
        REPO,
        [CommitOperationAdd(".gitignore", b"*.log\n"), CommitOperationAdd("x.log", b"noise")],
        commit_message="ignore logs",
    )
    assert await read_back(client, REPO, ".gitignore") == b"*.log\n"
    with pytest.raises((RemoteEntryNotFoundError, HfHubHTTPError)):
        await read_back(client, REPO, "x.log")


async def test_folder_deletion_with_a_trailing_slash(
    client: AsyncHubClient, small_hub: LocalHub
) -> None:
    small_hub.seed_repo(REPO, {"logs/a.txt": b"a", "logs/deep/b.txt": b"b", "k.txt": b"k"})
    await client.create_commit(REPO, [CommitOperationDelete("logs/")], commit_message="rm logs")
    for gone in ("logs/a.txt", "logs/deep/b.txt"):
        with pytest.raises(RemoteEntryNotFoundError):
            await read_back(client, REPO, gone)
    assert await read_back(client, REPO, "k.txt") == b"k"


async def test_memory_stays_within_the_byte_budget_even_with_retries(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    from hubclient._reporting import Reporter
    from hubclient.upload._context import UploadContext
    from hubclient.upload._lfs import upload_lfs_additions
    from hubclient.upload._plan import hash_additions, plan_additions

    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(16 * SMALL_CHUNK, seed=12))
    small_hub.faults.add(
        FaultRule(action="delay", delay=0.02, origin="storage", method="PUT", times=None)
    )
    small_hub.faults.add(FaultRule(status=500, origin="storage", method="PUT", times=2, skip=3))
    small_hub.faults.add(FaultRule(action="drop", origin="storage", method="PUT", times=1, skip=6))
    budget = 3 * 16 * 1024
    options = UploadOptions(
        max_parts_per_file=8,
        max_concurrent_parts=8,
        memory_budget=budget,
        read_chunk_size=16 * 1024,
    )
    ctx = UploadContext(
        http=client._http,
        repo_id=REPO,
        repo_type="model",
        revision="main",
        create_pr=False,
        token=None,
        options=options,
        reporter=Reporter(None),
    )
    additions = await plan_additions(ctx, [CommitOperationAdd("big.bin", big)], None)
    await hash_additions(ctx, additions)
    sent = await upload_lfs_additions(ctx, additions)
    assert [s for _, s in sent] == [True]
    assert ctx.budget.peak <= budget
    assert ctx.budget.in_use == 0  # nothing leaked by the failed attempts
    assert small_hub.log.max_in_flight("storage", "PUT") >= 2


async def test_large_commit_bodies_are_streamed_with_an_exact_length(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hubclient.upload._commit as commit_module

    monkeypatch.setattr(commit_module, "_SMALL_COMMIT", 0)  # always the streaming path
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    text = tmp_path / "big.txt"
    text.write_bytes(b"".join(b"line %d of a long text file\n" % i for i in range(90_000)))
    assert text.stat().st_size > 2 * 1024 * 1024
    ops: list[CommitOperation] = [
        CommitOperationAdd("big.txt", text),
        CommitOperationAdd("small.txt", b"small\n"),
        CommitOperationAdd("from-fileobj.txt", io.BytesIO(b"file object\n" * 1000)),
        CommitOperationDelete("README.md"),
    ]
    info = await client.create_commit(REPO, ops, commit_message="big regular")
    assert await head_sha(client, REPO) == info.oid
    assert await read_back(client, REPO, "big.txt") == text.read_bytes()
    assert await read_back(client, REPO, "from-fileobj.txt") == b"file object\n" * 1000
    assert await read_back(client, REPO, "small.txt") == b"small\n"
    assert small_hub.log.count("storage", "PUT") == 0  # all regular: inline in the commit


async def test_large_files_go_hash_batch_transfer_one_by_one(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    stored = blob(3 * SMALL_CHUNK, seed=20)
    small_hub.seed_repo(REPO, {"already.bin": stored})
    files = []
    for i in range(3):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(blob(4 * SMALL_CHUNK + i, seed=21 + i))
        files.append(path)
    twin = tmp_path / "twin.bin"
    twin.write_bytes(files[0].read_bytes())
    small = blob(SMALL_CHUNK, seed=30)  # under the threshold: hashed first, batched
    ops = [CommitOperationAdd(p.name, p) for p in files]
    ops += [
        CommitOperationAdd("twin.bin", twin),
        CommitOperationAdd("again.bin", stored),
        CommitOperationAdd("small.bin", small),
    ]
    events: list[ProgressEvent] = []
    options = UploadOptions(pipeline_threshold=2 * SMALL_CHUNK, hash_workers=2)
    small_hub.log.clear()
    await client.create_commit(
        REPO, ops, commit_message="pipeline", options=options, progress=events.append
    )
    for path in [*files, twin]:
        assert await read_back(client, REPO, path.name) == path.read_bytes()
    assert await read_back(client, REPO, "again.bin") == stored
    assert await read_back(client, REPO, "small.bin") == small
    batches = small_hub.log.filter("hub", "POST", path=r"\.git/info/lfs/objects/batch$")
    assert len(batches) == 1 + 4  # the small one's batch, then one per distinct large object
    # f0 and twin share their content: sent once (4 parts); f1 and f2 have 5 parts each
    assert small_hub.log.count("storage", "PUT") == 1 + 4 + 5 + 5
    skipped = {
        e.path for e in events if isinstance(e, FileProgress) and e.state is FileState.SKIPPED
    }
    assert {"again.bin"} <= skipped
    assert len({"f0.bin", "twin.bin"} & skipped) == 1
    totals = [e for e in events if isinstance(e, TotalProgress)]
    assert totals[-1].bytes_done == totals[-1].bytes_total
    assert totals[-1].files_done == totals[-1].files_total
