"""Putting a verified download into the cache: the blob, then the snapshot pointers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hubclient.cache._fs import SymlinkPolicy, create_cachedir_tag, create_pointer, finalize_file
from hubclient.cache._layout import RepoCache

__all__ = ["install_blob", "link_pointers", "prepare_repo"]


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
