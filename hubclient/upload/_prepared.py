"""Commits of files whose mode and hashes are known in advance (mirroring between Hubs).

The caller already knows, for every file, whether it is an LFS file (with its sha256 and size)
or a regular one (with its content): there is no preupload and no hashing. What is left is the
rest of the upload engine, reused as is: the LFS batch request, the transfers (basic or
multipart, from disk or from an :class:`~hubclient.upload._source.AsyncRangeSource`), and the
NDJSON commit built from the same lines as ``create_commit``'s.

Internal (used by :mod:`hubclient.mirror`)::

    ctx = prepared_context(http, "acme/m", "model", "main", UploadOptions())
    sent, stored = await upload_prepared_lfs(ctx, lfs_files)
    oid = await commit_prepared(ctx, files, deletions=[], message="sync", parent_commit=head)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import anyio

from hubclient import xet
from hubclient._http import HubHttp
from hubclient._reporting import Reporter
from hubclient._urls import normalize_repo_type, validate_repo_id
from hubclient.errors import RateLimitedError
from hubclient.models.commits import (
    CommitHeaderLine,
    CommitHeaderValue,
    CommitLfsFileLine,
    CommitLfsFileValue,
    CommitOperationAdd,
    CommitPathLine,
    CommitPathValue,
    LfsBatchObject,
    LfsObjectSpec,
    XetDedup,
)
from hubclient.progress import ProgressCallback
from hubclient.upload._commit import _ContentLine, _Line, _line, send_commit
from hubclient.upload._context import UploadContext
from hubclient.upload._lfs import _request_batches, _upload_object
from hubclient.upload._options import UploadOptions
from hubclient.upload._plan import Addition
from hubclient.upload._source import ContentSource
from hubclient.upload._tasks import run_concurrently

__all__ = [
    "PreparedFile",
    "commit_prepared",
    "failing_file",
    "prepared_context",
    "upload_prepared_lfs",
]

#: Wraps the transfer of one LFS object (e.g. to hold a job-wide file or byte budget).
ObjectGate = Callable[["PreparedFile"], AbstractAsyncContextManager[None]]


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """One file to commit, its mode decided by the caller.

    Attributes:
        path: the path in the repo.
        size: the size of the content in bytes.
        lfs_sha256: the LFS oid for an LFS file; None for a regular file.
        source: the content (an LFS object is read from it only if the Hub lacks it; a
            regular file's content must be in memory: ``source.in_memory()``).
    """

    path: str
    size: int
    lfs_sha256: str | None
    source: ContentSource

    @property
    def is_lfs(self) -> bool:
        return self.lfs_sha256 is not None


@contextmanager
def failing_file(path: str) -> Iterator[None]:
    """Name ``path`` on an exception raised inside, as its ``path_in_repo`` attribute (the
    innermost name wins), so that a failure of one file is recorded with its path.

    Example::

        with failing_file("w.bin"):
            await transfer()  # raises: exc.path_in_repo == "w.bin"
    """
    try:
        yield
    except Exception as exc:
        if getattr(exc, "path_in_repo", None) is None:
            with suppress(AttributeError):  # an exception type with __slots__ stays unnamed
                cast(Any, exc).path_in_repo = path
        raise


def prepared_context(
    http: HubHttp,
    repo_id: str,
    repo_type: str | None,
    revision: str,
    options: UploadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> UploadContext:
    """The upload context of a prepared commit (no pull request, the client's token)."""
    return UploadContext(
        http=http,
        repo_id=validate_repo_id(repo_id),
        repo_type=normalize_repo_type(repo_type),
        revision=revision,
        create_pr=False,
        token=None,
        options=options or UploadOptions(),
        reporter=Reporter(progress),
    )


def _addition(file: PreparedFile) -> Addition:
    # The engine's per-file record; its operation only carries the path (the content comes
    # from ``source``).
    op = CommitOperationAdd(path_in_repo=file.path, path_or_fileobj=b"")
    return Addition(
        op=op, source=file.source, sample=b"", upload_mode="lfs", sha256=file.lfs_sha256
    )


def add_dedup(a: XetDedup, b: XetDedup) -> XetDedup:
    """Two uploads' dedup figures added up."""
    return XetDedup(
        a.total_bytes + b.total_bytes,
        a.deduped_bytes + b.deduped_bytes,
        a.new_bytes + b.new_bytes,
        a.xorb_bytes_uploaded + b.xorb_bytes_uploaded,
        a.shard_bytes_uploaded + b.shard_bytes_uploaded,
    )


async def upload_prepared_lfs(
    ctx: UploadContext,
    files: Sequence[PreparedFile],
    *,
    files_limit: anyio.Semaphore | None = None,
    gate: ObjectGate | None = None,
) -> tuple[list[PreparedFile], list[PreparedFile]]:
    """Make sure the LFS object of every file is stored on the Hub.

    One LFS batch request per ``lfs_batch_size`` objects; objects the Hub already stores are
    not sent; the same object at several paths is sent once. Transfers run at once under
    ``files_limit`` (default: ``options.max_concurrent_files``), each inside ``gate(file)``
    when given. Returns ``(sent, already_stored)``, one file per distinct object. A failed
    transfer raises its error with the file's path as ``path_in_repo`` (:func:`failing_file`).
    """
    unique: dict[str, PreparedFile] = {}
    for file in files:
        if file.lfs_sha256 is not None:
            unique.setdefault(file.lfs_sha256, file)
    if not unique:
        return [], []
    specs = [LfsObjectSpec(oid=oid, size=f.size) for oid, f in unique.items()]
    chosen: list[str] = []
    offer = ["basic", "multipart", "xet"] if xet.usable(ctx.http) else None
    answers = await _request_batches(ctx, specs, transfers=offer, chosen=chosen)
    through_xet = bool(offer) and bool(chosen) and all(t == "xet" for t in chosen)
    limit = files_limit or anyio.Semaphore(ctx.options.max_concurrent_files)
    sent: list[PreparedFile] = []
    stored: list[PreparedFile] = []
    jobs: list[Callable[[], Awaitable[None]]] = []

    async def send(file: PreparedFile, obj: LfsBatchObject) -> None:
        if not through_xet:
            await _upload_object(ctx, _addition(file), obj)
            return
        from hubclient.xet._upload import upload_through_xet

        _, dedup = await upload_through_xet(ctx, [_addition(file)], announce=False)
        ctx.xet = dedup if ctx.xet is None else add_dedup(ctx.xet, dedup)

    async def transfer(file: PreparedFile, obj: LfsBatchObject) -> None:
        with failing_file(file.path):
            async with limit:
                if gate is None:
                    await send(file, obj)
                else:
                    async with gate(file):
                        await send(file, obj)

    for obj in answers:
        wanted = unique.get(obj.oid)
        if wanted is None:
            continue
        if obj.actions is not None and obj.actions.upload is not None:
            sent.append(wanted)
            jobs.append(partial(transfer, wanted, obj))
        else:
            stored.append(wanted)
    await run_concurrently(jobs)
    return sent, stored


async def commit_prepared(
    ctx: UploadContext,
    files: Sequence[PreparedFile],
    deletions: Sequence[str],
    *,
    message: str,
    description: str = "",
    parent_commit: str | None = None,
) -> str:
    """Commit ``files`` (LFS pointers and regular contents) and delete ``deletions`` (file
    paths) in one NDJSON commit on ``ctx.revision``; returns the new commit's oid. The
    deletions come first in the commit, so a file may give way to a folder of the same name
    (or a folder to a file) in one commit.

    The LFS objects must be stored already (:func:`upload_prepared_lfs`). ``parent_commit``
    makes the Hub refuse the commit (:class:`CommitConflictError`) if the branch moved.

    A commit answered 429 was not applied, so it is sent again once the client's 429 gate
    opens (up to ``options.max_retries`` times; a ``Retry-After`` longer than the client's
    ``max_retry_wait`` fails at once). Other failures are never retried.
    """
    header = CommitHeaderValue(
        summary=message, description=description, parent_commit=parent_commit
    )
    lines: list[_Line] = [_line(CommitHeaderLine(value=header))]
    for path in deletions:  # first: a deleted file ``x`` may give way to an added ``x/y``
        lines.append(_line(CommitPathLine(key="deletedFile", value=CommitPathValue(path=path))))
    for file in files:
        if file.lfs_sha256 is not None:
            value = CommitLfsFileValue(path=file.path, oid=file.lfs_sha256, size=file.size)
            lines.append(_line(CommitLfsFileLine(value=value)))
        else:
            content = file.source.in_memory()
            if content is None:
                raise ValueError(f"the content of regular file {file.path!r} is not in memory")
            lines.append(_ContentLine.build(file.path, None, content))
    attempt = 0
    while True:
        try:
            answer = await send_commit(ctx, lines, parent_commit)
        except RateLimitedError as err:
            wait = err.retry_after
            too_long = wait is not None and wait > ctx.http.settings.max_retry_wait
            if too_long or attempt >= ctx.options.max_retries:
                raise
            attempt += 1
            # The 429 closed the client's gate to the Hub: the next request waits there.
            await anyio.sleep(0 if wait is not None else min(2.0, 0.1 * 2**attempt))
            continue
        return answer.commit_oid
