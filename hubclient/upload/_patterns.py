"""Which local files ``upload_folder`` takes, and which remote files a delete pattern names.

Patterns are shell wildcards matched with :func:`fnmatch.fnmatchcase` (so ``*`` crosses ``/``, as
in ``huggingface_hub``); a pattern ending with ``/`` means everything under that folder.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

__all__ = [
    "DEFAULT_IGNORE_PATTERNS",
    "as_pattern_list",
    "filter_paths",
    "list_local_files",
]

T = TypeVar("T")

# Never uploaded by upload_folder: git's own folder and the local-dir download metadata.
DEFAULT_IGNORE_PATTERNS: tuple[str, ...] = (
    ".git",
    ".git/*",
    "*/.git",
    "**/.git/**",
    ".cache/huggingface",
    ".cache/huggingface/*",
    "*/.cache/huggingface",
    "**/.cache/huggingface/**",
)


def as_pattern_list(patterns: str | Iterable[str] | None) -> list[str] | None:
    """``None`` stays None; a single pattern becomes a one-item list; a copy otherwise."""
    if patterns is None:
        return None
    if isinstance(patterns, str):
        return [patterns]
    return list(patterns)


def _normalise(pattern: str) -> str:
    pattern = pattern.replace("\\", "/")
    return pattern + "*" if pattern.endswith("/") else pattern


def _compile(patterns: list[str]) -> re.Pattern[str]:
    """One regex matching what any of the wildcard patterns matches (``fnmatchcase`` rules)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(_normalise(p))})" for p in patterns))


def filter_paths(
    items: Iterable[T],
    *,
    allow_patterns: str | Iterable[str] | None = None,
    ignore_patterns: str | Iterable[str] | None = None,
    key: Callable[[T], str] = str,
) -> Iterator[T]:
    """Yield the items whose path matches an allow pattern (if any) and no ignore pattern.

    Example::

        >>> list(filter_paths(["a.bin", "b.txt", "logs/x.txt"], allow_patterns="*.txt",
        ...                   ignore_patterns="logs/"))
        ['b.txt']
    """
    allow = as_pattern_list(allow_patterns)
    ignore = as_pattern_list(ignore_patterns)
    if allow is not None and not allow:
        return  # an empty allow list lets nothing through
    allow_re = None if allow is None else _compile(allow)
    ignore_re = _compile(ignore) if ignore else None
    for item in items:
        path = key(item).replace("\\", "/")
        if allow_re is not None and allow_re.match(path) is None:
            continue
        if ignore_re is not None and ignore_re.match(path) is not None:
            continue
        yield item


def list_local_files(folder: Path) -> list[tuple[str, Path]]:
    """Every file under ``folder`` (symlinks to files kept, symlinked folders not walked), sorted.

    Returns ``(posix relative path, absolute path)`` pairs. Walks with :func:`os.scandir`, which
    is much cheaper than ``Path.glob`` on folders of thousands of files.
    """
    root = folder.expanduser().resolve()
    if not root.is_dir():
        raise ValueError(f"Provided path: {str(root)!r} is not a directory")
    found: list[tuple[str, Path]] = []
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        directory, prefix = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = f"{prefix}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + "/"))
                elif entry.is_file():
                    found.append((rel, Path(entry.path)))
    found.sort(key=lambda pair: pair[0])
    return found
