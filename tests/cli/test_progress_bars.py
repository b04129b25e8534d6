"""What the CLI's transfer bars show (the first-hour report, item 7): hashing as hashing, a
file bar that starts again says why, skipped bytes named and never counted as sent, files
counted where there is no byte total (never ``0/? bytes``)."""

from __future__ import annotations

from typing import Any

from hubclient import FileProgress, FileState, Phase, PhaseChanged, TotalProgress
from hubclient.cli._progress import TransferBars

MiB = 1 << 20


def shown(bars: TransferBars) -> list[tuple[str, float, float | None, str]]:
    """(description, completed, total, amount column) of every bar."""
    progress: Any = bars._progress
    amount = progress.columns[2]
    return [(t.description, t.completed, t.total, str(amount.render(t))) for t in progress.tasks]


def test_hashing_inside_the_upload_is_shown_as_hashing() -> None:
    with TransferBars(enabled=True, label="upload alice/m") as bars:
        on = bars.callback
        assert on is not None
        on(PhaseChanged(Phase.UPLOADING, files=1, total_bytes=100 * MiB))
        on(TotalProgress(0, 1, 0, 100 * MiB))
        on(FileProgress("w.bin", FileState.HASHING, 60 * MiB, 100 * MiB))
        (total, file) = shown(bars)
        assert total[0] == "upload alice/m (uploading; hashing 1 file)"
        assert total[1] == 0  # hashing is not sending
        assert file[:3] == ("  hash  w.bin", 60 * MiB, 100 * MiB)
        on(FileProgress("w.bin", FileState.UPLOADING, 0, 100 * MiB))
        on(FileProgress("w.bin", FileState.UPLOADING, 10 * MiB, 100 * MiB))
        on(TotalProgress(0, 1, 10 * MiB, 100 * MiB))
        (total, file) = shown(bars)
        assert total[0] == "upload alice/m (uploading)"
        assert file[:3] == ("  send  w.bin", 10 * MiB, 100 * MiB)  # a new stage, from 0


def test_the_hashing_phase_follows_the_bytes_hashed() -> None:
    with TransferBars(enabled=True, label="upload alice/m") as bars:
        on = bars.callback
        assert on is not None
        on(PhaseChanged(Phase.HASHING, files=2, total_bytes=4 * MiB))
        on(FileProgress("a.bin", FileState.HASHING, 1 * MiB, 2 * MiB))
        on(FileProgress("b.bin", FileState.HASHING, 2 * MiB, 2 * MiB))
        total = shown(bars)[0]
        assert total[:3] == ("upload alice/m (hashing)", 3 * MiB, 4 * MiB)


def test_what_the_hub_holds_is_named_not_counted_as_sent() -> None:
    with TransferBars(enabled=True, label="upload alice/m") as bars:
        on = bars.callback
        assert on is not None
        on(PhaseChanged(Phase.UPLOADING, files=2, total_bytes=200 * MiB))
        on(FileProgress("held.bin", FileState.SKIPPED, 300 * MiB, 300 * MiB))
        on(TotalProgress(1, 2, 0, 200 * MiB, bytes_skipped=300 * MiB))
        on(TotalProgress(1, 2, 50 * MiB, 200 * MiB, bytes_skipped=300 * MiB))
        (total,) = shown(bars)
        assert total[0] == "upload alice/m (uploading; 300.0 MiB already on the Hub)"
        assert total[1:3] == (50 * MiB, 200 * MiB)
        assert total[3] == "50.0 MiB/200.0 MiB"
    with TransferBars(enabled=True, label="download alice/m") as bars:
        on = bars.callback
        assert on is not None
        on(PhaseChanged(Phase.DOWNLOADING, files=2, total_bytes=10 * MiB))
        on(TotalProgress(1, 2, 0, 4 * MiB, bytes_skipped=6 * MiB))
        assert shown(bars)[0][0] == "download alice/m (downloading; 6.0 MiB cached)"


def test_small_files_are_counted_as_files() -> None:
    with TransferBars(enabled=True, label="upload alice/m") as bars:
        on = bars.callback
        assert on is not None
        on(PhaseChanged(Phase.PREUPLOAD, files=120))
        total = shown(bars)[0]
        assert total[0] == "upload alice/m (preupload)"
        assert total[3] == "0/120 files"
        on(PhaseChanged(Phase.COMMITTING, files=120, total_bytes=300_000))
        on(TotalProgress(0, 120, 0, 300_000))
        assert shown(bars)[0][3] == "0 B/293.0 KiB"
        on(TotalProgress(120, 120, 300_000, 300_000))
        on(PhaseChanged(Phase.DONE))
        total = shown(bars)[0]
        assert total[0] == "upload alice/m (done)"
        assert total[1] == total[2] == 300_000
