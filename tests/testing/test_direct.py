"""The local Hub's multipart writes and reads around the page cache (``_direct``): the same bytes
land where they belong whichever path each piece takes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from hubclient.testing._direct import BLOCK, BUFFER, PartWriter, hash_range, open_direct


def _write(path: Path, pieces: list[tuple[int, list[bytes]]], *, direct: bool) -> None:
    plain = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fd = open_direct(path, os.O_RDWR) if direct else None
    try:
        for offset, chunks in pieces:
            writer = PartWriter(plain, fd, offset)
            for start in range(0, len(chunks), 3):
                writer.write(chunks[start : start + 3])
            writer.close()
    finally:
        os.close(plain)
        if fd is not None:
            os.close(fd)


@pytest.mark.parametrize("direct", [True, False])
def test_parts_land_at_their_offsets_aligned_or_not(tmp_path: Path, direct: bool) -> None:
    part = BUFFER + 3 * BLOCK  # more than one buffer, block-aligned
    data = os.urandom(2 * part + 12345)  # the last part ends off a block
    chunks = [[data[i : i + 70001] for i in range(s, min(s + part, len(data)), 70001)]
              for s in range(0, len(data), part)]  # fmt: skip
    path = tmp_path / "data"
    # written out of order, as parallel parts are
    _write(path, [(2 * part, chunks[2]), (0, chunks[0]), (part, chunks[1])], direct=direct)
    assert path.read_bytes() == data
    plain = os.open(path, os.O_RDONLY)
    fd = open_direct(path, os.O_RDONLY) if direct else None
    try:
        whole = hashlib.sha256()
        for start in range(0, len(data), part):
            assert hash_range(plain, fd, start, min(start + part, len(data)), whole)
        assert whole.hexdigest() == hashlib.sha256(data).hexdigest()
        # a range past the end of the file: the file is shorter than its parts
        assert not hash_range(plain, fd, 0, len(data) + 1, hashlib.sha256())
        assert not hash_range(plain, fd, part, len(data) + BUFFER * 2, hashlib.sha256())
    finally:
        os.close(plain)
        if fd is not None:
            os.close(fd)


def test_a_part_off_a_block_goes_through_the_page_cache(tmp_path: Path) -> None:
    data = os.urandom(3 * BLOCK)
    path = tmp_path / "data"
    _write(path, [(100, [data[100:]]), (0, [data[:100]])], direct=True)
    assert path.read_bytes() == data
