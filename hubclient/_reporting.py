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
    reporter.file_finished()
    reporter.skipped("b.bin", 6)  # cached or already on the Hub: 6 bytes skipped, not sent
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
        self.bytes_skipped = 0

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
        self.files_done = self.bytes_done = self.bytes_skipped = 0

    def expect_more(self, files: int, total_bytes: int) -> None:
        """``files`` more files of ``total_bytes`` bytes join the transfer (no event)."""
        self.files_total += files
        self.bytes_total += total_bytes

    def add_bytes(self, amount: int) -> None:
        """``amount`` more bytes done (negative: taken back, e.g. a retried part)."""
        self.bytes_done += amount
        self.totals()

    def file_finished(self, *, extra_bytes: int = 0) -> None:
        """One more file done; ``extra_bytes`` of the expected bytes needed no transfer (a
        blob shown at several paths): they leave the total for the skipped bytes."""
        self.files_done += 1
        self._not_sent(extra_bytes)
        self.totals()

    def finished_many(self, files: int, sent_bytes: int) -> None:
        """``files`` files done at once, with ``sent_bytes`` sent (one totals event): the
        regular files of a commit, whose content goes in the commit itself."""
        self.files_done += files
        self.bytes_done += sent_bytes
        self.totals()

    def skipped(self, path: str, size: int) -> None:
        """The file at ``path`` (``size`` bytes, counted in :meth:`expect`) needs no transfer:
        it counts as a file done, its bytes as skipped (not as bytes sent)."""
        self.file(path, FileState.SKIPPED, size, size)
        self.file_finished(extra_bytes=size)

    def _not_sent(self, amount: int) -> None:
        moved = max(0, min(amount, self.bytes_total - self.bytes_done))
        self.bytes_total -= moved
        self.bytes_skipped += amount

    def totals(self) -> None:
        """Send the totals as they stand."""
        if self._callback is not None:
            self._callback(
                TotalProgress(
                    files_done=self.files_done,
                    files_total=self.files_total,
                    bytes_done=self.bytes_done,
                    bytes_total=self.bytes_total,
                    bytes_skipped=self.bytes_skipped,
                )
            )
