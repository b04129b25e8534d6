"""What one download call shares: the HTTP door, options, the transfer engine, progress, the
symlink policy; and putting one blob into the cache or one file into a local dir."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import anyio.to_thread

from hubclient._http import HubHttp
from hubclient._reporting import Reporter
from hubclient.cache import (
    LocalDirPaths,
    RepoCache,
    SymlinkPolicy,
    blob_lock,
    claim_partial,
    finalize_file,
    huggingface_dir,
    install_blob,
    link_pointers,
    mode_like_new_file,
    new_temp_path,
    store_small_blob,
    write_download_metadata,
)
from hubclient.download._disk import disk_errors
from hubclient.download._hashing import Expected, Hasher
from hubclient.download._options import DownloadIntegrityError, DownloadOptions
from hubclient.download._transfer import Source, Transfer
from hubclient.progress import FileState

__all__ = ["BlobJob", "Context"]


@dataclass
class BlobJob:
    """One blob to fetch, and every repo path that shows it."""

    etag: str
    size: int | None
    expected: Expected
    source: Source
    paths: list[str] = field(default_factory=list)
    pointers: list[Path] = field(default_factory=list)


@dataclass
class Context:
    http: HubHttp
    options: DownloadOptions
    reporter: Reporter
    policy: SymlinkPolicy
    transfer: Transfer
    modes: dict[Path, int | None] = field(default_factory=dict)
    """The mode of a new file, per folder (probed once per call, not once per blob)."""
    made: set[Path] = field(default_factory=set)
    """Folders this call made or found (one ``mkdir`` each per call, not per blob)."""

    def mode_for(self, directory: Path) -> int | None:
        """(blocking) The mode new files get in ``directory``, probed once."""
        if directory not in self.modes:
            self.modes[directory] = mode_like_new_file(directory)
        return self.modes[directory]

    @classmethod
    def build(cls, http: HubHttp, options: DownloadOptions | None, reporter: Reporter) -> Context:
        opts = options or DownloadOptions()
        return cls(http, opts, reporter, SymlinkPolicy.from_env(), Transfer(http, opts))

    def _on_bytes(self, job: BlobJob) -> _Counter:
        return _Counter(self.reporter, job.paths, job.size)

    # ------------------------------------------------------------------ cache mode

    async def fetch_into_cache(self, repo: RepoCache, job: BlobJob, *, force: bool) -> None:
        """Put ``job``'s blob into ``blobs/`` (unless there) and link every pointer to it."""
        with disk_errors(repo.blob_path(job.etag)):
            await self._fetch_into_cache(repo, job, force=force)

    async def _fetch_into_cache(self, repo: RepoCache, job: BlobJob, *, force: bool) -> None:
        blob = repo.blob_path(job.etag)
        counter = self._on_bytes(job)
        for path in job.paths:
            self.reporter.file(path, FileState.DOWNLOADING, 0, job.size)
        small = job.size is not None and job.size <= self.options.small_file_size
        if small and self.policy.known_supported(repo.cache_dir):
            await self._fetch_small(repo, job, force, counter)
            return
        async with blob_lock(
            repo.lock_path(job.etag),
            lock_timeout=self.options.lock_timeout,
            then=None if force else blob.exists,
        ) as already_there:
            if already_there:
                # another process (or an earlier run) finished it while we waited
                await anyio.to_thread.run_sync(
                    lambda: link_pointers(repo, job.etag, job.pointers, self.policy, new_blob=False)
                )
                counter(job.size or 0)
                self._done(job)
                return
            if job.size is not None and job.size <= self.options.small_file_size:
                data = await self.transfer.fetch_bytes(job.source, job.expected, counter)

                def store() -> None:
                    tmp = new_temp_path(repo.blobs_dir, job.etag)
                    _write_verified(tmp, data, job.expected, job.source.url)
                    mode = self.mode_for(repo.blobs_dir)
                    install_blob(repo, tmp, job.etag, job.pointers, self.policy, mode=mode)

                await anyio.to_thread.run_sync(store)
            else:
                tmp = new_temp_path(repo.blobs_dir, job.etag)
                offset = 0
                if not force:
                    offset = await anyio.to_thread.run_sync(
                        lambda: claim_partial(repo.blobs_dir, job.etag, tmp, max_size=job.size)
                    )
                counter(offset)
                await self._fetch_file(job, tmp, offset, counter)
                await anyio.to_thread.run_sync(
                    lambda: install_blob(
                        repo,
                        tmp,
                        job.etag,
                        job.pointers,
                        self.policy,
                        mode=self.mode_for(repo.blobs_dir),
                    )
                )
        self._done(job)

    async def _fetch_small(
        self, repo: RepoCache, job: BlobJob, force: bool, counter: _Counter
    ) -> None:
        """The lean path of a small blob in a cache with symlinks: fetched into memory, then
        one worker-thread trip checks it (size, hash), writes it, renames it into ``blobs/``
        and links its pointers (``store_small_blob``: no lock file, the rename settles races).
        Big files keep their locks, ranges and resume."""
        data = await self.transfer.fetch_bytes(job.source, job.expected, counter)

        def store() -> None:
            _verify(data, job.expected, job.source.url)
            store_small_blob(
                repo, job.etag, data, job.pointers, self.policy, force=force, made=self.made
            )

        await anyio.to_thread.run_sync(store)
        self._done(job)

    async def _fetch_file(self, job: BlobJob, tmp: Path, offset: int, counter: _Counter) -> None:
        try:
            await self.transfer.fetch_to_file(
                job.source, tmp, offset=offset, expected=job.expected, on_bytes=counter
            )
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_drop_if_empty, tmp)
            for path in job.paths:
                self.reporter.file(path, FileState.FAILED, counter.done, job.size)
                self.reporter.totals()
            raise

    def _done(self, job: BlobJob) -> None:
        # the bytes of a blob shown at several paths were counted once
        extra = (len(job.paths) - 1) * (job.size or 0)
        for i, path in enumerate(job.paths):
            self.reporter.file(path, FileState.DONE, job.size or 0, job.size)
            self.reporter.file_finished(extra_bytes=extra if i == 0 else 0)

    # ------------------------------------------------------------------ local dir mode

    async def fetch_into_local_dir(
        self, local_dir: Path, filename: str, job: BlobJob, commit: str
    ) -> None:
        """Download ``filename`` to ``local_dir/filename`` and write its metadata."""
        with disk_errors(local_dir.joinpath(*filename.split("/"))):
            await self._fetch_into_local_dir(local_dir, filename, job, commit)

    async def _fetch_into_local_dir(
        self, local_dir: Path, filename: str, job: BlobJob, commit: str
    ) -> None:
        paths = LocalDirPaths(local_dir, filename)
        counter = self._on_bytes(job)
        self.reporter.file(filename, FileState.DOWNLOADING, 0, job.size)
        await anyio.to_thread.run_sync(huggingface_dir, local_dir)
        await anyio.to_thread.run_sync(
            lambda: paths.metadata_path.parent.mkdir(parents=True, exist_ok=True)
        )
        stem = paths.incomplete_stem(job.etag)
        directory = paths.metadata_path.parent
        async with blob_lock(paths.lock_path, lock_timeout=self.options.lock_timeout):
            tmp = new_temp_path(directory, stem)
            if job.size is not None and job.size <= self.options.small_file_size:
                data = await self.transfer.fetch_bytes(job.source, job.expected, counter)

                def store() -> None:
                    _write_verified(tmp, data, job.expected, job.source.url)
                    finalize_file(tmp, paths.file_path)
                    write_download_metadata(paths, commit, job.etag)

                await anyio.to_thread.run_sync(store)
            else:
                offset = await anyio.to_thread.run_sync(
                    lambda: claim_partial(directory, stem, tmp, max_size=job.size)
                )
                counter(offset)
                await self._fetch_file(job, tmp, offset, counter)

                def place() -> None:
                    finalize_file(tmp, paths.file_path)
                    write_download_metadata(paths, commit, job.etag)

                await anyio.to_thread.run_sync(place)
        self._done(job)

    async def copy_into_local_dir(
        self, source_file: Path, local_dir: Path, filename: str, commit: str, etag: str
    ) -> None:
        """Copy a file already in the main cache into ``local_dir`` (no network)."""
        paths = LocalDirPaths(local_dir, filename)

        def copy() -> None:
            huggingface_dir(local_dir)
            paths.file_path.parent.mkdir(parents=True, exist_ok=True)
            staged = paths.file_path.with_name(f".{paths.file_path.name}.copy.incomplete")
            shutil.copyfile(source_file, staged)
            finalize_file(staged, paths.file_path)
            paths.metadata_path.parent.mkdir(parents=True, exist_ok=True)
            write_download_metadata(paths, commit, etag)

        with disk_errors(paths.file_path):
            await anyio.to_thread.run_sync(copy)


class _Counter:
    """``on_bytes`` for one job: keeps its byte count and forwards to the reporter."""

    def __init__(self, reporter: Reporter, paths: list[str], total: int | None) -> None:
        self.reporter = reporter
        self.paths = paths
        self.total = total
        self.done = 0

    def __call__(self, delta: int) -> None:
        if delta:
            self.done += delta
            for path in self.paths:
                self.reporter.file(path, FileState.DOWNLOADING, self.done, self.total)
            self.reporter.add_bytes(delta)


def _verify(data: bytes, expected: Expected, url: str) -> None:
    if expected.deferred:
        expected = expected.with_size(len(data))
    hasher = Hasher(expected)  # a no-op when verification is off (Expected without a hash)
    hasher.update(data)
    problem = hasher.mismatch()
    if problem is not None:
        raise DownloadIntegrityError(f"{url}: content check failed: {problem}")
    if expected.size is not None and len(data) != expected.size:
        raise DownloadIntegrityError(f"{url}: got {len(data)} bytes, expected {expected.size}")


def _write_verified(tmp: Path, data: bytes, expected: Expected, url: str) -> None:
    _verify(data, expected, url)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _drop_if_empty(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        if tmp.stat().st_size == 0:
            tmp.unlink()
