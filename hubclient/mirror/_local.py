"""Hub -> local disk for many repos at once, each laid out as ``snapshot_download`` lays it out.

Two layouts:

* the Hub cache (``cache_dir``, default the client's): one snapshot per branch and tag of each
  repo (or only the plan's revision), with ``refs/<name>`` pointing at it, so huggingface_hub
  and transformers find every ref offline;
* plain folders (``local_dir``): ``local_dir/<repo_id>`` for models,
  ``local_dir/datasets/<repo_id>`` and ``local_dir/spaces/<repo_id>`` for the others (the
  plan's destination id renames the folder), each holding one revision (default ``main``).

The global bounds are those of :func:`hubclient.mirror.mirror_repos`: at most
``max_concurrent_repos`` repos at once, and ``max_concurrent_files`` files over the whole job
(shared equally by the repos moving at once).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from hubclient._answers import BadValue, value_error
from hubclient._http import HubHttp
from hubclient._refs import list_repo_refs
from hubclient._urls import refs_path, url_prefix
from hubclient.cache import RepoCache, validate_revision_for_disk
from hubclient.download import DownloadOptions, snapshot_download
from hubclient.download._checks import commit_sha
from hubclient.download._plan import resolve_commit
from hubclient.errors import HFValidationError
from hubclient.mirror._jobs import mirror_error, run_plan
from hubclient.mirror._plan import PlanError, PlanLike, plan_items
from hubclient.mirror._refs import DEFAULT_BRANCH, RefToMirror, select_refs
from hubclient.mirror._types import (
    MirrorOptions,
    MirrorPlanItem,
    MirrorProgress,
    MirrorProgressCallback,
    MirrorReport,
    MirrorResult,
    MirrorStage,
    RefResult,
)
from hubclient.progress import FileProgress, FileState, PhaseChanged, ProgressEvent

__all__ = ["download_repos"]

_PROGRESS_INTERVAL = 0.1  # seconds between byte updates of one repo


async def download_repos(
    source: HubHttp,
    plan: PlanLike,
    *,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    options: MirrorOptions | None = None,
    progress: MirrorProgressCallback | None = None,
    download_options: DownloadOptions | None = None,
) -> MirrorReport:
    """Download every repo of ``plan`` onto local disk (see the module docs for the layouts).

    ``files_copied``/``bytes_copied`` of each result count what was downloaded,
    ``files_skipped``/``bytes_skipped`` what was already on disk; ``destination`` is the
    repo's folder. Failures are recorded in the results, not raised (a bad plan raises
    :class:`~hubclient.mirror.PlanError`). ``download_options`` tunes the transfers (its
    ``max_files_in_flight`` is replaced by the job's share of ``max_concurrent_files``).

    Example::

        report = await download_repos(http, ["acme/model", "dataset:acme/data@v1"],
                                      cache_dir="/mnt/hf-cache")
    """
    items = plan_items(plan)
    if local_dir is None:
        renamed = [item for item in items if item.dest_repo_id is not None]
        if renamed:
            raise PlanError(
                "<plan>",
                [
                    (
                        None,
                        f"{item.repo_id}: a destination id ({item.dest_repo_id}) needs "
                        "local_dir (the cache layout is named after the source repo)",
                    )
                    for item in renamed
                ],
            )
    opts = options or MirrorOptions()
    concurrent = min(opts.max_concurrent_repos, len(items))
    per_repo_files = max(1, opts.max_concurrent_files // concurrent)
    dl_opts = dataclasses.replace(  # the job's bound holds: no repo grows past its share
        download_options or DownloadOptions(),
        max_files_in_flight=per_repo_files,
        max_files_auto=per_repo_files,
    )
    cache_root = Path(cache_dir) if cache_dir is not None else source.settings.hub_cache
    target_root = Path(local_dir) if local_dir is not None else None

    async def one(item: MirrorPlanItem) -> MirrorResult:
        return await _download_repo(source, item, cache_root, target_root, dl_opts, progress)

    return await run_plan(
        items,
        one,
        max_repos=opts.max_concurrent_repos,
        source=source.endpoint,
        destination=lambda item: str(_destination(item, cache_root, target_root)),
        progress=progress,
    )


def _check_ref(ref: RefToMirror, url: str, *, cache_layout: bool) -> None:
    """A ref from the source's listing names a folder (its commit; in the cache its name
    too, under ``refs/``): checked before it names anything."""
    try:
        commit_sha(ref.commit)
        if cache_layout:
            try:
                validate_revision_for_disk(ref.name)
            except HFValidationError:
                raise BadValue("ref name", ref.name, "cannot name a file under refs/") from None
    except BadValue as err:
        raise value_error(err, url=url, expected="refs with safe names and commit ids") from None


def _destination(item: MirrorPlanItem, cache_root: Path, target_root: Path | None) -> Path:
    if target_root is not None:
        return target_root / url_prefix(item.repo_type) / (item.dest_repo_id or item.repo_id)
    return RepoCache(cache_root, item.repo_id, item.repo_type).storage_folder


class _Counts:
    """Per-repo counters fed by the download progress events, and throttled repo events."""

    def __init__(self, item: MirrorPlanItem, callback: MirrorProgressCallback | None) -> None:
        self.item = item
        self.callback = callback
        self.files_copied = self.files_skipped = 0
        self.bytes_copied = self.bytes_skipped = 0
        self.files_total = self.bytes_total = 0
        self.bytes_moving = 0  # bytes of the running download, for progress only
        self.counting = True  # off for a ref whose commit another ref already brought
        self._last = 0.0

    def emit(self, stage: MirrorStage, *, force: bool = True) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if not force and now - self._last < _PROGRESS_INTERVAL:
            return
        self._last = now
        self.callback(
            MirrorProgress(
                self.item.repo_id,
                self.item.repo_type,
                stage,
                files_done=self.files_copied + self.files_skipped,
                files_total=self.files_total,
                bytes_done=self.bytes_copied + self.bytes_skipped + self.bytes_moving,
                bytes_total=self.bytes_total,
            )
        )

    def __call__(self, event: ProgressEvent) -> None:
        if not self.counting:
            return
        if isinstance(event, PhaseChanged) and event.files:
            self.files_total += event.files
            self.bytes_total += event.total_bytes
            self.emit(MirrorStage.COPYING)
        elif isinstance(event, FileProgress):
            size = event.total if event.total is not None else event.done
            if event.state is FileState.DONE:
                self.files_copied += 1
                self.bytes_copied += size
            elif event.state is FileState.SKIPPED:
                self.files_skipped += 1
                self.bytes_skipped += size
            elif event.state is FileState.DOWNLOADING:
                self.emit(MirrorStage.COPYING, force=False)


async def _download_repo(
    source: HubHttp,
    item: MirrorPlanItem,
    cache_root: Path,
    target_root: Path | None,
    options: DownloadOptions,
    progress: MirrorProgressCallback | None,
) -> MirrorResult:
    started = time.monotonic()
    counts = _Counts(item, progress)
    counts.emit(MirrorStage.PLANNING)
    destination = _destination(item, cache_root, target_root)
    result = MirrorResult(
        repo_id=item.repo_id,
        repo_type=item.repo_type,
        dest_repo_id=item.dest_repo_id or item.repo_id,
        source=source.endpoint,
        destination=str(destination),
        revision=item.revision,
        history_preserved=False,
        note="Downloaded to local disk: one snapshot per ref, no git history.",
    )
    try:
        named = await list_repo_refs(source, item.repo_id, repo_type=item.repo_type)
        # a folder holds one revision (main by default); the cache every branch and tag
        wanted = item.revision
        if wanted is None and target_root is not None:
            wanted = DEFAULT_BRANCH
        refs = select_refs(named, wanted)
        if refs is None:  # a commit sha, or another revision the Hub resolves
            assert wanted is not None  # without a revision, every ref is listed
            commit = await resolve_commit(source, item.repo_id, item.repo_type, wanted, None)
            refs = [RefToMirror("branch", wanted, commit)]
    except Exception as err:
        result.errors.append(mirror_error(err, ref=item.revision))
        counts.emit(MirrorStage.FAILED)
        result.duration_seconds = time.monotonic() - started
        return result
    done_commits: set[str] = set()
    refs_url = source.url(refs_path(item.repo_type, item.repo_id))
    for ref in refs:
        kind, name, commit = ref.kind, ref.name, ref.commit
        counts.counting = commit not in done_commits
        copied_before = counts.files_copied
        try:
            _check_ref(ref, refs_url, cache_layout=target_root is None)
            await snapshot_download(
                source,
                item.repo_id,
                repo_type=item.repo_type,
                # the cache records the ref's name; a folder gets the commit resolved above
                revision=name if target_root is None else commit,
                cache_dir=cache_root,
                local_dir=destination if target_root is not None else None,
                options=options,
                progress=counts,
            )
        except Exception as err:
            result.errors.append(mirror_error(err, ref=name))
            result.refs.append(
                RefResult(kind=kind, name=name, source_commit=commit, status="failed")
            )
            continue
        done_commits.add(commit)
        result.refs.append(
            RefResult(
                kind=kind,
                name=name,
                source_commit=commit,
                dest_commit=commit,
                status="created" if counts.files_copied > copied_before else "unchanged",
            )
        )
    counts.counting = True
    result.files_copied, result.files_skipped = counts.files_copied, counts.files_skipped
    result.bytes_copied, result.bytes_skipped = counts.bytes_copied, counts.bytes_skipped
    result.duration_seconds = time.monotonic() - started
    counts.emit(MirrorStage.FAILED if result.errors else MirrorStage.DONE)
    return result
