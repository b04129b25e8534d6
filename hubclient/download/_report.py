"""Progress events of one download call (see :mod:`hubclient.progress`)."""

from __future__ import annotations

from hubclient.progress import (
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressCallback,
    TotalProgress,
)

__all__ = ["Reporter"]


class Reporter:
    """Sends typed events to a callback (or nowhere) and keeps the totals."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._cb = callback
        self.files_total = 0
        self.bytes_total = 0
        self.files_done = 0
        self.bytes_done = 0

    @property
    def enabled(self) -> bool:
        return self._cb is not None

    def phase(self, phase: Phase, *, files: int = 0, total_bytes: int = 0) -> None:
        if phase is Phase.DOWNLOADING:
            self.files_total, self.bytes_total = files, total_bytes
        if self._cb is not None:
            self._cb(PhaseChanged(phase, files, total_bytes))

    def file(self, path: str, state: FileState, done: int, total: int | None) -> None:
        if state in (FileState.DONE, FileState.SKIPPED):
            self.files_done += 1
        if self._cb is not None:
            self._cb(FileProgress(path, state, done, total))
            if state in (FileState.DONE, FileState.SKIPPED, FileState.FAILED):
                self._total()

    def skipped(self, path: str, size: int) -> None:
        self.bytes_done += size
        self.file(path, FileState.SKIPPED, size, size)

    def bytes(self, paths: list[str], done: int, total: int | None, delta: int) -> None:
        self.bytes_done += delta
        if self._cb is not None:
            for path in paths:
                self._cb(FileProgress(path, FileState.DOWNLOADING, done, total))
            self._total()

    def _total(self) -> None:
        if self._cb is not None:
            self._cb(
                TotalProgress(self.files_done, self.files_total, self.bytes_done, self.bytes_total)
            )
