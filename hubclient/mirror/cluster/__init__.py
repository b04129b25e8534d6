"""Bulk mirroring on a cluster: the plan as Ray tasks, one report (``hubclient[ray]``).

``mirror_repos(..., cluster=...)`` and ``download_repos(..., cluster=...)`` come here. Ray is
imported only when a job runs (:mod:`._ray`); the driver (:mod:`._driver`), the tasks
(:mod:`._worker`) and the coordinator of the job's shared bounds (:mod:`._coordinator`) are
engine-neutral. See docs/mirroring.md, "On a cluster".
"""

from __future__ import annotations

from pathlib import Path

from hubclient._http import HubHttp
from hubclient.mirror._plan import PlanLike, plan_items
from hubclient.mirror._types import MirrorOptions, MirrorProgressCallback, MirrorReport
from hubclient.mirror.cluster._config import ClusterLike, MirrorCluster, as_cluster
from hubclient.mirror.cluster._job import (
    check_download_plan,
    check_reachable,
    download_job,
    mirror_job,
    secrets_of,
)
from hubclient.mirror.cluster._ray import ClusterUnavailableError, RayEngine

__all__ = [
    "ClusterLike",
    "ClusterUnavailableError",
    "MirrorCluster",
    "as_cluster",
    "download_repos_on_cluster",
    "mirror_repos_on_cluster",
]


async def mirror_repos_on_cluster(
    source: HubHttp,
    dest: HubHttp,
    plan: PlanLike,
    *,
    cluster: ClusterLike,
    private: bool | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    """:func:`hubclient.mirror.mirror_repos` with the repos spread over a Ray cluster.

    Example::

        report = await mirror_repos_on_cluster(src, dst, "plan.txt", cluster="auto")
    """
    config = as_cluster(cluster)
    check_reachable(source, dest)
    opts = options or MirrorOptions()
    items = plan_items(plan)  # a bad plan fails before the cluster starts
    async with RayEngine.running(
        config, max_bytes=opts.max_bytes_in_flight, secrets=secrets_of(source=source, dest=dest)
    ) as engine:
        return await mirror_job(
            source,
            dest,
            items,
            engine=engine,
            split_bytes=config.split_bytes,
            private=private,
            options=opts,
            progress=progress,
        )


async def download_repos_on_cluster(
    source: HubHttp,
    plan: PlanLike,
    *,
    cluster: ClusterLike,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    """:func:`hubclient.mirror.download_repos` with the repos spread over a Ray cluster; the
    folders are the workers' (a shared file system, or each machine's own disk)."""
    config = as_cluster(cluster)
    check_reachable(source)
    opts = options or MirrorOptions()
    items = plan_items(plan)
    check_download_plan(items, local_dir)
    async with RayEngine.running(
        config, max_bytes=opts.max_bytes_in_flight, secrets=secrets_of(source=source)
    ) as engine:
        return await download_job(
            source,
            items,
            engine=engine,
            cache_dir=cache_dir,
            local_dir=local_dir,
            options=opts,
            progress=progress,
        )
