"""Reading the content of an addition by offset, from a path, bytes, or a file object.

A :class:`ContentSource` knows its size and first 512 bytes without reading the rest. Its
:meth:`ContentSource.open` gives a :class:`Reader` whose :meth:`Reader.read_at` is safe to call
from several worker threads at once (``os.pread`` on a path; a lock around seek+read on a user's
file object, whose position is restored). Nothing here loads a whole file in memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, Protocol

__all__ = ["AsyncRangeSource", "ContentSource", "Reader", "SourceChangedError", "source_for"]

SAMPLE_SIZE = 512


class SourceChangedError(OSError):
    """The local content changed (got shorter) between planning and uploading."""


class Reader(Protocol):
    def read_at(self, offset: int, length: int) -> bytes:
        """Exactly ``length`` bytes at ``offset`` (fewer only at the end of the content)."""
        ...

    def close(self) -> None: ...


class ContentSource:
    """Base of the three kinds of content. ``size`` is fixed when the source is built."""

    size: int
    description: str

    def open(self) -> Reader:
        raise NotImplementedError

    def in_memory(self) -> bytes | None:
        """The whole content if it is already in memory (bytes, or a small file kept)."""
        return None

    def sample(self) -> bytes:
        reader = self.open()
        try:
            return reader.read_at(0, min(SAMPLE_SIZE, self.size))
        finally:
            reader.close()

    def read_all(self) -> bytes:
        """The whole content (only for small regular files and README validation)."""
        reader = self.open()
        try:
            data = reader.read_at(0, self.size)
        finally:
            reader.close()
        if len(data) != self.size:
            raise SourceChangedError(f"{self.description} changed while it was being uploaded")
        return data


class AsyncRangeSource(ContentSource):
    """Content that is not on this machine (e.g. a file of another Hub, read by ranged GETs).

    The LFS engine streams a PUT body straight from :meth:`aiter_range` (one call per attempt,
    so a retried part re-opens its range); nothing reads it by offset in a worker thread.
    Subclasses set ``size`` and ``description``.
    """

    def aiter_range(self, offset: int, length: int) -> AsyncIterator[bytes]:
        """Exactly ``length`` bytes at ``offset``, chunk by chunk (an async generator)."""
        raise NotImplementedError

    def open(self) -> Reader:
        raise TypeError(f"{self.description} is read with aiter_range(), not open()")

    def sample(self) -> bytes:
        return b""


class _PathReader:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._lock = None if hasattr(os, "pread") else threading.Lock()

    def read_at(self, offset: int, length: int) -> bytes:
        if self._lock is None:
            chunks: list[bytes] = []
            while length > 0:
                chunk = os.pread(self.fd, length, offset)
                if not chunk:
                    break
                chunks.append(chunk)
                offset += len(chunk)
                length -= len(chunk)
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        with self._lock:  # pragma: no cover - platforms without pread
            os.lseek(self.fd, offset, os.SEEK_SET)
            return _read_exactly(lambda n: os.read(self.fd, n), length)

    def read_into(self, offset: int, buffer: memoryview) -> int:
        """Fill ``buffer`` with the bytes at ``offset`` (fewer only at the end of the file);
        returns how many. No new allocation: a caller reusing one buffer touches no fresh
        memory per chunk."""
        if self._lock is not None:  # pragma: no cover - platforms without pread
            data = self.read_at(offset, len(buffer))
            buffer[: len(data)] = data
            return len(data)
        done = 0
        while done < len(buffer):
            n = os.preadv(self.fd, [buffer[done:]], offset + done)
            if not n:
                break
            done += n
        return done

    def close(self) -> None:
        os.close(self.fd)


def _read_exactly(read: Callable[[int], bytes], length: int) -> bytes:
    chunks: list[bytes] = []
    while length > 0:
        chunk = read(length)
        if not chunk:
            break
        chunks.append(bytes(chunk))
        length -= len(chunk)
    return b"".join(chunks)


class PathSource(ContentSource):
    """A local file. Small files may be read once, up front, and kept (``cached``)."""

    def __init__(self, path: str, size: int | None = None, cached: bytes | None = None) -> None:
        self.path = path
        self.size = os.path.getsize(path) if size is None else size
        self.cached = cached
        self.description = f"local file {path!r}"

    @classmethod
    def probe(cls, path: str, keep_upto: int) -> tuple[PathSource, bytes]:
        """One open: the size, the first 512 bytes, and the whole content if it is at most
        ``keep_upto`` bytes. Returns the source and its sample."""
        reader = _PathReader(path)
        try:
            size = os.fstat(reader.fd).st_size
            data = reader.read_at(0, size if size <= keep_upto else SAMPLE_SIZE)
        finally:
            reader.close()
        cached = data if size <= keep_upto and len(data) == size else None
        return cls(path, size, cached), data[:SAMPLE_SIZE]

    def open(self) -> Reader:
        if self.cached is not None:
            return _BytesReader(self.cached)
        return _PathReader(self.path)

    def read_all(self) -> bytes:
        if self.cached is not None:
            return self.cached
        return super().read_all()

    def in_memory(self) -> bytes | None:
        return self.cached


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def read_at(self, offset: int, length: int) -> bytes:
        return self._data[offset : offset + length]

    def close(self) -> None:
        return None


class BytesSource(ContentSource):
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)
        self.description = "in-memory content"

    def open(self) -> Reader:
        return _BytesReader(self.data)

    def read_all(self) -> bytes:
        return self.data

    def in_memory(self) -> bytes | None:
        return self.data


class _FileObjReader:
    def __init__(self, fileobj: BinaryIO, lock: threading.Lock) -> None:
        self._fileobj = fileobj
        self._lock = lock

    def read_at(self, offset: int, length: int) -> bytes:
        with self._lock:
            position = self._fileobj.tell()
            try:
                self._fileobj.seek(offset)
                return _read_exactly(self._fileobj.read, length)
            finally:
                self._fileobj.seek(position)

    def close(self) -> None:
        return None


class FileObjSource(ContentSource):
    def __init__(self, fileobj: BinaryIO) -> None:
        self.fileobj = fileobj
        self._lock = threading.Lock()
        position = fileobj.tell()
        try:
            self.size = fileobj.seek(0, os.SEEK_END)
        finally:
            fileobj.seek(position)
        self.description = f"file object {getattr(fileobj, 'name', fileobj)!r}"

    def open(self) -> Reader:
        return _FileObjReader(self.fileobj, self._lock)


def source_for(path_or_fileobj: str | Path | bytes | BinaryIO) -> ContentSource:
    """The source for an operation's ``path_or_fileobj`` (stat or seek only; nothing is read)."""
    if isinstance(path_or_fileobj, (str, Path)):
        return PathSource(os.fspath(path_or_fileobj))
    if isinstance(path_or_fileobj, bytes):
        return BytesSource(path_or_fileobj)
    return FileObjSource(path_or_fileobj)
