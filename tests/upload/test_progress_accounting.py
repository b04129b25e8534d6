"""What an upload's progress events count (the first-hour report, item 7): bytes sent are
bytes that left this machine; what the Hub already holds is skipped, not sent; the regular
files of the commit are files and bytes too; hashing is reported as hashing."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient import (
    AsyncHubClient,
    CommitOperationAdd,
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressEvent,
    TotalProgress,
    UploadOptions,
)
from hubclient.testing import LocalHub

from .conftest import SMALL_CHUNK
from .test_commit_local_hub import REPO, blob

pytestmark = pytest.mark.anyio


def totals(events: list[ProgressEvent]) -> TotalProgress:
    return [e for e in events if isinstance(e, TotalProgress)][-1]


@pytest.mark.parametrize("threshold", [1 << 40, 2 * SMALL_CHUNK])  # batched, pipelined
async def test_what_the_hub_holds_is_skipped_not_sent(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path, threshold: int
) -> None:
    held = blob(5 * SMALL_CHUNK, seed=40)
    small_hub.seed_repo(REPO, {"held.bin": held})
    new = blob(3 * SMALL_CHUNK, seed=41)
    (tmp_path / "copy-of-held.bin").write_bytes(held)
    (tmp_path / "new.bin").write_bytes(new)
    events: list[ProgressEvent] = []
    small_hub.log.clear()
    await client.create_commit(
        REPO,
        [
            CommitOperationAdd("copy-of-held.bin", tmp_path / "copy-of-held.bin"),
            CommitOperationAdd("new.bin", tmp_path / "new.bin"),
            CommitOperationAdd("a.txt", b"small"),
        ],
        commit_message="accounting",
        options=UploadOptions(pipeline_threshold=threshold),
        progress=events.append,
    )
    sent_to_storage = small_hub.log.bytes_sent(origin="storage", method="PUT")
    assert sent_to_storage == len(new)
    end = totals(events)
    assert end.bytes_done == end.bytes_total == len(new) + len(b"small")
    assert end.bytes_skipped == len(held)
    assert end.files_done == end.files_total == 3
    # the bytes sent never ran ahead of what was sent, nor counted the held file
    assert max(e.bytes_done for e in events if isinstance(e, TotalProgress)) == end.bytes_done
    skipped = [e for e in events if isinstance(e, FileProgress) and e.state is FileState.SKIPPED]
    assert [e.path for e in skipped] == ["copy-of-held.bin"]


async def test_a_commit_of_small_files_counts_files_and_bytes(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    folder = tmp_path / "small"
    folder.mkdir()
    for i in range(25):
        (folder / f"f{i:02}.txt").write_text(f"file {i}\n" * (i + 1))
    size = sum(p.stat().st_size for p in folder.iterdir())
    events: list[ProgressEvent] = []
    await client.upload_folder(repo_id=REPO, folder_path=folder, progress=events.append)
    committing = [e for e in events if isinstance(e, PhaseChanged) and e.phase is Phase.COMMITTING]
    assert committing == [PhaseChanged(Phase.COMMITTING, files=25, total_bytes=size)]
    end = totals(events)
    assert (end.files_done, end.files_total) == (25, 25)
    assert end.bytes_done == end.bytes_total == size
    again: list[ProgressEvent] = []
    with pytest.warns(UserWarning, match="No files have been modified"):
        await client.upload_folder(repo_id=REPO, folder_path=folder, progress=again.append)
    end = totals(again)
    assert (end.files_done, end.files_total, end.bytes_total) == (25, 25, 0)
    assert end.bytes_skipped == size


async def test_a_pipelined_file_is_hashed_then_sent(
    client: AsyncHubClient, small_hub: LocalHub, tmp_path: Path
) -> None:
    small_hub.seed_repo(REPO, {"README.md": b"# hi\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(4 * SMALL_CHUNK, seed=42))
    events: list[ProgressEvent] = []
    await client.upload_file(
        path_or_fileobj=big,
        path_in_repo="big.bin",
        repo_id=REPO,
        options=UploadOptions(pipeline_threshold=SMALL_CHUNK),
        progress=events.append,
    )
    states = [e.state for e in events if isinstance(e, FileProgress) and e.path == "big.bin"]
    first_send = states.index(FileState.UPLOADING)
    assert set(states[:first_send]) == {FileState.HASHING}
    assert FileState.HASHING not in states[first_send:]
    assert states[-1] is FileState.DONE
