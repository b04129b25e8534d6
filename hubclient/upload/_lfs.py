"""LFS: the batch request, then the transfers (basic PUT or multipart), completion and verify.

Every PUT body is streamed from disk by offset (never a whole file in memory), under the
context's byte budget. Parts of a file go up several at once (``max_parts_per_file``), files go
up several at once (``max_concurrent_files``), and all parts share ``max_concurrent_parts``.
Each PUT is retried on its own by the HTTP layer, which calls the body factory again, so a
retried part is read again from disk. Content that is not on disk (an
:class:`~hubclient.upload._source.AsyncRangeSource`, e.g. another Hub's file) streams from its
async range iterator instead, under the same budget; a retried part opens its range again.
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from functools import partial

import anyio
import anyio.to_thread

from hubclient import xet
from hubclient._answers import parse_json
from hubclient._urls import lfs_batch_path
from hubclient.models.commits import (
    LfsAction,
    LfsBatchObject,
    LfsBatchRequest,
    LfsBatchResponse,
    LfsCompletionPart,
    LfsCompletionRequest,
    LfsObjectSpec,
    LfsRef,
    LfsVerifyRequest,
)
from hubclient.progress import FileState, Phase
from hubclient.upload._budget import ByteBudget
from hubclient.upload._context import UploadContext
from hubclient.upload._errors import LfsUploadError
from hubclient.upload._plan import Addition, hash_one
from hubclient.upload._source import AsyncRangeSource, Reader, SourceChangedError
from hubclient.upload._tasks import run_concurrently

__all__ = ["upload_lfs_additions"]

LFS_HEADERS = {
    "accept": "application/vnd.git-lfs+json",
    "content-type": "application/vnd.git-lfs+json",
}
_HF_CO = re.compile(r"^https://huggingface\.co(?=/|$)")


class _BudgetedBody:
    """A PUT body whose last chunk holds its share of the byte budget until httpx asks for
    the next chunk (so the previous one has been written) or until :meth:`close`, which the
    owner always calls. Sent chunks are reported to ``on_sent``."""

    _budget: ByteBudget
    _on_sent: Callable[[int], None]
    _held: int = 0

    def _give_back(self, *, sent: bool) -> None:
        if self._held:
            held, self._held = self._held, 0
            self._budget.release(held)
            if sent:
                self._on_sent(held)

    def close(self) -> None:
        self._give_back(sent=False)


class _RangeStream(_BudgetedBody):
    """The body of one PUT attempt: ``length`` bytes at ``offset``, read chunk by chunk."""

    def __init__(
        self,
        reader: Reader,
        offset: int,
        length: int,
        chunk_size: int,
        budget: ByteBudget,
        on_sent: Callable[[int], None],
        what: str,
    ) -> None:
        self._reader = reader
        self._offset = offset
        self._remaining = length
        self._chunk_size = chunk_size
        self._budget = budget
        self._on_sent = on_sent
        self._held = 0
        self._what = what

    def __aiter__(self) -> _RangeStream:
        return self

    async def __anext__(self) -> bytes:
        self._give_back(sent=True)
        if self._remaining <= 0:
            raise StopAsyncIteration
        n = min(self._chunk_size, self._remaining)
        await self._budget.acquire(n)
        self._held = n
        data = await anyio.to_thread.run_sync(self._reader.read_at, self._offset, n)
        if len(data) != n:
            raise SourceChangedError(f"{self._what} got shorter while it was being uploaded")
        self._offset += n
        self._remaining -= n
        return data


class _AsyncRangeStream(_BudgetedBody):
    """The body of one PUT attempt read from an async range iterator (remote content).

    The iterator must give exactly ``length`` bytes; :meth:`aclose` closes it.
    """

    def __init__(
        self,
        chunks: AsyncIterator[bytes],
        length: int,
        budget: ByteBudget,
        on_sent: Callable[[int], None],
        what: str,
    ) -> None:
        self._chunks = chunks
        self._remaining = length
        self._budget = budget
        self._on_sent = on_sent
        self._held = 0
        self._what = what

    def __aiter__(self) -> _AsyncRangeStream:
        return self

    async def __anext__(self) -> bytes:
        self._give_back(sent=True)
        try:
            data = await self._chunks.__anext__()
        except StopAsyncIteration:
            if self._remaining > 0:
                raise SourceChangedError(f"{self._what} ended before its announced size") from None
            raise
        if len(data) > self._remaining:
            raise SourceChangedError(f"{self._what} is longer than its announced size")
        await self._budget.acquire(len(data))
        self._held = len(data)
        self._remaining -= len(data)
        return data

    async def aclose(self) -> None:
        self.close()
        chunks = self._chunks
        if isinstance(chunks, AsyncGenerator):
            async with aclosing(chunks):
                pass


class _FileUpload:
    """Uploads one object's content; tracks its bytes for progress across retries."""

    def __init__(self, ctx: UploadContext, addition: Addition, reader: Reader | None) -> None:
        self.ctx = ctx
        self.addition = addition
        self.reader = reader
        self.done = 0

    def _sender(self, counter: list[int]) -> Callable[[int], None]:
        def on_sent(n: int) -> None:
            counter[0] += n
            self.done += n
            self.ctx.reporter.add_bytes(n)
            self.ctx.reporter.file(
                self.addition.path, FileState.UPLOADING, self.done, self.addition.size
            )

        return on_sent

    async def put_range(self, url: str, offset: int, length: int) -> str | None:
        """PUT ``length`` bytes at ``offset``; returns the ``ETag`` answered (or None)."""
        streams: list[_RangeStream | _AsyncRangeStream] = []
        sent_in_attempt = [0]
        source = self.addition.source

        def body() -> _RangeStream | _AsyncRangeStream:
            # A new attempt: forget the progress of the previous one.
            if sent_in_attempt[0]:
                self.done -= sent_in_attempt[0]
                self.ctx.reporter.add_bytes(-sent_in_attempt[0])
                sent_in_attempt[0] = 0
            for old in streams:
                old.close()
            stream: _RangeStream | _AsyncRangeStream
            if isinstance(source, AsyncRangeSource):
                stream = _AsyncRangeStream(
                    source.aiter_range(offset, length),
                    length,
                    self.ctx.budget,
                    self._sender(sent_in_attempt),
                    source.description,
                )
                streams.append(stream)
                return stream
            assert self.reader is not None
            stream = _RangeStream(
                self.reader,
                offset,
                length,
                self.ctx.options.read_chunk_size,
                self.ctx.budget,
                self._sender(sent_in_attempt),
                self.addition.source.description,
            )
            streams.append(stream)
            return stream

        try:
            response = await self.ctx.http.request(
                "PUT",
                url,
                content=body,
                headers={"content-length": str(length)},
                token=False,
                retry=True,
            )
        finally:
            for stream in streams:
                stream.close()
                if isinstance(stream, _AsyncRangeStream):
                    with anyio.CancelScope(shield=True):
                        await stream.aclose()
        etag: str | None = response.headers.get("etag")
        return etag


def _fix_url(url: str, endpoint: str) -> str:
    return _HF_CO.sub(endpoint.rstrip("/"), url)


async def _request_batches(
    ctx: UploadContext,
    objects: Sequence[LfsObjectSpec],
    *,
    transfers: list[str] | None = None,
    chosen: list[str] | None = None,
) -> list[LfsBatchObject]:
    """The batch answers for ``objects``; ``transfers`` offers others than basic/multipart,
    and the transfer the Hub picked in each answer is appended to ``chosen``."""
    answers: list[LfsBatchObject] = []
    size = ctx.options.lfs_batch_size
    for start in range(0, len(objects), size):
        body = LfsBatchRequest(
            objects=list(objects[start : start + size]),
            ref=None if ctx.create_pr else LfsRef(name=ctx.revision),
            **({"transfers": transfers} if transfers else {}),
        )
        response = await ctx.http.request(
            "POST",
            lfs_batch_path(ctx.repo_type, ctx.repo_id),
            json=body.wire(),
            headers=LFS_HEADERS,
            token=ctx.token,
            retry=True,
        )
        batch = parse_json(
            response, LfsBatchResponse.model_validate, expected="a git-lfs batch answer"
        )
        if chosen is not None:
            chosen.append(batch.transfer or "basic")
        errors = [(o.oid, o.error.code, o.error.message) for o in batch.objects if o.error]
        if errors:
            lines = "\n".join(f"- {oid}: {code} {message}" for oid, code, message in errors)
            raise LfsUploadError(f"The LFS batch endpoint refused objects:\n{lines}", errors)
        answers.extend(batch.objects)
    return answers


_MAX_PARTS = 10_000
"""The most parts of one multipart upload (S3's bound, which the Hub's storage has)."""


def _part_urls(action: LfsAction, size: int, chunk_size: int) -> list[str]:
    header = action.header or {}
    if math.ceil(size / chunk_size) > _MAX_PARTS:
        raise LfsUploadError(
            f"The LFS batch answer cuts {size} bytes in chunks of {chunk_size}: more than "
            f"{_MAX_PARTS} parts, which no Hub storage takes."
        )
    numbered = sorted((int(k), v) for k, v in header.items() if k.isdigit() and len(k) <= 9)
    urls = [url for _, url in numbered]
    if len(urls) != math.ceil(size / chunk_size):
        raise LfsUploadError(
            f"The LFS batch answer gives {len(urls)} part URLs for {size} bytes in chunks of "
            f"{chunk_size}; expected {math.ceil(size / chunk_size)}."
        )
    return urls


async def _upload_object(ctx: UploadContext, addition: Addition, obj: LfsBatchObject) -> None:
    actions = obj.actions
    if actions is None or actions.upload is None:  # pragma: no cover - filtered by the caller
        return
    upload = actions.upload
    endpoint = ctx.http.endpoint
    reporter = ctx.reporter
    reporter.file(addition.path, FileState.UPLOADING, 0, addition.size)
    reader = (
        None
        if isinstance(addition.source, AsyncRangeSource)
        else await anyio.to_thread.run_sync(addition.source.open)
    )
    try:
        transfer = _FileUpload(ctx, addition, reader)
        chunk_value = (upload.header or {}).get("chunk_size")
        if chunk_value is None:
            async with ctx.parts_limiter:
                await transfer.put_range(_fix_url(upload.href, endpoint), 0, addition.size)
        else:
            try:
                chunk_size = int(chunk_value)
            except ValueError:
                raise LfsUploadError(f"chunk_size {chunk_value!r} is not an integer") from None
            if chunk_size <= 0:
                raise LfsUploadError(f"chunk_size {chunk_value!r} must be positive")
            urls = _part_urls(upload, addition.size, chunk_size)
            etags: list[str] = [""] * len(urls)
            per_file = anyio.Semaphore(ctx.options.max_parts_per_file)

            async def part(index: int, url: str) -> None:
                async with per_file, ctx.parts_limiter:
                    offset = index * chunk_size
                    length = min(chunk_size, addition.size - offset)
                    etag = await transfer.put_range(_fix_url(url, endpoint), offset, length)
                if not etag:
                    raise LfsUploadError(
                        f"The storage answered part {index + 1} of {addition.path!r} without an "
                        "ETag header; the upload cannot be completed."
                    )
                etags[index] = etag

            await run_concurrently(partial(part, i, url) for i, url in enumerate(urls))
            completion = LfsCompletionRequest(
                oid=obj.oid,
                parts=[
                    LfsCompletionPart(part_number=i + 1, etag=etag) for i, etag in enumerate(etags)
                ],
            )
            await ctx.http.request(
                "POST",
                _fix_url(upload.href, endpoint),
                json=completion.wire(),
                headers=LFS_HEADERS,
                token=False,
                retry=True,
            )
    finally:
        if reader is not None:
            reader.close()
    verify = actions.verify
    if verify is not None:
        reporter.file(addition.path, FileState.VERIFYING, addition.size, addition.size)
        await ctx.http.request(
            "POST",
            _fix_url(verify.href, endpoint),
            json=LfsVerifyRequest(oid=obj.oid, size=addition.size).wire(),
            headers=LFS_HEADERS,
            token=ctx.token,
            retry=True,
        )
    reporter.file(addition.path, FileState.DONE, addition.size, addition.size)
    reporter.file_finished()


async def upload_lfs_additions(
    ctx: UploadContext, additions: Sequence[Addition]
) -> list[tuple[Addition, bool]]:
    """Make sure every LFS object of ``additions`` is stored; returns (addition, was_sent).

    Additions already hashed are announced to the LFS batch endpoint in batches; the large
    ones left unhashed (``pipeline_threshold``) each go hash → batch → transfer on their own,
    so hashing overlaps transfers. Objects already stored (no ``actions`` in the batch answer)
    are not sent again; the same content at several paths is sent once.
    """
    lfs = [a for a in additions if a.upload_mode == "lfs" and not a.should_ignore]
    if not lfs:
        return []
    if xet.usable(ctx.http):
        from hubclient.xet._upload import upload_through_xet

        try:
            results, ctx.xet = await upload_through_xet(ctx, lfs)
        except xet.XetUnavailable:
            pass  # a Hub without Xet: classic LFS below
        else:
            return results
    ready: dict[str, Addition] = {}
    deferred: list[Addition] = []
    for a in lfs:
        if a.sha256 is None:
            deferred.append(a)
        else:
            ready.setdefault(a.sha256, a)
    specs = [LfsObjectSpec(oid=oid, size=a.size) for oid, a in ready.items()]
    answers = await _request_batches(ctx, specs) if specs else []
    to_send: list[tuple[Addition, LfsBatchObject]] = []
    for obj in answers:
        addition = ready.get(obj.oid)
        if addition is not None and obj.actions is not None and obj.actions.upload is not None:
            to_send.append((addition, obj))
    planned_bytes = sum(a.size for a, _ in to_send) + sum(a.size for a in deferred)
    ctx.reporter.phase(
        Phase.UPLOADING, files=len(to_send) + len(deferred), total_bytes=planned_bytes
    )
    ctx.reporter.expect(len(to_send) + len(deferred), planned_bytes)
    sending = {id(a) for a, _ in to_send}
    already = [a for a in lfs if a.sha256 is not None and id(a) not in sending]
    ctx.reporter.expect_more(len(already), sum(a.size for a in already))
    ctx.reporter.totals()

    sent: set[str] = set()
    settled: dict[str, anyio.Event] = {}  # oid -> set once that object is stored
    files = anyio.Semaphore(ctx.options.max_concurrent_files)
    hashing = anyio.Semaphore(max(1, ctx.options.hash_workers))
    for _, obj in to_send:
        settled[obj.oid] = anyio.Event()

    async def transfer(addition: Addition, obj: LfsBatchObject) -> None:
        try:
            async with files:
                await _upload_object(ctx, addition, obj)
            sent.add(obj.oid)
        finally:
            settled[obj.oid].set()

    async def pipeline(addition: Addition) -> None:
        async with hashing:
            await hash_one(ctx, addition, True, False)
        oid = addition.sha256
        assert oid is not None
        if oid in settled or oid in ready:  # the same content is (being) handled elsewhere
            if oid in settled:
                await settled[oid].wait()
            _skipped(ctx, addition)
            return
        settled[oid] = anyio.Event()
        try:
            [obj] = await _request_batches(ctx, [LfsObjectSpec(oid=oid, size=addition.size)])
            if obj.actions is not None and obj.actions.upload is not None:
                async with files:
                    await _upload_object(ctx, addition, obj)
                sent.add(oid)
            else:
                _skipped(ctx, addition)
        finally:
            settled[oid].set()

    for a in already:  # stored already (or the same content at another path): not sent
        ctx.reporter.skipped(a.path, a.size)
    jobs = [partial(transfer, addition, obj) for addition, obj in to_send]
    jobs += [partial(pipeline, addition) for addition in deferred]
    await run_concurrently(jobs)
    return [(a, a.sha256 in sent) for a in lfs]


def _skipped(ctx: UploadContext, addition: Addition) -> None:
    """A deferred file turned out to be stored already: a file done, its bytes skipped."""
    ctx.reporter.skipped(addition.path, addition.size)
