"""mirror_repo end to end between two in-process local Hubs (alice on the source, bob on the
destination): trees identical per ref, nothing re-sent, errors recorded, faults survived."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import anyio
import pytest

from hubclient import AsyncHubClient, MirrorOptions, MirrorProgress, MirrorStage
from hubclient.errors import HFValidationError
from hubclient.models.files import RepoFile
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub
from hubclient.testing._faults import FaultRule
from tests.mirror.conftest import SMALL_CHUNK

pytestmark = pytest.mark.anyio

SRC = "alice/model"
DST = "bob/model"
TEMP_PREFIX = "hubclient-mirror-tmp/"


def blob(size: int, seed: int) -> bytes:
    """Deterministic binary content (binary, so the local Hub puts it in LFS)."""
    out = bytearray(b"\0")
    i = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d/%d" % (seed, i)).digest()
        i += 1
    return bytes(out[:size])


BIG = blob(5 * SMALL_CHUNK + 123, seed=1)  # multipart: 6 parts of 64 KiB
MID = blob(SMALL_CHUNK + 7, seed=2)  # one basic PUT
SMALL_LFS = blob(1000, seed=3)


def seed(hub: LocalHub) -> dict[str, str]:
    """A repo with regular, nested, empty and LFS files; branch dev; tags old (on the first
    commit, not a branch head) and v1 (main's head). Returns the commits by name."""
    first = hub.seed_repo(
        SRC,
        {"README.md": "# model\n", "old.txt": "only in the first commit\n", "weights.bin": MID},
    )
    main = hub.seed_repo(
        SRC,
        {
            "config.json": '{"a": 1}\n',
            "nested/deep/dir/notes.txt": "deep\n",
            "empty.txt": "",
            "big.bin": BIG,
            "nested/small.bin": SMALL_LFS,
        },
        message="second",
    )
    repo = hub.store.find("model", SRC)
    assert repo is not None
    dev = hub.seed_repo(SRC, {"dev.txt": "dev only\n", "big-copy.bin": BIG}, revision="dev")
    repo.refs.tags["old"] = first
    repo.refs.tags["v1"] = main
    repo._save_refs()
    return {"first": first, "main": main, "dev": dev}


async def tree(client: AsyncHubClient, repo_id: str, revision: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async for entry in client.list_repo_tree(repo_id, recursive=True, revision=revision):
        if isinstance(entry, RepoFile):
            out[entry.path] = (entry.blob_id, entry.size, entry.lfs.sha256 if entry.lfs else None)
    return out


async def assert_mirrored(
    source: AsyncHubClient, dest: AsyncHubClient, src: str = SRC, dst: str = DST
) -> None:
    """Same branch and tag names, and per ref the same git oid, size and LFS sha256 per path."""
    src_refs = await source.list_repo_refs(src)
    dst_refs = await dest.list_repo_refs(dst)
    assert sorted(b.name for b in src_refs.branches) == sorted(b.name for b in dst_refs.branches)
    assert sorted(t.name for t in src_refs.tags) == sorted(t.name for t in dst_refs.tags)
    for ref in [*src_refs.branches, *src_refs.tags]:
        assert await tree(source, src, ref.target_commit) == await tree(dest, dst, ref.name), ref


async def test_mirror_copies_every_branch_and_tag(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    commits = seed(source_hub)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    await assert_mirrored(source, dest)
    by_name = {(r.kind, r.name): r for r in result.refs}
    assert [(r.kind, r.name) for r in result.refs] == [
        ("branch", "main"),
        ("branch", "dev"),
        ("tag", "old"),
        ("tag", "v1"),
    ]
    assert by_name["branch", "main"].status == "updated"
    assert by_name["branch", "dev"].status == "created"
    assert by_name["tag", "old"].source_commit == commits["first"]
    assert by_name["tag", "v1"].dest_commit == by_name["branch", "main"].dest_commit
    assert {r.status for r in result.refs if r.kind == "tag"} == {"created"}
    assert result.history_preserved is False
    assert "History is not replayed" in result.note
    assert result.commits >= 3  # main, dev, the tag built on a temporary branch
    # the multipart object went up once (dev's copy of it and the tag reuse it)
    puts = dest_hub.log.filter(origin="storage", method="PUT")
    assert dest_hub.log.bytes_sent(origin="storage", method="PUT") == len(BIG) + len(MID) + len(
        SMALL_LFS
    )
    assert len([p for p in puts if "/parts/" in p.path]) == 6
    assert result.bytes_copied >= len(BIG) + len(MID) + len(SMALL_LFS)
    # nothing left behind, the bytes are right
    assert not [
        b for b in (await dest.list_repo_refs(DST)).branches if b.name.startswith(TEMP_PREFIX)
    ]
    assert (await dest.repo_info(DST)).private is False
    async with dest.open_file(DST, "big.bin") as remote:
        assert await remote.read() == BIG


async def test_second_run_sends_nothing(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    first = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert first.ok, first.errors
    dest_hub.log.clear()
    source_hub.log.clear()
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert again.ok, again.errors
    assert {r.status for r in again.refs} == {"unchanged"}
    assert (again.commits, again.files_copied, again.bytes_copied) == (0, 0, 0)
    assert again.files_skipped > 0
    assert dest_hub.log.count(origin="storage") == 0
    assert dest_hub.log.count(method="POST", path=r"/commit/") == 0
    assert source_hub.log.count(origin="storage") == 0  # no LFS byte read either


async def test_revision_picks_one_ref(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    commits = seed(source_hub)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, revision="dev")
    assert result.ok
    assert [(r.kind, r.name) for r in result.refs] == [("branch", "dev")]
    assert await tree(source, SRC, commits["dev"]) == await tree(dest, DST, "dev")

    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, revision="old")
    assert result.ok
    assert [(r.kind, r.name) for r in result.refs] == [("tag", "old")]
    assert await tree(source, SRC, commits["first"]) == await tree(dest, DST, "old")
    branches = {b.name for b in (await dest.list_repo_refs(DST)).branches}
    assert branches == {"main", "dev"}  # the temporary branch is gone

    result = await source.mirror_repo(
        SRC, to=dest, dest_repo_id="bob/pinned", revision=commits["first"]
    )
    assert result.ok
    assert [(r.kind, r.name) for r in result.refs] == [("branch", "main")]
    assert await tree(source, SRC, commits["first"]) == await tree(dest, "bob/pinned", "main")


async def test_existing_destination_content_is_not_sent_again(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    # the destination already holds the big object (another path) and an extra file
    dest_hub.seed_repo(DST, {"elsewhere.bin": BIG, "extra.txt": "not in the source\n"})
    dest_hub.log.clear()
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    await assert_mirrored(source, dest)
    assert dest_hub.log.bytes_sent(origin="storage", method="PUT") == len(MID) + len(SMALL_LFS)
    assert result.bytes_skipped >= len(BIG)
    assert result.files_deleted >= 2  # extra.txt and elsewhere.bin (main and the tag)
    files = await dest.list_repo_files(DST)
    assert "extra.txt" not in files


async def test_keep_extraneous_files(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    source_hub.seed_repo(SRC, {"a.txt": "a\n"})
    await dest.create_repo(DST)
    await dest.upload_file(path_or_fileobj=b"mine\n", path_in_repo="mine.txt", repo_id=DST)
    options = MirrorOptions(delete_extraneous=False)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
    assert result.ok, result.errors
    assert sorted(await dest.list_repo_files(DST)) == [".gitattributes", "a.txt", "mine.txt"]
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
    assert again.commits == 0
    assert {r.status for r in again.refs} == {"unchanged"}


async def test_commits_in_batches(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    files: dict[str, bytes | str] = {f"f{i:02d}.txt": f"file {i}\n" for i in range(9)}
    files["w.bin"] = MID
    source_hub.seed_repo(SRC, files)
    result = await source.mirror_repo(
        SRC, to=dest, dest_repo_id=DST, options=MirrorOptions(commit_every_files=3)
    )
    assert result.ok, result.errors
    assert result.commits == 4  # 10 files in batches of 3
    commits = await dest.list_repo_commits(DST)
    assert len(commits) == 1 + 4
    assert commits[-2].title.endswith("(1/4)")
    await assert_mirrored(source, dest)


async def test_regular_contents_held_for_a_commit_are_bounded(
    source: AsyncHubClient,
    dest: AsyncHubClient,
    source_hub: LocalHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Regular files are fetched into memory and sent inline: a batch closes before it would
    # hold more than REGULAR_BATCH_BYTES of them, even under a large commit_every_bytes.
    from hubclient.mirror import _branch

    monkeypatch.setattr(_branch, "REGULAR_BATCH_BYTES", 250)
    files: dict[str, bytes | str] = {f"f{i}.txt": f"{i}" * 100 for i in range(6)}
    files["w.bin"] = MID  # LFS bytes do not count towards that bound
    source_hub.seed_repo(SRC, files)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    assert result.commits == 3  # 2 regular files of 100 bytes per batch; .gitattributes is equal
    await assert_mirrored(source, dest)


async def test_crash_then_rerun_finishes_without_resending(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    source_hub.seed_repo(SRC, {"a.bin": MID, "b.bin": BIG, "c.bin": SMALL_LFS, "d.txt": "d\n"})
    # the second commit fails for good (commits are never retried): one batch has landed,
    # the second batch's object is stored but not committed, the third never started
    rule = dest_hub.faults.add(FaultRule(status=500, method="POST", path=r"/commit/", skip=1))
    options = MirrorOptions(commit_every_files=1)
    crashed = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
    assert not crashed.ok
    assert dest_hub.faults.fired(rule) == 1
    [error] = crashed.errors
    assert error.type == "HfHubHTTPError"
    assert error.status_code == 500
    assert error.ref == "main"
    assert [r.status for r in crashed.refs] == ["failed"]
    dest_hub.faults.clear()
    sent_before = dest_hub.log.bytes_sent(origin="storage", method="PUT")
    resumed = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
    assert resumed.ok, resumed.errors
    await assert_mirrored(source, dest)
    total = dest_hub.log.bytes_sent(origin="storage", method="PUT")
    assert total == len(MID) + len(BIG) + len(SMALL_LFS)  # every object sent exactly once
    assert sent_before == len(MID) + len(BIG)
    assert resumed.bytes_skipped >= len(MID) + len(BIG)


async def test_unknown_source_repo_is_recorded(
    source: AsyncHubClient, dest: AsyncHubClient
) -> None:
    result = await source.mirror_repo("alice/nope", to=dest, dest_repo_id=DST)
    assert not result.ok
    [error] = result.errors
    assert error.type == "RepositoryNotFoundError"
    assert error.status_code == 404
    assert result.refs == []
    assert result.commits == 0


async def test_bad_destination_token_is_recorded(
    source: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    async with AsyncHubClient(
        endpoint=dest_hub.hub_url, token="hf_not_a_token", transport=dest_hub.async_transport()
    ) as bad:
        result = await source.mirror_repo(SRC, to=bad, dest_repo_id=DST)
    [error] = result.errors
    assert error.status_code == 401, error
    assert error.type.endswith("Error")
    assert not result.ok


async def test_bad_arguments_raise(source: AsyncHubClient, dest: AsyncHubClient) -> None:
    with pytest.raises(HFValidationError):
        await source.mirror_repo(SRC, to=dest, repo_type="checkpoint")
    with pytest.raises(HFValidationError):
        await source.mirror_repo("a/b/c", to=dest)
    with pytest.raises(HFValidationError):
        await source.mirror_repo(SRC, to=dest, dest_repo_id="x/y/z")
    with pytest.raises(ValueError, match="revision"):
        await source.mirror_repo(SRC, to=dest, revision="")


async def test_tokens_stay_on_their_hub(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    assert source_hub.log.count(origin="storage", method="GET") > 0
    for record in source_hub.log.records:
        auth = record.headers.get("authorization", "")
        assert BOB_TOKEN not in auth
        if record.origin == "storage":
            assert not auth
    for record in dest_hub.log.records:
        auth = record.headers.get("authorization", "")
        assert ALICE_TOKEN not in auth
        if record.origin == "storage":
            assert not auth
    auths = {r.headers.get("authorization") for r in dest_hub.log.filter(origin="hub")}
    assert auths <= {f"Bearer {BOB_TOKEN}", None}  # None: presigned completion URLs
    assert f"Bearer {BOB_TOKEN}" in auths


async def test_transient_faults_still_give_a_correct_mirror(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    part_500 = dest_hub.faults.add(
        FaultRule(status=500, origin="storage", method="PUT", path=r"/parts/", skip=2)
    )
    basic_500 = dest_hub.faults.add(
        FaultRule(status=503, origin="storage", method="PUT", path=r"/lfs/")
    )
    cut = source_hub.faults.add(
        FaultRule(action="truncate", origin="storage", method="GET", after_bytes=20_000, skip=1)
    )
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    assert (dest_hub.faults.fired(part_500), dest_hub.faults.fired(basic_500)) == (1, 1)
    assert source_hub.faults.fired(cut) == 1
    await assert_mirrored(source, dest)


async def test_cancelled_mirror_leaves_no_half_commit(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    with anyio.CancelScope() as scope:

        def progress(event: MirrorProgress) -> None:
            if event.stage == MirrorStage.COPYING and event.bytes_done > 0:
                scope.cancel()

        await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, progress=progress)
        pytest.fail("not cancelled")  # pragma: no cover
    assert scope.cancelled_caught
    # main is untouched (only the repo's first commit) or complete, never in between
    commits = await dest.list_repo_commits(DST)
    assert len(commits) == 1
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    await assert_mirrored(source, dest)


async def test_progress_events(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    seed(source_hub)
    events: list[MirrorProgress] = []
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, progress=events.append)
    assert result.ok
    stages = [e.stage for e in events]
    assert stages[0] == MirrorStage.PLANNING
    assert stages[-1] == MirrorStage.DONE
    assert MirrorStage.COPYING in stages
    assert MirrorStage.REFS in stages
    assert all(e.repo_id == SRC for e in events)
    assert events[-1].bytes_total >= len(BIG)
    assert events[-1].files_total > 0
    # every byte planned is accounted for, objects found stored (dev's copy of big.bin) too,
    # and the count never steps back across branches
    done = [e.bytes_done for e in events]
    assert done == sorted(done)
    assert events[-1].bytes_done == events[-1].bytes_total
    assert events[-1].files_done == events[-1].files_total


async def test_via_cache(
    source_hub: LocalHub, dest: AsyncHubClient, dest_hub: LocalHub, tmp_path: Path
) -> None:
    seed(source_hub)
    async with AsyncHubClient(
        endpoint=source_hub.hub_url,
        token=ALICE_TOKEN,
        transport=source_hub.async_transport(),
        cache_dir=tmp_path / "cache",
    ) as cached_source:
        result = await cached_source.mirror_repo(
            SRC, to=dest, dest_repo_id=DST, options=MirrorOptions(via_cache=True)
        )
        assert result.ok, result.errors
        await assert_mirrored(cached_source, dest)
    blobs = list((tmp_path / "cache").glob("models--alice--model/blobs/*"))
    assert hashlib.sha256(BIG).hexdigest() in {b.name for b in blobs}
    assert dest_hub.log.bytes_sent(origin="storage", method="PUT") == len(BIG) + len(MID) + len(
        SMALL_LFS
    )


async def test_existing_tag_with_other_tree_is_updated(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    seed(source_hub)
    first = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert first.ok
    # someone moved the destination tag, and a crashed run left a temporary branch
    await dest.delete_tag(DST, tag="old")
    await dest.create_tag(DST, tag="old", revision="dev")
    await dest.create_branch(DST, branch=TEMP_PREFIX + "old", revision="dev")
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert again.ok, again.errors
    statuses = {r.name: r.status for r in again.refs}
    assert statuses == {
        "main": "unchanged",
        "dev": "unchanged",
        "old": "updated",
        "v1": "unchanged",
    }
    await assert_mirrored(source, dest)  # the leftover branch was reused, then deleted


@pytest.mark.parametrize("content", [MID, BIG], ids=["basic", "multipart"])
async def test_corrupt_source_object_never_lands(
    source: AsyncHubClient,
    dest: AsyncHubClient,
    source_hub: LocalHub,
    dest_hub: LocalHub,
    content: bytes,
) -> None:
    source_hub.seed_repo(SRC, {"w.bin": content, "a.txt": "a\n"})
    oid = hashlib.sha256(content).hexdigest()
    stored = source_hub.store.objects.path(oid)
    stored.write_bytes(bytes(len(content)))  # same size, other bytes
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert not result.ok
    [error] = result.errors
    assert error.ref == "main"
    if content is MID:  # basic: the PUT body stops before its last chunk, on our own check
        assert error.type == "DownloadIntegrityError"
    else:  # multipart: the destination refuses to assemble an object with another sha256
        assert error.type in ("HfHubHTTPError", "BadRequestError")
        assert error.status_code == 400
    assert not dest_hub.store.objects.has(oid)
    assert len(await dest.list_repo_commits(DST)) == 1  # nothing committed


async def test_dataset_repo(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    source_hub.seed_repo(
        SRC, {"data/train.csv": "a,b\n1,2\n", "blob.bin": MID}, repo_type="dataset"
    )
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, repo_type="dataset")
    assert result.ok, result.errors
    assert result.repo_type == "dataset"
    src = await source.list_repo_files(SRC, repo_type="dataset")
    assert sorted(await dest.list_repo_files(DST, repo_type="dataset")) == sorted(src)


async def test_gitattributes_rewritten_by_the_destination_is_fixed_up(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    source_hub.seed_repo(SRC, {"big.bin": MID})
    # the source's .gitattributes no longer tracks big.bin (an LFS file all the same); the
    # destination Hub adds a rule for it when the pointer is committed: one fix-up commit
    source_hub.seed_repo(SRC, {".gitattributes": "# nothing tracked\n"}, message="untrack")
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    assert result.commits == 2
    await assert_mirrored(source, dest)
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert again.commits == 0


async def test_pull_requests_are_mirrored_as_branches_when_asked(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    from hubclient import CommitOperationAdd

    source_hub.seed_repo(SRC, {"a.txt": "a\n"})
    pr = await source.create_commit(
        SRC,
        [CommitOperationAdd("proposal.txt", b"in the pull request\n")],
        commit_message="A proposal",
        create_pr=True,
    )
    assert pr.pr_url is not None
    number = pr.pr_url.rsplit("/", 1)[-1]

    plain = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert plain.ok, plain.errors
    assert [b.name for b in (await dest.list_repo_refs(DST)).branches] == ["main"]

    with_prs = await source.mirror_repo(
        SRC, to=dest, dest_repo_id=DST, options=MirrorOptions(include_prs=True)
    )
    assert with_prs.ok, with_prs.errors
    assert [(r.kind, r.name, r.status) for r in with_prs.refs] == [
        ("branch", "main", "unchanged"),
        ("branch", f"pr/{number}", "created"),
    ]
    assert with_prs.files_copied == 1  # only the file the pull request adds
    got = await tree(dest, DST, f"pr/{number}")
    assert got == await tree(source, SRC, f"refs/pr/{number}")
    assert "proposal.txt" in got


async def test_a_private_source_gives_a_private_destination(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    source_hub.seed_repo(SRC, {"a.txt": "secret\n"}, private=True)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    assert (await dest.repo_info(DST)).private is True
    # and private=False says otherwise for a repo it creates
    other = await source.mirror_repo(SRC, to=dest, dest_repo_id="bob/public", private=False)
    assert other.ok, other.errors
    assert (await dest.repo_info("bob/public")).private is False
    # without access to the source, nothing is created at the destination
    anonymous = source.with_options(token=False)
    denied = await anonymous.mirror_repo(SRC, to=dest, dest_repo_id="bob/never")
    assert not denied.ok
    assert denied.errors[0].type == "RepositoryNotFoundError"
    assert not await dest.repo_exists("bob/never")
