"""Putting a verified download into the cache: the blob, then the snapshot pointers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from hubclient.cache._fs import SymlinkPolicy, create_cachedir_tag, create_pointer, finalize_file
from hubclient.cache._layout import RepoCache, relative_link
from hubclient.cache._partials import new_temp_path

__all__ = ["install_blob", "link_pointers", "prepare_repo", "store_small_blob"]

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def prepare_repo(repo: RepoCache, commit: str | None = None) -> None:
    """Create ``blobs/`` (and ``snapshots/{commit}/``) and tag the cache directory."""
    repo.blobs_dir.mkdir(parents=True, exist_ok=True)
    repo.snapshots_dir.mkdir(parents=True, exist_ok=True)
    if commit is not None:
        repo.snapshot_dir(commit).mkdir(parents=True, exist_ok=True)
    create_cachedir_tag(repo.cache_dir)


def link_pointers(
    repo: RepoCache,
    etag: str,
    pointers: Sequence[Path],
    policy: SymlinkPolicy,
    *,
    new_blob: bool,
) -> None:
    """Point every path of ``pointers`` at ``blobs/{etag}``.

    Without symlinks a new blob is copied to all but the last pointer and moved to the last
    (huggingface_hub moves it: ``blobs/{etag}`` does not stay); an existing blob is copied.
    """
    blob = repo.blob_path(etag)
    for i, pointer in enumerate(pointers):
        last = i == len(pointers) - 1
        create_pointer(
            blob, pointer, policy=policy, cache_dir=repo.cache_dir, new_blob=new_blob and last
        )


def install_blob(
    repo: RepoCache,
    tmp: Path,
    etag: str,
    pointers: Sequence[Path],
    policy: SymlinkPolicy,
    *,
    mode: int | None = None,
) -> None:
    """Rename the verified temp file to ``blobs/{etag}`` and create the pointers.

    ``mode``: the file mode for the blob if already probed (else probed here)."""
    finalize_file(tmp, repo.blob_path(etag), mode=mode)
    link_pointers(repo, etag, pointers, policy, new_blob=True)


def store_small_blob(
    repo: RepoCache,
    etag: str,
    data: bytes,
    pointers: Sequence[Path],
    policy: SymlinkPolicy,
    *,
    force: bool,
    made: set[Path],
) -> None:
    """(blocking) Put verified ``data`` at ``blobs/{etag}`` and symlink every pointer to it, in
    one go: the lean path of small files, one worker-thread trip each.

    No lock file: the bytes go to a temp name of their own in ``blobs/`` and one ``os.replace``
    moves them into place, which settles a race with another writer (of the same verified
    bytes). A blob already there (and not ``force``) is only linked. The temp file is created in
    ``blobs/`` itself, so it already has the mode a new file gets there (no chmod). Folders in
    ``made`` are known to exist (one ``mkdir`` per folder per download call). Only for caches
    with symlinks (``policy.known_supported``): without them a new blob moves into a pointer,
    which takes the locked path.
    """
    blob = repo.blob_path(etag)
    _make_dir(repo.blobs_dir, made)
    if force or not os.path.exists(blob):
        tmp = new_temp_path(repo.blobs_dir, etag)
        fd = os.open(tmp, _CREATE, 0o666)
        try:
            with os.fdopen(fd, "wb", closefd=True) as f:
                f.write(data)
            os.replace(tmp, blob)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    for pointer in pointers:
        _make_dir(pointer.parent, made)
        try:
            os.symlink(relative_link(blob, pointer), pointer)
        except (FileExistsError, ValueError):
            create_pointer(blob, pointer, policy=policy, cache_dir=repo.cache_dir, new_blob=False)


def _make_dir(directory: Path, made: set[Path]) -> None:
    if directory not in made:
        directory.mkdir(parents=True, exist_ok=True)
        made.add(directory)
