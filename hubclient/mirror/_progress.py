"""Progress of one repo being mirrored: stage changes, and byte updates at most ~10 per second."""

from __future__ import annotations

import time

from hubclient.mirror._types import MirrorProgress, MirrorProgressCallback, MirrorStage
from hubclient.progress import ProgressCallback, ProgressEvent, TotalProgress

__all__ = ["RepoProgress"]

_INTERVAL = 0.1


class RepoProgress:
    """Counts what moves for one repo and tells a :data:`MirrorProgressCallback` about it.

    Stage changes always reach the callback; byte updates are throttled to one per
    ``interval`` seconds. Without a callback every method is a cheap no-op.

    Example::

        progress = RepoProgress(print, "acme/m", "model")
        progress.stage(MirrorStage.COPYING)
        progress.add_bytes(1024)
    """

    def __init__(
        self,
        callback: MirrorProgressCallback | None,
        repo_id: str,
        repo_type: str,
        *,
        interval: float = _INTERVAL,
    ) -> None:
        self._callback = callback
        self._repo_id = repo_id
        self._repo_type = repo_type
        self._interval = interval
        self._stage = MirrorStage.QUEUED
        self._last = 0.0
        self.files_done = 0
        self.files_total = 0
        self.bytes_done = 0
        self.bytes_total = 0

    def stage(self, stage: MirrorStage) -> None:
        self._stage = stage
        self._emit()

    def add_totals(self, files: int, nbytes: int) -> None:
        self.files_total += files
        self.bytes_total += nbytes

    def files_finished(self, count: int) -> None:
        self.files_done += count
        self._emit(throttle=True)

    def add_bytes(self, amount: int) -> None:
        self.bytes_done += amount
        self._emit(throttle=True)

    def upload_listener(self) -> ProgressCallback:
        """A callback for one upload context: the changes of its running byte count (which
        starts at 0 for each context, and steps back when a part is retried) become ours."""
        seen = 0

        def on_event(event: ProgressEvent) -> None:
            nonlocal seen
            if isinstance(event, TotalProgress):
                delta = event.bytes_done - seen
                seen = event.bytes_done
                if delta:
                    self.add_bytes(delta)

        return on_event

    def _emit(self, *, throttle: bool = False) -> None:
        if self._callback is None:
            return
        now = time.monotonic()
        if throttle:
            if now - self._last < self._interval:
                return
            self._last = now
        self._callback(
            MirrorProgress(
                repo_id=self._repo_id,
                repo_type=self._repo_type,
                stage=self._stage,
                files_done=self.files_done,
                files_total=self.files_total,
                bytes_done=self.bytes_done,
                bytes_total=self.bytes_total,
            )
        )
