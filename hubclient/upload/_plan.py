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
from hubclient.upload._source import ContentSource, source_for
from hubclient.upload._tasks import run_concurrently

__all__ = ["Addition", "fetch_upload_modes", "hash_additions", "prepare_additions"]

_LOCAL_FACTS_GROUP = 64  # files stat-ed and sampled per worker-thread call
_PREUPLOAD_CONCURRENCY = 4


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


def _local_facts(ops: Sequence[CommitOperationAdd]) -> list[Addition]:
    out = []
    for op in ops:
        source = source_for(op.path_or_fileobj)
        out.append(Addition(op=op, source=source, sample=source.sample()))
    return out


async def prepare_additions(ops: Sequence[CommitOperationAdd]) -> list[Addition]:
    """Size and first 512 bytes of every addition, read in worker threads, in groups."""
    additions: list[Addition] = []
    for start in range(0, len(ops), _LOCAL_FACTS_GROUP):
        group = ops[start : start + _LOCAL_FACTS_GROUP]
        additions.extend(await anyio.to_thread.run_sync(_local_facts, group))
    return additions


async def fetch_upload_modes(
    ctx: UploadContext, additions: Sequence[Addition], gitignore: str | None
) -> None:
    """Ask the Hub, in batches, whether each file goes regular or LFS, and its current oid."""
    if not additions:
        return
    ctx.reporter.phase(Phase.PREUPLOAD, files=len(additions))
    by_path = {a.path: a for a in additions}
    size = ctx.options.preupload_batch_size
    batches = [additions[i : i + size] for i in range(0, len(additions), size)]
    limiter = anyio.Semaphore(_PREUPLOAD_CONCURRENCY)

    async def one_batch(batch: Sequence[Addition]) -> None:
        body = PreuploadRequest(
            files=[
                PreuploadFile(
                    path=a.path, sample=base64.b64encode(a.sample).decode("ascii"), size=a.size
                )
                for a in batch
            ],
            git_ignore=gitignore,
        )
        async with limiter:
            response = await ctx.http.request(
                "POST",
                preupload_path(ctx.repo_type, ctx.repo_id, ctx.revision),
                json=body.wire(),
                params={"create_pr": "1"} if ctx.create_pr else None,
                token=ctx.token,
                retry=True,
            )
        answer = PreuploadResponse.model_validate(response.json())
        seen = set()
        for result in answer.files:
            addition = by_path.get(result.path)
            if addition is None:
                continue
            seen.add(result.path)
            addition.upload_mode = result.upload_mode
            addition.should_ignore = result.should_ignore
            addition.remote_oid = result.oid
        missing = [a.path for a in batch if a.path not in seen]
        if missing:
            raise LfsUploadError(
                f"The Hub's preupload answer left out {len(missing)} file(s), e.g. {missing[0]!r}"
            )

    await run_concurrently(partial(one_batch, batch) for batch in batches)
    for addition in additions:
        if addition.size == 0:  # storage cannot take empty LFS objects
            addition.upload_mode = "regular"


async def hash_additions(ctx: UploadContext, additions: Sequence[Addition]) -> None:
    """sha256 for what goes to LFS; git sha1 for regular files the Hub already has a version of.

    Hashes are computed only where they are needed; files hash in parallel worker threads.
    """
    todo: list[tuple[Addition, bool, bool]] = []
    for a in additions:
        want256 = a.upload_mode == "lfs" and a.sha256 is None
        want1 = a.upload_mode == "regular" and a.remote_oid is not None and a.sha1 is None
        if (want256 and not a.should_ignore) or want1:
            todo.append((a, want256, want1))
    if not todo:
        return
    ctx.reporter.phase(Phase.HASHING, files=len(todo), total_bytes=sum(a.size for a, _, _ in todo))
    reporter = ctx.reporter

    async def one(addition: Addition, want256: bool, want1: bool) -> None:
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

    workers = anyio.Semaphore(max(1, ctx.options.hash_workers))

    async def bounded(addition: Addition, want256: bool, want1: bool) -> None:
        async with workers:
            await one(addition, want256, want1)

    await run_concurrently(partial(bounded, a, want256, want1) for a, want256, want1 in todo)
