"""Edge cases of mirror_repo between two in-process local Hubs: a file and a folder of the same
name on two refs, leftover temporary tag branches, tags sharing a commit, counters, failures
naming their file."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, MirrorOptions
from hubclient.mirror._tree import clashing_deletions
from hubclient.models.commits import CommitOperationAdd, CommitOperationDelete
from hubclient.testing import LocalHub
from hubclient.testing._faults import FaultRule, Origin
from tests.mirror.test_repo import BIG, DST, MID, SRC, TEMP_PREFIX, assert_mirrored, seed, tree

pytestmark = pytest.mark.anyio


async def temp_branches(dest: AsyncHubClient) -> list[str]:
    refs = await dest.list_repo_refs(DST)
    return sorted(b.name for b in refs.branches if b.name.startswith(TEMP_PREFIX))


def test_clashing_deletions() -> None:
    assert clashing_deletions(["x", "a.txt"], ["x/y.txt"]) == {"x"}
    assert clashing_deletions(["x/y.txt", "a.txt"], ["x"]) == {"x/y.txt"}
    assert clashing_deletions(["a/b/c.txt"], ["a"]) == {"a/b/c.txt"}
    assert clashing_deletions(["a/b"], ["a/b/c/d.txt"]) == {"a/b"}
    assert clashing_deletions(["x", "xy/z.txt", "x.txt"], ["x.txt/a", "xy"]) == {
        "xy/z.txt",
        "x.txt",
    }
    assert clashing_deletions(["ab"], ["a/b", "abc/d"]) == set()


async def _dev_replaces(
    source: AsyncHubClient, source_hub: LocalHub, before: str, after: str, *extra: str
) -> None:
    """main holds ``before`` (and keep.txt); dev deletes it and adds ``after`` and ``extra``."""
    source_hub.seed_repo(SRC, {before: "before\n", "keep.txt": "k\n"})
    await source.create_branch(SRC, branch="dev")
    await source.create_commit(
        SRC,
        operations=[
            CommitOperationDelete(path_in_repo=before),
            *(CommitOperationAdd(path_in_repo=p, path_or_fileobj=b"after\n") for p in extra),
            CommitOperationAdd(path_in_repo=after, path_or_fileobj=b"after\n"),
        ],
        commit_message="replace",
        revision="dev",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [("x", "x/y.txt"), ("x/y.txt", "x")],
    ids=["file-to-folder", "folder-to-file"],
)
@pytest.mark.parametrize("every", [1000, 1], ids=["one-commit", "a-commit-per-file"])
async def test_a_file_replaced_by_a_folder_of_the_same_name(
    source: AsyncHubClient,
    dest: AsyncHubClient,
    source_hub: LocalHub,
    before: str,
    after: str,
    every: int,
) -> None:
    # dev is made from main at the destination: its file (or folder) x must go before the
    # folder (or file) x can come, in the first commit, not with the other deletions
    await _dev_replaces(source, source_hub, before, after, "z.txt", "zz.txt")
    options = MirrorOptions(commit_every_files=every)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST, options=options)
    assert result.ok, result.errors
    await assert_mirrored(source, dest)
    assert result.commits == (2 if every == 1000 else 5)  # main: 1 or 2 commits, dev: 1 or 3


async def test_a_temporary_branch_left_after_tagging_is_deleted_by_the_next_run(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub, dest_hub: LocalHub
) -> None:
    # the run dies (here: the deletion fails) between tagging and deleting the temporary branch
    seed(source_hub)
    rule = dest_hub.faults.add(FaultRule(status=500, method="DELETE", path=r"/branch/", times=1))
    first = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert dest_hub.faults.fired(rule) == 1
    [error] = first.errors
    assert (error.ref, error.status_code) == ("old", 500)
    statuses = {r.name: r.status for r in first.refs}
    assert statuses["old"] == "created"  # the tag is there and right: not a failed tag
    assert await temp_branches(dest) == [TEMP_PREFIX + "old"]
    dest_hub.faults.clear()
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert again.ok, again.errors
    assert {r.status for r in again.refs} == {"unchanged"}
    assert again.commits == 0
    assert await temp_branches(dest) == []
    await assert_mirrored(source, dest)


async def test_tags_on_one_older_commit_share_one_destination_commit(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    commits = seed(source_hub)  # tag old is on the first commit, no branch head
    repo = source_hub.store.find("model", SRC)
    assert repo is not None
    repo.refs.tags["old-too"] = commits["first"]
    repo._save_refs()
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    tags = {r.name: r for r in result.refs if r.kind == "tag"}
    assert tags["old"].dest_commit == tags["old-too"].dest_commit
    assert result.commits == 3  # main, dev, one temporary branch
    await assert_mirrored(source, dest)
    # a later tag on that commit reuses the destination commit of the tag already there
    repo.refs.tags["old-three"] = commits["first"]
    repo._save_refs()
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert again.ok, again.errors
    assert again.commits == 0
    tags = {r.name: r for r in again.refs if r.kind == "tag"}
    assert tags["old-three"].status == "created"
    assert tags["old-three"].dest_commit == tags["old"].dest_commit
    assert await temp_branches(dest) == []


async def test_each_file_counts_once_as_copied_or_skipped(
    source: AsyncHubClient, dest: AsyncHubClient, source_hub: LocalHub
) -> None:
    # dev and the temporary branch of tag old are made from main at the destination: the files
    # they share with main were copied for main, they are not skipped (nor copied) again
    seed(source_hub)
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert result.ok, result.errors
    trees = [await tree(source, SRC, ref) for ref in ("main", "dev", "old", "v1")]
    files = {(path, blob_id): size for t in trees for path, (blob_id, size, _) in t.items()}
    [attributes] = {key for key in files if key[0] == ".gitattributes"}
    assert result.files_copied == len(files) - 1 == 10
    assert (result.files_skipped, result.bytes_skipped) == (1, files[attributes])
    # big-copy.bin (dev) is a new file, its object went up for big.bin (main)
    assert result.bytes_copied == sum(files.values()) - files[attributes] - len(BIG)
    again = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    assert (again.files_copied, again.bytes_copied) == (0, 0)
    assert (again.files_skipped, again.bytes_skipped) == (len(files), sum(files.values()))


@pytest.mark.parametrize(
    ("origin", "path", "failing"),
    [("storage", r"/lfs/", "w.bin"), ("hub", r"/resolve/[^/]+/b\.txt$", "b.txt")],
    ids=["lfs-object", "regular-file"],
)
async def test_a_failure_of_one_file_names_it(
    source: AsyncHubClient,
    dest: AsyncHubClient,
    source_hub: LocalHub,
    origin: Origin,
    path: str,
    failing: str,
) -> None:
    source_hub.seed_repo(SRC, {"w.bin": MID, "a.txt": "a\n", "b.txt": "b\n"})
    source_hub.faults.add(FaultRule(status=403, origin=origin, method="GET", path=path, times=None))
    result = await source.mirror_repo(SRC, to=dest, dest_repo_id=DST)
    [error] = result.errors
    assert (error.status_code, error.ref, error.path) == (403, "main", failing)
    assert [r.status for r in result.refs] == ["failed"]


def test_a_task_groups_error_is_recorded_as_the_error_itself() -> None:
    """A failure that reached the job inside an exception group (a task group's) is recorded
    by its own type, status and path, not as ``ExceptionGroup``."""
    import anyio
    import anyio.lowlevel

    from hubclient.errors import RepositoryNotFoundError
    from hubclient.mirror import MirrorError
    from hubclient.mirror._jobs import mirror_error

    async def main() -> tuple[str, MirrorError]:
        async def fails() -> None:
            await anyio.lowlevel.checkpoint()
            error = RepositoryNotFoundError("no such repo", status_code=404, url="http://hub/x")
            error.path_in_repo = "weights/a.bin"  # type: ignore[attr-defined]
            raise error

        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(anyio.sleep_forever)  # cancelled: only the echo of the failure
                tg.start_soon(fails)
        except BaseException as exc:
            return type(exc).__name__, mirror_error(exc, ref="main")
        raise AssertionError("the task group did not fail")

    raised, recorded = anyio.run(main)
    assert raised.endswith("ExceptionGroup")
    assert (recorded.type, recorded.status_code) == ("RepositoryNotFoundError", 404)
    assert (recorded.path, recorded.ref) == ("weights/a.bin", "main")
    assert "no such repo" in recorded.message
