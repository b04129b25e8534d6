"""What travels between the driver and the tasks of a cluster job: task specs and outcomes.

A task spec is what the engine pickles, ships, may log and keeps to retry the task: it never
holds a credential. :func:`public_settings` strips the token and the extra headers of a
client's settings; a task gets them from the coordinator (``_coordinator.Secrets``).

Three kinds of task:

* ``repo``: mirror one repo of the plan (or download it, for ``download_repos``). With
  ``split_bytes`` set, a repo whose LFS objects add up to more than that comes back as a
  :class:`Split` instead (the destination repo created, nothing else sent): the driver sends
  its objects as ``objects`` tasks, then the repo again with ``split_bytes=None``;
* ``objects``: upload a batch of a large repo's LFS objects to the destination (no commit);
  the repo task that follows finds them stored and only commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hubclient._settings import HubSettings
from hubclient.mirror._types import MirrorOptions, MirrorPlanItem, MirrorResult

__all__ = [
    "LfsObject",
    "ObjectsDone",
    "Split",
    "TaskOutcome",
    "TaskSpec",
    "public_settings",
]


def public_settings(settings: HubSettings) -> HubSettings:
    """``settings`` without what may be a credential (the token, the extra headers)."""
    return settings.model_copy(update={"token": None, "headers": {}})


@dataclass(frozen=True, slots=True)
class LfsObject:
    """One LFS object of a large repo: where the source has it, its oid and size."""

    path: str
    commit: str
    oid: str
    size: int


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """One task of a cluster job (no credential: see :func:`public_settings`).

    Attributes:
        kind: ``"repo"``, ``"download"`` or ``"objects"``.
        index: the plan position of the repo it serves.
        item: that repo.
        source / dest: the Hubs' settings, credentials stripped (``dest`` None for downloads).
        options: the job's options; ``max_concurrent_files`` is this task's share.
        private: visibility of destination repos that have to be created.
        split_bytes: a repo with more LFS bytes than this is split (None: never).
        objects: for ``"objects"`` tasks, what to upload.
        presend: oids of this repo that ``objects`` tasks of this job sent (counted as
            copied, not skipped, by the repo task that follows).
        cache_dir / local_dir: for ``"download"``, where the repo goes on the worker.
        progress: whether to send progress events.
    """

    kind: Literal["repo", "download", "objects"]
    index: int
    item: MirrorPlanItem
    source: HubSettings
    dest: HubSettings | None
    options: MirrorOptions
    private: bool | None = None
    split_bytes: int | None = None
    objects: tuple[LfsObject, ...] = ()
    presend: frozenset[str] = frozenset()
    cache_dir: str | None = None
    local_dir: str | None = None
    progress: bool = False

    def __post_init__(self) -> None:
        for settings in (self.source, self.dest):
            if settings is not None and (settings.token is not None or settings.headers):
                raise ValueError("a task spec never carries credentials (see public_settings)")


@dataclass(frozen=True, slots=True)
class Split:
    """A repo too large for one task: its LFS objects to send first, in batches."""

    batches: tuple[tuple[LfsObject, ...], ...]
    total_bytes: int


@dataclass(frozen=True, slots=True)
class ObjectsDone:
    """What an ``objects`` task sent (the oids it uploaded, their bytes, and of those the bytes
    a Xet destination already held)."""

    sent: frozenset[str] = field(default_factory=frozenset)
    bytes_sent: int = 0
    bytes_deduped: int = 0
    error: str | None = None


TaskOutcome = MirrorResult | Split | ObjectsDone
