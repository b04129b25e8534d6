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

from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import httpx

from hubclient import upload as _upload
from hubclient._http import HubHttp
from hubclient._settings import HubSettings, default_user_agent
from hubclient.models.commits import CommitInfo, CommitOperation, CommitOperationAdd
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
            if token is not None:
                settings = settings.replace(token=token) if isinstance(token, str) else settings
                if token is False:
                    settings = settings.model_copy(update={"token": None})
        self._settings = settings
        self._http = HubHttp(settings, client=http_client, transport=transport)
        self._owns_pool = True

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
        copy = object.__new__(type(self))
        copy._settings = settings
        copy._http = self._http.with_settings(settings)
        copy._owns_pool = copy._http._pool is not self._http._pool
        return copy

    # --- downloads ---
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
        upload_options: UploadOptions | None = None,
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
            num_threads: LFS files uploaded at once (``upload_options`` takes precedence).
            parent_commit: fail with :class:`CommitConflictError` (nothing committed) unless the
                branch still points to this commit.
            upload_options: concurrency and memory limits (:class:`UploadOptions`).
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
            options=upload_options or UploadOptions(max_concurrent_files=num_threads),
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
        upload_options: UploadOptions | None = None,
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
            options=upload_options or UploadOptions(max_concurrent_files=num_threads),
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
        upload_options: UploadOptions | None = None,
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
            options=upload_options,
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
        upload_options: UploadOptions | None = None,
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
            options=upload_options,
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
