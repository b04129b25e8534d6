"""Files uploaded through Xet: hf_xet chunks, deduplicates and sends only what the CAS lacks.

`send_files` is one hf_xet upload commit for any files: local files go by path, in-memory
content as bytes, anything else (a file object, another Hub's file streamed by ranges) as a
stream fed from our side; progress comes back as our events, cancellation aborts it. Two
callers: `upload_through_xet`, the LFS files of a repo commit (their sha256 comes back from
hf_xet when we did not know it, for the commit that follows), and the bucket batches, whose
files need only their Xet hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from hubclient._reporting import Reporter
from hubclient.models.commits import XetDedup
from hubclient.progress import FileState, Phase
from hubclient.upload._context import UploadContext
from hubclient.upload._errors import LfsUploadError
from hubclient.upload._plan import Addition
from hubclient.upload._source import AsyncRangeSource, BytesSource, ContentSource, PathSource
from hubclient.xet._auth import XetConnection, fetch_connection
from hubclient.xet._runtime import ProgressSlot, hf_xet, run_blocking, session

__all__ = ["XetFile", "XetSent", "send_files", "upload_through_xet"]

_STREAM_PIECE = 8 * 1024 * 1024


def _dedup(metrics: Any) -> XetDedup:
    def value(name: str) -> int:
        return int(getattr(metrics, name, 0) or 0)

    return XetDedup(
        value("total_bytes"),
        value("deduped_bytes"),
        value("new_bytes"),
        value("xorb_bytes_uploaded"),
        value("shard_bytes_uploaded"),
    )


@dataclass
class XetFile:
    """One file to send: its name (for progress), its content and the sha256 hf_xet should
    record (``None``: let it compute one; ``""``: none at all)."""

    name: str
    source: ContentSource
    sha256: str | None = None

    @property
    def size(self) -> int:
        return self.source.size


@dataclass(frozen=True)
class XetSent:
    """What hf_xet made of one file: its Xet hash, size, sha256 ("" if skipped) and whether
    any of its chunks were new to the CAS."""

    xet_hash: str
    size: int
    sha256: str
    had_new_bytes: bool


async def _feed(stream: Any, file: XetFile) -> None:
    """Write a non-file source into an hf_xet stream, piece by piece, off the event loop."""
    source = file.source
    if isinstance(source, AsyncRangeSource):
        async for chunk in source.aiter_range(0, file.size):
            await anyio.to_thread.run_sync(stream.write, chunk)
    else:
        reader = await anyio.to_thread.run_sync(source.open)
        try:
            offset = 0
            while offset < file.size:
                length = min(_STREAM_PIECE, file.size - offset)
                piece = await anyio.to_thread.run_sync(reader.read_at, offset, length)
                if len(piece) != length:
                    raise LfsUploadError(f"{source.description} changed while it was uploaded")
                await anyio.to_thread.run_sync(stream.write, piece)
                offset += length
        finally:
            reader.close()


async def send_files(
    connection: XetConnection,
    files: Sequence[XetFile],
    reporter: Reporter,
    *,
    announce: bool = True,
) -> tuple[list[XetSent], XetDedup]:
    """Send `files` in one hf_xet upload commit; returns what each became (in order) and the
    dedup figures. ``announce``: this call is the upload phase (its files and bytes are the
    totals to expect)."""
    module = hf_xet()
    assert module is not None
    total = sum(f.size for f in files)
    if announce:
        reporter.phase(Phase.UPLOADING, files=len(files), total_bytes=total)
        reporter.expect(len(files), total)
        reporter.totals()
    slot = ProgressSlot()

    def open_commit() -> Any:
        return session().new_upload_commit(
            endpoint=connection.cas_url,
            token=connection.token,
            token_expiry_unix_secs=connection.expires,
            token_refresh_url=connection.refresh_url,
            token_refresh_headers=connection.refresh_headers,
            custom_headers=connection.custom_headers,
            progress_callback=slot,
            progress_interval_ms=100,
        )

    commit = await anyio.to_thread.run_sync(open_commit)
    handles: list[tuple[XetFile, Any]] = []
    reported: dict[int, int] = {}
    done = anyio.Event()

    def report() -> None:
        latest = slot.take()
        if latest is None:
            return
        names = {str(handle.task_id()): (i, f) for i, (f, handle) in enumerate(handles)}
        for key, item in latest[1].items():
            found = names.get(str(key))
            if found is None:
                continue
            index, file = found
            sent = min(int(getattr(item, "bytes_completed", 0) or 0), file.size)
            before = reported.get(index, 0)
            if sent > before:
                reported[index] = sent
                reporter.file(file.name, FileState.UPLOADING, sent, file.size)
                reporter.add_bytes(sent - before)

    async def poll() -> None:
        while not done.is_set():
            with anyio.move_on_after(0.1):
                await done.wait()
            report()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(poll)
            streams: list[tuple[XetFile, Any]] = []
            for file in files:
                if file.sha256 is None:
                    sha = module.COMPUTE_SHA256
                else:
                    sha = file.sha256 or module.SKIP_SHA256
                source = file.source
                data = source.in_memory()
                reporter.file(file.name, FileState.UPLOADING, 0, file.size)
                if isinstance(source, PathSource) and data is None:
                    handle = commit.start_upload_file(source.path, sha256=sha)
                elif data is not None or isinstance(source, BytesSource):
                    handle = commit.start_upload_bytes(
                        data if data is not None else source.read_all(),
                        sha256=sha,
                        name=file.name,
                    )
                else:
                    handle = commit.start_upload_stream(name=file.name, sha256=sha)
                    streams.append((file, handle))
                handles.append((file, handle))
            finished: dict[int, Any] = {}
            for file, stream in streams:
                await _feed(stream, file)
                finished[id(stream)] = await run_blocking(stream.finish, stream.abort)
            final = await run_blocking(commit.wait_to_finish, commit.abort)
            results = [
                finished[id(handle)]
                if id(handle) in finished
                else await run_blocking(handle.result, commit.abort)
                for _, handle in handles
            ]
            done.set()
    except BaseException:
        done.set()
        commit.abort()
        raise
    report()
    out: list[XetSent] = []
    for index, ((file, _), meta) in enumerate(zip(handles, results, strict=True)):
        info = meta.xet_info
        metrics = getattr(meta, "dedup_metrics", None)
        new = int(getattr(metrics, "new_bytes", 0) or 0) if metrics is not None else 0
        remaining = file.size - reported.get(index, 0)
        if remaining > 0:
            reporter.add_bytes(remaining)
        reporter.file(file.name, FileState.DONE, file.size, file.size)
        reporter.file_finished()
        out.append(
            XetSent(
                str(info.hash),
                int(info.file_size),
                str(info.sha256 or ""),
                new > 0 or file.size == 0,
            )
        )
    return out, _dedup(final.dedup_metrics)


async def upload_through_xet(
    ctx: UploadContext, additions: Sequence[Addition], *, announce: bool = True
) -> tuple[list[tuple[Addition, bool]], XetDedup]:
    """Send `additions` (LFS files) through Xet; returns (addition, had new bytes) and the dedup
    figures. Raises `XetUnavailable` (nothing sent) when the Hub offers no Xet. ``announce``:
    this call is the upload phase (its files and bytes are the totals to expect)."""
    connection = await fetch_connection(
        ctx.http,
        repo_type=ctx.repo_type,
        repo_id=ctx.repo_id,
        revision=ctx.revision,
        mode="write",
        token=ctx.token,
        create_pr=ctx.create_pr,
    )
    files = [XetFile(a.path, a.source, a.sha256) for a in additions]
    sent, dedup = await send_files(connection, files, ctx.reporter, announce=announce)
    out: list[tuple[Addition, bool]] = []
    for addition, result in zip(additions, sent, strict=True):
        if addition.sha256 is None:
            addition.sha256 = result.sha256
        elif result.sha256 and result.sha256 != addition.sha256:
            raise LfsUploadError(
                f"{addition.path}: hf_xet hashed the content to {result.sha256}, not "
                f"{addition.sha256}"
            )
        out.append((addition, result.had_new_bytes))
    return out, dedup
