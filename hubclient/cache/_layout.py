"""Where things live in the cache: the exact names huggingface_hub uses (hub-protocol §3).

Pure path arithmetic plus the checks that keep repo paths inside their target folder; nothing
here touches the disk.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from hubclient.errors import HFValidationError

__all__ = [
    "CACHEDIR_TAG_CONTENT",
    "COMMIT_HASH_RE",
    "RepoCache",
    "is_commit_hash",
    "normalize_etag",
    "repo_folder_name",
    "validate_relative_filename",
    "validate_revision_for_disk",
]

COMMIT_HASH_RE = re.compile(r"^[0-9a-f]{40}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
SHA1_RE = COMMIT_HASH_RE
_PLAIN_PATH = re.compile(r"[\w\-][\w.\-]*(?:/[\w\-][\w.\-]*)*", re.ASCII)
"""Relative paths whose segments start with a letter, digit, ``_`` or ``-`` (no ``.``/``..``
segment, no drive, no separator but ``/``)."""

CACHEDIR_TAG_CONTENT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
"""Byte for byte what huggingface_hub writes (so either client may create it first)."""

_REPO_TYPE_FOLDERS = {"model": "models", "dataset": "datasets", "space": "spaces"}


def is_commit_hash(revision: str | None) -> bool:
    """A full 40-hex commit id (immutable, so it needs no network to resolve)."""
    return revision is not None and COMMIT_HASH_RE.fullmatch(revision) is not None


def normalize_etag(etag: str | None) -> str | None:
    """``W/"abc"`` and ``"abc"`` → ``abc`` (huggingface_hub strips leading ``W``/``/`` chars)."""
    if etag is None:
        return None
    return etag.lstrip("W/").strip('"')


def repo_folder_name(repo_id: str, repo_type: str | None = None) -> str:
    """``models--acme--m``: the type plural, then the id with every ``/`` turned into ``--``."""
    plural = _REPO_TYPE_FOLDERS.get(repo_type or "model", f"{repo_type}s")
    return "--".join([plural, *repo_id.split("/")])


def validate_relative_filename(filename: str) -> str:
    """Refuse repo paths that would leave their target folder once joined to it.

    ``..`` segments, absolute POSIX paths, Windows drive / UNC paths (checked on every platform,
    so a cache written here stays safe when read on Windows) and empty names raise
    :class:`HFValidationError`. Returns the name unchanged.
    """
    if isinstance(filename, str) and _PLAIN_PATH.fullmatch(filename):
        return filename  # the common case, safe by construction: no pathlib needed
    if not isinstance(filename, str) or not filename or filename.strip("/") == "":
        raise HFValidationError(f"Invalid file name {filename!r}: must be a non-empty repo path.")
    if "\x00" in filename:
        raise HFValidationError(f"Invalid file name {filename!r}: contains a NUL character.")
    if any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in filename.split("/")):
        raise HFValidationError(
            f"Invalid file name {filename[:80]!r}...: a segment is longer than 255 bytes, more "
            "than a file system allows in one name."
        )
    if ".." in filename.replace("\\", "/").split("/"):
        raise HFValidationError(
            f"Invalid file name {filename!r}: a '..' segment would escape the target folder."
        )
    candidates = [PurePosixPath(filename), *(PureWindowsPath(p) for p in filename.split("/"))]
    for pure in candidates:
        if pure.drive or pure.root:
            raise HFValidationError(
                f"Invalid file name {filename!r}: absolute, drive or UNC paths are refused."
            )
    return filename


def validate_revision_for_disk(revision: str) -> str:
    """A revision used as a path under ``refs/`` (``refs/pr/1`` makes sub-folders) must stay
    inside ``refs/``."""
    if not revision or revision.startswith("/") or "\\" in revision or "\x00" in revision:
        raise HFValidationError(f"Invalid revision {revision!r} for the cache.")
    if any(part in ("", ".", "..") for part in revision.split("/")):
        raise HFValidationError(f"Invalid revision {revision!r}: empty, '.' or '..' segment.")
    return revision


def _join(base: Path, repo_path: str) -> Path:
    return base.joinpath(*repo_path.split("/"))


@dataclass(frozen=True)
class RepoCache:
    """The cache folders of one repo inside a cache directory.

    Example::

        rc = RepoCache(Path("~/.cache/huggingface/hub").expanduser(), "acme/m", "model")
        rc.pointer_path("0123…", "sub/w.bin")   # …/models--acme--m/snapshots/0123…/sub/w.bin
    """

    cache_dir: Path
    repo_id: str
    repo_type: str = "model"

    @property
    def folder_name(self) -> str:
        return repo_folder_name(self.repo_id, self.repo_type)

    @property
    def storage_folder(self) -> Path:
        return self.cache_dir / self.folder_name

    @property
    def blobs_dir(self) -> Path:
        return self.storage_folder / "blobs"

    @property
    def snapshots_dir(self) -> Path:
        return self.storage_folder / "snapshots"

    @property
    def refs_dir(self) -> Path:
        return self.storage_folder / "refs"

    @property
    def locks_dir(self) -> Path:
        return self.cache_dir / ".locks" / self.folder_name

    def blob_path(self, etag: str) -> Path:
        if not etag or "/" in etag or "\\" in etag or etag in (".", ".."):
            raise HFValidationError(f"Invalid etag {etag!r}: cannot name a blob file.")
        return self.blobs_dir / etag

    def lock_path(self, etag: str) -> Path:
        self.blob_path(etag)
        return self.locks_dir / f"{etag}.lock"

    def snapshot_dir(self, commit: str) -> Path:
        if not is_commit_hash(commit):
            raise HFValidationError(f"Invalid commit hash {commit!r}.")
        return self.snapshots_dir / commit

    def pointer_path(self, commit: str, filename: str) -> Path:
        validate_relative_filename(filename)
        return _join(self.snapshot_dir(commit), filename)

    def ref_path(self, revision: str) -> Path:
        return _join(self.refs_dir, validate_revision_for_disk(revision))

    def no_exist_path(self, commit: str, filename: str) -> Path:
        validate_relative_filename(filename)
        if not is_commit_hash(commit):
            raise HFValidationError(f"Invalid commit hash {commit!r}.")
        return _join(self.storage_folder / ".no_exist" / commit, filename)

    def tree_path(self, commit: str) -> Path:
        if not is_commit_hash(commit):
            raise HFValidationError(f"Invalid commit hash {commit!r}.")
        return self.storage_folder / "trees" / f"{commit}.json"


def relative_link(target: Path, link: Path) -> str:
    """The relative path from ``link``'s folder to ``target`` (as huggingface_hub computes it)."""
    return os.path.relpath(os.path.abspath(target), os.path.dirname(os.path.abspath(link)))
