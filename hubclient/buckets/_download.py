"""Bucket files to local paths: through hf_xet where it can be used, else plain HTTP.

Paths given as strings are looked up in one paths-info request per 1000; missing ones warn (or
raise `EntryNotFoundError`). Each file goes to a temp file beside its destination, through the
download engine's `Transfer` (hf_xet rebuilds it from the CAS when usable; otherwise a GET of
its ``/resolve`` URL, which redirects to the CAS bridge, resumed with ``Range`` if the stream
breaks, big files as parallel ranges), is checked for its size, then renamed over the
destination: a failed or cancelled download leaves no partial file at the destination.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path

import anyio
import anyio.to_thread

from hubclient._http import HubHttp
from hubclient._reporting import Reporter
from hubclient.buckets._ids import check_path, check_xet_hash, resolve_path, token_path
from hubclient.buckets._remote import paths_info
from hubclient.download._groups import unwrap_groups
from hubclient.download._hashing import Expected
from hubclient.download._options import DownloadOptions
from hubclient.download._transfer import Source, Transfer
from hubclient.errors import EntryNotFoundError, HFValidationError
from hubclient.models.buckets import BucketFile
from hubclient.progress import FileState, Phase, ProgressCallback

__all__ = ["download_files"]


def _absolute(path: str | Path) -> Path:
    return Path(os.path.abspath(path))


def _write_empty(dest: Path) -> None:
    if dest.is_dir():
        raise IsADirectoryError(f"Expected a file but found a directory at '{dest}'")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists() or dest.stat().st_size != 0:
        dest.write_bytes(b"")


def _prepare(dest: Path) -> Path:
    """The temp file beside `dest` (its folder made)."""
    if dest.is_dir():
        raise IsADirectoryError(f"Expected a file but found a directory at '{dest}'")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest.parent / f".{dest.name}.{uuid.uuid4().hex[:8]}.incomplete"


async def _resolve(
    http: HubHttp,
    bucket_id: str,
    files: Sequence[tuple[str | BucketFile, str | Path]],
    *,
    raise_on_missing_files: bool,
    token: str | bool | None,
) -> list[tuple[BucketFile, Path]]:
    wanted = [remote for remote, _ in files if not isinstance(remote, BucketFile)]
    found: dict[str, BucketFile] = {}
    if wanted:
        async for info in paths_info(http, bucket_id, wanted, token=token):
            found[info.path] = info
        missing = list(dict.fromkeys(p for p in wanted if p not in found))
        if missing and raise_on_missing_files:
            raise EntryNotFoundError(
                f"{len(missing)} file(s) not found in bucket '{bucket_id}': {', '.join(missing)}"
            )
        for path in missing:
            warnings.warn(
                f"File '{path}' not found in bucket '{bucket_id}'. Skipping.",
                UserWarning,
                stacklevel=4,
            )
    out: list[tuple[BucketFile, Path]] = []
    for remote, local in files:
        entry = remote if isinstance(remote, BucketFile) else found.get(remote)
        if entry is None:
            continue
        check_path(entry.path)
        check_xet_hash(entry.xet_hash, entry.path)
        if entry.size < 0:
            raise HFValidationError(f"{entry.path}: a negative size ({entry.size})")
        out.append((entry, _absolute(local)))
    return out


async def download_files(
    http: HubHttp,
    bucket_id: str,
    files: Sequence[tuple[str | BucketFile, str | Path]],
    *,
    raise_on_missing_files: bool,
    token: str | bool | None,
    options: DownloadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """Download `files` (``(bucket path or BucketFile, local path)``) of `bucket_id`."""
    if not files:
        return
    items = await _resolve(
        http, bucket_id, files, raise_on_missing_files=raise_on_missing_files, token=token
    )
    if not items:
        return
    options = options or DownloadOptions()
    transfer = Transfer(http, options)
    reporter = Reporter(progress)
    total = sum(entry.size for entry, _ in items)
    reporter.phase(Phase.DOWNLOADING, files=len(items), total_bytes=total)
    reporter.expect(len(items), total)
    reporter.totals()
    limit = anyio.CapacityLimiter(options.max_files_in_flight)
    token_url = token_path(bucket_id, "read")

    async def one(entry: BucketFile, dest: Path) -> None:
        async with limit:
            if entry.size == 0:
                await anyio.to_thread.run_sync(_write_empty, dest)
                reporter.skipped(entry.path, 0)
                return
            tmp = await anyio.to_thread.run_sync(_prepare, dest)
            done = 0

            def on_bytes(n: int) -> None:
                nonlocal done
                done += n
                reporter.add_bytes(n)
                reporter.file(entry.path, FileState.DOWNLOADING, done, entry.size)

            source = Source(
                url=resolve_path(bucket_id, entry.path),
                token=token,
                etag=entry.xet_hash,
                xet_hash=entry.xet_hash,
                xet_token_url=token_url,
            )
            try:
                await transfer.fetch_to_file(
                    source, tmp, offset=0, expected=Expected(entry.size), on_bytes=on_bytes
                )
                await anyio.to_thread.run_sync(os.replace, tmp, dest)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(lambda: tmp.unlink(missing_ok=True))
                raise
            reporter.file(entry.path, FileState.DONE, entry.size, entry.size)
            reporter.file_finished()

    with unwrap_groups():
        async with anyio.create_task_group() as tg:
            for entry, dest in items:
                tg.start_soon(one, entry, dest)
