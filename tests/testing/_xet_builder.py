"""Build xorbs and shards by hand, as a Xet client would, to drive the local CAS directly.

Chunks are cut at a fixed size (the CAS checks hashes and formats, not where a client cuts).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import lz4.frame

from hubclient.testing._xet_format import (
    SHARD_TAG,
    chunk_hash,
    file_hash,
    hash_hex,
    merkle_root,
    verification_hash,
)

_ENTRY = struct.Struct("<32sIIII")
_BOOKEND = _ENTRY.pack(b"\xff" * 32, 0, 0, 0, 0)


def bg4_split(data: bytes) -> bytes:
    return b"".join(data[lane::4] for lane in range(4))


@dataclass
class Xorb:
    hash: bytes
    body: bytes
    chunks: list[tuple[bytes, int]]  # (chunk hash, uncompressed size)

    @property
    def name(self) -> str:
        return hash_hex(self.hash)


def build_xorb(pieces: list[bytes], scheme: int = 1) -> Xorb:
    body = bytearray()
    chunks = []
    for piece in pieces:
        if scheme == 0:
            packed = piece
        elif scheme == 1:
            packed = lz4.frame.compress(piece)
        else:
            packed = lz4.frame.compress(bg4_split(piece))
        body += bytes([0]) + len(packed).to_bytes(3, "little") + bytes([scheme])
        body += len(piece).to_bytes(3, "little") + packed
        chunks.append((chunk_hash(piece), len(piece)))
    return Xorb(merkle_root(chunks), bytes(body), chunks)


def split(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@dataclass
class XetFile:
    hash: bytes
    sha256: str
    terms: list[tuple[Xorb, int, int]]  # (xorb, chunk start, chunk end)

    @property
    def name(self) -> str:
        return hash_hex(self.hash)


def file_of(data: bytes, xorb: Xorb) -> XetFile:
    """A file made of all the chunks of one xorb (which must hold exactly `data`)."""
    return XetFile(
        file_hash(xorb.chunks), hashlib.sha256(data).hexdigest(), [(xorb, 0, len(xorb.chunks))]
    )


def build_shard(
    files: list[XetFile],
    xorbs: list[Xorb],
    *,
    verification: dict[int, bytes] | None = None,
) -> bytes:
    """A shard as hf_xet uploads it (no footer); `verification` overrides term hashes by index."""
    out = [struct.pack("<32sQQ", SHARD_TAG, 2, 0)]
    for entry in files:
        flags = (1 << 31) | (1 << 30)
        out.append(_ENTRY.pack(entry.hash, flags, len(entry.terms), 0, 0))
        for xorb, start, end in entry.terms:
            size = sum(s for _, s in xorb.chunks[start:end])
            out.append(_ENTRY.pack(xorb.hash, 0, size, start, end))
        for number, (xorb, start, end) in enumerate(entry.terms):
            check = verification_hash([h for h, _ in xorb.chunks[start:end]])
            check = (verification or {}).get(number, check)
            out.append(check + bytes(16))
        out.append(_sha_field(entry.sha256))
    out.append(_BOOKEND)
    for xorb in xorbs:
        total = sum(s for _, s in xorb.chunks)
        out.append(_ENTRY.pack(xorb.hash, 0, len(xorb.chunks), total, len(xorb.body)))
        position = 0
        for chunk, size in xorb.chunks:
            out.append(_ENTRY.pack(chunk, position, size, 0, 0))
            position += size
    out.append(_BOOKEND)
    return b"".join(out)


def _sha_field(sha256: str) -> bytes:
    """The 48-byte metadata entry: the sha256 in Xet's word order, then 16 zero bytes."""
    raw = bytes.fromhex(sha256)
    return b"".join(raw[i : i + 8][::-1] for i in range(0, 32, 8)) + bytes(16)
