"""Moving the bytes of one file from a URL to memory or to a temp file, verified.

* one ``GET`` per file (or per byte range), redirects to storage followed without the token
  (``HubHttp.stream(follow_redirects="any")`` drops ``Authorization`` off the Hub origin);
* a broken body is resumed with ``Range: bytes=<received>-`` once the answer is checked
  (``206``, ``Content-Range`` start and total, a hash-like ``ETag`` equal to the expected
  one); a ``200`` to a ranged request restarts the file from zero;
* rounds are bounded by *net* progress: a round counts as progress only when it gets past
  the furthest byte any earlier round reached, so a server that ignores ``Range`` and cuts
  every body short fails after ``resume_attempts`` rounds instead of restarting forever;
* the network never waits for the disk by more than ``buffer_chunks`` chunks: a writer task
  writes and hashes in a worker thread while the next chunks arrive;
* large files: parallel byte ranges written at their offsets into one preallocated file, the
  complete prefix hashed while the rest arrives and recorded in a ``.parts`` side file so an
  interrupted run resumes after it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio
import anyio.to_thread
import httpx
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from hubclient import xet
from hubclient._answers import network_error, redact_url
from hubclient._http import HubHttp
from hubclient._urls import origin_of
from hubclient.cache import clear_progress, normalize_etag, write_progress
from hubclient.download._disk import disk_errors
from hubclient.download._groups import unwrap_groups
from hubclient.download._hashing import Expected, Hasher, file_mismatch
from hubclient.download._options import DownloadIntegrityError, DownloadOptions
from hubclient.download._pace import Pace
from hubclient.download._pieces import Pieces, pwrite_all
from hubclient.download._ramp import Ramp
from hubclient.errors import HfHubHTTPError

__all__ = ["Location", "Source", "Transfer"]

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d{1,20})-(\d{1,20})/(\d{1,20}|\*)\s*$")
_HASH_LIKE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HASH_READ = 2**20  # bytes per read of the file's complete prefix, hashed behind the parts
OnBytes = Callable[[int], None]
logger = logging.getLogger("hubclient")


def _check_file(path: Path, expected: Expected) -> str | None:
    """(blocking) Why the file at ``path`` is not the expected content, or None."""
    if expected.size is not None and path.stat().st_size != expected.size:
        return f"{path.stat().st_size} bytes, expected {expected.size}"
    hasher = Hasher(expected)
    if hasher.active:
        with path.open("rb") as f:
            while chunk := f.read(4 * 1024 * 1024):
                hasher.update(chunk)
    return hasher.mismatch()


@dataclass(frozen=True, slots=True)
class Source:
    """Where to GET a file: a URL (absolute, or relative to the endpoint) and the token to use
    on the Hub origin (never sent elsewhere)."""

    url: str
    token: str | bool | None = None
    etag: str | None = None
    """The expected etag (blob name): a resumed answer carrying another hash-like ETag is
    refused."""
    xet_hash: str | None = None
    """The Xet file id when the Hub stores the file in Xet (then hf_xet may fetch it)."""
    xet_token_url: str | None = None
    """The Hub URL of its Xet read token (the file's ``xet-auth`` link)."""
    located: str | None = None
    """A storage URL already received for this content (the redirect the metadata request got):
    the first GET goes straight there, one round trip fewer. Any failure of it (an expired URL,
    a broken stream) goes back to ``url``, which resolves afresh."""

    latency: float | None = None
    """Seconds the metadata request took (a bound on the round trip to the Hub), if known."""

    def first_url(self, attempt: int) -> str:
        return self.located if (self.located and attempt == 0) else self.url


class _Restart:
    """Writer instruction: the server ignored our Range, start the file over."""


_RESTART = _Restart()


class _RangesUnsupported(Exception):
    pass


def _parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    if not value:
        return None
    m = _CONTENT_RANGE.match(value)
    if m is None:
        return None
    total = None if m.group(3) == "*" else int(m.group(3))
    return int(m.group(1)), int(m.group(2)), total


def _etag_conflict(response: httpx.Response, expected: str | None) -> bool:
    """True when the answer names a content hash and it is not the one we resume."""
    if not expected:
        return False
    seen = [normalize_etag(response.headers.get(name)) or "" for name in ("x-linked-etag", "etag")]
    hashes = [v for v in seen if _HASH_LIKE.fullmatch(v)]
    return bool(hashes) and expected not in hashes


def _declared_size(response: httpx.Response) -> int | None:
    if response.headers.get("content-encoding", "identity") != "identity":
        return None
    value = response.headers.get("content-length")
    return int(value) if value and value.isdigit() and len(value) <= 20 else None


class Transfer:
    """The transfer engine of one download call: options, a connection limiter, timeouts."""

    def __init__(
        self,
        http: HubHttp,
        options: DownloadOptions,
        *,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> None:
        self.http = http
        self.options = options
        self.limiter = limiter or anyio.CapacityLimiter(options.max_connections)
        self.pace: Pace | None = None
        """Told how long each small file took (a snapshot sizes its files in flight by it)."""
        self.latency: float | None = None
        """The quickest time to an answer's headers seen by this engine (about a round trip),
        for files whose :class:`Source` brings no latency of its own."""
        s = http.settings
        self.timeout = httpx.Timeout(s.download_timeout, connect=s.connect_timeout, pool=None)
        self.etag_timeout = httpx.Timeout(s.etag_timeout, connect=s.connect_timeout, pool=None)

    # ------------------------------------------------------------------ helpers

    def _observe(self, started: float) -> None:
        if self.pace is not None:
            self.pace.observe(anyio.current_time() - started)

    def _saw_headers(self, asked: float) -> None:
        took = anyio.current_time() - asked
        if self.latency is None or took < self.latency:
            self.latency = took

    async def _pause(self, attempt: int) -> None:
        await anyio.sleep(min(2.0, 0.1 * (2 ** max(0, attempt - 1))))

    def _check_resumed(self, response: httpx.Response, start: int, size: int | None) -> bool:
        """A ranged answer we may append to the bytes we have."""
        if response.status_code != 206:
            return False
        parsed = _parse_content_range(response.headers.get("content-range"))
        if parsed is None or parsed[0] != start:
            return False
        return not (size is not None and parsed[2] is not None and parsed[2] != size)

    # ------------------------------------------------------------------ small files

    async def fetch_bytes(self, source: Source, expected: Expected, on_bytes: OnBytes) -> bytes:
        """The whole body in memory (small files), resumed on broken streams, size-checked.

        The caller checks the hash (in a worker thread, with the write)."""
        buf = bytearray()
        if expected.size == 0:
            return b""
        started = anyio.current_time()
        failures = 0
        attempt = -1
        best = 0  # the furthest any round got: only going past it is progress
        while True:
            attempt += 1
            if expected.size is not None and len(buf) >= expected.size:
                self._observe(started)
                return bytes(buf)  # complete, even if the connection broke after the last byte
            start = len(buf)
            headers = {"accept-encoding": "identity"}
            if start:
                headers["range"] = f"bytes={start}-"
            url = source.first_url(attempt)
            slot = _Slot(self.limiter)
            try:
                async with (
                    slot,
                    self.http.stream(
                        "GET",
                        url,
                        headers=headers,
                        token=source.token,
                        follow_redirects="any",
                        timeout=self.timeout,
                    ) as response,
                ):
                    started = slot.at if attempt == 0 else started
                    self._saw_headers(slot.at)
                    if start:
                        conflict = _etag_conflict(response, source.etag)
                        if response.status_code == 200 and not conflict:
                            on_bytes(-len(buf))  # Range ignored: this is the whole file
                            buf.clear()
                            start = 0
                        elif conflict or not self._check_resumed(response, start, expected.size):
                            on_bytes(-len(buf))  # cannot trust what we have: start over
                            buf.clear()
                            continue
                    elif not start:
                        self._check_full_answer(response, expected)
                    async for chunk in response.aiter_bytes():
                        if expected.size is not None and len(buf) + len(chunk) > expected.size:
                            raise DownloadIntegrityError(
                                f"{source.url}: received more than the expected "
                                f"{expected.size} bytes"
                            )
                        buf += chunk
                        on_bytes(len(chunk))
            except HfHubHTTPError:
                if url == source.url:
                    raise
                continue  # the URL handed over failed (expired?): resolve afresh
            except httpx.TransportError as exc:
                failures = 0 if len(buf) > best else failures + 1
                best = max(best, len(buf))
                if failures > self.options.resume_attempts:
                    raise network_error(exc, method="GET", url=source.url) from exc
                await self._pause(failures)
                continue
            if expected.size is None or len(buf) == expected.size:
                self._observe(started)
                return bytes(buf)
            failures = 0 if len(buf) > best else failures + 1
            best = max(best, len(buf))
            if failures > self.options.resume_attempts:
                raise DownloadIntegrityError(
                    f"{source.url}: got {len(buf)} bytes, expected {expected.size}"
                )

    def _check_full_answer(self, response: httpx.Response, expected: Expected) -> None:
        if response.status_code != 200:
            raise HfHubHTTPError(
                f"Unexpected status {response.status_code} for GET {redact_url(str(response.url))}",
                status_code=response.status_code,
                url=redact_url(str(response.url)),
            )
        declared = _declared_size(response)
        if expected.size is not None and declared is not None and declared != expected.size:
            raise DownloadIntegrityError(
                f"{redact_url(str(response.url))}: the server announces {declared} bytes, expected "
                f"{expected.size} (the file changed, or the listing is stale)"
            )

    # ------------------------------------------------------------------ to a file

    async def fetch_to_file(
        self,
        source: Source,
        tmp: Path,
        *,
        offset: int,
        expected: Expected,
        on_bytes: OnBytes,
    ) -> None:
        """Fill ``tmp`` (holding ``offset`` valid bytes already) with the file, verified.

        On success ``tmp`` holds exactly the file. On failure or cancellation ``tmp`` holds a
        valid prefix (resumable), or is absent. Raises :class:`DownloadIntegrityError` when the
        content does not match (``tmp`` is then deleted).
        """
        size = expected.size
        with disk_errors(tmp):
            if offset == 0 and await self._through_xet(source, tmp, expected, on_bytes):
                return
            plan = self._ranges_plan(source, size, offset)
            if plan is not None:
                try:
                    await self._parallel(
                        source, tmp, offset=offset, expected=expected, on_bytes=on_bytes, plan=plan
                    )
                    return
                except _RangesUnsupported:
                    offset = 0
            await self._sequential(source, tmp, offset=offset, expected=expected, on_bytes=on_bytes)

    async def _through_xet(
        self, source: Source, tmp: Path, expected: Expected, on_bytes: OnBytes
    ) -> bool:
        """Fetch a Xet file with hf_xet (when usable) and check it; False: use HTTP instead."""
        if source.xet_hash is None or source.xet_token_url is None or not xet.usable(self.http):
            return False
        from hubclient.xet._download import download_to_file

        counted = 0

        def count(n: int) -> None:
            nonlocal counted
            counted += n
            on_bytes(n)

        try:
            await download_to_file(
                self.http,
                xet_hash=source.xet_hash,
                token_url=source.xet_token_url,
                token=source.token,
                size=expected.size,
                dest=tmp,
                on_bytes=count,
            )
        except xet.XetUnavailable:
            return False
        except anyio.get_cancelled_exc_class():
            raise
        except Exception as exc:  # hf_xet failed: the classic path has its own retries
            logger.warning("Xet download of %s failed (%s); falling back to HTTP", source.url, exc)
            with contextlib.suppress(OSError):
                await anyio.to_thread.run_sync(tmp.unlink, True)
            on_bytes(-counted)
            return False
        problem = await anyio.to_thread.run_sync(_check_file, tmp, expected)
        if problem is not None:
            with contextlib.suppress(OSError):
                await anyio.to_thread.run_sync(tmp.unlink, True)
            raise DownloadIntegrityError(f"{source.url}: content check failed: {problem}")
        return True

    async def _sequential(
        self, source: Source, tmp: Path, *, offset: int, expected: Expected, on_bytes: OnBytes
    ) -> None:
        hasher = Hasher(expected if self.options.verify else Expected(expected.size))
        f: BinaryIO = await anyio.to_thread.run_sync(open, tmp, "r+b" if offset else "wb")
        try:
            send, recv = anyio.create_memory_object_stream[list[bytes] | _Restart](
                self.options.buffer_chunks
            )
            with unwrap_groups():
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._writer, recv, f, hasher, offset)
                    async with send:
                        await self._produce(source, send, offset, expected, on_bytes)
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(f.close)
        problem = hasher.mismatch()
        if problem is None and self.options.verify and expected.deferred:
            problem = await anyio.to_thread.run_sync(file_mismatch, tmp, expected)
        if problem is not None:
            await anyio.to_thread.run_sync(_unlink, tmp)
            raise DownloadIntegrityError(f"{source.url}: content check failed: {problem}")

    async def _writer(
        self,
        recv: MemoryObjectReceiveStream[list[bytes] | _Restart],
        f: BinaryIO,
        hasher: Hasher,
        offset: int,
    ) -> None:
        def prepare() -> None:
            if offset and hasher.active:
                f.seek(0)
                remaining = offset
                while remaining > 0:
                    block = f.read(min(8 * 2**20, remaining))
                    if not block:
                        break
                    hasher.update(block)
                    remaining -= len(block)
            f.seek(offset)
            f.truncate()

        def write(items: list[list[bytes] | _Restart]) -> None:
            for item in items:
                if isinstance(item, _Restart):
                    f.seek(0)
                    f.truncate()
                    hasher.reset()
                    continue
                for piece in item:
                    f.write(piece)
                    hasher.update(piece)
            f.flush()

        await anyio.to_thread.run_sync(prepare)
        async with recv:
            async for first in recv:
                items = [first]
                with contextlib.suppress(anyio.WouldBlock, anyio.EndOfStream):
                    while len(items) < 8:
                        items.append(recv.receive_nowait())
                await anyio.to_thread.run_sync(write, items)

    async def _produce(
        self,
        source: Source,
        send: MemoryObjectSendStream[list[bytes] | _Restart],
        offset: int,
        expected: Expected,
        on_bytes: OnBytes,
    ) -> None:
        pos = offset
        size = expected.size
        failures = 0
        best = offset  # the furthest any round got: only going past it is progress
        # Pieces are gathered here (not in httpx's chunker) so that bytes received before a
        # cut are written and resumed after, never fetched twice; as they came (no copy).
        pending = Pieces()

        async def flush() -> int:
            if not pending.size:
                return 0
            pieces, n = pending.take()
            await send.send(pieces)
            on_bytes(n)
            return n

        attempt = -1
        while size is None or pos < size:
            attempt += 1
            headers = {"accept-encoding": "identity"}
            if pos:
                headers["range"] = f"bytes={pos}-"
            url = source.first_url(attempt)
            try:
                async with (
                    self.limiter,
                    self.http.stream(
                        "GET",
                        url,
                        headers=headers,
                        token=source.token,
                        follow_redirects="any",
                        timeout=self.timeout,
                    ) as response,
                ):
                    if pos:
                        if response.status_code == 200 and not _etag_conflict(
                            response, source.etag
                        ):
                            await send.send(_RESTART)  # Range ignored: this is the whole file
                            on_bytes(-pos)
                            pos = 0
                        elif not self._check_resumed(response, pos, size) or _etag_conflict(
                            response, source.etag
                        ):
                            await send.send(_RESTART)
                            on_bytes(-pos)
                            pos = 0
                            continue
                    else:
                        self._check_full_answer(response, expected)
                    async for piece in response.aiter_bytes():
                        if size is not None and pos + pending.size + len(piece) > size:
                            raise DownloadIntegrityError(
                                f"{source.url}: received more than the expected {size} bytes"
                            )
                        pending.add(piece)
                        if pending.size >= self.options.chunk_size:
                            pos += await flush()
            except HfHubHTTPError:
                if url == source.url:
                    raise
                pos += await flush()
                continue  # the URL handed over failed (expired?): resolve afresh
            except httpx.TransportError as exc:
                pos += await flush()  # what arrived before the cut is good: keep it
                failures = 0 if pos > best else failures + 1
                best = max(best, pos)
                if failures > self.options.resume_attempts:
                    raise network_error(exc, method="GET", url=source.url) from exc
                await self._pause(failures)
                continue
            pos += await flush()
            if size is None:
                return
            if pos < size:
                failures = 0 if pos > best else failures + 1
                best = max(best, pos)
                if failures > self.options.resume_attempts:
                    raise DownloadIntegrityError(f"{source.url}: got {pos} bytes, expected {size}")

    # ------------------------------------------------------------------ parallel ranges

    async def locate(self, source: Source) -> str:
        """The URL the content is served from (one HEAD on the Hub; storage URLs as they are)."""
        url = self.http.url(source.url)
        if origin_of(url) != self.http.hub_origin:
            return url
        async with self.limiter:
            response = await self.http.request(
                "HEAD", url, token=source.token, follow_redirects=True, timeout=self.etag_timeout
            )
        location = response.headers.get("location")
        if response.status_code in _REDIRECTS and location:
            return str(response.url.join(location))
        return str(response.url)

    def _ranges_plan(self, source: Source, size: int | None, offset: int) -> _Plan | None:
        """How to fetch the rest of a file in parallel byte ranges, or None for one stream.

        A big file (``parallel_threshold``) in ``part_size`` ranges, starting with four in flight
        and growing while they pay (:class:`Ramp`). A file of a few windows from a far Hub (its
        metadata request took ``far_latency`` or more) in up to ``max_parts_per_file`` ranges of
        at least ``far_part_size``, all at once: one fresh connection moves about a window per
        round trip, so the ranges save round trips where one stream would wait for them.
        """
        opts = self.options
        if size is None:
            return None
        rest = size - offset
        if rest >= opts.parallel_threshold:
            return _Plan(opts.part_size, min(4, opts.max_parts_per_file))
        latency = source.latency if source.latency is not None else self.latency
        if latency is None or latency < opts.far_latency or rest < 2 * opts.far_part_size:
            return None
        part = max(opts.far_part_size, -(-rest // opts.max_parts_per_file))
        return _Plan(part, opts.max_parts_per_file)

    async def _parallel(
        self,
        source: Source,
        tmp: Path,
        *,
        offset: int,
        expected: Expected,
        on_bytes: OnBytes,
        plan: _Plan,
    ) -> None:
        size = expected.size
        assert size is not None
        opts = self.options
        where = Location(source.located or await self.locate(source))
        hasher = Hasher(expected if opts.verify else Expected(size))

        def prepare() -> int:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT, 0o644)
            write_progress(tmp, offset)
            os.ftruncate(fd, size)
            return fd

        fd = await anyio.to_thread.run_sync(prepare)
        part_size = plan.part_size
        starts = list(range(offset, size, part_size))
        done: set[int] = set()
        state = {"contiguous": offset, "started": 0}
        advanced = anyio.Event()
        ramp = Ramp(
            start=plan.start,
            ceiling=opts.max_parts_per_file,
            waiting=lambda: len(starts) - state["started"],
        )
        finished = False

        def counted(n: int) -> None:
            ramp.count(n)
            on_bytes(n)

        async def part(start: int) -> None:
            end = min(size, start + part_size)
            async with ramp.limiter:
                state["started"] += 1
                await self._fetch_range(source, where, fd, start, end, size, counted)
            done.add(start)
            moved = False
            while state["contiguous"] < size and state["contiguous"] in done:
                state["contiguous"] = min(size, state["contiguous"] + part_size)
                moved = True
            if moved:
                nonlocal advanced
                await anyio.to_thread.run_sync(write_progress, tmp, state["contiguous"])
                event, advanced = advanced, anyio.Event()
                event.set()

        async def hash_prefix() -> None:
            hashed = 0
            buffer = bytearray(_HASH_READ)  # one buffer for the whole file: no fresh pages
            view = memoryview(buffer)

            def feed(a: int, b: int) -> None:
                while a < b:
                    n = os.preadv(fd, [view[: min(_HASH_READ, b - a)]], a)
                    if not n:
                        raise DownloadIntegrityError(f"{tmp}: short read while hashing")
                    hasher.update(view[:n])
                    a += n

            while hashed < size:
                target = state["contiguous"]
                if target > hashed:
                    await anyio.to_thread.run_sync(feed, hashed, target)
                    hashed = target
                else:
                    await advanced.wait()

        try:
            with unwrap_groups():
                async with anyio.create_task_group() as tg:
                    if hasher.active:
                        tg.start_soon(hash_prefix)
                    sizing = anyio.CancelScope()
                    tg.start_soon(_within, sizing, ramp.run)
                    async with anyio.create_task_group() as parts:
                        for start in starts:
                            parts.start_soon(part, start)
                    sizing.cancel()  # the ranges are done: nothing left to size
            finished = True
            logger.debug("%s: ranges in flight and bytes/s: %s", redact_url(where.url), ramp.rates)
        finally:
            with anyio.CancelScope(shield=True):
                keep = state["contiguous"]

                def close() -> None:
                    os.close(fd)
                    if not finished:
                        # leave a plain prefix: resumable by anyone, with or without the side file
                        with contextlib.suppress(OSError):
                            os.truncate(tmp, keep)
                    clear_progress(tmp)

                await anyio.to_thread.run_sync(close)
        problem = hasher.mismatch()
        if problem is not None:
            await anyio.to_thread.run_sync(_unlink, tmp)
            raise DownloadIntegrityError(f"{source.url}: content check failed: {problem}")

    async def _fetch_range(
        self,
        source: Source,
        where: Location,
        fd: int,
        start: int,
        end: int,
        size: int,
        on_bytes: OnBytes,
    ) -> None:
        pos = start
        pending = Pieces()

        async def flush(at: int) -> int:
            if not pending.size:
                return 0
            pieces, n = pending.take()
            await anyio.to_thread.run_sync(pwrite_all, fd, pieces, at)
            on_bytes(n)
            return n

        try:
            async with contextlib.aclosing(
                self.stream_range(source, where, start, end, size)
            ) as pieces:
                async for piece in pieces:
                    pending.add(piece)
                    if pending.size >= self.options.chunk_size:
                        pos += await flush(pos)
        except httpx.TransportError:
            await flush(pos)  # keep what arrived before the cut
            raise
        await flush(pos)

    async def stream_range(
        self,
        source: Source,
        where: Location,
        start: int,
        end: int,
        size: int | None,
        *,
        whole_ok: bool = False,
        chunk_size: int | None = None,
    ) -> AsyncGenerator[bytes, None]:
        """The bytes ``[start, end)`` of ``source``, by ranged GETs of ``where.url``.

        Each answer must be a ``206`` with the right ``Content-Range`` (and the expected ETag);
        a ``200`` raises ``_RangesUnsupported``, unless ``whole_ok`` and the rest of the file
        was asked for. A cut answer is resumed from the last byte received and a short one
        asked again (``resume_attempts`` times in a row without progress); an expired
        presigned location (401/403/410) is renewed through :meth:`locate`, at most 3 times.
        """
        pos = start
        failures = 0
        relocated = 0
        while pos < end:
            begin = pos
            url = where.url
            try:
                async with (
                    self.limiter,
                    self.http.stream(
                        "GET",
                        url,
                        headers={"accept-encoding": "identity", "range": f"bytes={pos}-{end - 1}"},
                        token=source.token,
                        follow_redirects="any",
                        timeout=self.timeout,
                    ) as response,
                ):
                    if response.status_code == 200:
                        if not (whole_ok and pos == 0 and end == size):
                            raise _RangesUnsupported()
                    elif not self._check_resumed(response, pos, size) or _etag_conflict(
                        response, source.etag
                    ):
                        raise DownloadIntegrityError(
                            f"{redact_url(url)}: bad answer to a byte-range request "
                            f"({response.status_code}, {response.headers.get('content-range')})"
                        )
                    async for piece in response.aiter_bytes(chunk_size):
                        if pos + len(piece) > end:
                            raise DownloadIntegrityError(
                                f"{redact_url(url)}: range answer too long"
                            )
                        pos += len(piece)
                        yield piece
            except HfHubHTTPError as err:
                # A presigned URL that expired during a long transfer: ask the Hub for a new one.
                if err.status_code not in (401, 403, 410) or relocated >= 3:
                    raise
                relocated += 1
                await where.refresh(url, lambda: self.locate(source))
                continue
            except httpx.TransportError as exc:
                failures = 0 if pos > begin else failures + 1
                if failures > self.options.resume_attempts:
                    raise network_error(exc, method="GET", url=url) from exc
                await self._pause(failures)
                continue
            if pos < end:
                failures = 0 if pos > begin else failures + 1
                if failures > self.options.resume_attempts:
                    raise DownloadIntegrityError(f"{redact_url(url)}: short range answer")


class _Slot:
    """A connection slot of the limiter that remembers when it was granted."""

    def __init__(self, limiter: anyio.CapacityLimiter) -> None:
        self._limiter = limiter
        self.at = 0.0

    async def __aenter__(self) -> None:
        await self._limiter.__aenter__()
        self.at = anyio.current_time()

    async def __aexit__(self, *exc: object) -> None:
        await self._limiter.__aexit__(*exc)  # type: ignore[arg-type]


class Location:
    """The storage URL the parts of one file are fetched from, renewed once when it expires
    (however many parts notice it at the same time)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = anyio.Lock()

    async def refresh(self, stale: str, locate: Callable[[], Awaitable[str]]) -> None:
        async with self._lock:
            if self.url == stale:
                self.url = await locate()


@dataclass(frozen=True, slots=True)
class _Plan:
    """Parallel ranges of one file: their size, and how many are in flight at first."""

    part_size: int
    start: int


async def _within(scope: anyio.CancelScope, run: Callable[[], Awaitable[None]]) -> None:
    with scope:
        await run()


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
