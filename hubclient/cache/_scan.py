"""What a cache holds: repos, revisions, files and sizes, as huggingface_hub's scanner reports it.

``scan_cache_dir`` walks ``<cache>/<type>s--<ns>--<name>/`` folders: every snapshot is a
revision, every file in it a :class:`CachedFileInfo` (its blob found through the symlink, or the
file itself where the cache has no symlinks), refs name revisions. What is not a valid repo
folder, a ref naming a missing snapshot, a broken symlink: each is a
:class:`~hubclient.errors.CorruptedCacheException` in ``warnings``, the rest is still reported.
Sizes count each blob once (``size_on_disk`` of a repo is the sum of its distinct blobs; of the
cache, of its distinct files on disk).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from hubclient.cache._report import (
    CachedFileInfo,
    CachedIncompleteFileInfo,
    CachedRepoInfo,
    CachedRevisionInfo,
    HFCacheInfo,
)
from hubclient.errors import CacheNotFound, CorruptedCacheException

__all__ = ["scan_cache_dir", "scan_repo"]

REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space", "kernels": "kernel"}
_IGNORED = {".DS_Store", ".locks", "CACHEDIR.TAG"}
_SHARED_MARKER = ".huggingface-shared-blobs"


def _stat(path: Path, stats: dict[Path, os.stat_result]) -> os.stat_result:
    found = stats.get(path)
    if found is None:
        found = stats[path] = path.stat()
    return found


def scan_repo(repo_path: Path) -> CachedRepoInfo:
    """Scan one ``<type>s--<ns>--<name>`` folder; ``CorruptedCacheException`` if it is not one."""
    if not repo_path.is_dir():
        raise CorruptedCacheException(f"Repo path is not a directory: {repo_path}")
    prefix, sep, rest = repo_path.name.partition("--")
    if not sep:
        raise CorruptedCacheException(
            f"Repo path is not a valid HuggingFace cache directory: {repo_path}"
        )
    if prefix not in REPO_TYPES:
        raise CorruptedCacheException(
            f"Repo type must be one of {sorted(REPO_TYPES)}, found `{prefix}` ({repo_path})."
        )
    repo_id = rest.replace("--", "/")
    snapshots = repo_path / "snapshots"
    refs_dir = repo_path / "refs"
    if not snapshots.is_dir():
        raise CorruptedCacheException(f"Snapshots dir doesn't exist in cached repo: {snapshots}")
    refs_by_commit: dict[str, set[str]] = defaultdict(set)
    if refs_dir.exists():
        if refs_dir.is_file():
            raise CorruptedCacheException(f"Refs directory cannot be a file: {refs_dir}")
        for ref in refs_dir.glob("**/*"):
            if ref.is_dir() or ref.name in _IGNORED:
                continue
            refs_by_commit[ref.read_text().strip()].add(ref.relative_to(refs_dir).as_posix())
    stats: dict[Path, os.stat_result] = {}
    revisions: set[CachedRevisionInfo] = set()
    for snapshot in snapshots.iterdir():
        if snapshot.name in _IGNORED:
            continue
        if snapshot.is_file():
            raise CorruptedCacheException(f"Snapshots folder corrupted. Found a file: {snapshot}")
        files: set[CachedFileInfo] = set()
        for path in snapshot.glob("**/*"):
            if path.is_dir():
                continue
            blob = (
                Path(os.path.abspath(path.parent / os.readlink(path)))
                if path.is_symlink()
                else path
            )
            if not blob.exists():
                raise CorruptedCacheException(f"Blob missing (broken symlink): {blob}")
            st = _stat(blob, stats)
            files.add(
                CachedFileInfo(
                    file_name=path.name,
                    file_path=path,
                    blob_path=blob,
                    size_on_disk=st.st_size,
                    blob_last_accessed=st.st_atime,
                    blob_last_modified=st.st_mtime,
                )
            )
        blobs = {f.blob_path for f in files}
        revisions.add(
            CachedRevisionInfo(
                commit_hash=snapshot.name,
                snapshot_path=snapshot,
                size_on_disk=sum(stats[b].st_size for b in blobs),
                files=frozenset(files),
                refs=frozenset(refs_by_commit.pop(snapshot.name, set())),
                last_modified=max(
                    (stats[b].st_mtime for b in blobs), default=snapshot.stat().st_mtime
                ),
            )
        )
    if refs_by_commit:
        raise CorruptedCacheException(
            f"Reference(s) refer to missing commit hashes: {dict(refs_by_commit)} ({repo_path})."
        )
    if stats:
        accessed = max(s.st_atime for s in stats.values())
        modified = max(s.st_mtime for s in stats.values())
    else:
        st = repo_path.stat()
        accessed, modified = st.st_atime, st.st_mtime
    return CachedRepoInfo(
        repo_id=repo_id,
        repo_type=REPO_TYPES[prefix],
        repo_path=repo_path,
        size_on_disk=sum(s.st_size for s in stats.values()),
        nb_files=len(stats),
        revisions=frozenset(revisions),
        last_accessed=accessed,
        last_modified=modified,
    )


def _physical_size(paths: Iterable[Path]) -> int:
    """Bytes on disk of the files behind ``paths``, each real file counted once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key not in seen:
            seen.add(key)
            total += st.st_size
    return total


def scan_cache_dir(cache_dir: str | Path) -> HFCacheInfo:
    """Scan the Hub cache in ``cache_dir`` (``hubclient.scan_cache_dir`` defaults it).

    Raises:
        CacheNotFound: the folder does not exist.
        ValueError: it is a file.

    Example::

        info = scan_cache_dir()
        print(info.size_on_disk_str, len(info.repos), info.warnings)
        plan = info.delete_revisions("81fd1d6e7847c99f5862c9fb81387956d99ec7aa")
        print(plan.expected_freed_size_str)
        plan.execute()
    """
    root = Path(cache_dir).expanduser().resolve()
    if not root.exists():
        raise CacheNotFound(
            f"Cache directory not found: {root}. Please use `cache_dir` argument or set "
            "`HF_HUB_CACHE` environment variable.",
            cache_dir=root,
        )
    if root.is_file():
        raise ValueError(f"Scan cache expects a directory but found a file: {root}.")
    repos: set[CachedRepoInfo] = set()
    warnings: list[CorruptedCacheException] = []
    for entry in root.iterdir():
        if entry.name in _IGNORED:
            continue
        if entry.name == "blobs" and (entry / _SHARED_MARKER).exists():
            continue  # huggingface_hub's shared blob store (Xet downloads): not a repo
        try:
            repos.add(scan_repo(entry))
        except CorruptedCacheException as exc:
            warnings.append(exc)
    incomplete = set()
    for path in root.glob("*/blobs/*.incomplete"):
        try:
            incomplete.add(CachedIncompleteFileInfo(path, path.stat().st_size))
        except OSError:
            continue
    blobs = [f.blob_path for repo in repos for rev in repo.revisions for f in rev.files]
    return HFCacheInfo(
        size_on_disk=_physical_size(blobs),
        repos=frozenset(repos),
        incomplete_files=frozenset(incomplete),
        warnings=warnings,
        cache_dir=root,
    )
