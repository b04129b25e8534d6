"""``trees/{commit}.json``: the file listing of a commit, cached forever (format_version 1).

The JSON is written exactly as huggingface_hub writes it (``indent=1``, paths sorted), so
either client reads the other's file and ``IncompleteSnapshotError`` checks agree.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TREE_CACHE_FORMAT_VERSION", "TreeEntry", "read_tree_cache", "write_tree_cache"]

TREE_CACHE_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One file of a commit: real ``size``, git ``blob_id``, LFS sha256/size, Xet hash."""

    size: int
    blob_id: str
    lfs_sha256: str | None = None
    lfs_size: int | None = None
    xet_hash: str | None = None

    @property
    def etag(self) -> str:
        """The blob file name huggingface_hub uses: the LFS sha256, else the git sha1."""
        return self.lfs_sha256 or self.blob_id

    def to_json(self) -> dict[str, Any]:
        info: dict[str, Any] = {"size": self.size, "blob_id": self.blob_id}
        if self.lfs_sha256 is not None:
            info["lfs_sha256"] = self.lfs_sha256
            info["lfs_size"] = self.lfs_size
        if self.xet_hash is not None:
            info["xet_hash"] = self.xet_hash
        return info

    @classmethod
    def from_json(cls, info: Mapping[str, Any]) -> TreeEntry:
        return cls(
            size=int(info["size"]),
            blob_id=str(info["blob_id"]),
            lfs_sha256=info.get("lfs_sha256"),
            lfs_size=info.get("lfs_size"),
            xet_hash=info.get("xet_hash"),
        )


def read_tree_cache(path: Path) -> dict[str, TreeEntry] | None:
    """The cached listing, or None when missing, of another format, or unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("format_version") != TREE_CACHE_FORMAT_VERSION:
            return None
        return {name: TreeEntry.from_json(info) for name, info in data["files"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_tree_cache(path: Path, entries: Mapping[str, TreeEntry]) -> None:
    """Write the listing atomically; failures are ignored (it is only a cache)."""
    data = {
        "format_version": TREE_CACHE_FORMAT_VERSION,
        "files": {name: entries[name].to_json() for name in sorted(entries)},
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    except OSError:
        return
