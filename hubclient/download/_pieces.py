"""Received bytes on their way to disk: gathered as they came, written with few system calls.

Joining the pieces of a chunk into one ``bytes`` would copy every byte once more and touch fresh
pages for it (the cost shows as system time and as peak memory on big files); :class:`Pieces`
keeps them as they came and :func:`pwrite_all` hands them to the kernel in one ``pwritev``.
"""

from __future__ import annotations

import os

__all__ = ["Pieces", "pwrite_all"]

_IOV_MAX = 1024  # iovecs per pwritev (the POSIX minimum most systems have)


class Pieces:
    """Received pieces gathered for one write, kept as they came (joining them would copy every
    byte once more and touch fresh pages)."""

    __slots__ = ("pieces", "size")

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.size = 0

    def add(self, piece: bytes) -> None:
        self.pieces.append(piece)
        self.size += len(piece)

    def take(self) -> tuple[list[bytes], int]:
        pieces, size = self.pieces, self.size
        self.pieces, self.size = [], 0
        return pieces, size


def pwrite_all(fd: int, chunks: list[bytes], offset: int) -> None:
    """Write ``chunks`` at ``offset`` with as few system calls as the kernel allows."""
    views = [memoryview(c) for c in chunks if c]
    while views:
        batch = views[:_IOV_MAX]
        written = os.pwritev(fd, batch, offset)
        offset += written
        while written and views:  # drop what was written, keep the rest of a cut piece
            first = len(views[0])
            if written >= first:
                written -= first
                views.pop(0)
            else:
                views[0] = views[0][written:]
                written = 0
