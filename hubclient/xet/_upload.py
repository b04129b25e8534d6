"""LFS files uploaded through Xet: hf_xet chunks, deduplicates and sends only what the CAS lacks.

One hf_xet upload commit per call: local files go by path, in-memory content as bytes, anything
else (a file object, another Hub's file streamed by ranges) as a stream fed from our side. The
sha256 of every file comes back from hf_xet when we did not know it (one read pass), for the
commit that follows; the dedup figures are kept on the context for the caller's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio
import anyio.to_thread

from hubclient.models.commits import XetDedup
from hubclient.progress import FileState, Phase
from hubclient.upload._context import UploadContext
from hubclient.upload._errors import LfsUploadError
from hubclient.upload._plan import Addition
from hubclient.upload._source import AsyncRangeSource, BytesSource, PathSource
from hubclient.xet._auth import fetch_connection
from hubclient.xet._runtime import ProgressSlot, hf_xet, run_blocking, session

__all__ = ["upload_through_xet"]

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


async def _feed(stream: Any, addition: Addition) -> None:
    """Write a non-file source into an hf_xet stream, piece by piece, off the event loop."""
    source = addition.source
    if isinstance(source, AsyncRangeSource):
        async for chunk in source.aiter_range(0, addition.size):
            await anyio.to_thread.run_sync(stream.write, chunk)
    else:
        reader = await anyio.to_thread.run_sync(source.open)
        try:
            offset = 0
            while offset < addition.size:
                length = min(_STREAM_PIECE, addition.size - offset)
                piece = await anyio.to_thread.run_sync(reader.read_at, offset, length)
                if len(piece) != length:
                    raise LfsUploadError(f"{source.description} changed while it was uploaded")
                await anyio.to_thread.run_sync(stream.write, piece)
                offset += length
        finally:
            reader.close()


async def upload_through_xet(
    ctx: UploadContext, additions: Sequence[Addition], *, announce: bool = True
) -> tuple[list[tuple[Addition, bool]], XetDedup]:
    """Send `additions` (LFS files) through Xet; returns (addition, had new bytes) and the dedup
    figures. Raises `XetUnavailable` (nothing sent) when the Hub offers no Xet. ``announce``:
    this call is the upload phase (its files and bytes are the totals to expect)."""
    module = hf_xet()
    assert module is not None
    connection = await fetch_connection(
        ctx.http,
        repo_type=ctx.repo_type,
        repo_id=ctx.repo_id,
        revision=ctx.revision,
        mode="write",
        token=ctx.token,
        create_pr=ctx.create_pr,
    )
    reporter = ctx.reporter
    total = sum(a.size for a in additions)
    if announce:
        reporter.phase(Phase.UPLOADING, files=len(additions), total_bytes=total)
        reporter.expect(len(additions), total)
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
    handles: list[tuple[Addition, Any]] = []
    reported: dict[str, int] = {}
    done = anyio.Event()

    def report() -> None:
        latest = slot.take()
        if latest is None:
            return
        names = {str(handle.task_id()): a for a, handle in handles}
        for key, item in latest[1].items():
            addition = names.get(str(key))
            if addition is None:
                continue
            sent = min(int(getattr(item, "bytes_completed", 0) or 0), addition.size)
            before = reported.get(addition.path, 0)
            if sent > before:
                reported[addition.path] = sent
                reporter.file(addition.path, FileState.UPLOADING, sent, addition.size)
                reporter.add_bytes(sent - before)

    async def poll() -> None:
        while not done.is_set():
            with anyio.move_on_after(0.1):
                await done.wait()
            report()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(poll)
            streams: list[tuple[Addition, Any]] = []
            for addition in additions:
                sha = addition.sha256 or module.COMPUTE_SHA256
                source = addition.source
                data = source.in_memory()
                reporter.file(addition.path, FileState.UPLOADING, 0, addition.size)
                if isinstance(source, PathSource) and data is None:
                    handle = commit.start_upload_file(source.path, sha256=sha)
                elif data is not None or isinstance(source, BytesSource):
                    handle = commit.start_upload_bytes(
                        data if data is not None else source.read_all(),
                        sha256=sha,
                        name=addition.path,
                    )
                else:
                    handle = commit.start_upload_stream(name=addition.path, sha256=sha)
                    streams.append((addition, handle))
                handles.append((addition, handle))
            finished: dict[int, Any] = {}
            for addition, stream in streams:
                await _feed(stream, addition)
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
    out: list[tuple[Addition, bool]] = []
    for (addition, _), meta in zip(handles, results, strict=True):
        info = meta.xet_info
        sha256 = str(info.sha256 or "")
        if addition.sha256 is None:
            addition.sha256 = sha256
        elif sha256 and sha256 != addition.sha256:
            raise LfsUploadError(
                f"{addition.path}: hf_xet hashed the content to {sha256}, not {addition.sha256}"
            )
        metrics = getattr(meta, "dedup_metrics", None)
        new = int(getattr(metrics, "new_bytes", 0) or 0) if metrics is not None else 0
        remaining = addition.size - reported.get(addition.path, 0)
        if remaining > 0:
            reporter.add_bytes(remaining)
        reporter.file(addition.path, FileState.DONE, addition.size, addition.size)
        reporter.file_finished()
        out.append((addition, new > 0 or addition.size == 0))
    return out, _dedup(final.dedup_metrics)
