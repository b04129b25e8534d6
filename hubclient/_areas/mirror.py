"""Mirroring repos Hub to Hub, and many repos to local disk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from hubclient import mirror as _mirror
from hubclient._areas._base import Area, ClientLike
from hubclient._settings import HubSettings
from hubclient._urls import origin_of
from hubclient.errors import LocalTokenNotFoundError
from hubclient.mirror import (
    MirrorCluster,
    MirrorOptions,
    MirrorPlan,
    MirrorPlanItem,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
)
from hubclient.mirror.cluster import download_repos_on_cluster, mirror_repos_on_cluster

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["MirrorArea"]


class MirrorArea(Area):
    """Mirroring (``mirror_repo``, ``mirror_repos``, ``download_repos``)."""

    async def mirror_repo(
        self,
        repo_id: str,
        *,
        to: str | ClientLike | HubSettings,
        to_token: str | bool | None = None,
        dest_repo_id: str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        private: bool | None = None,
        options: MirrorOptions | None = None,
        progress: MirrorProgressCallback | None = None,
    ) -> MirrorResult:
        """Copy one repo from this client's Hub to another Hub (or another name on this one).

        Every branch and tag is recreated (or only ``revision``) with the same paths and bytes:
        same git oids and LFS sha256 per path. LFS objects stream from the source GET into the
        destination upload (parts in parallel), nothing staged on disk unless
        ``MirrorOptions(via_cache=True)``. What the destination already holds is not sent
        again, large repos commit in batches, and running the call again after a crash
        finishes the job. History is not replayed (the commit API cannot): the result says so.
        Failures are recorded in the result (``result.ok``, ``result.errors``), not raised,
        except bad arguments.

        Args:
            repo_id: the source repo.
            to: the destination: a Hub URL (with ``to_token``), the settings of a client, or a
                client: an ``AsyncHubClient`` (its token and transport are used) or a
                ``HubClient`` (its settings are used).
            to_token: the destination token when ``to`` is a URL. When None, this client's
                token is used only if ``to`` is this client's own Hub; it is never sent to
                another origin.
            dest_repo_id: the destination repo id (default: ``repo_id``); created if missing.
            repo_type: ``"model"`` (default), ``"dataset"`` or ``"space"``.
            revision: one branch, tag or commit to mirror (default: every branch and tag).
            private: visibility of a destination repo that has to be created (default: the
                source's).
            options: limits and behaviour (:class:`MirrorOptions`).
            progress: a callback receiving :class:`MirrorProgress` events.

        Example::

            async with AsyncHubClient(token=src_token) as hub:
                result = await hub.mirror_repo(
                    "acme/model", to="https://hub.internal", to_token=dest_token
                )
                print(result.files_copied, result.bytes_copied, result.ok)
        """
        async with self._opened_destination(to, to_token) as dest:
            return await _mirror.mirror_repo(
                self._http,
                dest._http,
                repo_id,
                dest_repo_id=dest_repo_id,
                repo_type=repo_type,
                revision=revision,
                private=private,
                options=options,
                progress=progress,
            )

    async def mirror_repos(
        self,
        plan: MirrorPlan | Iterable[MirrorPlanItem | str] | str | Path,
        *,
        to: str | ClientLike | HubSettings,
        to_token: str | bool | None = None,
        private: bool | None = None,
        options: MirrorOptions | None = None,
        progress: MirrorProgressCallback | None = None,
        cluster: MirrorCluster | str | None = None,
    ) -> MirrorReport:
        """Mirror many repos at once, from a plan, under global bounds (see :meth:`mirror_repo`).

        ``plan`` is a :class:`MirrorPlan`, a list of items or ``"[type:]namespace/name[@rev]"``
        strings, or the path of a plan file. ``options`` bounds repos, files and bytes in
        flight over the whole job; a 429 from either Hub pauses the whole job's requests to
        that Hub. One repo failing does not stop the others: the :class:`MirrorReport` has one
        result per repo (``report.ok``, ``report.to_json()``).

        ``cluster`` runs the job on a Ray cluster (``pip install 'hubclient[ray]'``): a
        :class:`MirrorCluster`, or an address, ``"auto"``, ``"ray://head:10001"``, or
        ``"local"`` / ``"local:N"`` for a local cluster of N worker processes. The repos
        become tasks (a very large repo several), each worker runs this engine with its own
        clients, the bounds and the 429 pauses are shared by the whole cluster, a task whose
        worker dies runs again elsewhere and resumes from what landed, and the report is the
        one a single machine gives. Both Hubs must be reachable from the workers, which get
        the tokens from the driver, never in a task's arguments.

        Example::

            report = await hub.mirror_repos("plan.txt", to="https://hub.internal", to_token=t)
            Path("report.json").write_text(report.to_json())
        """
        async with self._opened_destination(to, to_token) as dest:
            if cluster is not None:
                return await mirror_repos_on_cluster(
                    self._http,
                    dest._http,
                    plan,
                    cluster=cluster,
                    private=private,
                    options=options,
                    progress=progress,
                )
            return await _mirror.mirror_repos(
                self._http,
                dest._http,
                plan,
                private=private,
                options=options,
                progress=progress,
            )

    async def download_repos(
        self,
        plan: MirrorPlan | Iterable[MirrorPlanItem | str] | str | Path,
        *,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        options: MirrorOptions | None = None,
        progress: MirrorProgressCallback | None = None,
        cluster: MirrorCluster | str | None = None,
    ) -> MirrorReport:
        """Download many repos onto local disk at once, each laid out as ``snapshot_download``
        lays it out.

        With ``cache_dir`` (default: this client's cache) every repo goes into the Hub cache
        layout, one snapshot per mirrored branch and tag, readable offline by
        huggingface_hub and transformers. With ``local_dir`` each repo goes into
        ``local_dir/<repo_id>`` (datasets and spaces under ``datasets/`` and ``spaces/``),
        as ``snapshot_download(local_dir=...)`` does. Global bounds and the report are those
        of :meth:`mirror_repos`. With ``cluster`` (as in :meth:`mirror_repos`) the repos are
        downloaded by the workers, into ``cache_dir``/``local_dir`` on their machines (a
        shared file system, or each machine's disk).

        Example::

            report = await hub.download_repos(["acme/model", "dataset:acme/corpus@v1"],
                                              cache_dir="/mnt/hf-cache")
        """
        if cluster is not None:
            return await download_repos_on_cluster(
                self._http,
                plan,
                cluster=cluster,
                cache_dir=cache_dir,
                local_dir=local_dir,
                options=options,
                progress=progress,
            )
        return await _mirror.download_repos(
            self._http,
            plan,
            cache_dir=cache_dir,
            local_dir=local_dir,
            options=options,
            progress=progress,
        )

    @asynccontextmanager
    async def _opened_destination(
        self, to: str | ClientLike | HubSettings, to_token: str | bool | None
    ) -> AsyncIterator[Self]:
        """The destination client for one call; a client made here is closed after it."""
        dest = self._destination(to, to_token)
        made_here = dest is not self and dest is not cast(object, to)
        try:
            yield dest
        finally:
            if made_here:
                await dest._close_pool()

    def _destination(self, to: str | ClientLike | HubSettings, to_token: str | bool | None) -> Self:
        """The client for a mirror's destination.

        It never carries this client's token (or extra headers) to another origin, and it has
        a connection pool of its own: a destination PUT streams its body from a source GET, so
        sharing one pool could leave every connection held by a PUT waiting for a GET.
        """
        if isinstance(to, type(self)):
            if to_token is not None:
                raise ValueError("to_token applies only when `to` is a URL or HubSettings")
            if to._http._pool is self._http._pool:  # this client, or a with_options copy
                return self._separate(to._settings)
            return to
        if not isinstance(to, str | HubSettings):  # a HubClient: its settings, this loop's pool
            to = to.settings
        if isinstance(to, HubSettings):
            settings = to
            if isinstance(to_token, str):
                settings = settings.replace(token=to_token)
            elif to_token is False:
                settings = settings.model_copy(update={"token": None})
            elif to_token is True and settings.token is None:
                raise LocalTokenNotFoundError("to_token=True but the settings hold no token")
            return self._separate(settings)
        if not isinstance(to, str) or not to.startswith(("http://", "https://")):
            raise ValueError(f"`to` must be a Hub URL (http:// or https://), got {to!r}")
        same_hub = origin_of(to) == origin_of(self._settings.endpoint)
        if to_token is True and not same_hub:
            raise ValueError(
                "to_token=True would send this client's token to another Hub: pass the "
                "destination's token as to_token"
            )
        settings = self._settings.replace(endpoint=to.rstrip("/"))
        if not same_hub:  # extra headers may carry credentials of this Hub: not for another
            settings = settings.model_copy(update={"headers": {}})
        if isinstance(to_token, str):
            settings = settings.replace(token=to_token)
        elif to_token is False or (to_token is None and not same_hub):
            settings = settings.model_copy(update={"token": None})
        elif to_token is True and settings.token is None:
            raise LocalTokenNotFoundError("to_token=True but no token is configured")
        return self._separate(settings)
