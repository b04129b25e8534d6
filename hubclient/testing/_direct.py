"""Writing and reading multipart data around the page cache (``O_DIRECT``), where it is allowed.

Why: on a virtual machine, every page the kernel takes from its free memory for the page cache
may first be faulted in by the hypervisor (free page reporting hands freed memory back to the
host): writing a part through the page cache then costs the local Hub several times the CPU of
receiving and hashing it, and that, not the client, bounds a parallel multipart upload. Direct
I/O moves the bytes between a few reused, page-aligned buffers and the disk instead.

Direct I/O needs the file offset, the length and the buffer address aligned to the device's
block (:data:`BLOCK` covers every common one). :class:`PartWriter` writes the aligned body of a
part that way and its unaligned tail (the end of the object) through the page cache; where
``O_DIRECT`` does not exist (macOS, Windows), the file system refuses it (tmpfs) or a part does
not start on a block, everything goes through the page cache, as before. Linux keeps the two
views coherent (a direct read first writes back dirty cached pages of its range).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["BLOCK", "PartWriter", "hash_range", "open_direct"]

BLOCK = 4096
"""The alignment used for direct I/O (a multiple of every usual logical block size)."""

BUFFER = 4 * 1024 * 1024
"""The size of one aligned buffer: one direct write or read at most."""

_O_DIRECT: int = getattr(os, "O_DIRECT", 0)


def open_direct(path: os.PathLike[str] | str, flags: int) -> int | None:
    """A descriptor on ``path`` opened with ``O_DIRECT`` added to ``flags``, or None where the
    platform or the file system has no direct I/O."""
    if not _O_DIRECT:
        return None
    try:
        return os.open(path, flags | _O_DIRECT, 0o644)
    except OSError:
        return None


class _Pool:
    """Page-aligned buffers (anonymous maps) kept for reuse: their pages stay faulted in."""

    def __init__(self, keep: int) -> None:
        self._free: list[mmap.mmap] = []
        self._keep = keep
        self._lock = threading.Lock()

    def take(self) -> mmap.mmap:
        with self._lock:
            if self._free:
                return self._free.pop()
        return mmap.mmap(-1, BUFFER)

    def give(self, buffer: mmap.mmap) -> None:
        with self._lock:
            if len(self._free) < self._keep:
                self._free.append(buffer)
                return
        buffer.close()


_POOL = _Pool(keep=16)
_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="localhub-read")
"""Reads ahead for :func:`hash_range` (the hashing thread hashes meanwhile)."""


class PartWriter:
    """Writes one part, chunk batch by chunk batch, from ``offset`` on (worker threads, one
    call at a time). ``direct`` is the ``O_DIRECT`` descriptor of the data file or None;
    ``plain`` its ordinary one. Call :meth:`close` at the end (it writes the unaligned tail).

    Example::

        writer = PartWriter(plain_fd, direct_fd, offset)
        writer.write([b"..."])
        writer.close()
    """

    def __init__(self, plain: int, direct: int | None, offset: int) -> None:
        self._plain = plain
        self._direct = direct if offset % BLOCK == 0 else None
        self._offset = offset  # where the bytes held in the buffer go
        self._buffer: mmap.mmap | None = None
        self._held = 0

    def write(self, chunks: Sequence[bytes]) -> None:
        if self._direct is None:
            self._write_plain(chunks)
            return
        if self._buffer is None:
            self._buffer = _POOL.take()
        buffer = self._buffer
        view = memoryview(buffer)
        try:
            for chunk in chunks:
                data = memoryview(chunk)
                while data:
                    n = min(len(data), BUFFER - self._held)
                    view[self._held : self._held + n] = data[:n]
                    self._held += n
                    data = data[n:]
                    if self._held == BUFFER:
                        self._flush(view, BUFFER)
        finally:
            view.release()

    def _flush(self, view: memoryview, length: int) -> None:
        """Write the first ``length`` (aligned) buffered bytes; keep the rest at the start."""
        aligned = length - length % BLOCK
        done = 0
        if aligned and self._direct is not None:
            try:
                while done < aligned:
                    done += os.pwritev(self._direct, [view[done:aligned]], self._offset + done)
            except OSError:
                self._direct = None  # refused after all (an odd file system): the page cache
        if done < length and self._direct is None:
            while done < length:
                done += os.pwrite(self._plain, view[done:length], self._offset + done)
        rest = self._held - done
        if rest:
            view[:rest] = view[done : self._held]
        self._offset += done
        self._held = rest

    def _write_plain(self, chunks: Sequence[bytes]) -> None:
        if len(chunks) > 64:  # tiny chunks: one copy beats a long iovec (IOV_MAX is 1024)
            chunks = [b"".join(chunks)]
        length = sum(len(c) for c in chunks)
        done = 0
        while done < length:  # one vectored write, no joined copy (short writes go on)
            done += os.pwritev(self._plain, _after(chunks, done), self._offset + done)
        self._offset += length

    def close(self) -> None:
        """Write what is buffered (the unaligned tail through the page cache); give the
        buffer back."""
        buffer, self._buffer = self._buffer, None
        if buffer is None:
            return
        try:
            if self._held:
                view = memoryview(buffer)
                try:
                    self._flush(view, self._held)
                    if self._held:  # the unaligned tail: the page cache takes it
                        tail = self._held
                        self._direct = None
                        self._flush(view, tail)
                finally:
                    view.release()
        finally:
            _POOL.give(buffer)


def _after(chunks: Sequence[bytes], skip: int) -> list[bytes | memoryview]:
    """``chunks`` without their first ``skip`` bytes (after a short write)."""
    if skip == 0:
        return list(chunks)
    out: list[bytes | memoryview] = []
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        out.append(memoryview(chunk)[skip:] if skip else chunk)
        skip = 0
    return out


def hash_range(plain: int, direct: int | None, start: int, end: int, hasher: Any) -> bool:
    """Feed bytes ``start:end`` of a file to ``hasher``; False if the file is shorter.

    With ``direct`` (and ``start`` on a block), the bytes are read around the page cache into
    two reused aligned buffers, the next one read (in the reader thread) while this one is
    hashed; otherwise with ``os.pread``.
    """
    if direct is None or start % BLOCK:
        while start < end:
            chunk = os.pread(plain, min(BUFFER, end - start), start)
            if not chunk:
                return False
            hasher.update(chunk)
            start += len(chunk)
        return True
    buffers = (_POOL.take(), _POOL.take())
    pending: Future[int] | None = None
    try:
        pending = _READER.submit(os.preadv, direct, [buffers[0]], start)
        turn = 0
        while start < end:
            if pending is None:
                return False  # the file ended inside the last block: shorter than its parts
            try:
                got = pending.result()  # whole blocks (short at the end of the file)
            except OSError:
                pending = None
                return hash_range(plain, None, start, end, hasher)
            pending = None
            if got <= 0:
                return False
            n = min(got, end - start)
            if start + n < end and got % BLOCK == 0:
                pending = _READER.submit(os.preadv, direct, [buffers[1 - turn]], start + n)
            with memoryview(buffers[turn]) as view:
                hasher.update(view[:n])
            start += n
            turn = 1 - turn
        return True
    finally:
        if pending is not None:
            with contextlib.suppress(OSError):
                pending.result()  # never give a buffer back while a read still fills it
        for buffer in buffers:
            _POOL.give(buffer)
