"""Xet's formats as the local CAS reads and writes them: hashes, xorbs and shards.

Everything here is pure (bytes in, values out) and strict: a malformed xorb or shard raises
`XetFormatError` with the reason, never an ``IndexError`` or a ``struct.error``.

* Hashes are 32 raw bytes. On the wire (paths, JSON) they are written as 64 hex digits in Xet's
  word order: each little-endian u64 word printed big-endian (`hash_hex` / `hash_from_hex`).
* Chunk hash: blake3 keyed with `DATA_KEY`. Xorb hash: the aggregated Merkle root over the
  chunks (groups of 2..9 nodes, a group ends after a node at position >= 2 whose last word is
  0 mod 4). File hash: that root keyed again with 32 zero bytes (the empty file is all zeros).
  Term verification hash: blake3 keyed with `VERIFICATION_KEY` over the raw chunk hashes.
* A xorb is ``[8-byte chunk header][body]``... with body schemes none, LZ4 (frame format) and
  BG4-LZ4 (bytes grouped by position mod 4, then LZ4 frame). Clients send no footer; one that
  does (``XETBLOB``) has it ignored.
* A shard is a 48-byte header, the file-info section, the CAS-info section (each ends with a
  bookend), then optional lookup tables and a footer (`header.footer_size` bytes).
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass

import blake3
import lz4.frame

__all__ = [
    "DATA_KEY",
    "EMPTY_HASH",
    "MAX_CHUNK_SIZE",
    "MAX_XORB_BYTES",
    "MAX_XORB_CHUNKS",
    "VERIFICATION_KEY",
    "CasEntry",
    "ChunkRecord",
    "FileEntry",
    "Shard",
    "Term",
    "XetFormatError",
    "XorbRecord",
    "chunk_hash",
    "dedup_eligible",
    "dedup_shard",
    "file_hash",
    "hash_from_hex",
    "hash_hex",
    "merkle_root",
    "parse_shard",
    "parse_xorb",
    "verification_hash",
]

DATA_KEY = bytes.fromhex("6697f5775b9550de3135cbaca597181c9de421109beb2b58b4d0b04b93adf229")
INTERNAL_NODE_KEY = bytes.fromhex(
    "017ec5c7a5472996fd946666b48a02e65ddd536f37c76dd2f86352e64a53713f"
)
VERIFICATION_KEY = bytes.fromhex("7f1857d6ce56ed66127ff913e7a5c3f3a4cd26d5b5db49e64124987f28fb94c3")
EMPTY_HASH = bytes(32)
_BOOKEND = b"\xff" * 32
SHARD_TAG = b"HFRepoMetaData\x00" + bytes(
    [85, 105, 103, 69, 106, 123, 129, 87, 131, 165, 189, 217, 92, 205, 209, 74, 169]
)
_XORB_FOOTER_IDENT = b"XETBLOB"

MAX_CHUNK_SIZE = 128 * 1024
MAX_XORB_BYTES = 64 * 1024 * 1024
MAX_XORB_CHUNKS = 8 * 1024
MAX_SHARD_BYTES = 64 * 1024 * 1024
_DEDUP_MODULUS = 1024
_FLAG_VERIFICATION = 1 << 31
_FLAG_METADATA_EXT = 1 << 30
_ENTRY = struct.Struct("<32sIIII")  # every shard entry is 48 bytes
_SHARD_HEADER = struct.Struct("<32sQQ")


class XetFormatError(ValueError):
    """A xorb or shard that does not follow the format (the message says where)."""


# --- hashes ---


def hash_hex(value: bytes) -> str:
    """Xet's hex form: each little-endian u64 word printed big-endian."""
    return "".join(value[i : i + 8][::-1].hex() for i in range(0, 32, 8))


def hash_from_hex(text: str) -> bytes:
    """The raw hash of a 64-hex Xet hash; `XetFormatError` for anything else."""
    if len(text) != 64:
        raise XetFormatError(f"not a Xet hash: {text[:80]!r}")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise XetFormatError(f"not a Xet hash: {text[:80]!r}") from None
    return b"".join(raw[i : i + 8][::-1] for i in range(0, 32, 8))


def _last_word(value: bytes) -> int:
    return int.from_bytes(value[24:32], "little")


def chunk_hash(data: bytes) -> bytes:
    return blake3.blake3(data, key=DATA_KEY).digest()


def dedup_eligible(hash_: bytes) -> bool:
    """Chunks the global dedup index answers for (about one in 1024)."""
    return _last_word(hash_) % _DEDUP_MODULUS == 0


def _merge(nodes: list[tuple[bytes, int]]) -> tuple[bytes, int]:
    text = "".join(f"{hash_hex(h)} : {size}\n" for h, size in nodes)
    return blake3.blake3(text.encode(), key=INTERNAL_NODE_KEY).digest(), sum(s for _, s in nodes)


def _next_cut(nodes: list[tuple[bytes, int]], start: int) -> int:
    remaining = len(nodes) - start
    if remaining <= 2:
        return len(nodes)
    end = start + min(9, remaining)
    for i in range(start + 2, end):
        if _last_word(nodes[i][0]) % 4 == 0:
            return i + 1
    return end


def merkle_root(nodes: list[tuple[bytes, int]]) -> bytes:
    """The aggregated hash of ``(hash, size)`` leaves (a xorb's hash; all zeros when empty)."""
    if not nodes:
        return EMPTY_HASH
    level = list(nodes)
    while len(level) > 1:
        merged: list[tuple[bytes, int]] = []
        start = 0
        while start < len(level):
            cut = _next_cut(level, start)
            merged.append(_merge(level[start:cut]))
            start = cut
        level = merged
    return level[0][0]


def file_hash(nodes: list[tuple[bytes, int]]) -> bytes:
    if not nodes:
        return EMPTY_HASH
    return blake3.blake3(merkle_root(nodes), key=EMPTY_HASH).digest()


def verification_hash(chunk_hashes: list[bytes]) -> bytes:
    return blake3.blake3(b"".join(chunk_hashes), key=VERIFICATION_KEY).digest()


# --- xorbs ---


@dataclass(frozen=True)
class ChunkRecord:
    """One chunk of a stored xorb: its hash, where its header starts, its uncompressed size."""

    hash: bytes
    offset: int
    size: int


@dataclass(frozen=True)
class XorbRecord:
    """What the CAS keeps about a xorb: its serialized length and its chunks, in order."""

    hash: bytes
    length: int
    chunks: tuple[ChunkRecord, ...]

    def chunk_end(self, index: int) -> int:
        """Byte offset just past chunk `index` (exclusive)."""
        return self.chunks[index + 1].offset if index + 1 < len(self.chunks) else self.length

    @property
    def unpacked_size(self) -> int:
        return sum(c.size for c in self.chunks)


def _bg4_regroup(grouped: bytes) -> bytes:
    n = len(grouped)
    split, rem = divmod(n, 4)
    sizes = [split + (rem > 0), split + (rem > 1), split + (rem > 2), split]
    out = bytearray(n)
    start = 0
    for lane, size in enumerate(sizes):
        out[lane::4] = grouped[start : start + size]
        start += size
    return bytes(out)


def decompress_chunk(scheme: int, body: bytes, size: int) -> bytes:
    """A chunk body decoded by its scheme; `XetFormatError` if it is not `size` bytes."""
    try:
        if scheme == 0:
            data = body
        elif scheme == 1:
            data = lz4.frame.decompress(body)
        elif scheme == 2:
            data = _bg4_regroup(lz4.frame.decompress(body))
        else:
            raise XetFormatError(f"unknown compression scheme {scheme}")
    except RuntimeError as exc:  # lz4 reports corrupt frames as RuntimeError
        raise XetFormatError(f"corrupt LZ4 frame: {exc}") from None
    if len(data) != size:
        raise XetFormatError(f"chunk decodes to {len(data)} bytes, its header says {size}")
    return data


def parse_xorb(expected: bytes, data: bytes) -> XorbRecord:
    """Walk, decode and hash every chunk; check the Merkle root against `expected`.

    Blocking and CPU-bound (a 64 MiB xorb): run it in a worker thread.
    """
    if len(data) > MAX_XORB_BYTES:
        raise XetFormatError(f"xorb of {len(data)} bytes exceeds {MAX_XORB_BYTES}")
    chunks: list[ChunkRecord] = []
    offset = 0
    end = len(data)
    while offset < end:
        if data.startswith(_XORB_FOOTER_IDENT, offset):
            end = offset  # a footer some writers append: not part of the chunk data
            break
        if offset + 8 > end:
            raise XetFormatError(f"truncated chunk header at byte {offset}")
        version, scheme = data[offset], data[offset + 4]
        compressed = int.from_bytes(data[offset + 1 : offset + 4], "little")
        size = int.from_bytes(data[offset + 5 : offset + 8], "little")
        if version != 0:
            raise XetFormatError(f"chunk header version {version} at byte {offset}")
        if size > MAX_CHUNK_SIZE or compressed > 2 * MAX_CHUNK_SIZE:
            raise XetFormatError(f"chunk at byte {offset} is larger than {MAX_CHUNK_SIZE}")
        body_start = offset + 8
        if body_start + compressed > end:
            raise XetFormatError(f"chunk at byte {offset} runs past the end of the xorb")
        body = data[body_start : body_start + compressed]
        chunks.append(ChunkRecord(chunk_hash(decompress_chunk(scheme, body, size)), offset, size))
        if len(chunks) > MAX_XORB_CHUNKS:
            raise XetFormatError(f"xorb has more than {MAX_XORB_CHUNKS} chunks")
        offset = body_start + compressed
    if not chunks:
        raise XetFormatError("xorb has no chunks")
    actual = merkle_root([(c.hash, c.size) for c in chunks])
    if actual != expected:
        raise XetFormatError(
            f"xorb hash mismatch: the content hashes to {hash_hex(actual)}, "
            f"not {hash_hex(expected)}"
        )
    return XorbRecord(expected, end, tuple(chunks))


def read_chunks(record: XorbRecord, data: bytes, start: int, stop: int) -> list[bytes]:
    """Decoded chunks ``[start, stop)`` of a stored xorb (`data` is its serialized bytes)."""
    out: list[bytes] = []
    for index in range(start, stop):
        offset = record.chunks[index].offset
        scheme = data[offset + 4]
        compressed = int.from_bytes(data[offset + 1 : offset + 4], "little")
        body = data[offset + 8 : offset + 8 + compressed]
        out.append(decompress_chunk(scheme, body, record.chunks[index].size))
    return out


# --- shards ---


@dataclass(frozen=True)
class Term:
    """One piece of a file: chunks ``[start, end)`` of a xorb, `size` bytes once unpacked."""

    xorb: bytes
    size: int
    start: int
    end: int
    verification: bytes | None = None


@dataclass(frozen=True)
class FileEntry:
    hash: bytes
    terms: tuple[Term, ...]
    sha256: str | None

    @property
    def size(self) -> int:
        return sum(t.size for t in self.terms)


@dataclass(frozen=True)
class CasEntry:
    """A xorb's description in a shard: its chunks as ``(hash, uncompressed start, size)``."""

    hash: bytes
    chunks: tuple[tuple[bytes, int, int], ...]
    unpacked_bytes: int
    on_disk_bytes: int


@dataclass(frozen=True)
class Shard:
    files: tuple[FileEntry, ...]
    xorbs: tuple[CasEntry, ...]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def entry(self, what: str) -> tuple[bytes, int, int, int, int]:
        if self.pos + 48 > len(self.data):
            raise XetFormatError(f"shard ends inside {what} at byte {self.pos}")
        fields = _ENTRY.unpack_from(self.data, self.pos)
        self.pos += 48
        return fields


def parse_shard(data: bytes) -> Shard:
    """Parse a shard as clients upload it (with or without footer)."""
    if len(data) > MAX_SHARD_BYTES:
        raise XetFormatError(f"shard of {len(data)} bytes exceeds {MAX_SHARD_BYTES}")
    if len(data) < _SHARD_HEADER.size:
        raise XetFormatError("shard is shorter than its header")
    tag, version, footer_size = _SHARD_HEADER.unpack_from(data, 0)
    if tag != SHARD_TAG:
        raise XetFormatError("not a shard (wrong magic tag)")
    if version != 2:
        raise XetFormatError(f"shard header version {version}, expected 2")
    reader = _Reader(data)
    reader.pos = _SHARD_HEADER.size
    files: list[FileEntry] = []
    while True:
        hash_, flags, count, _, _ = reader.entry("the file-info section")
        if hash_ == _BOOKEND:
            break
        if count > (len(data) - reader.pos) // 48:
            raise XetFormatError(f"file entry claims {count} terms, more than the shard holds")
        raw_terms = [reader.entry("a file's terms") for _ in range(count)]
        checks: list[bytes | None] = [None] * count
        if flags & _FLAG_VERIFICATION:
            checks = [reader.entry("a file's verification entries")[0] for _ in range(count)]
        sha256: str | None = None
        if flags & _FLAG_METADATA_EXT:
            sha256 = hash_hex(reader.entry("a file's metadata")[0])  # word order, as hashes
        terms = []
        for (xorb, _, size, start, end), check in zip(raw_terms, checks, strict=True):
            if end <= start:
                raise XetFormatError(f"term with an empty chunk range [{start}, {end})")
            terms.append(Term(xorb, size, start, end, check))
        files.append(FileEntry(hash_, tuple(terms), sha256))
    xorbs: list[CasEntry] = []
    while True:
        hash_, _, count, unpacked, on_disk = reader.entry("the CAS-info section")
        if hash_ == _BOOKEND:
            break
        if count > (len(data) - reader.pos) // 48 or count > MAX_XORB_CHUNKS:
            raise XetFormatError(f"xorb entry claims {count} chunks, more than the shard holds")
        chunks = []
        for _ in range(count):
            chunk, start, size, _, _ = reader.entry("a xorb's chunks")
            chunks.append((chunk, start, size))
        xorbs.append(CasEntry(hash_, tuple(chunks), unpacked, on_disk))
    rest = len(data) - reader.pos
    if rest and (footer_size == 0 or rest < footer_size):
        raise XetFormatError(f"{rest} unexpected bytes after the CAS-info section")
    return Shard(tuple(files), tuple(xorbs))


def dedup_shard(xorbs: list[XorbRecord], expiry_seconds: int = 24 * 3600) -> bytes:
    """The shard a global dedup query answers with: no files, the xorbs' chunks, a footer."""
    header = _SHARD_HEADER.pack(SHARD_TAG, 2, 200)
    body = [_ENTRY.pack(_BOOKEND, 0, 0, 0, 0)]
    stored = 0
    unpacked_total = 0
    for record in xorbs:
        unpacked = record.unpacked_size
        stored += record.length
        unpacked_total += unpacked
        body.append(_ENTRY.pack(record.hash, 0, len(record.chunks), unpacked, record.length))
        position = 0
        for chunk in record.chunks:
            body.append(_ENTRY.pack(chunk.hash, position, chunk.size, 0, 0))
            position += chunk.size
    body.append(_ENTRY.pack(_BOOKEND, 0, 0, 0, 0))
    footer_start = len(header) + 48 * len(body)
    now = int(time.time())
    footer = struct.pack(
        "<9Q32s2Q6Q4Q",
        1,  # footer version
        len(header),  # file info offset
        len(header) + 48,  # xorb info offset
        footer_start,  # no lookup tables: the reader scans the xorb section
        0,
        footer_start,
        0,
        footer_start,
        0,
        EMPTY_HASH,  # no HMAC key: chunk hashes in the clear
        now,
        now + expiry_seconds,
        *([0] * 6),
        stored,
        unpacked_total,
        stored,
        footer_start,
    )
    return header + b"".join(body) + footer
