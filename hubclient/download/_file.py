"""``hf_hub_download``: one file, to the cache or to a local dir (hub-protocol §2, §3.3, §3.6)."""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.to_thread
import httpx

from hubclient._answers import BadValue, convert_value, value_error
from hubclient._http import RETRY_STATUSES, HubHttp
from hubclient._reporting import Reporter
from hubclient._urls import normalize_repo_type, origin_of, resolve_path, validate_repo_id
from hubclient.cache import (
    LocalDirPaths,
    RepoCache,
    is_commit_hash,
    link_pointers,
    mark_no_exist,
    normalize_etag,
    prepare_repo,
    read_download_metadata,
    read_ref,
    try_to_load_from_cache,
    validate_relative_filename,
    write_download_metadata,
    write_ref,
)
from hubclient.download._checks import commit_sha, etag_name, file_size, local_dir_problem
from hubclient.download._context import BlobJob, Context
from hubclient.download._disk import typed_disk_errors
from hubclient.download._hashing import Expected
from hubclient.download._options import DownloadOptions
from hubclient.download._snapshot import DryRunFileInfo, resolve_dirs
from hubclient.download._transfer import Source
from hubclient.errors import (
    FileMetadataError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    UnexpectedResponseError,
)
from hubclient.progress import Phase, ProgressCallback

__all__ = ["FileMetadata", "get_file_metadata", "hf_hub_download"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_XET_HASH = re.compile(r"[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class FileMetadata:
    """What the Hub says about one file at a revision (from a ``HEAD`` on its resolve URL)."""

    commit_hash: str
    etag: str
    size: int | None
    location: str
    """Where to GET the content: a storage URL for LFS files, else the resolve URL."""
    lfs: bool
    xet_hash: str | None = None
    """The Xet file id (``X-Xet-Hash``) when the Hub stores the file in Xet."""
    xet_token_url: str | None = None
    """Where to get a Xet read token for it (the ``xet-auth`` link)."""
    latency: float | None = None
    """Seconds the metadata request took, redirects and retries included (a bound on the round
    trip to the Hub: a far Hub's files are fetched in ranges sooner)."""


async def get_file_metadata(
    http: HubHttp, url: str, *, token: str | bool | None, retry: bool | None = None
) -> FileMetadata:
    """``HEAD`` the resolve URL, following only Hub-origin redirects (a renamed repo)."""
    s = http.settings
    asked = anyio.current_time()
    response = await http.request(
        "HEAD",
        url,
        token=token,
        headers={"accept-encoding": "identity"},
        follow_redirects=True,
        retry=retry,
        timeout=httpx.Timeout(s.etag_timeout, connect=s.connect_timeout, pool=None),
    )
    latency = anyio.current_time() - asked
    h = response.headers
    commit = h.get("x-repo-commit")
    linked = normalize_etag(h.get("x-linked-etag"))
    etag = linked or normalize_etag(h.get("etag"))
    if not commit:
        raise FileMetadataError(f"{url}: the Hub sent no X-Repo-Commit header.")
    if not etag:
        raise FileMetadataError(f"{url}: the Hub sent no ETag header.")
    # both will name folders and files: checked before anything uses them
    commit = convert_value(response, commit_sha, commit, expected="X-Repo-Commit: a commit id")
    etag = convert_value(
        response, lambda v: etag_name(v, verify=False), etag, expected="an ETag that is a hash"
    )
    redirect = response.status_code in _REDIRECTS and "location" in h
    size_header = h.get("x-linked-size") or (None if redirect else h.get("content-length"))
    size = (
        convert_value(response, file_size, int(size_header), expected="a file size")
        if size_header and size_header.isdigit() and len(size_header) <= 20
        else None
    )
    location = str(response.url.join(h["location"])) if redirect else str(response.url)
    xet_hash = (h.get("x-xet-hash") or "").strip().lower()
    xet_link = response.links.get("xet-auth", {}).get("url") or h.get("x-xet-refresh-route")
    if not _XET_HASH.match(xet_hash) or not xet_link:
        return FileMetadata(commit, etag, size, location, lfs=linked is not None, latency=latency)
    return FileMetadata(
        commit,
        etag,
        size,
        location,
        lfs=linked is not None,
        xet_hash=xet_hash,
        xet_token_url=str(response.url.join(xet_link)),
        latency=latency,
    )


def _is_retryable(err: BaseException) -> bool:
    if isinstance(err, httpx.TransportError):
        return True
    return isinstance(err, HfHubHTTPError) and err.status_code in RETRY_STATUSES


def _raise_for_missing(err: BaseException | None, force: bool, local_only: bool) -> None:
    if force and local_only:
        raise ValueError("Cannot pass 'force_download=True' and 'local_files_only=True' together.")
    if local_only:
        raise LocalEntryNotFoundError(
            "Cannot find the requested file in the local cache and outgoing traffic has been "
            "disabled. To enable look-ups and downloads online, pass 'local_files_only=False'."
        )
    if isinstance(err, OfflineModeIsEnabled):
        raise LocalEntryNotFoundError(
            "Cannot find the requested file in the local cache and outgoing traffic has been "
            "disabled. To enable look-ups and downloads online, set 'HF_HUB_OFFLINE=0'."
        ) from err
    if isinstance(err, RepositoryNotFoundError) or (
        isinstance(err, HfHubHTTPError) and err.status_code == 401
    ):
        assert err is not None
        raise err
    raise LocalEntryNotFoundError(
        f"An error happened while trying to locate the file on the Hub ({err!r}) and the file "
        "is not in the local cache. Check your connection and try again."
    ) from err


@typed_disk_errors
async def hf_hub_download(
    http: HubHttp,
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
    dry_run: bool = False,
    token: str | bool | None = None,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> str | DryRunFileInfo:
    """See :meth:`hubclient.AsyncHubClient.hf_hub_download`."""
    validate_repo_id(repo_id)
    rtype = normalize_repo_type(repo_type)
    if subfolder:
        filename = f"{subfolder.strip('/')}/{filename}"
    validate_relative_filename(filename)
    rev = revision or "main"
    cache_root, target = await anyio.to_thread.run_sync(
        resolve_dirs, cache_dir or http.settings.hub_cache, local_dir
    )
    repo = RepoCache(cache_root, repo_id, rtype)
    reporter = Reporter(progress)
    reporter.phase(Phase.PLANNING)
    if target is not None:
        return await _to_local_dir(
            http, repo, target, filename, rev, force_download, local_files_only, dry_run, token,
            reporter, options,
        )  # fmt: skip

    # 1. a pinned commit already in the cache: no network at all
    if is_commit_hash(rev):
        pointer = repo.pointer_path(rev, filename)
        if await anyio.to_thread.run_sync(pointer.exists):
            if dry_run:
                size = await anyio.to_thread.run_sync(lambda: pointer.stat().st_size)
                return DryRunFileInfo(rev, size, filename, str(pointer), True, force_download)
            if not force_download:
                return str(pointer)

    # 2. metadata
    meta, error = await _metadata(http, repo, rtype, repo_id, filename, rev, token,
                                  local_files_only)  # fmt: skip
    if meta is None:
        if not force_download:
            commit = (
                rev if is_commit_hash(rev) else await anyio.to_thread.run_sync(read_ref, repo, rev)
            )
            if commit is not None:
                pointer = repo.pointer_path(commit, filename)
                if await anyio.to_thread.run_sync(pointer.exists):
                    return str(pointer)
            if error is not None and _is_retryable(error):
                meta, error = await _metadata(http, repo, rtype, repo_id, filename, rev, token,
                                              local_files_only, retry=True)  # fmt: skip
        if meta is None:
            _raise_for_missing(error, force_download, local_files_only)
    assert meta is not None

    pointer = repo.pointer_path(meta.commit_hash, filename)
    blob = repo.blob_path(meta.etag)
    if dry_run:
        cached = await anyio.to_thread.run_sync(lambda: pointer.exists() or blob.exists())
        return DryRunFileInfo(
            meta.commit_hash, meta.size or 0, filename, str(pointer), cached,
            force_download or not cached,
        )  # fmt: skip
    if not force_download and await anyio.to_thread.run_sync(pointer.exists):
        with contextlib.suppress(OSError):
            await anyio.to_thread.run_sync(write_ref, repo, rev, meta.commit_hash)
        return str(pointer)

    def prepare() -> bool:
        prepare_repo(repo, meta.commit_hash)
        write_ref(repo, rev, meta.commit_hash)
        return blob.exists()

    ctx = Context.build(http, options, reporter)
    blob_there = await anyio.to_thread.run_sync(prepare)  # the folders, even when forced
    if not force_download and blob_there:
        await anyio.to_thread.run_sync(
            lambda: link_pointers(repo, meta.etag, [pointer], ctx.policy, new_blob=False)
        )
        return str(pointer)
    job = _job_from_meta(http, meta, rtype, repo_id, filename, token, options)
    job.pointers.append(pointer)
    reporter.expect(1, meta.size or 0)
    reporter.phase(Phase.DOWNLOADING, files=1, total_bytes=meta.size or 0)
    await ctx.fetch_into_cache(repo, job, force=force_download)
    reporter.phase(Phase.DONE, files=1, total_bytes=meta.size or 0)
    return str(pointer)


def _job_from_meta(
    http: HubHttp,
    meta: FileMetadata,
    rtype: str,
    repo_id: str,
    filename: str,
    token: str | bool | None,
    options: DownloadOptions | None,
) -> BlobJob:
    verify = (options or DownloadOptions()).verify
    expected = Expected.for_file(meta.size, meta.etag, lfs=meta.lfs)
    try:  # about to be fetched and stored under this name: it must be checkable
        etag_name(meta.etag, verify=verify)
        if verify and expected.kind == "none":
            raise BadValue(
                "ETag", meta.etag, "is not the sha256 of an LFS file, so its content could "
                "not be verified (DownloadOptions(verify=False) accepts it)",
            )  # fmt: skip
    except BadValue as err:
        raise value_error(err, url=meta.location, expected="an ETag that is a hash") from None
    # The first GET goes to the storage URL the metadata HEAD was redirected to (one round trip
    # fewer, as huggingface_hub does); every later try (resume, range part, an expired URL)
    # goes through the resolve URL pinned at the commit (never a moving branch), which hands
    # out a fresh presigned URL, so a long transfer outlives one.
    url = resolve_path(rtype, repo_id, filename, meta.commit_hash)
    located = meta.location if origin_of(meta.location) != http.hub_origin else None
    source = Source(
        url,
        token,
        meta.etag,
        meta.xet_hash,
        meta.xet_token_url,
        located=located,
        latency=meta.latency,
    )
    return BlobJob(meta.etag, meta.size, expected, source, [filename], [])


async def _metadata(
    http: HubHttp,
    repo: RepoCache,
    rtype: str,
    repo_id: str,
    filename: str,
    rev: str,
    token: str | bool | None,
    local_files_only: bool,
    *,
    retry: bool = False,
) -> tuple[FileMetadata | None, BaseException | None]:
    """(metadata, None), or (None, the error that allows a fall back to the cache)."""
    if local_files_only:
        return None, None
    if http.settings.offline:
        return None, OfflineModeIsEnabled("offline mode is enabled (HF_HUB_OFFLINE=1)")
    try:
        meta = await get_file_metadata(
            http, resolve_path(rtype, repo_id, filename, rev), token=token, retry=retry
        )
    except RemoteEntryNotFoundError as err:
        commit = err.headers.get("x-repo-commit")
        if commit and is_commit_hash(commit):

            def remember() -> None:
                with contextlib.suppress(OSError):
                    prepare_repo(repo, commit)
                    mark_no_exist(repo, commit, filename)
                    write_ref(repo, rev, commit)

            await anyio.to_thread.run_sync(remember)
        raise
    except (RevisionNotFoundError, UnexpectedResponseError):
        raise  # the Hub answered, and the answer is final (or a lie): no cache fallback
    except (HfHubHTTPError, httpx.TransportError, FileMetadataError, OfflineModeIsEnabled) as err:
        return None, err
    return meta, None


async def _to_local_dir(
    http: HubHttp,
    repo: RepoCache,
    target: Path,
    filename: str,
    rev: str,
    force: bool,
    local_only: bool,
    dry_run: bool,
    token: str | bool | None,
    reporter: Reporter,
    options: DownloadOptions | None,
) -> str | DryRunFileInfo:
    why = local_dir_problem(filename, allow_git=(options or DownloadOptions()).allow_git_paths)
    if why is not None:
        raise HFValidationError(f"Invalid file name {filename!r} for a local dir: it {why}.")
    paths = LocalDirPaths(target, filename)
    local_file = paths.file_path
    local_meta = await anyio.to_thread.run_sync(read_download_metadata, paths)
    exists = await anyio.to_thread.run_sync(local_file.is_file)
    if is_commit_hash(rev) and exists and local_meta is not None and local_meta.commit_hash == rev:
        if dry_run:
            size = await anyio.to_thread.run_sync(lambda: local_file.stat().st_size)
            return DryRunFileInfo(rev, size, filename, str(local_file), True, force)
        if not force:
            return str(local_file)
    meta, error = await _metadata(http, repo, repo.repo_type, repo.repo_id, filename, rev, token,
                                  local_only)  # fmt: skip
    if meta is None:
        if exists and not force:
            return str(local_file)
        if not force and error is not None and _is_retryable(error):
            meta, error = await _metadata(http, repo, repo.repo_type, repo.repo_id, filename,
                                          rev, token, local_only, retry=True)  # fmt: skip
        if meta is None:
            _raise_for_missing(error, force, local_only)
    assert meta is not None
    if not force and exists:
        if local_meta is not None and local_meta.etag == meta.etag:
            if not dry_run:
                await anyio.to_thread.run_sync(
                    write_download_metadata, paths, meta.commit_hash, meta.etag
                )
            return (
                DryRunFileInfo(meta.commit_hash, meta.size or 0, filename, str(local_file), True,
                               False) if dry_run else str(local_file)
            )  # fmt: skip
        if local_meta is None and len(meta.etag) == 64:
            digest = await anyio.to_thread.run_sync(_sha256_file, local_file)
            if digest == meta.etag:
                if not dry_run:
                    await anyio.to_thread.run_sync(
                        write_download_metadata, paths, meta.commit_hash, meta.etag
                    )
                return (
                    DryRunFileInfo(meta.commit_hash, meta.size or 0, filename, str(local_file),
                                   True, False) if dry_run else str(local_file)
                )  # fmt: skip
    ctx = Context.build(http, options, reporter)
    if not force:
        cached = await anyio.to_thread.run_sync(
            lambda: try_to_load_from_cache(
                repo.repo_id, filename, repo.cache_dir, meta.commit_hash, repo.repo_type
            )
        )
        if isinstance(cached, str):
            if dry_run:
                return DryRunFileInfo(meta.commit_hash, meta.size or 0, filename,
                                      str(local_file), True, False)  # fmt: skip
            await ctx.copy_into_local_dir(
                Path(cached), target, filename, meta.commit_hash, meta.etag
            )
            return str(local_file)
    if dry_run:
        return DryRunFileInfo(meta.commit_hash, meta.size or 0, filename, str(local_file),
                              exists, True)  # fmt: skip
    job = _job_from_meta(http, meta, repo.repo_type, repo.repo_id, filename, token, options)
    reporter.expect(1, meta.size or 0)
    reporter.phase(Phase.DOWNLOADING, files=1, total_bytes=meta.size or 0)
    await ctx.fetch_into_local_dir(target, filename, job, meta.commit_hash)
    reporter.phase(Phase.DONE, files=1, total_bytes=meta.size or 0)
    return str(local_file)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 * 2**20), b""):
            h.update(block)
    return h.hexdigest()
