"""Live progress on stderr with rich: bytes, rate and ETA.

Two renderers, both context managers whose ``callback`` is given to the library:

* :class:`TransferBars` for downloads and uploads (:mod:`hubclient.progress` events): one bar
  for the whole operation plus one per large file in flight;
* :class:`MirrorBars` for mirroring (:class:`hubclient.MirrorProgress`): one bar per active
  repo plus a total.

The commands build them only when stderr is a terminal (see ``show_progress``); with
``enabled=False`` (or without rich installed) ``callback`` is None and nothing is drawn.

Example::

    with TransferBars(enabled=True, label="download acme/model") as bars:
        await client.snapshot_download("acme/model", progress=bars.callback)
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any

from hubclient import (
    FileProgress,
    FileState,
    MirrorProgress,
    MirrorProgressCallback,
    MirrorStage,
    Phase,
    PhaseChanged,
    ProgressCallback,
    ProgressEvent,
    TotalProgress,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["MirrorBars", "TransferBars"]

#: At most this many per-file (or per-repo) bars at once; the rest count in the total.
MAX_BARS = 8
#: Files smaller than this get no bar of their own.
MIN_FILE_BAR = 1024 * 1024
_ACTIVE_FILE_STATES = (FileState.DOWNLOADING, FileState.UPLOADING, FileState.HASHING)
_FINAL_FILE_STATES = (FileState.DONE, FileState.SKIPPED, FileState.FAILED)


def _new_progress() -> Progress | None:
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )
    except ImportError:  # the `cli` extra is not installed: no bars
        return None
    return Progress(
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
        refresh_per_second=8,
    )


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


class _Bars:
    def __init__(self, enabled: bool) -> None:
        self._progress = _new_progress() if enabled else None

    def __enter__(self) -> Any:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


class TransferBars(_Bars):
    """Bars for one download or upload."""

    def __init__(self, *, enabled: bool, label: str) -> None:
        super().__init__(enabled)
        self._label = label
        self._files: dict[str, TaskID] = {}
        self._total: TaskID | None = None
        if self._progress is not None:
            self._total = self._progress.add_task(label, total=None)

    def __enter__(self) -> TransferBars:
        super().__enter__()
        return self

    @property
    def callback(self) -> ProgressCallback | None:
        return self._on_event if self._progress is not None else None

    def _on_event(self, event: ProgressEvent) -> None:
        progress, total = self._progress, self._total
        if progress is None or total is None:
            return
        if isinstance(event, PhaseChanged):
            description = f"{self._label} ({event.phase.value})"
            if event.phase is Phase.DONE:
                task = next(t for t in progress.tasks if t.id == total)
                progress.update(total, description=description, completed=task.total or 0)
            elif event.total_bytes:
                progress.update(
                    total, description=description, total=event.total_bytes, completed=0
                )
            else:
                progress.update(total, description=description)
        elif isinstance(event, TotalProgress):
            progress.update(
                total,
                completed=event.bytes_done,
                total=event.bytes_total or None,
            )
        elif isinstance(event, FileProgress):
            self._on_file(progress, event)

    def _on_file(self, progress: Progress, event: FileProgress) -> None:
        task = self._files.get(event.path)
        if event.state in _FINAL_FILE_STATES:
            if task is not None:
                progress.remove_task(task)
                del self._files[event.path]
            return
        if event.state not in _ACTIVE_FILE_STATES:
            return
        if task is None:
            if (event.total or 0) < MIN_FILE_BAR or len(self._files) >= MAX_BARS:
                return
            task = progress.add_task(f"  {_short(event.path)}", total=event.total)
            self._files[event.path] = task
        progress.update(task, completed=event.done, total=event.total)


class MirrorBars(_Bars):
    """One bar per repo being mirrored, plus a total over the job."""

    def __init__(self, *, enabled: bool, repos: int, label: str = "mirror") -> None:
        super().__init__(enabled)
        self._label = label
        self._repos = repos
        self._finished: set[tuple[str, str]] = set()
        self._failed = 0
        self._bytes: dict[tuple[str, str], tuple[int, int]] = {}
        self._tasks: dict[tuple[str, str], TaskID] = {}
        self._total: TaskID | None = None
        if self._progress is not None:
            self._total = self._progress.add_task(self._total_description(), total=None)

    def __enter__(self) -> MirrorBars:
        super().__enter__()
        return self

    @property
    def callback(self) -> MirrorProgressCallback | None:
        return self._on_event if self._progress is not None else None

    def _total_description(self) -> str:
        failed = f", {self._failed} failed" if self._failed else ""
        return f"{self._label}: {len(self._finished)}/{self._repos} repos{failed}"

    def _on_event(self, event: MirrorProgress) -> None:
        progress, total = self._progress, self._total
        if progress is None or total is None:
            return
        key = (event.repo_type, event.repo_id)
        if event.stage is MirrorStage.DONE:  # all that had to move has moved
            whole = max(event.bytes_total, event.bytes_done)
            self._bytes[key] = (whole, whole)
        else:
            self._bytes[key] = (event.bytes_done, event.bytes_total)
        task = self._tasks.get(key)
        if event.stage in (MirrorStage.DONE, MirrorStage.FAILED):
            if key not in self._finished:
                self._finished.add(key)
                self._failed += event.stage is MirrorStage.FAILED
            if task is not None:
                progress.remove_task(task)
                del self._tasks[key]
        elif event.stage is not MirrorStage.QUEUED:
            name = _short(event.repo_id, 32)
            description = f"  {name} ({event.stage.value})"
            if task is None and len(self._tasks) < MAX_BARS:
                task = self._tasks[key] = progress.add_task(description, total=None)
            if task is not None:
                progress.update(
                    task,
                    description=description,
                    completed=event.bytes_done,
                    total=event.bytes_total or None,
                )
        done = sum(d for d, _ in self._bytes.values())
        whole = sum(t for _, t in self._bytes.values())
        progress.update(
            total, description=self._total_description(), completed=done, total=whole or None
        )
