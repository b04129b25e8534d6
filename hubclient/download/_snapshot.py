"""``snapshot_download``: one commit resolution, one tree listing, then every transfer at once
(bounded), with no per-file request besides the content ``GET``."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.to_thread
import httpx

from hubclient._answers import BadValue, value_error
from hubclient._http import HubHttp
from hubclient._reporting import Reporter
from hubclient._urls import normalize_repo_type, resolve_path, tree_path, validate_repo_id
from hubclient.cache import LocalDirPaths as _LocalDirPaths
from hubclient.cache import (
    RepoCache,
    TreeEntry,
    filter_paths,
    is_commit_hash,
    prepare_repo,
    read_download_metadata,
    read_ref,
    read_tree_cache,
    tree_cache_path,
    try_to_load_from_cache,
    write_ref,
    write_tree_cache,
)
from hubclient.download._checks import file_size, git_oid, lfs_oid, local_dir_problem, repo_path
from hubclient.download._context import BlobJob, Context
from hubclient.download._disk import typed_disk_errors
from hubclient.download._groups import unwrap_groups
from hubclient.download._hashing import Expected
from hubclient.download._options import DownloadOptions
from hubclient.download._pace import Pace
from hubclient.download._plan import list_tree, resolve_commit
from hubclient.download._transfer import Source
from hubclient.errors import (
    HfHubHTTPError,
    IncompleteSnapshotError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    UnexpectedResponseError,
)
from hubclient.progress import Phase, ProgressCallback
from hubclient.xet._auth import token_path

__all__ = ["DryRunFileInfo", "snapshot_download"]


@dataclass(frozen=True)
class DryRunFileInfo:
    """What a download would do for one file (``dry_run=True``), as huggingface_hub reports it."""

    commit_hash: str
    file_size: int
    filename: str
    local_path: str
    is_cached: bool
    will_download: bool


@typed_disk_errors
async def snapshot_download(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    allow_patterns: str | Sequence[str] | None = None,
    ignore_patterns: str | Sequence[str] | None = None,
    max_workers: int | None = None,
    force_download: bool = False,
    local_files_only: bool = False,
    dry_run: bool = False,
    token: str | bool | None = None,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> str | list[DryRunFileInfo]:
    """See :meth:`hubclient.AsyncHubClient.snapshot_download`."""
    validate_repo_id(repo_id)
    rtype = normalize_repo_type(repo_type)
    rev = revision or "main"
    cache_root, target = await anyio.to_thread.run_sync(
        resolve_dirs, cache_dir or http.settings.hub_cache, local_dir
    )
    repo = RepoCache(cache_root, repo_id, rtype)
    opts = options or DownloadOptions()
    if max_workers is not None:
        # huggingface_hub's max_workers is a fixed number of files in flight: pin it
        opts = dataclasses.replace(
            opts, max_files_in_flight=max_workers, max_files_auto=max_workers
        )
    reporter = Reporter(progress)
    reporter.phase(Phase.PLANNING)

    def tree_json(commit: str) -> Path:
        return tree_cache_path(target, commit) if target is not None else repo.tree_path(commit)

    commit: str | None = rev if is_commit_hash(rev) else None
    entries: dict[str, TreeEntry] | None = None
    api_error: BaseException | None = None
    if commit is not None and not force_download:
        entries = await anyio.to_thread.run_sync(read_tree_cache, tree_json(commit))
    if not local_files_only and not http.settings.offline:
        try:
            if commit is None:
                commit = await resolve_commit(http, repo_id, rtype, rev, token)
                entries = await anyio.to_thread.run_sync(read_tree_cache, tree_json(commit))
            if entries is None:
                entries = await list_tree(http, repo_id, rtype, commit, token)
                if not dry_run:
                    await anyio.to_thread.run_sync(write_tree_cache, tree_json(commit), entries)
        except (RevisionNotFoundError, UnexpectedResponseError):
            raise  # the Hub answered, and the answer is final (or a lie): no cache fallback
        except (HfHubHTTPError, httpx.TransportError, OfflineModeIsEnabled) as err:
            api_error = err
            entries = None
    elif http.settings.offline and not local_files_only:
        api_error = OfflineModeIsEnabled("offline mode is enabled (HF_HUB_OFFLINE=1)")
        entries = None
    else:
        entries = None  # local_files_only: never trust anything but the disk

    if entries is None or commit is None:
        if dry_run:
            raise LocalEntryNotFoundError(
                "Dry run needs the Hub, which cannot be reached or was not allowed."
            ) from api_error  # an unreachable Hub stays the cause (the CLI exits 5 for it)
        return await anyio.to_thread.run_sync(
            lambda: _from_disk(
                repo,
                target,
                rev,
                commit,
                allow_patterns,
                ignore_patterns,
                api_error,
                local_files_only,
            )
        )

    wanted = filter_paths(entries, allow_patterns=allow_patterns, ignore_patterns=ignore_patterns)
    _check_names(entries, wanted, target, opts, http.url(tree_path(rtype, repo_id, commit)))
    snapshot = repo.snapshot_dir(commit)

    def prepare() -> None:
        if target is None:
            prepare_repo(repo, commit)
            write_ref(repo, rev, commit)

    if not dry_run:
        await anyio.to_thread.run_sync(prepare)
    ctx = Context.build(http, opts, reporter)

    plan = await anyio.to_thread.run_sync(
        lambda: _plan(repo, target, commit, entries, wanted, force_download, http, repo_id, rtype)
    )
    if dry_run:
        return plan.dry_run
    total_bytes = sum(entries[name].size for name in wanted)
    reporter.expect(len(wanted), total_bytes)
    reporter.phase(Phase.DOWNLOADING, files=len(wanted), total_bytes=total_bytes)
    for name, size in plan.skipped:
        reporter.skipped(name, size)
    if plan.copies:

        async def copy_all() -> None:
            for src, name, etag in plan.copies:
                await ctx.copy_into_local_dir(src, target, name, commit, etag)  # type: ignore[arg-type]
                reporter.skipped(name, entries[name].size)

        await copy_all()

    jobs = sorted(plan.jobs, key=lambda j: -(j.size or 0))  # big files first: shorter tail
    pending = iter(jobs)
    pace = Pace(opts.max_files_in_flight, min(opts.max_files_auto, opts.max_connections))
    ctx.transfer.pace = pace
    workers = 0

    async def worker(tg: anyio.abc.TaskGroup) -> None:
        nonlocal workers
        for job in pending:
            if target is None:
                await ctx.fetch_into_cache(repo, job, force=force_download)
            else:
                await ctx.fetch_into_local_dir(target, job.paths[0], job, commit)
            while workers < min(pace.target, len(jobs)):  # the round trip asks for more
                workers += 1
                tg.start_soon(worker, tg)

    with unwrap_groups():
        async with anyio.create_task_group() as tg:
            workers = min(opts.max_files_in_flight, len(jobs))
            for _ in range(workers):
                tg.start_soon(worker, tg)
    reporter.phase(Phase.DONE, files=len(wanted), total_bytes=reporter.bytes_total)
    return str(target if target is not None else snapshot)


def _check_names(
    entries: dict[str, TreeEntry],
    wanted: list[str],
    target: Path | None,
    opts: DownloadOptions,
    url: str,
) -> None:
    """Every file about to be written, checked again however its listing arrived (fresh, or
    from a ``trees/`` file some other tool may have written): path, blob names, size, and
    in a local dir the paths kept for git and for the local dir's own records."""
    for name in wanted:
        entry = entries[name]
        try:
            repo_path(name)
            git_oid(entry.blob_id)
            if entry.lfs_sha256 is not None:
                lfs_oid(entry.lfs_sha256)
            file_size(entry.size)
            if target is not None:
                why = local_dir_problem(name, allow_git=opts.allow_git_paths)
                if why is not None:
                    raise BadValue("path", name, why)
        except BadValue as err:
            raise value_error(err, url=url, expected="files that stay inside the target") from None


def resolve_dirs(cache_dir: str | Path, local_dir: str | Path | None) -> tuple[Path, Path | None]:
    """Absolute cache and local dirs (symlinks resolved, as huggingface_hub does)."""
    root = Path(cache_dir).expanduser().resolve()
    return root, (Path(local_dir).expanduser().resolve() if local_dir is not None else None)


@dataclass
class _Plan:
    jobs: list[BlobJob]
    skipped: list[tuple[str, int]]
    copies: list[tuple[Path, str, str]]
    dry_run: list[DryRunFileInfo]


def _plan(
    repo: RepoCache,
    target: Path | None,
    commit: str,
    entries: dict[str, TreeEntry],
    wanted: list[str],
    force: bool,
    http: HubHttp,
    repo_id: str,
    rtype: str,
) -> _Plan:
    """Decide per file, looking only at the disk: skip, link an existing blob, copy, or fetch."""
    by_etag: dict[str, BlobJob] = {}
    jobs: list[BlobJob] = []
    skipped: list[tuple[str, int]] = []
    copies: list[tuple[Path, str, str]] = []
    dry: list[DryRunFileInfo] = []
    for name in wanted:
        entry = entries[name]
        etag = entry.etag
        source = Source(
            resolve_path(rtype, repo_id, name, commit),
            etag=etag,
            xet_hash=entry.xet_hash,
            xet_token_url=token_path(rtype, repo_id, "read", commit) if entry.xet_hash else None,
        )
        expected = Expected.for_file(entry.size, etag, lfs=entry.lfs_sha256 is not None)
        if target is None:
            pointer = repo.pointer_path(commit, name)
            pointer_there = pointer.is_file()
            is_cached = pointer_there or repo.blob_path(etag).exists()
            dry.append(
                DryRunFileInfo(
                    commit, entry.size, name, str(pointer), is_cached, force or not is_cached
                )
            )
            if pointer_there and not force:
                skipped.append((name, entry.size))
                continue
            if etag in by_etag:
                by_etag[etag].paths.append(name)
                by_etag[etag].pointers.append(pointer)
                continue
            job = BlobJob(etag, entry.size, expected, source, [name], [pointer])
            by_etag[etag] = job
            jobs.append(job)
        else:
            paths = _LocalDirPaths(target, name)
            local_file = paths.file_path
            meta = read_download_metadata(paths) if local_file.is_file() else None
            up_to_date = not force and meta is not None and meta.etag == etag
            dry.append(
                DryRunFileInfo(
                    commit, entry.size, name, str(local_file), up_to_date, not up_to_date
                )
            )
            if up_to_date:
                skipped.append((name, entry.size))
                continue
            in_cache = (
                None
                if force
                else try_to_load_from_cache(repo_id, name, repo.cache_dir, commit, rtype)
            )
            if isinstance(in_cache, str):
                copies.append((Path(in_cache), name, etag))
                continue
            jobs.append(BlobJob(etag, entry.size, expected, source, [name], []))
    return _Plan(jobs, skipped, copies, dry)


def _from_disk(
    repo: RepoCache,
    target: Path | None,
    revision: str,
    commit: str | None,
    allow_patterns: str | Sequence[str] | None,
    ignore_patterns: str | Sequence[str] | None,
    api_error: BaseException | None,
    local_files_only: bool,
) -> str:
    """The cached snapshot (or local dir) when the Hub is not asked or cannot answer."""
    from hubclient.cache import missing_files

    if commit is None:
        commit = read_ref(repo, revision)
    if commit is not None and target is None:
        folder = repo.snapshot_dir(commit)
        if folder.exists():
            _check_complete(
                folder,
                commit,
                repo,
                revision,
                allow_patterns,
                ignore_patterns,
                api_error,
                missing_files(
                    repo.tree_path(commit),
                    folder,
                    allow_patterns=allow_patterns,
                    ignore_patterns=ignore_patterns,
                ),
            )
            return str(folder)
    if target is not None and target.is_dir() and any(target.iterdir()):
        if commit is not None:
            _check_complete(
                target,
                commit,
                repo,
                revision,
                allow_patterns,
                ignore_patterns,
                api_error,
                missing_files(
                    tree_cache_path(target, commit),
                    target,
                    allow_patterns=allow_patterns,
                    ignore_patterns=ignore_patterns,
                ),
            )
        return str(target)
    if local_files_only:
        raise LocalEntryNotFoundError(
            "Cannot find an appropriate cached snapshot folder for the specified revision on the "
            "local disk and outgoing traffic has been disabled. To enable repo look-ups and "
            "downloads online, pass 'local_files_only=False' as input."
        )
    if isinstance(api_error, OfflineModeIsEnabled):
        raise LocalEntryNotFoundError(
            "Cannot find an appropriate cached snapshot folder for the specified revision on the "
            "local disk and outgoing traffic has been disabled. To enable repo look-ups and "
            "downloads online, set 'HF_HUB_OFFLINE=0' as environment variable."
        ) from api_error
    if isinstance(api_error, RepositoryNotFoundError) or (
        isinstance(api_error, HfHubHTTPError) and api_error.status_code == 401
    ):
        raise api_error
    raise LocalEntryNotFoundError(
        f"An error happened while trying to locate the files on the Hub ({api_error!r}), and "
        "no cached snapshot folder for the specified revision is on the local disk. Check your "
        "connection and try again."
    ) from api_error


def _check_complete(
    folder: Path,
    commit: str,
    repo: RepoCache,
    revision: str,
    allow_patterns: object,
    ignore_patterns: object,
    api_error: BaseException | None,
    missing: list[str] | None,
) -> None:
    if not missing:
        return
    sample = ", ".join(missing[:3]) + (
        f", ... ({len(missing) - 3} more)" if len(missing) > 3 else ""
    )
    reason = (
        f"The Hub could not be reached ({api_error!r})."
        if api_error is not None
        else "Outgoing traffic is disabled ('local_files_only=True')."
    )
    raise IncompleteSnapshotError(
        f"The cached snapshot for '{repo.repo_id}' (revision '{revision}', commit {commit}) is "
        f"incomplete: {len(missing)} file(s) are missing ({sample}). {reason} Re-run the "
        "download with network access to complete the snapshot.",
        snapshot_path=str(folder),
    )
