"""A file of the source Hub as upload content: ranged GETs streamed into destination PUTs.

:class:`RemoteLfsFile` is an :class:`~hubclient.upload._source.AsyncRangeSource`: the upload
engine asks it for ``(offset, length)`` once per PUT attempt (a whole object for a basic
upload, one part for a multipart upload) and sends the chunks as they arrive, so nothing is
staged on disk and a retried part simply opens its range again.

* The byte ranges are fetched by the download engine (:class:`~hubclient.download._transfer.
  Transfer`): the source's resolve URL (pinned to a commit) is asked once per object
  (``HEAD``); the storage location it redirects to is reused by every part and renewed if the
  presigned URL expires (401/403/410). The source client's token goes to the source Hub
  only: :class:`~hubclient._http.HubHttp` never sends it to another origin, and the
  destination's client never sees it.
* A body cut mid-stream is resumed with ``Range`` from the last byte received (checked:
  ``206`` and the right ``Content-Range``), a few times, before giving up.
* Sizes are checked; a whole-object read (a basic PUT) is hashed on the fly and the last
  chunk is held back until the sha256 matches, so a wrong object never completes its PUT.
  Multipart objects are checked by the destination when it assembles them (the Hub's
  completion and LFS verify calls, which check the sha256 / size of the stored object).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import aclosing

import anyio
import anyio.to_thread

from hubclient._http import HubHttp
from hubclient.download._options import DownloadIntegrityError, DownloadOptions
from hubclient.download._transfer import Location, Source, Transfer, _RangesUnsupported
from hubclient.upload._source import AsyncRangeSource, _PathReader

__all__ = ["CachedLfsFile", "RemoteLfsFile"]

_INLINE_HASH = 256 * 1024


class RemoteLfsFile(AsyncRangeSource):
    """One LFS object of the source repo, read by byte ranges from the source Hub.

    The ranged GETs are the download engine's (:meth:`Transfer.stream_range`): the same
    checks of every answer, resumption of a cut stream, renewal of an expired location.

    Args:
        http: the source Hub's client.
        resolve_url: the file's resolve URL at the source commit.
        size: its size; sha256: its LFS oid (checked on whole-object reads).
        chunk_size: bytes per chunk handed to the PUT body.
        resume_attempts: reconnections in a row that may bring no new byte.

    Example::

        source = RemoteLfsFile(src_http, resolve_path("model", "acme/m", "w.bin", sha), n, oid)
        async for chunk in source.aiter_range(0, n):
            ...
    """

    def __init__(
        self,
        http: HubHttp,
        resolve_url: str,
        size: int,
        sha256: str | None,
        *,
        chunk_size: int = 1024 * 1024,
        resume_attempts: int = 5,
    ) -> None:
        self._transfer = Transfer(http, DownloadOptions(resume_attempts=resume_attempts))
        self._source = Source(url=resolve_url)
        self._where: Location | None = None
        self._lock = anyio.Lock()
        self.size = size
        self.sha256 = sha256
        self.description = f"source file {resolve_url}"
        self._chunk_size = chunk_size

    async def _location(self) -> Location:
        """The storage location of the object: one ``HEAD`` on the source Hub, shared by
        every part (renewed by the transfer when it expires)."""
        async with self._lock:
            if self._where is None:
                self._where = Location(await self._transfer.locate(self._source))
            return self._where

    async def aiter_range(self, offset: int, length: int) -> AsyncIterator[bytes]:
        end = offset + length
        if offset < 0 or length < 0 or end > self.size:
            raise ValueError(f"range {offset}+{length} is outside {self.description}")
        hasher = hashlib.sha256() if offset == 0 and end == self.size and self.sha256 else None
        pos = offset
        chunks = self._transfer.stream_range(
            self._source,
            await self._location(),
            offset,
            end,
            self.size,
            whole_ok=True,
            chunk_size=self._chunk_size,
        )
        try:
            async with aclosing(chunks):
                async for chunk in chunks:
                    pos += len(chunk)
                    if hasher is not None:
                        if len(chunk) >= _INLINE_HASH:
                            await anyio.to_thread.run_sync(hasher.update, chunk)
                        else:
                            hasher.update(chunk)
                        if pos == end and hasher.hexdigest() != self.sha256:
                            raise DownloadIntegrityError(
                                f"{self.description}: sha256 {hasher.hexdigest()} is not "
                                f"the expected {self.sha256}; the upload was aborted"
                            )
                    yield chunk
        except _RangesUnsupported:
            raise DownloadIntegrityError(f"{self.description}: the server ignored Range") from None


class CachedLfsFile(AsyncRangeSource):
    """One LFS object of the source repo, staged in the source client's cache first
    (``MirrorOptions(via_cache=True)``): downloaded once by the download engine (verified,
    resumable, shared with later ``hf_hub_download`` calls), then read from disk by range.

    The download starts only when the upload engine first asks for bytes, so objects the
    destination already stores are never downloaded.
    """

    def __init__(
        self,
        http: HubHttp,
        repo_id: str,
        repo_type: str,
        path: str,
        commit: str,
        size: int,
        *,
        chunk_size: int = 1024 * 1024,
    ) -> None:
        self._http = http
        self._repo_id = repo_id
        self._repo_type = repo_type
        self._path = path
        self._commit = commit
        self.size = size
        self.description = f"cached file {repo_id}/{path}@{commit[:12]}"
        self._chunk_size = chunk_size
        self._local: str | None = None
        self._lock = anyio.Lock()

    async def local_path(self) -> str:
        """The file in the cache, downloaded on first use."""
        from hubclient.download import hf_hub_download

        async with self._lock:
            if self._local is None:
                result = await hf_hub_download(
                    self._http,
                    self._repo_id,
                    self._path,
                    repo_type=self._repo_type,
                    revision=self._commit,
                )
                assert isinstance(result, str)
                self._local = result
            return self._local

    async def aiter_range(self, offset: int, length: int) -> AsyncIterator[bytes]:
        path = await self.local_path()
        reader = await anyio.to_thread.run_sync(_PathReader, path)
        try:
            done = 0
            while done < length:
                n = min(self._chunk_size, length - done)
                data = await anyio.to_thread.run_sync(reader.read_at, offset + done, n)
                if len(data) != n:
                    raise DownloadIntegrityError(f"{self.description} is shorter than expected")
                done += n
                yield data
        finally:
            reader.close()
