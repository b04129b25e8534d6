"""tqdm bars drawn from the typed progress events (:mod:`hubclient.progress`), for scripts.

:class:`TqdmProgress` is a progress callback: pass it as ``progress=`` to a download or an
upload and it draws what huggingface_hub users expect: one bar of the bytes the operation moves
(what is already cached or already on the Hub is not counted as moved) and a bar per large file
in flight, each saying what it does (hashing, uploading, downloading). It closes its bars when
the operation reports ``Phase.DONE``, or when used as a context manager, on exit.

``HF_HUB_DISABLE_PROGRESS_BARS=1`` turns it off, and ``tqdm_class`` swaps the bar class, as in
huggingface_hub (a ``tqdm.auto.tqdm`` in a notebook, your own subclass in tests).

Example::

    from hubclient import HubClient, TqdmProgress

    with HubClient() as client, TqdmProgress() as bars:
        client.snapshot_download("acme/model", progress=bars)
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

from hubclient.progress import (
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressCallback,
    ProgressEvent,
    TotalProgress,
)

__all__ = ["TqdmProgress", "progress_bars_disabled", "script_progress"]

#: At most this many per-file bars at once; the rest count in the total.
MAX_FILE_BARS = 8
#: Files smaller than this get no bar of their own.
MIN_FILE_BAR = 1024 * 1024

_VERBS = {
    FileState.HASHING: "Hashing",
    FileState.UPLOADING: "Uploading",
    FileState.DOWNLOADING: "Downloading",
    FileState.VERIFYING: "Verifying",
}
_FINAL = (FileState.DONE, FileState.SKIPPED, FileState.FAILED)
_TRUE = {"1", "ON", "YES", "TRUE"}


def progress_bars_disabled() -> bool:
    """Whether ``HF_HUB_DISABLE_PROGRESS_BARS`` asks for no bars (read now)."""
    return os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "").strip().upper() in _TRUE


def _default_tqdm() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency; a stripped install may lack it
        return None
    return tqdm


class TqdmProgress:
    """A progress callback that draws tqdm bars for one download or upload.

    Args:
        desc: the label of the total bar (default: what the first phase says, e.g.
            ``"Downloading"``).
        tqdm_class: the bar class (default ``tqdm.auto.tqdm``); it is called as ``tqdm``
            is, with ``total``, ``desc``, ``unit="B"``, ``unit_scale``, ``unit_divisor``,
            ``leave`` and ``position``.
        disable: no bars at all (default: ``HF_HUB_DISABLE_PROGRESS_BARS``).

    Example::

        await client.upload_folder(repo_id="alice/model", folder_path="out",
                                   progress=TqdmProgress(desc="alice/model"))
    """

    def __init__(
        self, desc: str | None = None, *, tqdm_class: Any = None, disable: bool | None = None
    ) -> None:
        self._desc = desc
        self._tqdm = tqdm_class if tqdm_class is not None else _default_tqdm()
        self._disabled = (progress_bars_disabled() if disable is None else disable) or (
            self._tqdm is None
        )
        self._total: Any = None
        self._files: dict[str, Any] = {}
        self._states: dict[str, FileState] = {}
        self._phase = Phase.PLANNING
        self._skipped = 0

    @property
    def disabled(self) -> bool:
        return self._disabled

    def __enter__(self) -> TqdmProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every bar (idempotent)."""
        for bar in self._files.values():
            bar.close()
        self._files.clear()
        self._states.clear()
        if self._total is not None:
            self._total.close()
            self._total = None

    def __call__(self, event: ProgressEvent) -> None:
        if self._disabled:
            return
        if isinstance(event, PhaseChanged):
            self._on_phase(event)
        elif isinstance(event, TotalProgress):
            self._on_total(event)
        elif isinstance(event, FileProgress):
            self._on_file(event)

    # ------------------------------------------------------------------ events

    def _bar(self, *, total: int | None, desc: str, position: int = 0, leave: bool) -> Any:
        return self._tqdm(
            total=total,
            desc=desc,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            leave=leave,
            position=position,
        )

    def _label(self) -> str:
        what = self._desc or self._phase.value.capitalize()
        if self._desc and self._phase not in (Phase.DONE,):
            what = f"{what} ({self._phase.value})"
        if self._skipped:
            what += f", {_size(self._skipped)} skipped"
        return what

    def _on_phase(self, event: PhaseChanged) -> None:
        self._phase = event.phase
        if event.phase is Phase.DONE:
            if self._total is not None:
                self._total.set_description_str(self._label(), refresh=False)
                if self._total.total is not None:
                    self._total.n = self._total.total
                self._total.refresh()
            self.close()
            return
        if event.phase in (Phase.DOWNLOADING, Phase.UPLOADING, Phase.COMMITTING):
            if self._total is None:
                self._total = self._bar(total=event.total_bytes or None, desc="", leave=True)
            elif event.total_bytes:
                self._total.reset(total=event.total_bytes)
            self._total.set_description_str(self._label())

    def _on_total(self, event: TotalProgress) -> None:
        self._skipped = event.bytes_skipped
        bar = self._total
        if bar is None or self._phase is Phase.HASHING:
            return
        if event.bytes_total and bar.total != event.bytes_total:
            bar.total = event.bytes_total
        bar.n = event.bytes_done
        bar.set_description_str(self._label(), refresh=False)
        bar.refresh()

    def _on_file(self, event: FileProgress) -> None:
        bar = self._files.get(event.path)
        if event.state in _FINAL:
            self._states.pop(event.path, None)
            if bar is not None:
                if event.state is not FileState.FAILED and bar.total:
                    bar.n = bar.total
                bar.close()
                del self._files[event.path]
            return
        verb = _VERBS.get(event.state)
        if verb is None:
            return
        previous = self._states.get(event.path)
        self._states[event.path] = event.state
        if bar is None:
            if (event.total or 0) < MIN_FILE_BAR or len(self._files) >= MAX_FILE_BARS:
                return
            bar = self._bar(
                total=event.total,
                desc=f"{verb} {_short(event.path)}",
                position=len(self._files) + 1,
                leave=False,
            )
            self._files[event.path] = bar
        elif previous is not event.state:  # a new stage of the file: its own label, from 0
            bar.reset(total=event.total)
            bar.set_description_str(f"{verb} {_short(event.path)}", refresh=False)
        bar.n = event.done
        bar.refresh()


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def script_progress(progress: ProgressCallback | None, client: Any) -> ProgressCallback | None:
    """What a ``HubClient`` transfer reports to: the caller's callback, else tqdm bars (as
    huggingface_hub draws them), unless ``HF_HUB_DISABLE_PROGRESS_BARS`` or the client's
    ``disable_progress_bars`` says no. Called by the generated sync facade."""
    if progress is not None:
        return progress
    settings = getattr(client, "settings", None)
    if getattr(settings, "disable_progress_bars", False) or progress_bars_disabled():
        return None
    bars = TqdmProgress()
    return None if bars.disabled else bars
