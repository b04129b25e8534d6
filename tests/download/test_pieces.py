"""Pieces written at an offset with pwritev, including a write the kernel cuts short."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubclient.download import _pieces
from hubclient.download._pieces import Pieces, pwrite_all


def test_pieces_are_taken_as_they_came() -> None:
    pending = Pieces()
    for piece in (b"ab", b"", b"cde"):
        pending.add(piece)
    assert pending.size == 5
    assert pending.take() == ([b"ab", b"", b"cde"], 5)
    assert (pending.pieces, pending.size) == ([], 0)


def test_short_writes_and_many_pieces_land_at_their_offsets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.pwritev

    def stingy(fd: int, buffers: list[memoryview], offset: int) -> int:
        # at most 3 iovecs and 5 bytes per call: every cut a kernel may make
        calls.append(len(buffers))
        n = real(fd, buffers[:3], offset)
        return min(n, 5) if n > 5 else n

    calls: list[int] = []
    monkeypatch.setattr(os, "pwritev", stingy)
    monkeypatch.setattr(_pieces, "_IOV_MAX", 4)
    pieces = [bytes([65 + i]) * (i + 1) for i in range(10)]
    path = tmp_path / "f"
    path.write_bytes(b"." * 70)
    fd = os.open(path, os.O_RDWR)
    try:
        pwrite_all(fd, pieces, 7)
    finally:
        os.close(fd)
    assert path.read_bytes() == b"." * 7 + b"".join(pieces) + b"." * 8
    assert max(calls) <= 4
