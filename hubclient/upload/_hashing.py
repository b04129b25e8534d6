"""Streamed hashing in worker threads: sha256 (LFS oid) and the git blob sha1 (regular oid).

Content is read by offset in chunks; each chunk is read and fed to the hashers inside one worker
thread call (``hashlib`` releases the GIL on large buffers, so several files hash in parallel),
and the event loop only sees progress between chunks, where cancellation is also honoured.
Both digests come out of one read pass when both are wanted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from hubclient.upload._source import ContentSource, Reader, SourceChangedError, _PathReader

__all__ = ["Digests", "git_blob_sha1", "hash_source"]

HASH_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Digests:
    """Hex digests; a field is None when it was not asked for."""

    sha256: str | None
    sha1: str | None


def git_blob_sha1(data: bytes) -> str:
    """``git hash-object`` of ``data``: sha1 of ``b"blob <len>\\0" + data``."""
    hasher = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    hasher.update(data)
    return hasher.hexdigest()


class _Hashers:
    def __init__(self, size: int, sha256: bool, sha1: bool) -> None:
        self.sha256: Any = hashlib.sha256() if sha256 else None
        self.sha1: Any = hashlib.sha1(b"blob %d\0" % size, usedforsecurity=False) if sha1 else None

    def update(self, data: bytes | memoryview) -> None:
        if self.sha256 is not None:
            self.sha256.update(data)
        if self.sha1 is not None:
            self.sha1.update(data)

    def digests(self) -> Digests:
        return Digests(
            sha256=None if self.sha256 is None else self.sha256.hexdigest(),
            sha1=None if self.sha1 is None else self.sha1.hexdigest(),
        )


def _hash_step(
    source: ContentSource,
    reader: Reader,
    hashers: _Hashers,
    offset: int,
    length: int,
    buffer: memoryview | None = None,
) -> int:
    data: bytes | memoryview
    if buffer is not None and isinstance(reader, _PathReader):
        view = buffer[:length]
        got = reader.read_into(offset, view)
        data = view
    else:
        data = reader.read_at(offset, length)
        got = len(data)
    if got != length:
        raise SourceChangedError(f"{source.description} got shorter while it was being hashed")
    hashers.update(data)
    return got


def _hash_small(source: ContentSource, hashers: _Hashers) -> Digests:
    reader = source.open()
    try:
        _hash_step(source, reader, hashers, 0, source.size)
    finally:
        reader.close()
    return hashers.digests()


async def hash_source(
    source: ContentSource,
    *,
    sha256: bool,
    sha1: bool,
    limiter: anyio.CapacityLimiter | None = None,
    on_progress: Callable[[int], None] | None = None,
    chunk_size: int = HASH_CHUNK,
) -> Digests:
    """Hash ``source`` in worker threads; ``on_progress(bytes_done)`` runs on the event loop.

    Example::

        digests = await hash_source(PathSource("w.bin"), sha256=True, sha1=False)
    """
    hashers = _Hashers(source.size, sha256, sha1)
    if source.size <= chunk_size:
        digests = await anyio.to_thread.run_sync(_hash_small, source, hashers, limiter=limiter)
        if on_progress is not None:
            on_progress(source.size)
        return digests
    reader = await anyio.to_thread.run_sync(source.open, limiter=limiter)
    # a file is read into one reused buffer: no fresh memory to fault in per chunk
    buffer = memoryview(bytearray(chunk_size)) if isinstance(reader, _PathReader) else None
    try:
        done = 0
        while done < source.size:
            length = min(chunk_size, source.size - done)
            done += await anyio.to_thread.run_sync(
                _hash_step, source, reader, hashers, done, length, buffer, limiter=limiter
            )
            if on_progress is not None:
                on_progress(done)
    finally:
        reader.close()
    return hashers.digests()
