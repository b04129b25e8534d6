"""The cache report's types (what :func:`scan_cache_dir` returns) and deletion plans.

Names and fields are huggingface_hub's (``HFCacheInfo``, ``CachedRepoInfo``,
``CachedRevisionInfo``, ``CachedFileInfo``, ``DeleteCacheStrategy``), so code written for its
cache manager reads ours unchanged.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hubclient.errors import CorruptedCacheException

__all__ = [
    "CachedFileInfo",
    "CachedIncompleteFileInfo",
    "CachedRepoInfo",
    "CachedRevisionInfo",
    "DeleteCacheStrategy",
    "HFCacheInfo",
    "format_size",
    "format_timesince",
]

_log = logging.getLogger("hubclient.cache")


def format_size(num: int) -> str:
    """``1234567`` → ``"1.2M"`` (powers of 1000, as huggingface_hub prints sizes)."""
    value = float(num)
    for unit in ("", "K", "M", "G", "T", "P", "E", "Z"):
        if abs(value) < 1000.0:
            return f"{value:3.1f}{unit}"
        value /= 1000.0
    return f"{value:.1f}Y"


def format_timesince(ts: float, now: float | None = None) -> str:
    """``"a few seconds ago"``, ``"3 hours ago"``, ``"2 years ago"``."""
    delta = (time.time() if now is None else now) - ts
    if delta < 20:
        return "a few seconds ago"
    for label, seconds in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
        ("second", 1),
    ):
        if delta >= seconds:
            count = round(delta / seconds)
            return f"{count} {label}{'s' if count > 1 else ''} ago"
    return "a few seconds ago"  # pragma: no cover


@dataclass(frozen=True)
class CachedFileInfo:
    """One file of a cached revision: where it is in the snapshot and the blob behind it."""

    file_name: str
    file_path: Path
    blob_path: Path
    size_on_disk: int
    blob_last_accessed: float
    blob_last_modified: float

    @property
    def size_on_disk_str(self) -> str:
        return format_size(self.size_on_disk)

    @property
    def blob_last_accessed_str(self) -> str:
        return format_timesince(self.blob_last_accessed)

    @property
    def blob_last_modified_str(self) -> str:
        return format_timesince(self.blob_last_modified)


@dataclass(frozen=True)
class CachedRevisionInfo:
    """One cached revision (a ``snapshots/<commit>`` folder), the refs naming it, its files."""

    commit_hash: str
    snapshot_path: Path
    size_on_disk: int
    files: frozenset[CachedFileInfo]
    refs: frozenset[str]
    last_modified: float

    @property
    def nb_files(self) -> int:
        return len(self.files)

    @property
    def size_on_disk_str(self) -> str:
        return format_size(self.size_on_disk)

    @property
    def last_modified_str(self) -> str:
        return format_timesince(self.last_modified)


@dataclass(frozen=True)
class CachedRepoInfo:
    """One cached repo: its revisions, and its size counting each blob once."""

    repo_id: str
    repo_type: str
    repo_path: Path
    size_on_disk: int
    nb_files: int
    revisions: frozenset[CachedRevisionInfo]
    last_accessed: float
    last_modified: float

    @property
    def cache_id(self) -> str:
        """``"model/acme/bert"``: how the CLI names the repo."""
        return f"{self.repo_type}/{self.repo_id}"

    @property
    def refs(self) -> dict[str, CachedRevisionInfo]:
        """Each ref (``main``, ``v1.0``, ``refs/pr/1``) and the revision it names."""
        return {ref: revision for revision in self.revisions for ref in revision.refs}

    @property
    def size_on_disk_str(self) -> str:
        return format_size(self.size_on_disk)

    @property
    def last_accessed_str(self) -> str:
        return format_timesince(self.last_accessed)

    @property
    def last_modified_str(self) -> str:
        return format_timesince(self.last_modified)


@dataclass(frozen=True)
class CachedIncompleteFileInfo:
    """A partial download left in ``blobs/`` (resumable, or garbage)."""

    file_path: Path
    size_on_disk: int


@dataclass(frozen=True)
class HFCacheInfo:
    """The report of :func:`scan_cache_dir`: repos, sizes, partial downloads and warnings.

    ``delete_revisions(...)`` and ``delete_files(...)`` plan deletions (what they free is
    known before they run); ``export_as_table()`` prints the report as ``hubclient cache ls``
    does.
    """

    size_on_disk: int
    repos: frozenset[CachedRepoInfo]
    incomplete_files: frozenset[CachedIncompleteFileInfo] = frozenset()
    warnings: list[CorruptedCacheException] = field(default_factory=list)
    cache_dir: Path | None = None

    @property
    def size_on_disk_str(self) -> str:
        return format_size(self.size_on_disk)

    @property
    def incomplete_size_on_disk(self) -> int:
        return sum(f.size_on_disk for f in self.incomplete_files)

    def delete_revisions(self, *revisions: str) -> DeleteCacheStrategy:
        """Plan the deletion of cached revisions (commit hashes, from any repos).

        A repo whose every revision goes is deleted whole; otherwise its snapshots, the refs
        naming them and the blobs no other revision uses. Unknown hashes are listed in
        ``strategy.not_found``. Nothing is deleted until ``strategy.execute()``.
        """
        return _plan_revisions(self, revisions)

    def delete_files(self, *files: CachedFileInfo) -> DeleteCacheStrategy:
        """Plan the deletion of single cached files (their blob goes when nothing else uses
        it)."""
        return _plan_files(self, files)

    def export_as_table(self, *, verbosity: int = 0) -> str:
        """The report as a text table (one row per repo, or per revision with ``verbosity``)."""
        return _table(self, verbosity=verbosity)


@dataclass(frozen=True)
class DeleteCacheStrategy:
    """A deletion plan: what goes, and how many bytes that frees (known before it runs).

    ``execute()`` deletes in an order that never leaves a ref to a missing snapshot or a
    snapshot link to a missing blob: snapshot files, whole repos, snapshots (with their tree
    listings and missing-file markers), refs, and last the blobs.
    """

    expected_freed_size: int
    blobs: frozenset[Path]
    refs: frozenset[Path]
    repos: frozenset[Path]
    snapshots: frozenset[Path]
    files: frozenset[Path] = frozenset()
    not_found: frozenset[str] = frozenset()
    """Revisions asked for that the cache does not have."""

    @property
    def expected_freed_size_str(self) -> str:
        return format_size(self.expected_freed_size)

    def execute(self) -> None:
        """Delete what the plan names (irreversible: the files must be downloaded again)."""
        for path in self.files:
            path.unlink(missing_ok=True)
        for path in self.repos:
            _remove(path)
        for path in self.snapshots:
            _remove(path)
            repo = path.parent.parent
            (repo / "trees" / f"{path.name}.json").unlink(missing_ok=True)
            _remove(repo / ".no_exist" / path.name)
        for path in self.refs:
            _remove(path)
        for path in self.blobs:
            _remove(path)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:  # keep going: what remains is reported by the next scan
        _log.warning("could not delete %s: %s", path, exc)


def _plan_revisions(info: HFCacheInfo, revisions: Iterable[str]) -> DeleteCacheStrategy:
    wanted = set(revisions)
    by_repo: dict[CachedRepoInfo, set[CachedRevisionInfo]] = {}
    for repo in info.repos:
        for revision in repo.revisions:
            if revision.commit_hash in wanted:
                by_repo.setdefault(repo, set()).add(revision)
    found = {r.commit_hash for revs in by_repo.values() for r in revs}
    if wanted - found:
        _log.warning("revision(s) not in the cache: %s", ", ".join(sorted(wanted - found)))
    blobs: set[Path] = set()
    refs: set[Path] = set()
    repos: set[Path] = set()
    snapshots: set[Path] = set()
    freed: dict[Path, int] = {}
    for repo, going in by_repo.items():
        staying = repo.revisions - going
        if not staying:
            repos.add(repo.repo_path)
            freed.update({f.blob_path: f.size_on_disk for r in repo.revisions for f in r.files})
            continue
        kept = {f.blob_path for r in staying for f in r.files}
        for revision in going:
            snapshots.add(revision.snapshot_path)
            refs.update(repo.repo_path / "refs" / ref for ref in revision.refs)
            for file in revision.files:
                if revision.snapshot_path in file.blob_path.parents:  # a copy, not a link
                    freed[file.blob_path] = file.size_on_disk
                elif file.blob_path not in kept:
                    blobs.add(file.blob_path)
                    freed[file.blob_path] = file.size_on_disk
    return DeleteCacheStrategy(
        expected_freed_size=sum(freed.values()),
        blobs=frozenset(blobs),
        refs=frozenset(refs),
        repos=frozenset(repos),
        snapshots=frozenset(snapshots),
        not_found=frozenset(wanted - found),
    )


def _plan_files(info: HFCacheInfo, files: Iterable[CachedFileInfo]) -> DeleteCacheStrategy:
    going = set(files)
    still_used: set[Path] = set()
    for repo in info.repos:
        for revision in repo.revisions:
            still_used.update(f.blob_path for f in revision.files if f not in going)
    blobs = {f.blob_path for f in going if f.blob_path not in still_used}
    freed = {f.blob_path: f.size_on_disk for f in going if f.blob_path in blobs}
    return DeleteCacheStrategy(
        expected_freed_size=sum(freed.values()),
        blobs=frozenset(b for b in blobs if all(b != f.file_path for f in going)),
        refs=frozenset(),
        repos=frozenset(),
        snapshots=frozenset(),
        files=frozenset(f.file_path for f in going),
    )


def _table(info: HFCacheInfo, *, verbosity: int) -> str:
    if verbosity == 0:
        header = ["REPO ID", "REPO TYPE", "SIZE ON DISK", "NB FILES", "LAST_ACCESSED", "REFS"]
        rows = [
            [
                repo.repo_id,
                repo.repo_type,
                repo.size_on_disk_str,
                str(repo.nb_files),
                repo.last_accessed_str,
                ", ".join(sorted(repo.refs)),
            ]
            for repo in sorted(info.repos, key=lambda r: (r.repo_type, r.repo_id))
        ]
    else:
        header = ["REPO ID", "REPO TYPE", "REVISION", "SIZE ON DISK", "NB FILES", "REFS"]
        rows = [
            [
                repo.repo_id,
                repo.repo_type,
                rev.commit_hash,
                rev.size_on_disk_str,
                str(rev.nb_files),
                ", ".join(sorted(rev.refs)),
            ]
            for repo in sorted(info.repos, key=lambda r: (r.repo_type, r.repo_id))
            for rev in sorted(repo.revisions, key=lambda r: r.commit_hash)
        ]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    lines = [
        " ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)
