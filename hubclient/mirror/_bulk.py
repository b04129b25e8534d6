"""PLACEHOLDER (helper M2 replaces this module): many repos at once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from hubclient._http import HubHttp
from hubclient.mirror._plan import MirrorPlan
from hubclient.mirror._types import (
    MirrorOptions,
    MirrorPlanItem,
    MirrorProgressCallback,
    MirrorReport,
)

__all__ = ["download_repos", "mirror_repos"]

PlanLike = MirrorPlan | Iterable[MirrorPlanItem | str] | str | Path


async def mirror_repos(
    source: HubHttp,
    dest: HubHttp,
    plan: PlanLike,
    *,
    private: bool | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    raise NotImplementedError


async def download_repos(
    source: HubHttp,
    plan: PlanLike,
    *,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    raise NotImplementedError
