"""Planning the additions: local facts (size, sample), the Hub's verdict (preupload), hashes.

The engine keeps its state in :class:`Addition` objects beside the user's operations, which it
never mutates.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import anyio
import anyio.to_thread

from hubclient._answers import parse_json
from hubclient._urls import preupload_path
from hubclient.models.commits import (
    CommitOperationAdd,
    PreuploadFile,
    PreuploadRequest,
    PreuploadResponse,
    UploadMode,
)
from hubclient.progress import FileState, Phase
from hubclient.upload._context import UploadContext
from hubclient.upload._errors import LfsUploadError
from hubclient.upload._hashing import hash_source
from hubclient.upload._source import ContentSource, PathSource, source_for
from hubclient.upload._tasks import run_concurrently

__all__ = ["Addition", "hash_additions", "hash_one", "plan_additions"]

_PREUPLOAD_CONCURRENCY = 4
_KEEP_PER_FILE = 64 * 1024
_KEEP_TOTAL = 32 * 1024 * 1024


@dataclass
class Addition:
    """The engine's view of one :class:`CommitOperationAdd`."""

    op: CommitOperationAdd
    source: ContentSource
    sample: bytes
    upload_mode: UploadMode | None = None
    should_ignore: bool = False
    remote_oid: str | None = None
    sha256: str | None = None
    sha1: str | None = None

    @property
    def path(self) -> str:
        return self.op.path_in_repo

    @property
    def size(self) -> int:
        return self.source.size

    @property
    def local_oid(self) -> str | None:
        """What the preupload ``oid`` is compared with: sha256 (LFS) or git sha1 (regular)."""
        return self.sha256 if self.upload_mode == "lfs" else self.sha1

    @property
    def unchanged(self) -> bool:
        return self.remote_oid is not None and self.remote_oid == self.local_oid


class _KeepBudget:
    """How many bytes of small files planning may keep in memory for the commit."""

    def __init__(self, total: int) -> None:
        self.left = total


def _local_facts(ops: Sequence[CommitOperationAdd], keep: _KeepBudget) -> list[Addition]:
    out = []
    for op in ops:
        source: ContentSource
        if isinstance(op.path_or_fileobj, str):
            source, sample = PathSource.probe(op.path_or_fileobj, min(_KEEP_PER_FILE, keep.left))
            if source.cached is not None:
                keep.left -= source.size
        else:
            source = source_for(op.path_or_fileobj)
            sample = source.sample()
        out.append(Addition(op=op, source=source, sample=sample))
    return out


async def plan_additions(
    ctx: UploadContext, ops: Sequence[CommitOperationAdd], gitignore: str | None
) -> list[Addition]:
    """Local facts (size, sample) and the Hub's verdict (regular or LFS, ignored, current oid)
    for every addition, in batches of ``preupload_batch_size``.

    Batches are pipelined: while the Hub answers one preupload, the next batch's files are
    probed in a worker thread. Small local files are read whole here, once, and kept for the
    commit body (up to ``_KEEP_TOTAL`` bytes in all).
    """
    if not ops:
        return []
    ctx.reporter.phase(Phase.PREUPLOAD, files=len(ops))
    keep = _KeepBudget(_KEEP_TOTAL)
    size = ctx.options.preupload_batch_size
    batches = [ops[i : i + size] for i in range(0, len(ops), size)]
    planned: list[list[Addition]] = [[] for _ in batches]
    limiter = anyio.Semaphore(_PREUPLOAD_CONCURRENCY)

    async def one_batch(index: int) -> None:
        async with limiter:
            batch = await anyio.to_thread.run_sync(_local_facts, batches[index], keep)
            planned[index] = batch
            body = PreuploadRequest(
                files=[
                    PreuploadFile(
                        path=a.path, sample=base64.b64encode(a.sample).decode("ascii"), size=a.size
                    )
                    for a in batch
                ],
                git_ignore=gitignore,
            )
            response = await ctx.http.request(
                "POST",
                preupload_path(ctx.repo_type, ctx.repo_id, ctx.revision),
                json=body.wire(),
                params={"create_pr": "1"} if ctx.create_pr else None,
                token=ctx.token,
                retry=True,
            )
        answer = parse_json(
            response, PreuploadResponse.model_validate, expected="a preupload answer"
        )
        verdicts = {result.path: result for result in answer.files}
        missing = [a.path for a in batch if a.path not in verdicts]
        if missing:
            raise LfsUploadError(
                f"The Hub's preupload answer left out {len(missing)} file(s), e.g. {missing[0]!r}"
            )
        for addition in batch:
            verdict = verdicts[addition.path]
            addition.upload_mode = verdict.upload_mode
            addition.should_ignore = verdict.should_ignore
            addition.remote_oid = verdict.oid
            if addition.size == 0:  # storage cannot take empty LFS objects
                addition.upload_mode = "regular"

    await run_concurrently(partial(one_batch, i) for i in range(len(batches)))
    return [addition for batch in planned for addition in batch]


async def hash_one(ctx: UploadContext, addition: Addition, want256: bool, want1: bool) -> None:
    """Hash one addition in worker threads, reporting HASHING progress."""
    reporter = ctx.reporter

    def progress(done: int) -> None:
        reporter.file(addition.path, FileState.HASHING, done, addition.size)

    reporter.file(addition.path, FileState.HASHING, 0, addition.size)
    digests = await hash_source(
        addition.source,
        sha256=want256,
        sha1=want1,
        limiter=ctx.hash_limiter,
        on_progress=progress if reporter.enabled else None,
    )
    if digests.sha256 is not None:
        addition.sha256 = digests.sha256
    if digests.sha1 is not None:
        addition.sha1 = digests.sha1


async def hash_additions(ctx: UploadContext, additions: Sequence[Addition]) -> None:
    """sha256 for what goes to LFS; git sha1 for regular files the Hub already has a version of.

    Hashes are computed only where they are needed; files hash in parallel worker threads.
    LFS files of ``pipeline_threshold`` bytes or more are left for the upload pipeline, which
    hashes them while other files go up.
    """
    todo: list[tuple[Addition, bool, bool]] = []
    for a in additions:
        want256 = (
            a.upload_mode == "lfs"
            and a.sha256 is None
            and not a.should_ignore
            and a.size < ctx.options.pipeline_threshold
        )
        want1 = a.upload_mode == "regular" and a.remote_oid is not None and a.sha1 is None
        if want256 or want1:
            todo.append((a, want256, want1))
    if not todo:
        return
    ctx.reporter.phase(Phase.HASHING, files=len(todo), total_bytes=sum(a.size for a, _, _ in todo))
    workers = anyio.Semaphore(max(1, ctx.options.hash_workers))

    async def bounded(addition: Addition, want256: bool, want1: bool) -> None:
        async with workers:
            await hash_one(ctx, addition, want256, want1)

    await run_concurrently(partial(bounded, a, want256, want1) for a, want256, want1 in todo)
