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
_FINAL_FILE_STATES = (FileState.DONE, FileState.SKIPPED, FileState.FAILED)


def _new_progress() -> Progress | None:
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
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
        _amount_column(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
        refresh_per_second=8,
    )


def _amount_column() -> Any:
    """Bytes done/total where the task has a byte total, else files done/total (an upload of
    small files, a listing phase), else nothing: never ``0/? bytes``."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Amount(ProgressColumn):
        def render(self, task: Any) -> Text:
            if task.total:
                done, whole = _binary(task.completed), _binary(task.total)
                return Text(f"{done}/{whole}", style="progress.download")
            files = task.fields.get("files_total")
            if files:
                return Text(
                    f"{task.fields.get('files_done', 0)}/{files} files", "progress.download"
                )
            return Text("")

    return Amount()


def _binary(size: float) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


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


#: What a per-file bar says a file is doing.
_VERBS = {
    FileState.HASHING: "hash ",
    FileState.UPLOADING: "send ",
    FileState.DOWNLOADING: "get  ",
    FileState.VERIFYING: "check",
}


class TransferBars(_Bars):
    """Bars for one download or upload: a total bar that says which phase runs (and what
    needs no transfer), and a bar per large file that says what happens to it.

    Honest accounting: hashing is shown as hashing (the total bar follows the bytes hashed
    while the operation hashes, then the bytes sent); a file bar that goes from hashing to
    sending says so as it starts again from 0; files the Hub (or the cache) already holds
    count as files done and are named as skipped, never as bytes sent; a transfer without a
    byte total counts files.
    """

    def __init__(self, *, enabled: bool, label: str) -> None:
        super().__init__(enabled)
        self._label = label
        self._skipped_word = "already on the Hub" if label.startswith("upload") else "cached"
        self._files: dict[str, TaskID] = {}
        self._states: dict[str, FileState] = {}
        self._hashed: dict[str, int] = {}
        self._phase = Phase.PLANNING
        self._skipped = 0
        self._total: TaskID | None = None
        if self._progress is not None:
            self._total = self._progress.add_task(label, total=None, files_done=0, files_total=0)

    def __enter__(self) -> TransferBars:
        super().__enter__()
        return self

    @property
    def callback(self) -> ProgressCallback | None:
        return self._on_event if self._progress is not None else None

    def _description(self) -> str:
        notes = [self._phase.value]
        hashing = sum(state is FileState.HASHING for state in self._states.values())
        if hashing and self._phase is not Phase.HASHING:
            notes.append(f"hashing {hashing} file{'s' if hashing > 1 else ''}")
        if self._skipped:
            notes.append(f"{_binary(self._skipped)} {self._skipped_word}")
        return f"{self._label} ({'; '.join(notes)})"

    def _on_event(self, event: ProgressEvent) -> None:
        progress, total = self._progress, self._total
        if progress is None or total is None:
            return
        if isinstance(event, PhaseChanged):
            self._phase = event.phase
            if event.phase is Phase.DONE:
                task = next(t for t in progress.tasks if t.id == total)
                progress.update(total, completed=task.total or 0)
            elif event.phase is Phase.HASHING:
                self._hashed.clear()
                progress.update(total, total=event.total_bytes or None, completed=0)
            elif event.total_bytes or event.phase is not Phase.COMMITTING:
                progress.update(total, total=event.total_bytes or None, completed=0)
            if event.files and event.phase in (Phase.PLANNING, Phase.PREUPLOAD):
                progress.update(total, files_total=event.files, files_done=0)
        elif isinstance(event, TotalProgress):
            self._skipped = event.bytes_skipped
            done, files = event.files_done, event.files_total
            if self._phase is Phase.HASHING:
                progress.update(total, files_done=done, files_total=files)
            else:
                progress.update(
                    total,
                    completed=event.bytes_done,
                    total=event.bytes_total or None,
                    files_done=done,
                    files_total=files,
                )
        elif isinstance(event, FileProgress):
            self._on_file(progress, total, event)
        progress.update(total, description=self._description())

    def _on_file(self, progress: Progress, total: TaskID, event: FileProgress) -> None:
        if event.state is FileState.HASHING:
            self._hashed[event.path] = event.done
            if self._phase is Phase.HASHING:
                progress.update(total, completed=sum(self._hashed.values()))
        task = self._files.get(event.path)
        if event.state in _FINAL_FILE_STATES:
            self._states.pop(event.path, None)
            if task is not None:
                progress.remove_task(task)
                del self._files[event.path]
            return
        if event.state not in _VERBS:
            return
        previous = self._states.get(event.path)
        self._states[event.path] = event.state
        if task is None:
            if (event.total or 0) < MIN_FILE_BAR or len(self._files) >= MAX_BARS:
                return
            task = progress.add_task("", total=event.total)
            self._files[event.path] = task
        if previous is not event.state:  # a new stage of the file: a new label, from 0
            progress.reset(task, total=event.total)
            progress.update(task, description=f"  {_VERBS[event.state]} {_short(event.path)}")
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
