"""Checking cached files against their hashes, with no network.

A blob is named by its hash: the sha256 of its content (LFS files, 64 hex digits) or its git
blob id (regular files, 40 hex digits: sha1 of ``blob <size>\\0`` + content). Each blob is read
once, hashed in worker threads, and compared with its name; a snapshot file that is a copy
rather than a link (a cache without symlinks) is checked against the commit's listing in
``trees/<commit>.json``. What fails is reported, never repaired: delete it
(``HFCacheInfo.delete_files``) and download again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hubclient.cache._report import CachedRepoInfo, HFCacheInfo
from hubclient.cache._trees import read_tree_cache

__all__ = ["BlobCheck", "CacheVerification", "verify_cache"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHA1 = re.compile(r"[0-9a-f]{40}")
_BLOCK = 8 * 2**20


@dataclass(frozen=True)
class BlobCheck:
    """A cached blob that did not check out (or could not be checked)."""

    repo_id: str
    repo_type: str
    blob_path: Path
    expected: str | None
    actual: str | None
    files: tuple[Path, ...]
    """The snapshot files that show this blob."""
    reason: Literal["mismatch", "unreadable", "unverifiable"]


@dataclass(frozen=True)
class CacheVerification:
    """What :func:`verify_cache` found: ``ok`` when every checked blob matched its hash."""

    checked_blobs: int
    checked_bytes: int
    failures: tuple[BlobCheck, ...]
    unverifiable: tuple[BlobCheck, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


def _digest(path: Path, kind: str) -> str:
    h = hashlib.sha256() if kind == "sha256" else hashlib.sha1()
    with path.open("rb") as f:
        if kind == "sha1":
            size = f.seek(0, 2)
            f.seek(0)
            h.update(b"blob %d\0" % size)
        while block := f.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def _expected(repo: CachedRepoInfo, blob: Path, file: Path, commit: str) -> tuple[str, str] | None:
    """(hash kind, expected hex) for a blob, from its name or the commit's listing."""
    name = blob.name
    if _SHA256.fullmatch(name):
        return "sha256", name
    if _SHA1.fullmatch(name):
        return "sha1", name
    listing = read_tree_cache(repo.repo_path / "trees" / f"{commit}.json")
    if listing is None:
        return None
    snapshot = repo.repo_path / "snapshots" / commit
    entry = listing.get(file.relative_to(snapshot).as_posix())
    if entry is None:
        return None
    return ("sha256", entry.lfs_sha256) if entry.lfs_sha256 else ("sha1", entry.blob_id)


def verify_cache(
    info: HFCacheInfo, *, repos: Iterable[str] | None = None, workers: int = 4
) -> CacheVerification:
    """Hash every blob of the scanned cache (or of ``repos``: ids or ``type/id`` cache ids)."""
    wanted = set(repos) if repos is not None else None
    jobs: dict[Path, tuple[CachedRepoInfo, str, str, list[Path]]] = {}
    unverifiable: list[BlobCheck] = []
    for repo in sorted(info.repos, key=lambda r: r.cache_id):
        if wanted is not None and not ({repo.repo_id, repo.cache_id} & wanted):
            continue
        for revision in repo.revisions:
            for file in revision.files:
                job = jobs.get(file.blob_path)
                if job is not None:
                    job[3].append(file.file_path)
                    continue
                found = _expected(repo, file.blob_path, file.file_path, revision.commit_hash)
                if found is None:
                    unverifiable.append(
                        BlobCheck(
                            repo.repo_id,
                            repo.repo_type,
                            file.blob_path,
                            None,
                            None,
                            (file.file_path,),
                            "unverifiable",
                        )
                    )
                    continue
                jobs[file.blob_path] = (repo, found[0], found[1], [file.file_path])

    def check(blob: Path) -> tuple[Path, str | None, int]:
        try:
            return blob, _digest(blob, jobs[blob][1]), blob.stat().st_size
        except OSError:
            return blob, None, 0

    failures: list[BlobCheck] = []
    total = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for blob, actual, size in pool.map(check, sorted(jobs)):
            repo, _, expected, files = jobs[blob]
            total += size
            if actual != expected:
                failures.append(
                    BlobCheck(
                        repo.repo_id,
                        repo.repo_type,
                        blob,
                        expected,
                        actual,
                        tuple(sorted(files)),
                        "unreadable" if actual is None else "mismatch",
                    )
                )
    return CacheVerification(
        checked_blobs=len(jobs),
        checked_bytes=total,
        failures=tuple(failures),
        unverifiable=tuple(unverifiable),
    )
