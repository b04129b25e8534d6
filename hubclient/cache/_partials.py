"""Temporary and partial download files, and how an interrupted download is resumed.

The choice (documented in ``hubclient/cache/__init__.py``): every transfer writes to a file of
its own, ``<stem>.<8 hex>.incomplete`` (the 2.x name: ``<stem>`` is ``blobs/<etag>`` or the
local-dir stem), and renames it into place when verified. A transfer that is interrupted
leaves that file behind (with a ``.parts`` side file when parts were written out of order,
holding the length of the prefix known to be complete). The next transfer of the same blob,
holding the blob lock, *claims* the best partial left by anyone (``<stem>.incomplete`` from
huggingface_hub 0.23–1.17 included) by renaming it to its own unique name, and resumes after
the valid prefix. The rename makes the claim atomic; the final hash check makes a wrong guess
harmless.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path

from hubclient.cache._fs import atomic_write_text

__all__ = [
    "PARTS_SUFFIX",
    "claim_partial",
    "clear_progress",
    "new_temp_path",
    "valid_prefix",
    "write_progress",
]

PARTS_SUFFIX = ".parts"
_UNIQUE_RE = re.compile(r"\.[0-9a-f]{8}\.incomplete")


def new_temp_path(directory: Path, stem: str) -> Path:
    return directory / f"{stem}.{uuid.uuid4().hex[:8]}.incomplete"


def _progress_path(tmp: Path) -> Path:
    return tmp.with_name(tmp.name + PARTS_SUFFIX)


def write_progress(tmp: Path, complete_prefix: int) -> None:
    """Record that the first ``complete_prefix`` bytes of ``tmp`` are final."""
    atomic_write_text(_progress_path(tmp), str(complete_prefix))


def clear_progress(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        _progress_path(tmp).unlink()


def valid_prefix(tmp: Path) -> int:
    """Bytes of ``tmp`` that may be resumed from: its size, capped by its ``.parts`` record."""
    try:
        size = tmp.stat().st_size
    except OSError:
        return 0
    try:
        recorded = int(_progress_path(tmp).read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return size
    except (OSError, ValueError):
        return 0
    return max(0, min(size, recorded))


def _candidates(directory: Path, stem: str) -> list[Path]:
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    out = []
    for name in names:
        if not name.startswith(stem) or not name.endswith(".incomplete"):
            continue
        rest = name[len(stem) :]
        if rest == ".incomplete" or _UNIQUE_RE.fullmatch(rest):
            out.append(directory / name)
    return out


def claim_partial(directory: Path, stem: str, tmp: Path, *, max_size: int | None) -> int:
    """Move the best partial of ``stem`` (if any) to ``tmp`` and return its valid length.

    Call it holding the blob lock. Other partials of the same stem are deleted. A partial
    larger than ``max_size`` (the expected size) is discarded. Returns 0 when nothing was
    claimed (``tmp`` then does not exist).
    """
    best: Path | None = None
    best_len = 0
    found = _candidates(directory, stem)
    for path in found:
        length = valid_prefix(path)
        if max_size is not None and length > max_size:
            continue
        if length > best_len:
            best, best_len = path, length
    for path in found:
        if path == best:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
        clear_progress(path)
    if best is None:
        return 0
    try:
        os.rename(best, tmp)
    except OSError:  # someone else claimed it first
        return 0
    clear_progress(best)
    with open(tmp, "r+b") as f:
        f.truncate(best_len)
    return best_len
