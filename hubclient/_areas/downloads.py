"""Downloads into the cache or a local folder, and streaming reads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from hubclient import _resolve
from hubclient import download as _download
from hubclient._areas._base import Area
from hubclient._bars import with_bars
from hubclient._http import HubHttp
from hubclient.download import (
    DownloadOptions,
    DryRunFileInfo,
    RemoteFile,
    SeekableRemoteFile,
)
from hubclient.models.refs import ResolvedRevision, pinned_revision
from hubclient.progress import ProgressCallback

if TYPE_CHECKING:
    pass

__all__ = ["DownloadsArea"]


class DownloadsArea(Area):
    """Downloads (``hf_hub_download``, ``snapshot_download``, ``open_file``, …)."""

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
        etag_timeout: float | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
        tqdm_class: Callable[..., Any] | None = None,
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
        etag_timeout: float | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
        tqdm_class: Callable[..., Any] | None = None,
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
        etag_timeout: float | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
        tqdm_class: Callable[..., Any] | None = None,
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
            etag_timeout: seconds for the metadata request (default: the client's
                ``etag_timeout``, ``HF_HUB_ETAG_TIMEOUT``).
            local_files_only: never use the network.
            token: per-call token (``False``: anonymous).
            tqdm_class: a tqdm-like class: a bar of bytes is drawn with it while the file
                downloads, as huggingface_hub does.
            dry_run: return a :class:`DryRunFileInfo` instead of downloading.
            progress: callback receiving :mod:`hubclient.progress` events.
            options: transfer settings (:class:`DownloadOptions`).

        Raises:
            HfHubHTTPError: the Hub refused (``RepositoryNotFoundError``, ``GatedRepoError``,
                ``RevisionNotFoundError``, ``RemoteEntryNotFoundError``; a missing file is
                remembered in ``.no_exist``).
            LocalEntryNotFoundError: offline or unreachable, and not cached.
            DownloadIntegrityError: the bytes did not match (nothing was cached).
            HFValidationError: a bad repo id, path or revision.

        Example::

            path = await client.hf_hub_download("acme/model", "config.json")
        """
        callback, bars = with_bars(progress, tqdm_class, "file")
        try:
            return await _download.hf_hub_download(
                self._with_etag_timeout(etag_timeout),
                repo_id,
                filename,
                subfolder=subfolder,
                repo_type=repo_type,
                revision=pinned_revision(revision, repo_id, repo_type),
                cache_dir=cache_dir,
                local_dir=local_dir,
                force_download=force_download,
                local_files_only=local_files_only,
                dry_run=dry_run,
                token=token,
                progress=callback,
                options=options,
            )
        finally:
            if bars is not None:
                bars.close()

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
        etag_timeout: float | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
        tqdm_class: Callable[..., Any] | None = None,
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
        etag_timeout: float | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
        tqdm_class: Callable[..., Any] | None = None,
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
        etag_timeout: float | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
        tqdm_class: Callable[..., Any] | None = None,
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
        ``etag_timeout`` bounds the metadata requests (default: the client's);
        ``tqdm_class`` draws a bar of files and a bar of bytes, as huggingface_hub does.

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
        callback, bars = with_bars(progress, tqdm_class, "snapshot")
        try:
            return await _download.snapshot_download(
                self._with_etag_timeout(etag_timeout),
                repo_id,
                repo_type=repo_type,
                revision=pinned_revision(revision, repo_id, repo_type),
                cache_dir=cache_dir,
                local_dir=local_dir,
                allow_patterns=allow_patterns,
                ignore_patterns=ignore_patterns,
                max_workers=max_workers,
                force_download=force_download,
                local_files_only=local_files_only,
                dry_run=dry_run,
                token=token,
                progress=callback,
                options=options,
            )
        finally:
            if bars is not None:
                bars.close()

    def _with_etag_timeout(self, etag_timeout: float | None) -> HubHttp:
        """The network door, with a per-call ``etag_timeout`` when one is given."""
        if etag_timeout is None:
            return self._http
        return self._http.with_settings(self._settings.replace(etag_timeout=etag_timeout))

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
            revision=pinned_revision(revision, repo_id, repo_type),
            token=token,
            verify=verify,
            chunk_size=chunk_size,
        ) as remote:
            yield remote

    @asynccontextmanager
    async def open_seekable(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        block_size: int = 2**20,
        options: DownloadOptions | None = None,
    ) -> AsyncIterator[SeekableRemoteFile]:
        """Open a repo file for random access: ``seek``/``read(n)``/``read_range``, touching
        no disk.

        One ``HEAD`` resolves the file (commit, size, etag, storage location); each read is a
        ranged ``GET`` of the location (renewed when it expires), pinned to that commit.
        Sequential reads are served from a read-ahead buffer of ``block_size`` bytes;
        ``read_ranges`` fetches several ranges concurrently. A parquet footer, a zip
        directory or a safetensors header costs a request or two, not the file.

        Example::

            async with client.open_seekable("acme/data", "train.parquet", repo_type="dataset") as f:
                f.seek(-8, io.SEEK_END)
                footer_length = int.from_bytes((await f.read(4)), "little")
        """
        async with _download.open_seekable(
            self._http,
            repo_id,
            filename,
            repo_type=repo_type,
            revision=pinned_revision(revision, repo_id, repo_type),
            token=token,
            block_size=block_size,
            options=options,
        ) as reader:
            yield reader

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
                revision=pinned_revision(revision, repo_id, repo_type),
                token=token,
                verify=verify,
                chunk_size=chunk_size,
            )
        ) as chunks:
            async for chunk in chunks:
                yield chunk

    async def resolve_revision(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        local_files_only: bool = False,
        token: str | bool | None = None,
    ) -> ResolvedRevision:
        """Resolve a branch, tag or PR ref to its commit, once, for downloads to share.

        Pass the answer as ``revision`` to the downloads that follow: they all read the same
        commit even if the repo moves meanwhile, and a file cached at that commit costs no
        request. The mapping is written to the cache's ``refs/`` (best effort); when the Hub
        cannot be reached (offline, network failure, 5xx) or ``local_files_only``, the cached
        mapping is used. A commit id resolves to itself without a request.

        Raises ``RevisionNotFoundError`` / ``RepositoryNotFoundError`` when the Hub says so, and
        ``RevisionResolutionError`` when it cannot be reached and the cache does not know.

        Example::

            revision = await client.resolve_revision("acme/model")
            print(revision.resolved)
            await client.hf_hub_download("acme/model", "config.json", revision=revision)
        """
        return await _resolve.resolve_revision(
            self._http,
            repo_id,
            repo_type=repo_type,
            revision=revision,
            cache_dir=Path(cache_dir) if cache_dir is not None else self._settings.hub_cache,
            local_files_only=local_files_only,
            token=token,
        )
