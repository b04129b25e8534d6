"""The public types of mirroring: options, the plan, progress events, per-repo results, the report.

These are leaves: they import nothing of hubclient's but the repo-type names. The engine
(``_repo``, ``_bulk``, ``_local``) fills them in.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hubclient.upload import UploadOptions

__all__ = [
    "HISTORY_NOTE",
    "MirrorError",
    "MirrorOptions",
    "MirrorPlanItem",
    "MirrorProgress",
    "MirrorProgressCallback",
    "MirrorReport",
    "MirrorResult",
    "MirrorStage",
    "RefResult",
]

#: What every result says about history (the commit API cannot replay it).
HISTORY_NOTE = (
    "History is not replayed: the commit API cannot recreate past commits, so each branch and "
    "tag is recreated with the same files (same git oids and LFS sha256 per path) in new commits."
)


@dataclass(frozen=True, slots=True)
class MirrorOptions:
    """Limits and behaviour of a mirroring job (one repo or a whole plan).

    The bounds are global: one job shares them between all the repos it moves at once.

    Attributes:
        max_concurrent_repos: repos mirrored at once (plans only).
        max_concurrent_files: files in flight at once, over all repos (a small file fetched and
            held for its commit, or an LFS object streamed from source to destination).
        max_bytes_in_flight: LFS bytes being streamed at once, over all repos; it also bounds
            what a crash can lose (a file bigger than this takes the whole budget while it
            moves).
        commit_every_files: commit a batch once it holds this many files...
        commit_every_bytes: ...or this many bytes of content, whichever comes first, so a
            crash loses at most one batch of commit work (LFS objects that reached the
            destination are never sent again).
        delete_extraneous: delete destination files that the source does not have (a true
            mirror); False leaves them.
        via_cache: stage LFS files through the local cache (download, then upload from disk)
            instead of streaming them from the source GET into the destination PUT.
        include_prs: also mirror ``refs/pr/*`` (off: pull requests are not branches).
        upload: part-level limits of the destination uploads (parts per file, part retries).
    """

    max_concurrent_repos: int = 4
    max_concurrent_files: int = 16
    max_bytes_in_flight: int = 256 * 1024 * 1024
    commit_every_files: int = 1000
    commit_every_bytes: int = 2 * 1024 * 1024 * 1024
    delete_extraneous: bool = True
    via_cache: bool = False
    include_prs: bool = False
    upload: UploadOptions = field(default_factory=UploadOptions)

    def __post_init__(self) -> None:
        for name in (
            "max_concurrent_repos",
            "max_concurrent_files",
            "max_bytes_in_flight",
            "commit_every_files",
            "commit_every_bytes",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"MirrorOptions.{name} must be at least 1")


class MirrorPlanItem(BaseModel):
    """One repo of a plan.

    Attributes:
        repo_id: the source repo, ``namespace/name``.
        repo_type: ``"model"``, ``"dataset"`` or ``"space"``.
        revision: one branch, tag or commit to mirror; None mirrors every branch and tag.
        dest_repo_id: the destination repo (default: the same id).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    repo_id: str
    repo_type: Literal["model", "dataset", "space"] = "model"
    revision: str | None = None
    dest_repo_id: str | None = None


class MirrorStage(str, enum.Enum):
    """Where one repo of a mirroring job stands."""

    QUEUED = "queued"
    PLANNING = "planning"
    COPYING = "copying"
    COMMITTING = "committing"
    REFS = "refs"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class MirrorProgress:
    """Progress of one repo: emitted when its stage changes and as bytes move (throttled).

    ``bytes_total``/``files_total`` count what has to move (what the destination already
    holds is left out); they are 0 until planning is done.
    """

    repo_id: str
    repo_type: str
    stage: MirrorStage
    files_done: int = 0
    files_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0


MirrorProgressCallback = Callable[[MirrorProgress], None]


class MirrorError(BaseModel):
    """One failure met while mirroring a repo (the job goes on with the other repos).

    Attributes:
        type: the exception class name (``RepositoryNotFoundError``, ``LfsUploadError``, ...).
        message: what went wrong, and what to do about it.
        status_code: the HTTP status, when the failure was an HTTP answer.
        ref: the branch or tag being mirrored, if any.
        path: the file, if one file failed.
    """

    type: str
    message: str
    status_code: int | None = None
    ref: str | None = None
    path: str | None = None


class RefResult(BaseModel):
    """One branch or tag of the destination, and how it came to match its source."""

    kind: Literal["branch", "tag"]
    name: str
    source_commit: str
    dest_commit: str | None = None
    status: Literal["created", "updated", "unchanged", "failed"]


class MirrorResult(BaseModel):
    """What mirroring one repo did.

    ``files_copied``/``files_skipped`` count the files of the repo, a path with its content (git
    oid), once each per run whichever branches and tags hold it: copied when this run committed
    it, skipped when the destination already held it at that path (a file copied to ``main``
    and found again on a branch or tag made from ``main`` counts once, as copied).
    ``bytes_copied`` counts the content sent: each LFS object uploaded, and the regular contents
    of the copied files; ``bytes_skipped`` the size of the skipped files, plus the LFS objects of
    copied files that the destination stored before this run. ``bytes_deduped``: of the LFS
    objects sent to a destination that speaks Xet, the bytes whose chunks it already held (so
    they did not travel). ``commits`` counts commits made;
    ``refs`` lists the branches and tags of the destination that were mirrored.
    """

    repo_id: str
    repo_type: str
    dest_repo_id: str
    source: str
    destination: str
    revision: str | None = None
    refs: list[RefResult] = Field(default_factory=list)
    files_copied: int = 0
    files_skipped: int = 0
    files_deleted: int = 0
    bytes_copied: int = 0
    bytes_skipped: int = 0
    bytes_deduped: int = 0
    commits: int = 0
    history_preserved: bool = False
    note: str = HISTORY_NOTE
    errors: list[MirrorError] = Field(default_factory=list)
    duration_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the repo was mirrored completely."""
        return not self.errors


class MirrorReport(BaseModel):
    """The result of a plan: one :class:`MirrorResult` per repo, plus totals."""

    results: list[MirrorResult] = Field(default_factory=list)
    duration_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every repo was mirrored completely."""
        return all(result.ok for result in self.results)

    @property
    def failed(self) -> list[MirrorResult]:
        return [result for result in self.results if not result.ok]

    @property
    def files_copied(self) -> int:
        return sum(r.files_copied for r in self.results)

    @property
    def files_skipped(self) -> int:
        return sum(r.files_skipped for r in self.results)

    @property
    def bytes_copied(self) -> int:
        return sum(r.bytes_copied for r in self.results)

    @property
    def bytes_skipped(self) -> int:
        return sum(r.bytes_skipped for r in self.results)

    @property
    def bytes_deduped(self) -> int:
        return sum(r.bytes_deduped for r in self.results)

    @property
    def commits(self) -> int:
        return sum(r.commits for r in self.results)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON: the results plus a ``totals`` object (for scripts)."""
        data = self.model_dump(mode="json")
        data["ok"] = self.ok
        data["totals"] = {
            "repos": len(self.results),
            "repos_failed": len(self.failed),
            "files_copied": self.files_copied,
            "files_skipped": self.files_skipped,
            "bytes_copied": self.bytes_copied,
            "bytes_skipped": self.bytes_skipped,
            "bytes_deduped": self.bytes_deduped,
            "commits": self.commits,
        }
        return json.dumps(data, indent=indent)
