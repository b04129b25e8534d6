"""Random access to one repo file: ``seek``/``read(n)``/``read_range`` by ranged GETs.

The file is resolved once (a ``HEAD`` on its resolve URL: commit, etag, size, and for LFS files
the storage location); every read is then a ranged ``GET`` of that location, through the
download engine's :meth:`Transfer.stream_range` (answers checked, cut answers resumed, an
expired presigned location renewed). Reads at the current position are served from a
read-ahead buffer, so many small sequential reads cost one request per ``block_size``.
The revision is pinned to the commit of the first ``HEAD``: a branch that moves meanwhile does
not change the bytes under the reader.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio

from hubclient import _urls
from hubclient._http import HubHttp
from hubclient.download._file import get_file_metadata
from hubclient.download._groups import unwrap_groups
from hubclient.download._options import DownloadIntegrityError, DownloadOptions
from hubclient.download._transfer import Location, Source, Transfer, _RangesUnsupported
from hubclient.errors import FileMetadataError

__all__ = ["SeekableRemoteFile", "open_seekable"]

DEFAULT_BLOCK_SIZE = 2**20
_RANGES_AT_ONCE = 8
_MAX_WITHOUT_RANGES = 64 * 2**20


@dataclass
class SeekableRemoteFile:
    """A repo file opened for random access (from :meth:`AsyncHubClient.open_seekable`).

    ``size``, ``etag`` (sha256 for LFS files, git blob id otherwise) and ``commit_hash`` come
    from one metadata request; ``read``/``seek``/``tell`` work as on a local binary file,
    ``read_range(start, end)`` reads ``[start, end)`` without moving the position, and
    ``read_ranges`` reads several ranges concurrently. Reads past the end return what is
    there (``b""`` at the end). One reader serves one task at a time.
    """

    repo_id: str
    filename: str
    commit_hash: str
    etag: str
    size: int
    lfs: bool
    _transfer: Transfer = field(repr=False)
    _source: Source = field(repr=False)
    _where: Location = field(repr=False)
    _block_size: int = field(repr=False, default=DEFAULT_BLOCK_SIZE)
    _pos: int = field(repr=False, default=0)
    _buffer_start: int = field(repr=False, default=0)
    _buffer: bytes = field(repr=False, default=b"")
    _closed: bool = field(repr=False, default=False)

    def tell(self) -> int:
        """The current position."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move the position (``whence``: ``SEEK_SET``, ``SEEK_CUR``, ``SEEK_END``); no I/O."""
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self.size + offset
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._pos = target
        return target

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._closed

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes from the position (all the rest with ``n < 0``), read ahead by
        ``block_size``."""
        self._check_open()
        end = self.size if n < 0 else min(self.size, self._pos + n)
        if end <= self._pos:
            return b""
        start = self._pos
        buffered_end = self._buffer_start + len(self._buffer)
        if not (self._buffer_start <= start and end <= buffered_end):
            fetch_end = min(self.size, max(end, start + self._block_size))
            self._buffer = await self._fetch(start, fetch_end)
            self._buffer_start = start
        offset = start - self._buffer_start
        data = self._buffer[offset : offset + (end - start)]
        self._pos = start + len(data)
        return data

    async def read_range(self, start: int, end: int) -> bytes:
        """The bytes ``[start, end)`` (clipped to the file); the position does not move."""
        self._check_open()
        if start < 0 or end < start:
            raise ValueError(f"invalid range [{start}, {end})")
        end = min(end, self.size)
        if end <= start:
            return b""
        buffered_end = self._buffer_start + len(self._buffer)
        if self._buffer_start <= start and end <= buffered_end:
            offset = start - self._buffer_start
            return self._buffer[offset : offset + (end - start)]
        return await self._fetch(start, end)

    async def read_ranges(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        """Several ``[start, end)`` ranges, fetched concurrently, in the order given."""
        self._check_open()
        out: list[bytes] = [b""] * len(ranges)
        limiter = anyio.CapacityLimiter(_RANGES_AT_ONCE)

        async def one(index: int, start: int, end: int) -> None:
            async with limiter:
                out[index] = await self.read_range(start, end)

        with unwrap_groups():
            async with anyio.create_task_group() as tg:
                for index, (start, end) in enumerate(ranges):
                    tg.start_soon(one, index, start, end)
        return out

    async def aclose(self) -> None:
        """Drop the buffer; later reads raise ``ValueError``."""
        self._closed = True
        self._buffer = b""

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on a closed SeekableRemoteFile")

    async def _fetch(self, start: int, end: int) -> bytes:
        try:
            pieces = [
                piece
                async for piece in self._transfer.stream_range(
                    self._source, self._where, start, end, self.size, whole_ok=True
                )
            ]
            return b"".join(pieces)
        except _RangesUnsupported:
            return await self._fetch_without_ranges(start, end)

    async def _fetch_without_ranges(self, start: int, end: int) -> bytes:
        """A server that ignores ``Range``: read the body up to ``end`` (bounded), keep the
        slice."""
        if end > _MAX_WITHOUT_RANGES:
            raise DownloadIntegrityError(
                f"{self._where.url}: the server ignores byte ranges; reading up to byte {end} "
                f"would mean receiving over {_MAX_WITHOUT_RANGES} bytes"
            )
        http = self._transfer.http
        got = bytearray()
        async with http.stream(
            "GET",
            self._where.url,
            headers={"accept-encoding": "identity"},
            token=self._source.token,
            follow_redirects="any",
        ) as response:
            async for chunk in response.aiter_raw():
                got += chunk[: end - len(got)]
                if len(got) >= end:
                    break
        if len(got) < end:
            raise DownloadIntegrityError(f"{self._where.url}: short answer ({len(got)} < {end})")
        return bytes(got[start:end])


@asynccontextmanager
async def open_seekable(
    http: HubHttp,
    repo_id: str,
    filename: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    options: DownloadOptions | None = None,
) -> AsyncIterator[SeekableRemoteFile]:
    """Resolve ``filename`` once and yield a :class:`SeekableRemoteFile` over it."""
    if block_size < 1:
        raise ValueError("block_size must be >= 1")
    url = _urls.resolve_path(repo_type, repo_id, filename, revision)
    meta = await get_file_metadata(http, url, token=token)
    if meta.size is None:
        raise FileMetadataError(f"{url}: the Hub sent no size for this file")
    pinned = _urls.resolve_path(repo_type, repo_id, filename, meta.commit_hash)
    source = Source(pinned, token=token, etag=meta.etag)
    transfer = Transfer(http, options or DownloadOptions())
    where = Location(meta.location if meta.lfs else http.url(pinned))
    reader = SeekableRemoteFile(
        repo_id=repo_id,
        filename=filename,
        commit_hash=meta.commit_hash,
        etag=meta.etag,
        size=meta.size,
        lfs=meta.lfs,
        _transfer=transfer,
        _source=source,
        _where=where,
        _block_size=block_size,
    )
    try:
        yield reader
    finally:
        await reader.aclose()
