"""``local_dir`` downloads: real files in the folder, bookkeeping in ``.cache/huggingface/``.

Layout (huggingface_hub ≥ 0.23)::

    D/<repo path>                                         the file itself
    D/.cache/huggingface/.gitignore                       "*"
    D/.cache/huggingface/CACHEDIR.TAG
    D/.cache/huggingface/download/<repo path>.metadata    "<commit>\\n<etag>\\n<unix time>\\n"
    D/.cache/huggingface/download/<repo path>.lock
    D/.cache/huggingface/download/<dir>/<b64 sha1>.<etag>[.<8 hex>].incomplete
    D/.cache/huggingface/trees/<commit>.json
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from hubclient.cache._fs import atomic_write_text, create_cachedir_tag
from hubclient.cache._layout import validate_relative_filename

__all__ = [
    "LocalDirMetadata",
    "LocalDirPaths",
    "huggingface_dir",
    "read_download_metadata",
    "write_download_metadata",
]


def huggingface_dir(local_dir: Path) -> Path:
    """``D/.cache/huggingface`` with its ``CACHEDIR.TAG`` and ``.gitignore`` (created once)."""
    path = local_dir / ".cache" / "huggingface"
    path.mkdir(parents=True, exist_ok=True)
    create_cachedir_tag(path)
    gitignore = path / ".gitignore"
    if not gitignore.exists():
        with contextlib.suppress(OSError):
            atomic_write_text(gitignore, "*")
    return path


def tree_cache_path(local_dir: Path, commit: str) -> Path:
    return local_dir / ".cache" / "huggingface" / "trees" / f"{commit}.json"


def _short_hash(name: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(name.encode()).digest()).decode()


@dataclass(frozen=True)
class LocalDirPaths:
    """Paths of one repo file in a local dir."""

    local_dir: Path
    filename: str

    def __post_init__(self) -> None:
        validate_relative_filename(self.filename)

    @property
    def file_path(self) -> Path:
        return self.local_dir.joinpath(*self.filename.split("/"))

    @property
    def metadata_path(self) -> Path:
        base = self.local_dir / ".cache" / "huggingface" / "download"
        parts = self.filename.split("/")
        return base.joinpath(*parts[:-1], f"{parts[-1]}.metadata")

    @property
    def lock_path(self) -> Path:
        return self.metadata_path.with_suffix(".lock")

    def incomplete_stem(self, etag: str) -> str:
        """``<b64 sha1 of the metadata name>.<etag>``; temps are ``<stem>[.<8hex>].incomplete``."""
        return f"{_short_hash(self.metadata_path.name)}.{etag}"


@dataclass(frozen=True)
class LocalDirMetadata:
    commit_hash: str
    etag: str
    timestamp: float


def read_download_metadata(paths: LocalDirPaths) -> LocalDirMetadata | None:
    """The metadata of a downloaded file, if present, well-formed and not older than the file
    (huggingface_hub's rule: file mtime ≤ timestamp + 1 s)."""
    try:
        lines = paths.metadata_path.read_text(encoding="utf-8").splitlines()
        meta = LocalDirMetadata(lines[0].strip(), lines[1].strip(), float(lines[2].strip()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        with contextlib.suppress(OSError):
            paths.metadata_path.unlink()
        return None
    try:
        mtime = paths.file_path.stat().st_mtime
    except OSError:
        return None
    return meta if mtime - 1 <= meta.timestamp else None


def write_download_metadata(paths: LocalDirPaths, commit_hash: str, etag: str) -> None:
    huggingface_dir(paths.local_dir)
    atomic_write_text(paths.metadata_path, f"{commit_hash}\n{etag}\n{time.time()}\n")
