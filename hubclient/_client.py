"""AsyncHubClient: settings + one HTTP session + thin public methods.

Each public method validates nothing itself and delegates to an area module
(``_repos``, ``_files``, ``_refs``, ``_users``, ``download``, ``upload``) that talks to the
network through ``self._http``.

For area modules and helpers (internal API, stable within the package):

* ``client._http``: the :class:`hubclient._http.HubHttp` (request / stream / paginate);
* ``client._settings``: the :class:`hubclient._settings.HubSettings` (endpoint, token, cache
  dir, timeouts, retry policy).
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from contextlib import aclosing, asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, TypeVar, overload

import httpx

from hubclient import _files, _refs, _repos, _users
from hubclient import download as _download
from hubclient import mirror as _mirror
from hubclient import upload as _upload
from hubclient._http import USE_DEFAULT, HubHttp, TimeoutArg
from hubclient._settings import HubSettings, default_user_agent
from hubclient._urls import origin_of
from hubclient.download import DownloadOptions, DryRunFileInfo, RemoteFile
from hubclient.errors import LocalTokenNotFoundError
from hubclient.mirror import (
    MirrorOptions,
    MirrorPlan,
    MirrorPlanItem,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
)
from hubclient.models.commits import CommitInfo, CommitOperation, CommitOperationAdd
from hubclient.models.files import HfFileMetadata, RepoFile, RepoFolder
from hubclient.models.refs import GitCommitInfo, GitRefs
from hubclient.models.repos import DatasetInfo, ModelInfo, RepoUrl, SpaceInfo
from hubclient.models.users import WhoAmI
from hubclient.progress import ProgressCallback
from hubclient.upload import PreuploadedFile, UploadOptions

__all__ = ["AsyncHubClient"]


class AsyncHubClient:
    """Asynchronous client for the Hugging Face Hub HTTP API.

    Settings come from the ``HF_*`` environment when the client is built (``HF_ENDPOINT``,
    ``HF_TOKEN``, the token file, ``HF_HUB_OFFLINE``, ``HF_HOME``, ``HF_HUB_CACHE``,
    timeouts…); every one can be overridden here. One ``httpx.AsyncClient`` (one connection
    pool) serves every call; close it with ``aclose()`` or ``async with``.

    Args:
        endpoint: Hub URL (default ``HF_ENDPOINT`` or ``https://huggingface.co``).
        token: a token string; ``False`` for anonymous calls; ``True`` to require the
            implicit token; ``None`` to use ``HF_TOKEN`` / the token file unless
            ``HF_HUB_DISABLE_IMPLICIT_TOKEN`` is set.
        hf_home: overrides ``HF_HOME``.
        cache_dir: overrides ``HF_HUB_CACHE``.
        offline: overrides ``HF_HUB_OFFLINE``.
        timeout: seconds per network operation of API calls (``math.inf``: no limit).
        etag_timeout: seconds for file-metadata requests (``HF_HUB_ETAG_TIMEOUT``).
        download_timeout: seconds per read while downloading (``HF_HUB_DOWNLOAD_TIMEOUT``).
        max_retries: retries after the first try (idempotent calls; 0 disables retries).
        retry_backoff_base: first backoff wait in seconds (doubles up to the cap).
        retry_backoff_max: cap of the backoff wait in seconds.
        max_retry_wait: longest ``Retry-After`` honoured; a longer one raises at once.
        max_connections: size of the connection pool.
        headers: extra headers sent with every Hub request.
        user_agent: appended to ``hubclient/<version>; python/<version>``.
        disable_progress_bars: overrides ``HF_HUB_DISABLE_PROGRESS_BARS``.
        http_client: an ``httpx.AsyncClient`` to use (you close it).
        transport: an ``httpx.AsyncBaseTransport`` for the client hubclient builds.
        settings: a complete :class:`HubSettings` (then the environment is not read).

    Example::

        async with AsyncHubClient() as client:
            info = await client.model_info("openai-community/gpt2")
            print(info.sha, [s.rfilename for s in info.siblings or []])
    """

    _settings: HubSettings
    """Settings of this client (internal accessor for area modules)."""
    _http: HubHttp
    """The network door of this client (internal accessor for area modules)."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | bool | None = None,
        *,
        hf_home: str | Path | None = None,
        cache_dir: str | Path | None = None,
        offline: bool | None = None,
        timeout: float | None = None,
        etag_timeout: float | None = None,
        download_timeout: float | None = None,
        max_retries: int | None = None,
        retry_backoff_base: float | None = None,
        retry_backoff_max: float | None = None,
        max_retry_wait: float | None = None,
        max_connections: int | None = None,
        headers: dict[str, str] | None = None,
        user_agent: str | None = None,
        disable_progress_bars: bool | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        settings: HubSettings | None = None,
    ) -> None:
        overrides = _overrides(
            endpoint=endpoint,
            hf_home=hf_home,
            cache_dir=cache_dir,
            offline=offline,
            timeout=timeout,
            etag_timeout=etag_timeout,
            download_timeout=download_timeout,
            max_retries=max_retries,
            retry_backoff_base=retry_backoff_base,
            retry_backoff_max=retry_backoff_max,
            max_retry_wait=max_retry_wait,
            max_connections=max_connections,
            headers=headers,
            user_agent=user_agent,
            disable_progress_bars=disable_progress_bars,
        )
        if settings is None:
            settings = HubSettings.from_env(token=token, **overrides)
        else:
            settings = settings.replace(**overrides)
            if isinstance(token, str):
                settings = settings.replace(token=token)
            elif token is False:
                settings = settings.model_copy(update={"token": None})
            elif token is True and settings.token is None:
                raise LocalTokenNotFoundError("token=True but the given settings hold no token")
        self._settings = settings
        self._http = HubHttp(settings, client=http_client, transport=transport)
        self._owns_pool = True
        self._whoami_cache: dict[str, WhoAmI] = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def settings(self) -> HubSettings:
        """The immutable settings of this client (endpoint, cache dir, timeouts, …)."""
        return self._settings

    @property
    def endpoint(self) -> str:
        """The Hub URL this client talks to."""
        return self._settings.endpoint

    async def __aenter__(self) -> AsyncHubClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (a client passed as ``http_client`` is left open).

        Copies made by :meth:`with_options` share the pool of the client they came from:
        closing a copy does nothing, closing the original closes the pool for all.
        """
        if self._owns_pool:
            await self._http.aclose()

    def with_options(
        self,
        *,
        endpoint: str | None = None,
        token: str | bool | None = None,
        hf_home: str | Path | None = None,
        cache_dir: str | Path | None = None,
        offline: bool | None = None,
        timeout: float | None = None,
        etag_timeout: float | None = None,
        download_timeout: float | None = None,
        max_retries: int | None = None,
        retry_backoff_base: float | None = None,
        retry_backoff_max: float | None = None,
        max_retry_wait: float | None = None,
        max_connections: int | None = None,
        headers: dict[str, str] | None = None,
        user_agent: str | None = None,
        disable_progress_bars: bool | None = None,
    ) -> AsyncHubClient:
        """A copy of this client with some settings changed, sharing its connection pool
        (and its 429 gate), unless ``max_connections`` changes.

        Example::

            fast = client.with_options(timeout=2.0, max_retries=0)
            info = await fast.model_info("acme/model")
        """
        changes = _overrides(
            endpoint=endpoint,
            hf_home=hf_home,
            cache_dir=cache_dir,
            offline=offline,
            timeout=timeout,
            etag_timeout=etag_timeout,
            download_timeout=download_timeout,
            max_retries=max_retries,
            retry_backoff_base=retry_backoff_base,
            retry_backoff_max=retry_backoff_max,
            max_retry_wait=max_retry_wait,
            max_connections=max_connections,
            headers=headers,
            user_agent=user_agent,
            disable_progress_bars=disable_progress_bars,
        )
        settings = self._settings.replace(**changes)
        if isinstance(token, str):
            settings = settings.replace(token=token)
        elif token is False:
            settings = settings.model_copy(update={"token": None})
        return self._sibling(settings)

    # ------------------------------------------------------------------ users

    async def whoami(self, token: str | bool | None = None, *, cache: bool = False) -> WhoAmI:
        """Who the token belongs to: name, orgs, token role.

        ``cache=True`` reuses this client's earlier answer for the same token (the Hub
        rate-limits this endpoint hard). Raises ``HfHubHTTPError`` (401) for an invalid token.

        Example::

            me = await client.whoami()
            print(me.name, me["orgs"], me.auth.access_token.role)
        """
        key = self._http.resolve_token(token) or ""
        if cache and key in self._whoami_cache:
            return self._whoami_cache[key]
        me = await _users.whoami(self._http, token=token)
        self._whoami_cache[key] = me
        return me

    # ------------------------------------------------------------------ repo info

    async def model_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        securityStatus: bool | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> ModelInfo:
        """Info about a model repo at ``revision`` (default branch if None).

        ``files_metadata=True`` adds size, blob id and LFS info to each sibling; ``expand``
        selects the fields to return; ``timeout`` (seconds) overrides the client's.
        Raises ``RepositoryNotFoundError``, ``GatedRepoError``, ``RevisionNotFoundError``.

        Example::

            info = await client.model_info("acme/model", revision="v1.0")
            print(info.sha, info.last_modified, [s.rfilename for s in info.siblings or []])
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="model",
            revision=revision,
            timeout=_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            security_status=securityStatus,
            token=token,
        )
        assert isinstance(info, ModelInfo)
        return info

    async def dataset_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> DatasetInfo:
        """Info about a dataset repo (see :meth:`model_info`).

        Example::

            info = await client.dataset_info("acme/data")
            print(info.sha, info.card_data)
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="dataset",
            revision=revision,
            timeout=_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            token=token,
        )
        assert isinstance(info, DatasetInfo)
        return info

    async def space_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> SpaceInfo:
        """Info about a Space repo (see :meth:`model_info`).

        Example::

            info = await client.space_info("acme/demo")
            print(info.sdk, info.runtime)
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="space",
            revision=revision,
            timeout=_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            token=token,
        )
        assert isinstance(info, SpaceInfo)
        return info

    async def repo_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        repo_type: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> ModelInfo | DatasetInfo | SpaceInfo:
        """Info about a repo of any type (``repo_type``: model, dataset or space).

        Example::

            info = await client.repo_info("acme/data", repo_type="dataset")
        """
        return await _repos.repo_info(
            self._http,
            repo_id,
            repo_type=repo_type,
            revision=revision,
            timeout=_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            token=token,
        )

    async def repo_exists(
        self, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None
    ) -> bool:
        """True if the repo exists (a gated repo counts as existing).

        Example::

            if not await client.repo_exists("acme/model"):
                await client.create_repo("acme/model")
        """
        return await _repos.repo_exists(self._http, repo_id, repo_type=repo_type, token=token)

    async def revision_exists(
        self,
        repo_id: str,
        revision: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> bool:
        """True if the repo exists and has this branch, tag or commit.

        Example::

            await client.revision_exists("acme/model", "v1.0")
        """
        return await _repos.revision_exists(
            self._http, repo_id, revision, repo_type=repo_type, token=token
        )

    async def file_exists(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
    ) -> bool:
        """True if the file exists at ``revision``; False for a missing repo, revision or file.

        Raises ``GatedRepoError`` for a gated repo the token cannot read.

        Example::

            await client.file_exists("acme/model", "config.json")
        """
        return await _files.file_exists(
            self._http, repo_id, filename, repo_type=repo_type, revision=revision, token=token
        )

    # ------------------------------------------------------------------ listings

    def list_models(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        apps: str | list[str] | None = None,
        gated: bool | None = None,
        inference: str | None = None,
        inference_provider: str | list[str] | None = None,
        trained_dataset: str | list[str] | None = None,
        search: str | None = None,
        pipeline_tag: str | None = None,
        num_parameters: str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        expand: list[str] | None = None,
        full: bool | None = None,
        cardData: bool = False,
        fetch_config: bool = False,
        token: str | bool | None = None,
    ) -> AsyncIterator[ModelInfo]:
        """Iterate over models matching the filters, following pagination lazily.

        ``sort`` accepts ``downloads``, ``likes``, ``last_modified``, ``created_at``,
        ``trending_score``; ``limit`` stops after that many results.

        Example::

            async for model in client.list_models(author="acme", limit=10):
                print(model.id, model.downloads)
        """
        params = _repos.model_list_params(
            filter=filter,
            author=author,
            apps=apps,
            gated=gated,
            inference=inference,
            inference_provider=inference_provider,
            trained_dataset=trained_dataset,
            search=search,
            pipeline_tag=pipeline_tag,
            num_parameters=num_parameters,
            sort=sort,
            limit=limit,
            expand=expand,
            full=full,
            card_data=cardData,
            fetch_config=fetch_config,
        )
        return _typed(
            _repos.list_repos(self._http, "model", params, limit=limit, token=token), ModelInfo
        )

    def list_datasets(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        benchmark: str | bool | None = None,
        dataset_name: str | None = None,
        gated: bool | None = None,
        language_creators: str | list[str] | None = None,
        language: str | list[str] | None = None,
        multilinguality: str | list[str] | None = None,
        size_categories: str | list[str] | None = None,
        task_categories: str | list[str] | None = None,
        task_ids: str | list[str] | None = None,
        search: str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        expand: list[str] | None = None,
        full: bool | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[DatasetInfo]:
        """Iterate over datasets matching the filters (see :meth:`list_models`).

        Example::

            async for ds in client.list_datasets(search="squad", limit=5):
                print(ds.id)
        """
        params = _repos.dataset_list_params(
            filter=filter,
            author=author,
            benchmark=benchmark,
            dataset_name=dataset_name,
            gated=gated,
            language_creators=language_creators,
            language=language,
            multilinguality=multilinguality,
            size_categories=size_categories,
            task_categories=task_categories,
            task_ids=task_ids,
            search=search,
            sort=sort,
            limit=limit,
            expand=expand,
            full=full,
        )
        return _typed(
            _repos.list_repos(self._http, "dataset", params, limit=limit, token=token), DatasetInfo
        )

    def list_spaces(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        search: str | None = None,
        datasets: str | Iterable[str] | None = None,
        models: str | Iterable[str] | None = None,
        linked: bool = False,
        sort: str | None = None,
        limit: int | None = None,
        expand: list[str] | None = None,
        full: bool | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[SpaceInfo]:
        """Iterate over Spaces matching the filters (see :meth:`list_models`).

        Example::

            async for space in client.list_spaces(author="acme"):
                print(space.id, space.sdk)
        """
        params = _repos.space_list_params(
            filter=filter,
            author=author,
            search=search,
            datasets=datasets,
            models=models,
            linked=linked,
            sort=sort,
            limit=limit,
            expand=expand,
            full=full,
        )
        return _typed(
            _repos.list_repos(self._http, "space", params, limit=limit, token=token), SpaceInfo
        )

    # ------------------------------------------------------------------ files

    def list_repo_tree(
        self,
        repo_id: str,
        path_in_repo: str | None = None,
        *,
        recursive: bool = False,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[RepoFile | RepoFolder]:
        """Iterate over the files and folders under ``path_in_repo`` (the root by default).

        ``recursive=True`` walks every sub-folder (folders are listed too); ``expand=True``
        adds last-commit and security info. Raises ``RemoteEntryNotFoundError`` for a
        missing folder.

        Example::

            async for entry in client.list_repo_tree("acme/model", recursive=True):
                if isinstance(entry, RepoFile):
                    print(entry.path, entry.size, entry.lfs.sha256 if entry.lfs else entry.blob_id)
        """
        return _files.list_repo_tree(
            self._http,
            repo_id,
            path_in_repo,
            recursive=recursive,
            expand=expand,
            revision=revision,
            repo_type=repo_type,
            token=token,
        )

    async def list_repo_files(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> list[str]:
        """Paths of every file in the repo at ``revision``.

        Example::

            files = await client.list_repo_files("acme/model")
        """
        return await _files.list_repo_files(
            self._http, repo_id, revision=revision, repo_type=repo_type, token=token
        )

    async def get_paths_info(
        self,
        repo_id: str,
        paths: list[str] | str,
        *,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> list[RepoFile | RepoFolder]:
        """Info about specific paths (files or folders); paths that do not exist are left out.

        Any number of paths: they are sent in batches of 500.

        Example::

            entries = await client.get_paths_info("acme/model", ["config.json", "weights"])
        """
        return await _files.get_paths_info(
            self._http,
            repo_id,
            paths,
            expand=expand,
            revision=revision,
            repo_type=repo_type,
            token=token,
        )

    async def get_hf_file_metadata(
        self,
        *,
        url: str,
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> HfFileMetadata:
        """HEAD a resolve URL: commit, normalised etag, size and download location.

        Redirects are followed only within the Hub origin; for LFS files the storage
        ``Location`` is returned, not followed. ``timeout`` defaults to ``etag_timeout``.

        Example::

            url = hf_hub_url("acme/model", "weights.bin", endpoint=client.endpoint)
            meta = await client.get_hf_file_metadata(url=url)
            print(meta.commit_hash, meta.etag, meta.size, meta.location)
        """
        return await _files.get_hf_file_metadata(self._http, url, token=token, timeout=timeout)

    # ------------------------------------------------------------------ refs and history

    async def list_repo_refs(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        include_pull_requests: bool = False,
        token: str | bool | None = None,
    ) -> GitRefs:
        """Branches, tags and converts (and PRs with ``include_pull_requests=True``).

        Example::

            refs = await client.list_repo_refs("acme/model")
            print({b.name: b.target_commit for b in refs.branches})
        """
        return await _refs.list_repo_refs(
            self._http,
            repo_id,
            repo_type=repo_type,
            include_pull_requests=include_pull_requests,
            token=token,
        )

    async def list_repo_commits(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
        revision: str | None = None,
        formatted: bool = False,
    ) -> list[GitCommitInfo]:
        """Commits reachable from ``revision``, newest first (all pages).

        Example::

            commits = await client.list_repo_commits("acme/model")
            print(commits[0].commit_id, commits[0].title)
        """
        return await _refs.list_repo_commits(
            self._http,
            repo_id,
            repo_type=repo_type,
            token=token,
            revision=revision,
            formatted=formatted,
        )

    async def create_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        revision: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Create ``branch`` at ``revision`` (default: head of the default branch).

        Raises ``HfHubHTTPError`` (409) if it exists, unless ``exist_ok``.

        Example::

            await client.create_branch("acme/model", branch="dev", exist_ok=True)
        """
        await _refs.create_branch(
            self._http,
            repo_id,
            branch=branch,
            revision=revision,
            token=token,
            repo_type=repo_type,
            exist_ok=exist_ok,
        )

    async def delete_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Delete a branch.

        Example::

            await client.delete_branch("acme/model", branch="dev")
        """
        await _refs.delete_branch(
            self._http, repo_id, branch=branch, token=token, repo_type=repo_type
        )

    async def create_tag(
        self,
        repo_id: str,
        *,
        tag: str,
        tag_message: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Tag ``revision`` (default ``main``). 409 if the tag exists, unless ``exist_ok``.

        Example::

            await client.create_tag("acme/model", tag="v1.0", tag_message="first release")
        """
        await _refs.create_tag(
            self._http,
            repo_id,
            tag=tag,
            tag_message=tag_message,
            revision=revision,
            token=token,
            repo_type=repo_type,
            exist_ok=exist_ok,
        )

    async def delete_tag(
        self,
        repo_id: str,
        *,
        tag: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Delete a tag.

        Example::

            await client.delete_tag("acme/model", tag="v1.0")
        """
        await _refs.delete_tag(self._http, repo_id, tag=tag, token=token, repo_type=repo_type)

    # ------------------------------------------------------------------ repo management

    async def create_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        private: bool | None = None,
        visibility: str | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
        resource_group_id: str | None = None,
        region: str | None = None,
        space_sdk: str | None = None,
        space_hardware: str | None = None,
        space_sleep_time: int | None = None,
        space_secrets: list[dict[str, str]] | None = None,
        space_variables: list[dict[str, str]] | None = None,
    ) -> RepoUrl:
        """Create a repo (``namespace/name``; without a namespace: the token's user).

        ``exist_ok=True`` returns the URL of an existing repo instead of raising.
        Spaces need ``space_sdk`` (gradio, streamlit, docker or static).

        Example::

            url = await client.create_repo("acme/new-model", private=True, exist_ok=True)
            print(url.repo_id, str(url))
        """
        return await _repos.create_repo(
            self._http,
            repo_id,
            token=token,
            private=private,
            visibility=visibility,
            repo_type=repo_type,
            exist_ok=exist_ok,
            resource_group_id=resource_group_id,
            region=region,
            space_sdk=space_sdk,
            space_hardware=space_hardware,
            space_sleep_time=space_sleep_time,
            space_secrets=space_secrets,
            space_variables=space_variables,
        )

    async def delete_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        missing_ok: bool = False,
    ) -> None:
        """Delete a repo. ``missing_ok=True`` ignores a repo that does not exist.

        Example::

            await client.delete_repo("acme/old-model", missing_ok=True)
        """
        await _repos.delete_repo(
            self._http, repo_id, token=token, repo_type=repo_type, missing_ok=missing_ok
        )

    async def move_repo(
        self,
        from_id: str,
        to_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Rename or transfer a repo; the old id then redirects to the new one.

        Example::

            await client.move_repo("alice/model", "acme/model")
        """
        await _repos.move_repo(self._http, from_id, to_id, repo_type=repo_type, token=token)

    async def update_repo_settings(
        self,
        repo_id: str,
        *,
        gated: Literal["auto", "manual", False] | None = None,
        private: bool | None = None,
        visibility: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Change a repo's visibility (``private`` / ``visibility``) or gating.

        Example::

            await client.update_repo_settings("acme/model", private=True, gated="manual")
        """
        await _repos.update_repo_settings(
            self._http,
            repo_id,
            gated=gated,
            private=private,
            visibility=visibility,
            token=token,
            repo_type=repo_type,
        )

    # --- downloads ---

    @overload
    async def hf_hub_download(
        self,
        repo_id: str,
        filename: str,
        *,
        subfolder: str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        force_download: bool = False,
        local_files_only: bool = False,
        token: str | bool | None = None,
        dry_run: Literal[False] = False,
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> str: ...

    @overload
    async def hf_hub_download(
        self,
        repo_id: str,
        filename: str,
        *,
        subfolder: str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        force_download: bool = False,
        local_files_only: bool = False,
        token: str | bool | None = None,
        dry_run: Literal[True],
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> DryRunFileInfo: ...

    async def hf_hub_download(
        self,
        repo_id: str,
        filename: str,
        *,
        subfolder: str | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        force_download: bool = False,
        local_files_only: bool = False,
        token: str | bool | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> str | DryRunFileInfo:
        """Download one file into the cache (or ``local_dir``) and return its local path.

        Same behaviour as huggingface_hub's ``hf_hub_download``, on the same cache layout: a
        pinned commit already cached costs no request; otherwise one ``HEAD`` then one
        ``GET`` (LFS content from the storage URL, without the token). The size, the sha256
        (LFS) or the git sha1 (regular files) are verified before the file enters the cache;
        an interrupted transfer is resumed by the next call. Offline (``HF_HUB_OFFLINE=1``),
        with ``local_files_only=True`` or when the Hub cannot be reached, the cached copy is
        returned if there is one.

        Args:
            repo_id: ``namespace/name``.
            filename: path of the file in the repo (``..`` and absolute paths are refused).
            subfolder: prefix joined to ``filename``.
            repo_type: ``"model"`` (default), ``"dataset"`` or ``"space"``.
            revision: branch, tag or commit (default ``main``).
            cache_dir: the cache (default ``HF_HUB_CACHE``).
            local_dir: put the file at ``local_dir/filename`` instead (huggingface_hub's
                local-dir layout with ``.cache/huggingface/``).
            force_download: download even if cached.
            local_files_only: never use the network.
            token: per-call token (``False``: anonymous).
            dry_run: return a :class:`DryRunFileInfo` instead of downloading.
            progress: callback receiving :mod:`hubclient.progress` events.
            options: transfer settings (:class:`DownloadOptions`).

        Raises:
            RepositoryNotFoundError, GatedRepoError, RevisionNotFoundError,
            RemoteEntryNotFoundError: the Hub refused (a missing file is remembered in
            ``.no_exist``).
            LocalEntryNotFoundError: offline or unreachable, and not cached.
            DownloadIntegrityError: the bytes did not match (nothing was cached).
            HFValidationError: a bad repo id, path or revision.

        Example::

            path = await client.hf_hub_download("acme/model", "config.json")
        """
        return await _download.hf_hub_download(
            self._http,
            repo_id,
            filename,
            subfolder=subfolder,
            repo_type=repo_type,
            revision=revision,
            cache_dir=cache_dir,
            local_dir=local_dir,
            force_download=force_download,
            local_files_only=local_files_only,
            dry_run=dry_run,
            token=token,
            progress=progress,
            options=options,
        )

    @overload
    async def snapshot_download(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        allow_patterns: str | list[str] | None = None,
        ignore_patterns: str | list[str] | None = None,
        max_workers: int | None = None,
        force_download: bool = False,
        local_files_only: bool = False,
        token: str | bool | None = None,
        dry_run: Literal[False] = False,
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> str: ...

    @overload
    async def snapshot_download(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        allow_patterns: str | list[str] | None = None,
        ignore_patterns: str | list[str] | None = None,
        max_workers: int | None = None,
        force_download: bool = False,
        local_files_only: bool = False,
        token: str | bool | None = None,
        dry_run: Literal[True],
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> list[DryRunFileInfo]: ...

    async def snapshot_download(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_dir: str | Path | None = None,
        allow_patterns: str | list[str] | None = None,
        ignore_patterns: str | list[str] | None = None,
        max_workers: int | None = None,
        force_download: bool = False,
        local_files_only: bool = False,
        token: str | bool | None = None,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> str | list[DryRunFileInfo]:
        """Download every file of a revision (filtered by patterns) and return the folder.

        One request resolves the revision (none for a commit id), one paginated listing gives
        every file with its size and hash (cached in ``trees/{commit}.json``), then the
        content ``GET`` s run concurrently with no per-file ``HEAD``: ``max_workers`` (or
        ``options.max_files_in_flight``) files at once, ``options.max_connections`` requests
        at once, big files as parallel byte ranges. Every file is verified before it enters
        the cache; files already cached cost nothing, so a second run at a pinned commit
        sends no request at all. Cancelling returns promptly, leaves no half-written file in
        ``snapshots/`` and keeps partial blobs for the next run to resume.

        Arguments and fallbacks (offline, ``local_files_only``, an unreachable Hub) are those
        of huggingface_hub's ``snapshot_download``; ``allow_patterns``/``ignore_patterns``
        use its rules (``fnmatch``, ``*`` crosses ``/``, ``dir/`` = everything below).

        Raises:
            RepositoryNotFoundError, GatedRepoError, RevisionNotFoundError: the Hub refused.
            LocalEntryNotFoundError: offline or unreachable, and not cached.
            IncompleteSnapshotError: offline, and the cached snapshot lacks files.
            DownloadIntegrityError: some bytes did not match (nothing wrong was cached).

        Example::

            folder = await client.snapshot_download(
                "acme/model", allow_patterns=["*.json", "*.safetensors"], progress=print
            )
        """
        return await _download.snapshot_download(
            self._http,
            repo_id,
            repo_type=repo_type,
            revision=revision,
            cache_dir=cache_dir,
            local_dir=local_dir,
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            max_workers=max_workers,
            force_download=force_download,
            local_files_only=local_files_only,
            dry_run=dry_run,
            token=token,
            progress=progress,
            options=options,
        )

    @asynccontextmanager
    async def open_file(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        verify: bool = True,
        chunk_size: int = 2**20,
    ) -> AsyncIterator[RemoteFile]:
        """Open a repo file for streaming, touching no disk (for web services).

        The :class:`RemoteFile` carries ``commit_hash``, ``etag`` and ``size`` and yields the
        bytes (``async for chunk in f``); broken streams resume with ``Range``; the size and,
        for LFS files, the sha256 are checked at the end (``verify``).

        Example::

            async with client.open_file("acme/model", "config.json") as f:
                body = await f.read()
        """
        async with _download.open_file(
            self._http,
            repo_id,
            filename,
            repo_type=repo_type,
            revision=revision,
            token=token,
            verify=verify,
            chunk_size=chunk_size,
        ) as remote:
            yield remote

    async def iter_file(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        verify: bool = True,
        chunk_size: int = 2**20,
    ) -> AsyncIterator[bytes]:
        """The bytes of a repo file as an async iterator (see :meth:`open_file`).

        Example::

            async for chunk in client.iter_file("acme/data", "train.jsonl", repo_type="dataset"):
                sink.write(chunk)
        """
        async with aclosing(
            _download.iter_file(
                self._http,
                repo_id,
                filename,
                repo_type=repo_type,
                revision=revision,
                token=token,
                verify=verify,
                chunk_size=chunk_size,
            )
        ) as chunks:
            async for chunk in chunks:
                yield chunk

    # --- end downloads ---

    # --- uploads ---

    async def create_commit(
        self,
        repo_id: str,
        operations: Iterable[CommitOperation],
        *,
        commit_message: str,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        parent_commit: str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> CommitInfo:
        """Create one commit that adds, deletes and copies files (HfApi's ``create_commit``).

        Phases: preupload (the Hub says regular or LFS) → hashing in worker threads → LFS
        uploads (multipart parts streamed from disk, several at once) → the commit. Files whose
        content the Hub already has at that path are left out; if nothing is left, no commit is
        made and the current head is returned. The operations are never modified.
        Cancelling the call stops every transfer and creates no commit.

        Args:
            repo_id: ``namespace/name`` of an existing repo.
            operations: :class:`CommitOperationAdd`, :class:`CommitOperationDelete`,
                :class:`CommitOperationCopy`.
            commit_message: the summary line (required).
            commit_description: the commit's description.
            token: per-call token (``False``: anonymous).
            repo_type: ``"model"`` (default), ``"dataset"`` or ``"space"``.
            revision: the branch to commit to (default ``main``).
            create_pr: open a pull request with the commit instead of moving the branch.
            num_threads: LFS files uploaded at once (``options`` takes precedence).
            parent_commit: fail with :class:`CommitConflictError` (nothing committed) unless the
                branch still points to this commit.
            options: concurrency and memory limits (:class:`UploadOptions`).
            progress: a callback receiving :mod:`hubclient.progress` events.

        Raises:
            CommitConflictError: ``parent_commit`` is stale (412) or a commit raced this one.
            RepositoryNotFoundError, RevisionNotFoundError, RemoteEntryNotFoundError,
            HfHubHTTPError: the Hub refused; the message says what to do.
            LfsUploadError: the LFS endpoint refused an object.
            ValueError: bad arguments (empty message, malformed parent_commit, invalid README
                metadata).

        Example::

            info = await client.create_commit(
                "alice/model",
                [CommitOperationAdd("w.bin", "out/w.bin"), CommitOperationDelete("old.bin")],
                commit_message="New weights",
            )
            print(info.oid)
        """
        return await _upload.create_commit(
            self._http,
            repo_id,
            operations,
            commit_message=commit_message,
            commit_description=commit_description,
            token=token,
            repo_type=repo_type,
            revision=revision,
            create_pr=create_pr,
            parent_commit=parent_commit,
            options=options or UploadOptions(max_concurrent_files=num_threads),
            progress=progress,
        )

    async def preupload_lfs_files(
        self,
        repo_id: str,
        additions: Iterable[CommitOperationAdd],
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        gitignore_content: str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[PreuploadedFile]:
        """Upload the LFS content of ``additions`` now; commit them later with ``create_commit``.

        Unlike HfApi, the operations are not modified (there is no ``free_memory``): pass the
        same list to :meth:`create_commit`, which then finds the content already stored and
        does not send it again. Returns the LFS files handled, with ``uploaded=False`` for
        those the Hub already had.

        Example::

            ops = [CommitOperationAdd(f"shard-{i}.bin", path) for i, path in enumerate(paths)]
            await client.preupload_lfs_files("alice/model", ops)
            await client.create_commit("alice/model", ops, commit_message="Shards")
        """
        return await _upload.preupload_lfs_files(
            self._http,
            repo_id,
            additions,
            token=token,
            repo_type=repo_type,
            revision=revision,
            create_pr=create_pr,
            gitignore_content=gitignore_content,
            options=options or UploadOptions(max_concurrent_files=num_threads),
            progress=progress,
        )

    async def upload_file(
        self,
        *,
        path_or_fileobj: str | Path | bytes | BinaryIO,
        path_in_repo: str,
        repo_id: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> CommitInfo:
        """Upload one file (a path, bytes or a binary file object) in its own commit.

        The default message is ``"Upload {path_in_repo} with huggingface_hub"``, as in HfApi.
        See :meth:`create_commit` for the other arguments and the errors.

        Example::

            info = await client.upload_file(
                path_or_fileobj="out/model.safetensors",
                path_in_repo="model.safetensors",
                repo_id="alice/model",
            )
        """
        return await _upload.upload_file(
            self._http,
            path_or_fileobj=path_or_fileobj,
            path_in_repo=path_in_repo,
            repo_id=repo_id,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
            options=options,
            progress=progress,
        )

    async def upload_folder(
        self,
        *,
        repo_id: str,
        folder_path: str | Path,
        path_in_repo: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        delete_patterns: list[str] | str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> CommitInfo:
        """Upload a local folder in one commit (HfApi's ``upload_folder``).

        ``allow_patterns``/``ignore_patterns`` (shell wildcards, ``*`` crosses ``/``) filter the
        local paths relative to ``folder_path``; ``.git/`` and ``.cache/huggingface/`` are
        always left out. ``delete_patterns`` deletes remote files under ``path_in_repo`` that
        match (never ``.gitattributes``) in the same commit. With ``create_pr=True`` the PR
        targets the default branch (``revision`` must stay unset).

        Example::

            await client.upload_folder(
                repo_id="alice/model", folder_path="out", ignore_patterns="*.tmp",
                delete_patterns="checkpoints/",
            )
        """
        return await _upload.upload_folder(
            self._http,
            repo_id=repo_id,
            folder_path=folder_path,
            path_in_repo=path_in_repo,
            commit_message=commit_message,
            commit_description=commit_description,
            token=token,
            repo_type=repo_type,
            revision=revision,
            create_pr=create_pr,
            parent_commit=parent_commit,
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            delete_patterns=delete_patterns,
            options=options,
            progress=progress,
        )

    async def delete_file(
        self,
        path_in_repo: str,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete one file in its own commit (``RemoteEntryNotFoundError`` if it is missing).

        Example::

            await client.delete_file("old.bin", "alice/model")
        """
        return await _upload.delete_file(
            self._http,
            path_in_repo,
            repo_id,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    async def delete_files(
        self,
        repo_id: str,
        delete_patterns: list[str],
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete the files matching any of ``delete_patterns`` (paths, ``folder/``, wildcards).

        Example::

            await client.delete_files("alice/model", ["*.tmp", "logs/"])
        """
        return await _upload.delete_files(
            self._http,
            repo_id,
            delete_patterns,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    async def delete_folder(
        self,
        path_in_repo: str,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete a folder and everything under it, in one commit.

        Example::

            await client.delete_folder("checkpoints", "alice/model")
        """
        return await _upload.delete_folder(
            self._http,
            path_in_repo,
            repo_id,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    # --- end uploads ---

    # --- mirroring ---

    async def mirror_repo(
        self,
        repo_id: str,
        *,
        to: str | AsyncHubClient | HubSettings,
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
            to: the destination: a Hub URL (with ``to_token``), the settings of a client, or an
                ``AsyncHubClient`` (then its token and transport are used; from ``HubClient``,
                pass a URL or ``HubSettings``).
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
        to: str | AsyncHubClient | HubSettings,
        to_token: str | bool | None = None,
        private: bool | None = None,
        options: MirrorOptions | None = None,
        progress: MirrorProgressCallback | None = None,
    ) -> MirrorReport:
        """Mirror many repos at once, from a plan, under global bounds (see :meth:`mirror_repo`).

        ``plan`` is a :class:`MirrorPlan`, a list of items or ``"[type:]namespace/name[@rev]"``
        strings, or the path of a plan file. ``options`` bounds repos, files and bytes in
        flight over the whole job; a 429 from either Hub pauses the whole job's requests to
        that Hub. One repo failing does not stop the others: the :class:`MirrorReport` has one
        result per repo (``report.ok``, ``report.to_json()``).

        Example::

            report = await hub.mirror_repos("plan.txt", to="https://hub.internal", to_token=t)
            Path("report.json").write_text(report.to_json())
        """
        async with self._opened_destination(to, to_token) as dest:
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
    ) -> MirrorReport:
        """Download many repos onto local disk at once, each laid out as ``snapshot_download``
        lays it out.

        With ``cache_dir`` (default: this client's cache) every repo goes into the Hub cache
        layout, one snapshot per mirrored branch and tag, readable offline by
        huggingface_hub and transformers. With ``local_dir`` each repo goes into
        ``local_dir/<repo_id>`` (datasets and spaces under ``datasets/`` and ``spaces/``),
        as ``snapshot_download(local_dir=...)`` does. Global bounds and the report are those
        of :meth:`mirror_repos`.

        Example::

            report = await hub.download_repos(["acme/model", "dataset:acme/corpus@v1"],
                                              cache_dir="/mnt/hf-cache")
        """
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
        self, to: str | AsyncHubClient | HubSettings, to_token: str | bool | None
    ) -> AsyncIterator[AsyncHubClient]:
        """The destination client for one call; a client made here is closed after it."""
        dest = self._destination(to, to_token)
        try:
            yield dest
        finally:
            if dest is not to and dest is not self:
                await dest.aclose()

    def _destination(
        self, to: str | AsyncHubClient | HubSettings, to_token: str | bool | None
    ) -> AsyncHubClient:
        """The client for a mirror's destination.

        It never carries this client's token (or extra headers) to another origin, and it has
        a connection pool of its own: a destination PUT streams its body from a source GET, so
        sharing one pool could leave every connection held by a PUT waiting for a GET.
        """
        if isinstance(to, AsyncHubClient):
            if to_token is not None:
                raise ValueError("to_token applies only when `to` is a URL or HubSettings")
            if to._http._pool is self._http._pool:  # this client, or a with_options copy
                return self._separate(to._settings)
            return to
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
        same_hub = origin_of(to) == origin_of(self.endpoint)
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

    def _sibling(self, settings: HubSettings) -> AsyncHubClient:
        """A client with other settings that shares this one's connection pool."""
        copy = object.__new__(type(self))
        copy._settings = settings
        copy._http = self._http.with_settings(settings)
        copy._owns_pool = copy._http._pool is not self._http._pool
        copy._whoami_cache = {}
        return copy

    def _separate(self, settings: HubSettings) -> AsyncHubClient:
        """A client with other settings and a connection pool of its own (on this client's
        transport when one was given, e.g. an in-process local Hub); close it after use."""
        copy = object.__new__(type(self))
        copy._settings = settings
        copy._http = HubHttp(settings, transport=self._http._pool._transport)
        copy._owns_pool = True
        copy._whoami_cache = {}
        return copy

    # --- end mirroring ---


def _overrides(
    *,
    cache_dir: str | Path | None,
    hf_home: str | Path | None,
    timeout: float | None,
    user_agent: str | None,
    **rest: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in rest.items() if v is not None}
    if cache_dir is not None:
        out["hub_cache"] = Path(cache_dir).expanduser()
    if hf_home is not None:
        out["hf_home"] = Path(hf_home).expanduser()
    if timeout is not None:
        out["timeout"] = timeout  # math.inf: no limit (the settings turn it into None)
    if user_agent is not None:
        out["user_agent"] = f"{default_user_agent()}; {user_agent}"
    return out


_T = TypeVar("_T")


def _timeout(timeout: float | None) -> TimeoutArg:
    """Per-call timeout: None keeps the client's; ``math.inf`` means no limit."""
    if timeout is None:
        return USE_DEFAULT
    return None if math.isinf(timeout) else timeout


async def _typed(items: AsyncGenerator[Any, None], cls: type[_T]) -> AsyncIterator[_T]:
    async with aclosing(items):
        async for item in items:
            assert isinstance(item, cls)
            yield item
