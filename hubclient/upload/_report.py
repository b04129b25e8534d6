"""Turns what the upload engine does into :mod:`hubclient.progress` events for a callback."""

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
    """Emits events on the event-loop thread; a no-op without a callback."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self.files_total = 0
        self.files_done = 0
        self.bytes_total = 0
        self.bytes_done = 0

    @property
    def enabled(self) -> bool:
        return self._callback is not None

    def phase(self, phase: Phase, files: int = 0, total_bytes: int = 0) -> None:
        if self._callback is not None:
            self._callback(PhaseChanged(phase=phase, files=files, total_bytes=total_bytes))

    def file(self, path: str, state: FileState, done: int, total: int | None) -> None:
        if self._callback is not None:
            self._callback(FileProgress(path=path, state=state, done=done, total=total))

    def start_totals(self, files: int, total_bytes: int) -> None:
        self.files_total, self.bytes_total = files, total_bytes
        self.files_done = self.bytes_done = 0
        self._emit_totals()

    def add_bytes(self, amount: int) -> None:
        self.bytes_done += amount
        self._emit_totals()

    def file_finished(self) -> None:
        self.files_done += 1
        self._emit_totals()

    def _emit_totals(self) -> None:
        if self._callback is not None:
            self._callback(
                TotalProgress(
                    files_done=self.files_done,
                    files_total=self.files_total,
                    bytes_done=self.bytes_done,
                    bytes_total=self.bytes_total,
                )
            )
