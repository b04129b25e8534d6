"""Many repos at once, from a plan: Hub -> Hub (:func:`mirror_repos`) and Hub -> disk
(:func:`download_repos`, in :mod:`hubclient.mirror._local`).

One job shares one :class:`MirrorLimits` (files and LFS bytes in flight, over all repos) and
at most ``options.max_concurrent_repos`` repos move at once. Politeness under 429 comes from
the shared :class:`HubHttp`: a 429 from a Hub closes that origin's gate for every request of
the job until its ``Retry-After`` has passed. One repo failing never stops the others; the
report lists the results in plan order.
"""

from __future__ import annotations

from hubclient._http import HubHttp
from hubclient.mirror._jobs import run_plan
from hubclient.mirror._limits import MirrorLimits
from hubclient.mirror._local import download_repos
from hubclient.mirror._plan import PlanLike, plan_items
from hubclient.mirror._repo import mirror_repo
from hubclient.mirror._types import (
    MirrorOptions,
    MirrorPlanItem,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
)

__all__ = ["PlanLike", "download_repos", "mirror_repos"]


async def mirror_repos(
    source: HubHttp,
    dest: HubHttp,
    plan: PlanLike,
    *,
    private: bool | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
) -> MirrorReport:
    """Mirror every repo of ``plan`` from ``source`` to ``dest`` under global bounds.

    Raises :class:`~hubclient.mirror.PlanError` for a bad plan (before any request); every
    other failure ends up in its repo's result.

    Example::

        report = await mirror_repos(src_http, dst_http, ["acme/model", "dataset:acme/data@v1"])
        assert report.ok, report.to_json()
    """
    items = plan_items(plan)
    opts = options or MirrorOptions()
    limits = MirrorLimits(opts)

    async def one(item: MirrorPlanItem) -> MirrorResult:
        return await mirror_repo(
            source,
            dest,
            item.repo_id,
            dest_repo_id=item.dest_repo_id,
            repo_type=item.repo_type,
            revision=item.revision,
            private=private,
            options=opts,
            limits=limits,
            progress=progress,
        )

    return await run_plan(
        items,
        one,
        max_repos=opts.max_concurrent_repos,
        source=source.endpoint,
        destination=lambda item: dest.endpoint,
        progress=progress,
    )
