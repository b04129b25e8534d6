"""Progress bars of a tqdm-like class, drawn from the typed progress events (``tqdm_class=``).

huggingface_hub's downloads take ``tqdm_class``: ``hf_hub_download`` draws one bar of bytes for
the file with it, ``snapshot_download`` a bar of files ("Fetching N files") and one of bytes.
hubclient does the same from its :mod:`hubclient.progress` events, so any class with tqdm's
constructor keywords (``total``, ``desc``, ``unit``, ``unit_scale``, ``initial``) and its
``update(n)`` / ``close()`` methods works; tqdm itself is never imported. The bars are made when
the transfer starts and closed when it ends, failed or not.

Example::

    from tqdm.auto import tqdm

    path = await client.hf_hub_download("acme/model", "weights.bin", tqdm_class=tqdm)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from hubclient.progress import (
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressCallback,
    ProgressEvent,
    TotalProgress,
)

__all__ = ["TqdmBars", "with_bars"]

_FINISHED = (FileState.DONE, FileState.SKIPPED)


def _label(name: str) -> str:
    # the file name as huggingface_hub shows it: at most 40 characters, the end kept
    return name if len(name) <= 40 else f"(…){name[-40:]}"


class TqdmBars:
    """A progress callback that keeps bars of ``tqdm_class`` up to date.

    ``kind="file"``: one bar of bytes per file (``hf_hub_download``); ``kind="snapshot"``: a bar
    of files and a bar of bytes for the whole snapshot. Events are forwarded to ``chain`` too.
    """

    def __init__(
        self,
        tqdm_class: Callable[..., Any],
        kind: Literal["file", "snapshot"],
        chain: ProgressCallback | None = None,
    ) -> None:
        self._cls = tqdm_class
        self._kind = kind
        self._chain = chain
        self._bars: dict[str, Any] = {}
        self._shown: dict[str, int] = {}
        self._finished: set[str] = set()

    def __call__(self, event: ProgressEvent) -> None:
        if self._kind == "file":
            self._on_file_event(event)
        else:
            self._on_snapshot_event(event)
        if self._chain is not None:
            self._chain(event)

    def _advance(self, key: str, done: int) -> None:
        bar = self._bars.get(key)
        if bar is None:
            return
        delta = done - self._shown.get(key, 0)
        if delta:
            bar.update(delta)
            self._shown[key] = done

    def _on_file_event(self, event: ProgressEvent) -> None:
        if not isinstance(event, FileProgress):
            return
        if event.path not in self._bars:
            if event.state in _FINISHED:
                return  # nothing to transfer (already cached): huggingface_hub shows no bar
            self._bars[event.path] = self._cls(
                desc=_label(event.path),
                total=event.total,
                initial=0,
                unit="B",
                unit_scale=True,
            )
        self._advance(event.path, event.done)
        if event.state in (*_FINISHED, FileState.FAILED):
            self._close(event.path)

    def _on_snapshot_event(self, event: ProgressEvent) -> None:
        if isinstance(event, PhaseChanged) and event.phase is Phase.DOWNLOADING:
            if "files" not in self._bars:
                self._bars["files"] = self._cls(
                    total=event.files, desc=f"Fetching {event.files} files"
                )
                self._bars["bytes"] = self._cls(
                    desc="Downloading bytes",
                    total=event.total_bytes,
                    initial=0,
                    unit="B",
                    unit_scale=True,
                )
        elif isinstance(event, FileProgress) and event.state in _FINISHED:
            if event.path not in self._finished:
                self._finished.add(event.path)
                self._advance("files", len(self._finished))
        elif isinstance(event, TotalProgress):
            self._advance("bytes", event.bytes_done)

    def _close(self, key: str) -> None:
        bar = self._bars.pop(key, None)
        if bar is not None:
            bar.close()

    def close(self) -> None:
        """Close every bar still open (idempotent)."""
        for key in list(self._bars):
            self._close(key)


def with_bars(
    progress: ProgressCallback | None,
    tqdm_class: Callable[..., Any] | None,
    kind: Literal["file", "snapshot"],
) -> tuple[ProgressCallback | None, TqdmBars | None]:
    """The callback to give the engine, and the bars to close afterwards (None without a class).

    Example::

        callback, bars = with_bars(progress, tqdm_class, "file")
        try:
            ...
        finally:
            if bars is not None:
                bars.close()
    """
    if tqdm_class is None:
        return progress, None
    bars = TqdmBars(tqdm_class, kind, chain=progress)
    return bars, bars
