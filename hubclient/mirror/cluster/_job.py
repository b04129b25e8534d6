"""A bulk job on an engine: the task specs of a plan, the secrets, the driver run.

:func:`mirror_job` and :func:`download_job` are engine-neutral (they take an entered
:class:`~._driver.Engine` and its coordinator's secrets are set by the caller);
``hubclient.mirror.cluster.mirror_repos_on_cluster`` runs them on Ray.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hubclient._http import HubHttp
from hubclient.mirror._local import _destination
from hubclient.mirror._plan import PlanError, PlanLike, plan_items
from hubclient.mirror._types import (
    MirrorOptions,
    MirrorPlanItem,
    MirrorProgressCallback,
    MirrorReport,
)
from hubclient.mirror.cluster._coordinator import Secrets
from hubclient.mirror.cluster._driver import Engine, run_job
from hubclient.mirror.cluster._spec import TaskSpec, public_settings

__all__ = [
    "check_download_plan",
    "check_reachable",
    "download_job",
    "mirror_job",
    "secrets_of",
    "task_options",
]


def secrets_of(**https: HubHttp) -> dict[str, Secrets]:
    """The credentials of each Hub of a job, by role, for the coordinator."""
    return {
        role: Secrets(http.settings.token, dict(http.settings.headers))
        for role, http in https.items()
    }


def check_reachable(*https: HubHttp) -> None:
    """Workers reach the Hubs over the network: a client on a custom transport (an
    in-process local Hub) cannot be shipped to them."""
    for http in https:
        if http._pool._transport is not None:
            raise ValueError(
                f"A cluster job reaches {http.endpoint} from its workers over the network; "
                "this client uses a custom transport (serve the Hub, e.g. LocalHub.serve())"
            )


def check_download_plan(items: list[MirrorPlanItem], local_dir: str | Path | None) -> None:
    """The cache layout is named after the source repo: a renamed repo needs ``local_dir``."""
    renamed = [item for item in items if item.dest_repo_id is not None]
    if local_dir is None and renamed:
        raise PlanError(
            "<plan>",
            [
                (
                    None,
                    f"{item.repo_id}: a destination id ({item.dest_repo_id}) needs local_dir "
                    "(the cache layout is named after the source repo)",
                )
                for item in renamed
            ],
        )


def task_options(options: MirrorOptions) -> MirrorOptions:
    """The options of one task: the job's file bound shared by the tasks in flight."""
    share = max(1, options.max_concurrent_files // options.max_concurrent_repos)
    return dataclasses.replace(options, max_concurrent_files=share)


async def mirror_job(
    source: HubHttp,
    dest: HubHttp,
    plan: PlanLike,
    *,
    engine: Engine,
    split_bytes: int | None,
    private: bool | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    """Hub -> Hub for every repo of ``plan``, one task per repo (a large one split)."""
    items = plan_items(plan)
    opts = options or MirrorOptions()
    per_task = task_options(opts)
    src, dst = public_settings(source.settings), public_settings(dest.settings)

    def make_spec(index: int, item: MirrorPlanItem) -> TaskSpec:
        return TaskSpec(
            kind="repo",
            index=index,
            item=item,
            source=src,
            dest=dst,
            options=per_task,
            private=private,
            split_bytes=split_bytes,
            progress=progress is not None,
        )

    return await run_job(
        items,
        engine=engine,
        make_spec=make_spec,
        window=opts.max_concurrent_repos,
        progress=progress,
        source=source.endpoint,
        destination=lambda item: dest.endpoint,
    )


async def download_job(
    source: HubHttp,
    plan: PlanLike,
    *,
    engine: Engine,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    """Hub -> the workers' disks (a shared file system, or each worker's own), one task per
    repo; the paths are the workers' (the driver's default cache when none is given)."""
    items = plan_items(plan)
    check_download_plan(items, local_dir)
    opts = options or MirrorOptions()
    per_task = task_options(opts)
    src = public_settings(source.settings)
    cache = str(cache_dir if cache_dir is not None else source.settings.hub_cache)
    folder = str(local_dir) if local_dir is not None else None
    cache_root, target_root = Path(cache), Path(folder) if folder is not None else None

    def make_spec(index: int, item: MirrorPlanItem) -> TaskSpec:
        return TaskSpec(
            kind="download",
            index=index,
            item=item,
            source=src,
            dest=None,
            options=per_task,
            cache_dir=cache,
            local_dir=folder,
            progress=progress is not None,
        )

    return await run_job(
        items,
        engine=engine,
        make_spec=make_spec,
        window=opts.max_concurrent_repos,
        progress=progress,
        source=source.endpoint,
        destination=lambda item: str(_destination(item, cache_root, target_root)),
    )
