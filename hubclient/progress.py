"""Progress as data: typed events that transfers emit, and the callback type that receives them.

Downloads and uploads report what they do as immutable events. A caller passes a callback
(``progress=print``) or a renderer consumes them; nothing here draws a bar.

Example::

    def show(event: ProgressEvent) -> None:
        if isinstance(event, FileProgress) and event.total:
            print(f"{event.path}: {event.done}/{event.total}")

    await client.snapshot_download("acme/model", progress=show)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "FileProgress",
    "FileState",
    "Phase",
    "PhaseChanged",
    "ProgressCallback",
    "ProgressEvent",
    "TotalProgress",
]


class Phase(str, enum.Enum):
    """A stage of a download or an upload, in the order they happen."""

    PLANNING = "planning"
    HASHING = "hashing"
    PREUPLOAD = "preupload"
    UPLOADING = "uploading"
    COMMITTING = "committing"
    DOWNLOADING = "downloading"
    DONE = "done"


class FileState(str, enum.Enum):
    """Where one file stands."""

    PENDING = "pending"
    HASHING = "hashing"
    UPLOADING = "uploading"
    DOWNLOADING = "downloading"
    VERIFYING = "verifying"
    SKIPPED = "skipped"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PhaseChanged:
    """The operation entered ``phase``; ``files`` and ``total_bytes`` say how much work it holds."""

    phase: Phase
    files: int = 0
    total_bytes: int = 0


@dataclass(frozen=True, slots=True)
class FileProgress:
    """Bytes done for one file (a repo path), out of ``total`` when known."""

    path: str
    state: FileState
    done: int
    total: int | None


@dataclass(frozen=True, slots=True)
class TotalProgress:
    """Totals for the whole operation.

    ``bytes_total`` is what this operation moves over the network (downloads: what is not in
    the cache; uploads: LFS objects the Hub lacks plus the regular files of the commit) and
    ``bytes_done`` how much of it has moved. Files that need no transfer (already cached,
    already on the Hub, the same content at another path) count in ``files_done`` at once
    and their bytes in ``bytes_skipped``, never as bytes sent. At the end ``bytes_done ==
    bytes_total`` and ``files_done == files_total``.
    """

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    bytes_skipped: int = 0


ProgressEvent = PhaseChanged | FileProgress | TotalProgress
ProgressCallback = Callable[[ProgressEvent], None]
