"""``sync_bucket``: a local folder and a bucket prefix made the same, one way, as ``hf buckets
sync`` does it (the same comparisons, plans and plan files).

A file is sent when it is new on the receiving side, when the sizes differ, or when the
source is newer by more than a second (``ignore_times``: sizes only; ``ignore_sizes``: times
only); ``existing`` only updates, ``ignore_existing`` only creates, ``delete`` removes what the
source lacks. Paths the Hub lists are checked before they name a local file (no ``..``, no
absolute or drive path): a bucket cannot make a sync write outside the folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import anyio.to_thread

from hubclient._http import HubHttp
from hubclient.buckets._batch import AddSource, batch_files
from hubclient.buckets._download import download_files
from hubclient.buckets._ids import is_bucket_uri, parse_bucket_uri
from hubclient.buckets._plans import FilterMatcher, load_plan, read_filter_file, write_plan
from hubclient.buckets._remote import iter_tree
from hubclient.cache._layout import validate_relative_filename
from hubclient.download._options import DownloadOptions
from hubclient.errors import BucketNotFoundError, HFValidationError
from hubclient.models.buckets import BucketFile, SyncOperation, SyncPlan
from hubclient.progress import ProgressCallback

__all__ = ["SyncRequest", "sync"]

_WINDOW_MS = 1000
"""Modification times closer than this are the same time (filesystems round them)."""

Listing = dict[str, tuple[int, float]]
_VERBS = {
    "upload": "Uploading",
    "download": "Downloading",
    "delete": "Deleting",
    "skip": "Skipping",
}


@dataclass(frozen=True)
class SyncRequest:
    """The arguments of one ``sync_bucket`` call."""

    source: str | None
    dest: str | None
    delete: bool = False
    ignore_times: bool = False
    ignore_sizes: bool = False
    existing: bool = False
    ignore_existing: bool = False
    include: list[str] | None = None
    exclude: list[str] | None = None
    filter_from: str | None = None
    plan: str | None = None
    apply: str | None = None
    dry_run: bool = False
    verbose: bool = False
    quiet: bool = False


def _absolute(path: str) -> str:
    return os.path.abspath(path)


def _is_dir(path: str) -> bool:
    return os.path.isdir(path)


def _iso(mtime_ms: float) -> str:
    return datetime.fromtimestamp(mtime_ms / 1000, tz=timezone.utc).isoformat()


def _check_apply(request: SyncRequest) -> None:
    if request.source or request.dest:
        raise HFValidationError("Cannot specify source/dest when using apply.")
    for name in (
        "plan",
        "delete",
        "ignore_times",
        "ignore_sizes",
        "include",
        "exclude",
        "filter_from",
        "existing",
        "ignore_existing",
        "dry_run",
    ):
        if getattr(request, name):
            raise HFValidationError(f"Cannot specify {name} when using apply.")


def _check_sync(request: SyncRequest) -> tuple[str, str, bool]:
    source, dest = request.source, request.dest
    if not source or not dest:
        raise HFValidationError("Both source and dest are required (unless using apply).")
    source_remote, dest_remote = is_bucket_uri(source), is_bucket_uri(dest)
    if source_remote and dest_remote:
        raise HFValidationError("Remote to remote sync is not supported. One path must be local.")
    if not source_remote and not dest_remote:
        raise HFValidationError("One of source or dest must be a bucket path (hf://buckets/...).")
    for a, b in (("ignore_times", "ignore_sizes"), ("existing", "ignore_existing")):
        if getattr(request, a) and getattr(request, b):
            raise HFValidationError(f"Cannot specify both {a} and {b}.")
    if request.dry_run and request.plan:
        raise HFValidationError("Cannot specify both dry_run and plan.")
    if source_remote:
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise HFValidationError(f"Destination must be a directory: {dest}")
    elif not os.path.isdir(source):
        raise HFValidationError(f"Source must be an existing directory: {source}")
    return source, dest, dest_remote


def _local_files(root: str, matcher: FilterMatcher | None) -> Listing:
    """(blocking) ``relative path -> (size, mtime ms)`` of every file under `root`."""
    out: Listing = {}
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            try:
                st = os.stat(full)
            except OSError:
                continue
            if not os.path.isfile(full):
                continue
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if matcher is None or matcher.matches(rel):
                out[rel] = (st.st_size, st.st_mtime * 1000)
    return out


def _stat_each(root: str, paths: list[str]) -> Listing:
    """(blocking) The local files among `paths` (no walk of a big destination folder)."""
    out: Listing = {}
    for rel in paths:
        full = os.path.join(root, *rel.split("/"))
        try:
            st = os.stat(full)
        except OSError:
            continue
        if os.path.isfile(full):
            out[rel] = (st.st_size, st.st_mtime * 1000)
    return out


async def _remote_files(
    http: HubHttp, bucket_id: str, prefix: str, matcher: FilterMatcher, token: str | bool | None
) -> tuple[Listing, dict[str, BucketFile]]:
    listing: Listing = {}
    entries: dict[str, BucketFile] = {}
    async for item in iter_tree(http, bucket_id, prefix or None, recursive=True, token=token):
        if not isinstance(item, BucketFile):
            continue
        path = item.path
        if prefix and path.startswith(prefix + "/"):
            rel = path[len(prefix) + 1 :]
        elif prefix and path == prefix:
            rel = path.rsplit("/", 1)[-1]
        elif prefix:
            continue  # the lexical match of the prefix ("sub" found "submarine.txt")
        else:
            rel = path
        validate_relative_filename(rel)  # a key that would leave the local folder
        if matcher.matches(rel):
            mtime = item.mtime.timestamp() * 1000 if item.mtime else 0.0
            listing[rel] = (item.size, mtime)
            entries[rel] = item
    return listing, entries


def _compare(
    request: SyncRequest,
    path: str,
    action: Literal["upload", "download"],
    source: tuple[int, float],
    dest: tuple[int, float],
    entry: BucketFile | None,
) -> SyncOperation:
    (source_size, source_mtime), (dest_size, dest_mtime) = source, dest
    upload = action == "upload"
    names = ("local newer", "remote newer") if upload else ("remote newer", "local newer")
    facts = {
        "path": path,
        "size": source_size,
        "local_mtime": _iso(source_mtime if upload else dest_mtime),
        "remote_mtime": _iso(dest_mtime if upload else source_mtime),
    }
    if request.ignore_existing:
        return SyncOperation(
            action="skip", reason="exists on receiver (--ignore-existing)", **facts
        )
    differs = source_size != dest_size
    newer = source_mtime - dest_mtime > _WINDOW_MS
    if request.ignore_sizes:
        if newer:
            return SyncOperation(action=action, reason=names[0], bucket_file=entry, **facts)
        older = dest_mtime - source_mtime > _WINDOW_MS
        return SyncOperation(action="skip", reason=names[1] if older else "same mtime", **facts)
    if request.ignore_times:
        if differs:
            return SyncOperation(action=action, reason="size differs", bucket_file=entry, **facts)
        return SyncOperation(action="skip", reason="same size", **facts)
    if differs or newer:
        reason = "size differs" if differs else names[0]
        return SyncOperation(action=action, reason=reason, bucket_file=entry, **facts)
    return SyncOperation(action="skip", reason="identical", **facts)


def _diff(
    request: SyncRequest,
    action: Literal["upload", "download"],
    sources: Listing,
    dests: Listing,
    entries: dict[str, BucketFile],
) -> list[SyncOperation]:
    """The operations that make `dests` like `sources`, in path order."""
    side = "local" if action == "upload" else "remote"
    other = "remote" if action == "upload" else "local"
    out: list[SyncOperation] = []
    for path in sorted(set(sources) | set(dests)):
        have, there = sources.get(path), dests.get(path)
        if have is not None and there is None:
            stamp = {f"{side}_mtime": _iso(have[1])}
            if request.existing:
                out.append(
                    SyncOperation(
                        action="skip",
                        path=path,
                        size=have[0],
                        reason="new file (--existing)",
                        **stamp,
                    )
                )
            else:
                out.append(
                    SyncOperation(
                        action=action,
                        path=path,
                        size=have[0],
                        reason="new file",
                        bucket_file=entries.get(path),
                        **stamp,
                    )
                )
        elif have is not None and there is not None:
            out.append(_compare(request, path, action, have, there, entries.get(path)))
        elif there is not None and request.delete:
            out.append(
                SyncOperation(
                    action="delete",
                    path=path,
                    size=there[0],
                    reason="not in source (--delete)",
                    **{f"{other}_mtime": _iso(there[1])},
                )
            )
    return out


async def _compute(
    http: HubHttp,
    request: SyncRequest,
    source: str,
    dest: str,
    upload: bool,
    token: str | bool | None,
) -> SyncPlan:
    rules = read_filter_file(request.filter_from) if request.filter_from else None
    matcher = FilterMatcher(request.include, request.exclude, rules)
    now = datetime.now(timezone.utc).isoformat()
    plan = SyncPlan(source=source, dest=dest, timestamp=now)
    if upload:
        uri, local = parse_bucket_uri(dest), _absolute(source)
        sources = await anyio.to_thread.run_sync(_local_files, local, matcher)
        try:
            dests, _ = await _remote_files(http, uri.id, uri.path_in_repo, matcher, token)
        except BucketNotFoundError:
            dests = {}  # a bucket to be created: everything is new
        plan.operations = _diff(request, "upload", sources, dests, {})
    else:
        uri, local = parse_bucket_uri(source), _absolute(dest)
        sources, entries = await _remote_files(http, uri.id, uri.path_in_repo, matcher, token)
        if not _is_dir(local):
            dests = {}
        elif request.delete:
            dests = await anyio.to_thread.run_sync(_local_files, local, matcher)
        else:
            dests = await anyio.to_thread.run_sync(_stat_each, local, list(sources))
        plan.operations = _diff(request, "download", sources, dests, entries)
    return plan


def _remove_local(root: str, paths: list[str]) -> None:
    """(blocking) Delete local files, then the folders they leave empty (up to `root`)."""
    for full in paths:
        if not os.path.exists(full):
            continue
        os.remove(full)
        parent = os.path.dirname(full)
        while parent != root and parent.startswith(root + os.sep):
            try:
                os.rmdir(parent)
            except OSError:
                break
            parent = os.path.dirname(parent)


async def _execute(
    http: HubHttp,
    plan: SyncPlan,
    *,
    say: Callable[[str], None],
    verbose: bool,
    token: str | bool | None,
    progress: ProgressCallback | None,
    options: DownloadOptions | None,
) -> None:
    upload = not is_bucket_uri(plan.source) and is_bucket_uri(plan.dest)
    download = is_bucket_uri(plan.source) and not is_bucket_uri(plan.dest)
    if not (upload or download):
        raise HFValidationError("A plan syncs a local folder and a bucket path, one way.")
    for op in plan.operations:  # a plan read from disk is checked as a listing is
        validate_relative_filename(op.path)
        if verbose:
            say(f"  {_VERBS[op.action]}: {op.path} ({op.reason})")
    if upload:
        uri, local = parse_bucket_uri(plan.dest), _absolute(plan.source)
        prefix = f"{uri.path_in_repo}/" if uri.path_in_repo else ""
        adds: list[tuple[AddSource, str]] = [
            (os.path.join(local, *op.path.split("/")), prefix + op.path)
            for op in plan.operations
            if op.action == "upload"
        ]
        deletes = [prefix + op.path for op in plan.operations if op.action == "delete"]
        if adds or deletes:
            await batch_files(
                http, uri.id, add=adds, copy=None, delete=deletes, token=token, progress=progress
            )
        return
    uri, local = parse_bucket_uri(plan.source), _absolute(plan.dest)
    prefix = f"{uri.path_in_repo}/" if uri.path_in_repo else ""
    await anyio.to_thread.run_sync(lambda: os.makedirs(local, exist_ok=True))
    wanted: list[tuple[str | BucketFile, str | Path]] = [
        (
            op.bucket_file if op.bucket_file is not None else prefix + op.path,
            os.path.join(local, *op.path.split("/")),
        )
        for op in plan.operations
        if op.action == "download"
    ]
    if wanted:
        await download_files(
            http,
            uri.id,
            wanted,
            raise_on_missing_files=False,
            token=token,
            options=options,
            progress=progress,
        )
    gone = [
        os.path.join(local, *op.path.split("/")) for op in plan.operations if op.action == "delete"
    ]
    if gone:
        await anyio.to_thread.run_sync(_remove_local, local, gone)


def _summary_lines(plan: SyncPlan) -> list[str]:
    s = plan.summary()
    return [
        f"Sync plan: {plan.source} -> {plan.dest}",
        f"  Uploads: {s['uploads']}",
        f"  Downloads: {s['downloads']}",
        f"  Deletes: {s['deletes']}",
        f"  Skips: {s['skips']}",
    ]


async def sync(
    http: HubHttp,
    request: SyncRequest,
    *,
    token: str | bool | None,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> SyncPlan:
    """Run one sync (or save, print or apply its plan); returns the plan."""

    def say(text: str) -> None:
        if not request.quiet:
            print(text)

    async def execute(plan: SyncPlan) -> None:
        await _execute(
            http,
            plan,
            say=say,
            verbose=request.verbose,
            token=token,
            progress=progress,
            options=options,
        )

    if request.apply:
        _check_apply(request)
        plan = await anyio.to_thread.run_sync(load_plan, request.apply)
        for line in _summary_lines(plan):
            say(line)
        say("Executing plan...")
        await execute(plan)
        say("Sync completed.")
        return plan
    source, dest, upload = _check_sync(request)
    plan = await _compute(http, request, source, dest, upload, token)
    if request.dry_run:
        write_plan(plan, sys.stdout)
        return plan
    if request.plan:
        target = request.plan

        def save() -> None:
            with open(target, "w", encoding="utf-8") as f:
                write_plan(plan, f)

        await anyio.to_thread.run_sync(save)
        for line in _summary_lines(plan):
            say(line)
        say(f"Plan saved to: {request.plan}")
        return plan
    for line in _summary_lines(plan):
        say(line)
    summary = plan.summary()
    if not (summary["uploads"] or summary["downloads"] or summary["deletes"]):
        say("Nothing to sync.")
        return plan
    say("Syncing...")
    await execute(plan)
    say("Sync completed.")
    return plan
