"""Mirroring: copy repos between two Hubs, or from a Hub onto local disks, one or many at once.

Internal: ``AsyncHubClient.mirror_repo`` / ``mirror_repos`` / ``download_repos`` delegate here.
The public names (options, plan, results, progress events) are re-exported by ``hubclient``.
"""

from __future__ import annotations

from hubclient.mirror._bulk import download_repos, mirror_repos
from hubclient.mirror._limits import MirrorLimits
from hubclient.mirror._plan import MirrorPlan, PlanError
from hubclient.mirror._repo import mirror_repo
from hubclient.mirror._types import (
    HISTORY_NOTE,
    MirrorError,
    MirrorOptions,
    MirrorPlanItem,
    MirrorProgress,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
    MirrorStage,
    RefResult,
)
from hubclient.mirror.cluster._config import MirrorCluster

__all__ = [
    "HISTORY_NOTE",
    "MirrorCluster",
    "MirrorError",
    "MirrorLimits",
    "MirrorOptions",
    "MirrorPlan",
    "MirrorPlanItem",
    "MirrorProgress",
    "MirrorProgressCallback",
    "MirrorReport",
    "MirrorResult",
    "MirrorStage",
    "PlanError",
    "RefResult",
    "download_repos",
    "mirror_repo",
    "mirror_repos",
]
