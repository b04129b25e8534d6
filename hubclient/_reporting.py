"""What the download and upload engines tell a progress callback: :class:`Reporter` turns the
facts of a transfer (a phase begins, a file moves on, bytes arrive or leave) into
:mod:`hubclient.progress` events and keeps the totals.

Example::

    reporter = Reporter(print)
    reporter.phase(Phase.DOWNLOADING, files=1, total_bytes=10)
    reporter.expect(1, 10)
    reporter.file("a.bin", FileState.DOWNLOADING, 4, 10)
    reporter.add_bytes(4)  # TotalProgress(files_done=0, files_total=1, bytes_done=4, ...)
    reporter.file("a.bin", FileState.DONE, 10, 10)
    reporter.file_finished(extra_bytes=6)
"""

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
    """Sends typed events to a callback, on the event-loop thread; a no-op without one
    (the totals are kept either way).

    ``phase`` and ``file`` send one event each; ``add_bytes``, ``file_finished`` and
    ``totals`` send the totals (:class:`~hubclient.progress.TotalProgress`).
    """

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self.files_total = 0
        self.bytes_total = 0
        self.files_done = 0
        self.bytes_done = 0

    @property
    def enabled(self) -> bool:
        """Whether anyone listens (to skip work done only for the events)."""
        return self._callback is not None

    def phase(self, phase: Phase, *, files: int = 0, total_bytes: int = 0) -> None:
        """The operation enters ``phase``, which holds ``files`` files of ``total_bytes``."""
        if self._callback is not None:
            self._callback(PhaseChanged(phase=phase, files=files, total_bytes=total_bytes))

    def file(self, path: str, state: FileState, done: int, total: int | None) -> None:
        """Where the file at ``path`` stands: ``done`` bytes out of ``total``."""
        if self._callback is not None:
            self._callback(FileProgress(path=path, state=state, done=done, total=total))

    def expect(self, files: int, total_bytes: int) -> None:
        """The transfer ahead: ``files`` files of ``total_bytes`` bytes, none done yet
        (no event; call :meth:`totals` to announce them)."""
        self.files_total, self.bytes_total = files, total_bytes
        self.files_done = self.bytes_done = 0

    def add_bytes(self, amount: int) -> None:
        """``amount`` more bytes done (negative: taken back, e.g. a retried part)."""
        self.bytes_done += amount
        self.totals()

    def file_finished(self, *, extra_bytes: int = 0) -> None:
        """One more file done, with ``extra_bytes`` done that :meth:`add_bytes` did not count
        (a file found already there, a blob shown at several paths)."""
        self.files_done += 1
        self.bytes_done += extra_bytes
        self.totals()

    def skipped(self, path: str, size: int) -> None:
        """The file at ``path`` (``size`` bytes) needs no transfer: it counts as done."""
        self.file(path, FileState.SKIPPED, size, size)
        self.file_finished(extra_bytes=size)

    def totals(self) -> None:
        """Send the totals as they stand."""
        if self._callback is not None:
            self._callback(
                TotalProgress(
                    files_done=self.files_done,
                    files_total=self.files_total,
                    bytes_done=self.bytes_done,
                    bytes_total=self.bytes_total,
                )
            )
