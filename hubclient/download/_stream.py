"""Reading one repo file as a stream of bytes, touching no disk (for web services)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field

import anyio
import anyio.to_thread
import httpx

from hubclient._answers import network_error, redact_url
from hubclient._http import HubHttp
from hubclient._urls import normalize_repo_type, resolve_path, validate_repo_id
from hubclient.cache import normalize_etag, validate_relative_filename
from hubclient.download._hashing import Expected, Hasher
from hubclient.download._options import DownloadIntegrityError
from hubclient.download._transfer import _etag_conflict, _parse_content_range
from hubclient.errors import FileMetadataError

__all__ = ["RemoteFile", "iter_file", "open_file"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_INLINE_HASH = 256 * 1024


@dataclass
class RemoteFile:
    """An open repo file: its metadata, and its bytes as an async iterator.

    Broken streams are resumed with ``Range`` (checked like a download); the size, and the
    sha256 of LFS files, are verified when the last byte has been read (``verify=True``):
    a mismatch raises :class:`DownloadIntegrityError` from the iterator, after the bytes
    were handed out, so a service should not commit to them before the end.
    """

    commit_hash: str | None
    etag: str | None
    size: int | None
    url: str
    _http: HubHttp = field(repr=False)
    _response: httpx.Response | None = field(repr=False)
    _stack: contextlib.AsyncExitStack = field(repr=False)
    _token: str | bool | None = field(repr=False, default=None)
    _verify: bool = field(repr=False, default=True)
    _lfs: bool = field(repr=False, default=False)
    _chunk_size: int = field(repr=False, default=2**20)
    _resume_attempts: int = field(repr=False, default=5)
    _consumed: bool = field(repr=False, default=False)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.aiter_bytes()

    async def read(self) -> bytes:
        """The whole file in memory."""
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        if self._consumed:
            raise RuntimeError("the stream of this RemoteFile has already been read")
        self._consumed = True
        size = chunk_size or self._chunk_size
        expected = Expected.for_file(self.size, self.etag or "", lfs=self._lfs)
        hasher = Hasher(expected if self._verify else Expected(self.size))
        pos = 0
        failures = 0
        response = self._response
        while True:
            start = pos
            try:
                if response is None:
                    response = await self._stack.enter_async_context(
                        self._http.stream(
                            "GET",
                            self.url,
                            headers={"accept-encoding": "identity", "range": f"bytes={pos}-"},
                            token=self._token,
                            follow_redirects="any",
                        )
                    )
                    parsed = _parse_content_range(response.headers.get("content-range"))
                    if (
                        response.status_code != 206
                        or parsed is None
                        or parsed[0] != pos
                        or _etag_conflict(response, self.etag)
                    ):
                        raise DownloadIntegrityError(
                            f"{redact_url(self.url)}: cannot resume the stream at byte {pos} "
                            f"({response.status_code}, {response.headers.get('content-range')})"
                        )
                async for chunk in response.aiter_bytes(size):
                    pos += len(chunk)
                    if self.size is not None and pos > self.size:
                        raise DownloadIntegrityError(
                            f"{redact_url(self.url)}: more bytes than announced"
                        )
                    if hasher.active:
                        if len(chunk) >= _INLINE_HASH:
                            await anyio.to_thread.run_sync(hasher.update, chunk)
                        else:
                            hasher.update(chunk)
                    yield chunk
            except httpx.TransportError as exc:
                if self.size is not None and pos >= self.size:
                    break  # every byte arrived; only the connection's end was broken
                failures = 0 if pos > start else failures + 1
                if failures > self._resume_attempts or self.size is None:
                    raise network_error(exc, method="GET", url=self.url) from exc
                response = None
                await anyio.sleep(min(2.0, 0.1 * 2**failures))
                continue
            if self.size is None or pos == self.size:
                break
            failures = 0 if pos > start else failures + 1
            if failures > self._resume_attempts:
                raise DownloadIntegrityError(
                    f"{redact_url(self.url)}: got {pos} bytes of {self.size}"
                )
            response = None
        problem = hasher.mismatch()
        if problem is not None:
            raise DownloadIntegrityError(f"{redact_url(self.url)}: content check failed: {problem}")


@contextlib.asynccontextmanager
async def open_file(
    http: HubHttp,
    repo_id: str,
    filename: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    verify: bool = True,
    chunk_size: int = 2**20,
) -> AsyncIterator[RemoteFile]:
    """See :meth:`hubclient.AsyncHubClient.open_file`."""
    validate_repo_id(repo_id)
    validate_relative_filename(filename)
    rtype = normalize_repo_type(repo_type)
    url = resolve_path(rtype, repo_id, filename, revision)
    async with contextlib.AsyncExitStack() as stack:
        response = await stack.enter_async_context(
            http.stream(
                "GET",
                url,
                headers={"accept-encoding": "identity"},
                token=token,
                follow_redirects=True,
            )
        )
        h = response.headers
        linked = normalize_etag(h.get("x-linked-etag"))
        etag = linked or normalize_etag(h.get("etag"))
        commit = h.get("x-repo-commit")
        if response.status_code in _REDIRECTS and "location" in h:
            size_header = h.get("x-linked-size")
            content_url = str(response.url.join(h["location"]))
            await response.aclose()
            response = await stack.enter_async_context(
                http.stream(
                    "GET",
                    content_url,
                    headers={"accept-encoding": "identity"},
                    token=token,
                    follow_redirects="any",
                )
            )
        else:
            size_header = h.get("x-linked-size") or h.get("content-length")
            content_url = str(response.url)
        if response.status_code != 200:
            raise FileMetadataError(
                f"{redact_url(content_url)}: unexpected status {response.status_code}"
            )
        size = (
            int(size_header)
            if size_header and size_header.isdigit() and len(size_header) <= 20
            else None
        )
        yield RemoteFile(
            commit_hash=commit,
            etag=etag,
            size=size,
            url=content_url,
            _http=http,
            _response=response,
            _stack=stack,
            _token=token,
            _verify=verify,
            _lfs=linked is not None,
            _chunk_size=chunk_size,
        )


async def iter_file(
    http: HubHttp,
    repo_id: str,
    filename: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    verify: bool = True,
    chunk_size: int = 2**20,
) -> AsyncGenerator[bytes, None]:
    """See :meth:`hubclient.AsyncHubClient.iter_file`."""
    async with open_file(
        http,
        repo_id,
        filename,
        repo_type=repo_type,
        revision=revision,
        token=token,
        verify=verify,
        chunk_size=chunk_size,
    ) as remote:
        async for chunk in remote.aiter_bytes():
            yield chunk
