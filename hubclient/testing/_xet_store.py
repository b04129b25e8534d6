"""The local CAS's storage: verified xorbs (shared by content) and, per scope, the files.

Layout under ``<data dir>/xet``::

    xorbs/<2 hex>/<xorb hash>        the serialized xorb as uploaded (no footer)
    xorbs/<2 hex>/<xorb hash>.idx    its chunks: hash, byte offset, uncompressed size
    scopes/<scope>/files/<2 hex>/<file hash>.json   {"size", "sha256", "terms": [...]}
    scopes/<scope>/sha256/<2 hex>/<sha256>          the file hash with that sha256
    scopes/<scope>/chunks/<2 hex>/<chunk hash>      a xorb holding that chunk (global dedup)

A scope is a repo (or bucket): a Xet token names one, and a file is only found, reconstructed
or deduplicated against inside the scope it was registered in. Xorbs are content-addressed and
shared, as on the Hub: a shard may name a xorb another scope uploaded, but only with term
verification hashes that prove it knows the chunks. Every write goes through a temp file and
``os.replace``; a shard that fails any check stores nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hubclient.testing._xet_format import (
    ChunkRecord,
    FileEntry,
    Shard,
    Term,
    XetFormatError,
    XorbRecord,
    dedup_eligible,
    dedup_shard,
    file_hash,
    hash_from_hex,
    hash_hex,
    parse_xorb,
    read_chunks,
    verification_hash,
)

__all__ = ["FetchRange", "Reconstruction", "StoredFile", "XetStore"]

_SCOPE = re.compile(r"[A-Za-z0-9_.-]{1,200}\Z")
_INDEX_HEAD = struct.Struct("<4sIQ")
_INDEX_CHUNK = struct.Struct("<32sQI")
_CACHE = 512


@dataclass(frozen=True)
class StoredFile:
    """A file registered in a scope: its size, its sha256 (when the shard gave one), its terms."""

    hash: bytes
    size: int
    sha256: str | None
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class FetchRange:
    """Chunks ``[start, end)`` of a xorb and their bytes ``[first, last]`` (inclusive)."""

    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True)
class Reconstruction:
    """How to rebuild a byte range of a file: terms in order, and the xorb ranges to fetch."""

    offset_into_first_range: int
    terms: tuple[Term, ...]
    fetch: dict[bytes, list[FetchRange]]


class XetStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "xet"
        self._xorbs = self.root / "xorbs"
        self._scopes = self.root / "scopes"
        self._tmp = self.root / "tmp"
        for folder in (self._xorbs, self._scopes, self._tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._records: OrderedDict[bytes, XorbRecord] = OrderedDict()

    # --- writing helpers ---

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp / f"{uuid.uuid4().hex}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def _scope_dir(self, scope: str) -> Path:
        if not _SCOPE.match(scope):
            raise ValueError(f"invalid Xet scope {scope!r}")
        return self._scopes / scope

    # --- xorbs ---

    def xorb_path(self, hash_: bytes) -> Path:
        text = hash_hex(hash_)
        return self._xorbs / text[:2] / text

    def xorb(self, hash_: bytes) -> XorbRecord | None:
        """The stored xorb's chunk index, or ``None``."""
        with self._lock:
            found = self._records.get(hash_)
            if found is not None:
                self._records.move_to_end(hash_)
                return found
        try:
            raw = self.xorb_path(hash_).with_suffix(".idx").read_bytes()
        except OSError:
            return None
        magic, count, length = _INDEX_HEAD.unpack_from(raw, 0)
        if magic != b"XIDX":
            return None
        chunks = tuple(
            ChunkRecord(h, offset, size)
            for h, offset, size in _INDEX_CHUNK.iter_unpack(raw[_INDEX_HEAD.size :])
        )
        if len(chunks) != count:
            return None
        record = XorbRecord(hash_, length, chunks)
        self._remember(record)
        return record

    def _remember(self, record: XorbRecord) -> None:
        with self._lock:
            self._records[record.hash] = record
            self._records.move_to_end(record.hash)
            while len(self._records) > _CACHE:
                self._records.popitem(last=False)

    def put_xorb(self, hash_: bytes, data: bytes) -> bool:
        """Verify and store a xorb; ``True`` if it was new. Raises `XetFormatError`.

        Blocking and CPU-bound: run it in a worker thread.
        """
        if self.xorb(hash_) is not None:
            parse_xorb(hash_, data)  # still refuse a body that does not match its name
            return False
        record = parse_xorb(hash_, data)
        index = _INDEX_HEAD.pack(b"XIDX", len(record.chunks), record.length) + b"".join(
            _INDEX_CHUNK.pack(c.hash, c.offset, c.size) for c in record.chunks
        )
        path = self.xorb_path(hash_)
        self._write(path, data[: record.length])
        self._write(path.with_suffix(".idx"), index)  # last: the xorb exists once indexed
        self._remember(record)
        return True

    def read_xorb_range(self, hash_: bytes, first: int, last: int) -> bytes:
        with self.xorb_path(hash_).open("rb") as f:
            f.seek(first)
            return f.read(last - first + 1)

    # --- files of a scope ---

    def _file_path(self, scope: str, hash_: bytes) -> Path:
        text = hash_hex(hash_)
        return self._scope_dir(scope) / "files" / text[:2] / f"{text}.json"

    def file(self, scope: str, hash_: bytes) -> StoredFile | None:
        try:
            data = json.loads(self._file_path(scope, hash_).read_text())
        except (OSError, ValueError):
            return None
        terms = tuple(Term(hash_from_hex(x), size, s, e) for x, s, e, size in data["terms"])
        return StoredFile(hash_, int(data["size"]), data.get("sha256"), terms)

    def file_by_sha256(self, scope: str, sha256: str) -> StoredFile | None:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        try:
            text = (self._scope_dir(scope) / "sha256" / sha256[:2] / sha256).read_text()
            return self.file(scope, hash_from_hex(text.strip()))
        except (OSError, XetFormatError):
            return None

    def _check_cas_entry(self, xorb: bytes, chunks: tuple[tuple[bytes, int, int], ...]) -> None:
        record = self.xorb(xorb)
        if record is None:
            raise XetFormatError(f"the shard describes xorb {hash_hex(xorb)}, never uploaded")
        position = 0
        described = []
        for chunk in record.chunks:
            described.append((chunk.hash, position, chunk.size))
            position += chunk.size
        if tuple(described) != chunks:
            raise XetFormatError(
                f"the shard's description of xorb {hash_hex(xorb)} does not match its content"
            )

    def _check_file(self, entry: FileEntry) -> None:
        name = hash_hex(entry.hash)
        leaves: list[tuple[bytes, int]] = []
        for number, term in enumerate(entry.terms):
            record = self.xorb(term.xorb)
            if record is None:
                raise XetFormatError(
                    f"file {name} term {number} names xorb {hash_hex(term.xorb)}, which is "
                    "not stored"
                )
            if term.end > len(record.chunks):
                raise XetFormatError(
                    f"file {name} term {number} asks chunks [{term.start}, {term.end}) of a "
                    f"xorb with {len(record.chunks)}"
                )
            chunks = record.chunks[term.start : term.end]
            if sum(c.size for c in chunks) != term.size:
                raise XetFormatError(f"file {name} term {number} has the wrong unpacked size")
            if term.verification is None:
                raise XetFormatError(f"file {name} has no term verification hashes")
            if verification_hash([c.hash for c in chunks]) != term.verification:
                raise XetFormatError(
                    f"file {name} term {number}: the verification hash does not match the "
                    f"chunks of xorb {hash_hex(term.xorb)}"
                )
            leaves.extend((c.hash, c.size) for c in chunks)
        if file_hash(leaves) != entry.hash:
            raise XetFormatError(f"file {name} is not the hash of the chunks its terms name")

    def register_shard(self, scope: str, shard: Shard) -> bool:
        """Check every xorb and file the shard names, then register its files in `scope`.

        Returns ``True`` if anything was new. Raises `XetFormatError` (nothing stored) when a
        xorb is missing or misdescribed, a term's verification hash lies, or a file hash does
        not match its chunks.
        """
        self._scope_dir(scope)
        for cas in shard.xorbs:
            self._check_cas_entry(cas.hash, cas.chunks)
        for entry in shard.files:
            self._check_file(entry)
        new = False
        for entry in shard.files:
            new |= self._register_file(scope, entry)
        return new

    def _register_file(self, scope: str, entry: FileEntry) -> bool:
        path = self._file_path(scope, entry.hash)
        existing = self.file(scope, entry.hash)
        if existing is not None and (existing.sha256 or not entry.sha256):
            return False
        record = {
            "size": entry.size,
            "sha256": entry.sha256,
            "terms": [[hash_hex(t.xorb), t.start, t.end, t.size] for t in entry.terms],
        }
        folder = self._scope_dir(scope)
        for number, term in enumerate(entry.terms):
            xorb = self.xorb(term.xorb)
            assert xorb is not None  # checked by _check_file
            for index in range(term.start, term.end):
                chunk = xorb.chunks[index].hash
                if dedup_eligible(chunk) or (number == 0 and index == term.start):
                    text = hash_hex(chunk)
                    self._write(folder / "chunks" / text[:2] / text, hash_hex(term.xorb).encode())
        if entry.sha256:
            sha = entry.sha256
            self._write(folder / "sha256" / sha[:2] / sha, hash_hex(entry.hash).encode())
        self._write(path, json.dumps(record, separators=(",", ":")).encode())
        return True

    def link_file(self, source: str, target: str, hash_: bytes) -> StoredFile | None:
        """Register in scope `target` the file `hash_` of scope `source` (a server-side copy:
        the xorbs are shared, nothing is read or sent); ``None`` when `source` lacks it."""
        stored = self.file(source, hash_)
        if stored is None:
            return None
        self._register_file(target, FileEntry(stored.hash, stored.terms, stored.sha256))
        return stored

    def dedup_answer(self, scope: str, chunk: bytes) -> bytes | None:
        """The shard a global dedup query for `chunk` gets in `scope`, or ``None``."""
        text = hash_hex(chunk)
        try:
            xorb_text = (self._scope_dir(scope) / "chunks" / text[:2] / text).read_text()
            record = self.xorb(hash_from_hex(xorb_text.strip()))
        except (OSError, XetFormatError):
            return None
        return None if record is None else dedup_shard([record])

    # --- reading files ---

    def reconstruction(self, stored: StoredFile, start: int, end: int) -> Reconstruction:
        """The terms covering bytes ``[start, end)``, trimmed to whole chunks."""
        terms: list[Term] = []
        wanted: dict[bytes, list[tuple[int, int]]] = {}
        offset_into_first = 0
        position = 0
        for term in stored.terms:
            term_start, term_end = position, position + term.size
            position = term_end
            if term_end <= start or term_start >= end:
                continue
            record = self.xorb(term.xorb)
            if record is None:
                raise XetFormatError(f"xorb {hash_hex(term.xorb)} is missing from the store")
            first, last, cursor = term.start, term.end, term_start
            for index in range(term.start, term.end):  # drop whole chunks before the range
                size = record.chunks[index].size
                if cursor + size > start:
                    break
                cursor += size
                first = index + 1
            if not terms:
                offset_into_first = start - cursor
            tail = term_end
            for index in range(term.end - 1, first, -1):  # and whole chunks after it
                size = record.chunks[index].size
                if tail - size < end:
                    break
                tail -= size
                last = index
            size = sum(c.size for c in record.chunks[first:last])
            terms.append(Term(term.xorb, size, first, last))
            wanted.setdefault(term.xorb, []).append((first, last))
        fetch: dict[bytes, list[FetchRange]] = {}
        for xorb, ranges in wanted.items():
            record = self.xorb(xorb)
            assert record is not None
            merged: list[list[int]] = []
            for first, last in sorted(ranges):
                if merged and first <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], last)
                else:
                    merged.append([first, last])
            fetch[xorb] = [
                FetchRange(a, b, record.chunks[a].offset, record.chunk_end(b - 1) - 1)
                for a, b in merged
            ]
        return Reconstruction(offset_into_first, tuple(terms), fetch)

    def read_range(self, stored: StoredFile, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``[start, end)`` of the file, piece by piece (one decoded term at a time), as
        its reconstruction describes them. Blocking."""
        plan = self.reconstruction(stored, start, end)
        skip, left = plan.offset_into_first_range, end - start
        for term in plan.terms:
            if left <= 0:
                break
            record = self.xorb(term.xorb)
            if record is None:
                raise XetFormatError(f"xorb {hash_hex(term.xorb)} is missing from the store")
            piece = b"".join(self._term_chunks(record, term))[skip : skip + left]
            skip = 0
            left -= len(piece)
            yield piece

    def _term_chunks(self, record: XorbRecord, term: Term) -> list[bytes]:
        """The decoded chunks ``[term.start, term.end)`` of a stored xorb."""
        first = record.chunks[term.start].offset
        last = record.chunk_end(term.end - 1) - 1
        data = self.read_xorb_range(term.xorb, first, last)
        shifted = XorbRecord(
            record.hash,
            last - first + 1,
            tuple(
                ChunkRecord(c.hash, c.offset - first, c.size)
                for c in record.chunks[term.start : term.end]
            ),
        )
        return read_chunks(shifted, data, 0, term.end - term.start)

    def materialize(self, stored: StoredFile, sink: Callable[[bytes], None]) -> str:
        """Feed the whole file to `sink`, term by term; return its sha256. Blocking."""
        digest = hashlib.sha256()
        for term in stored.terms:
            record = self.xorb(term.xorb)
            if record is None:
                raise XetFormatError(f"xorb {hash_hex(term.xorb)} is missing from the store")
            for piece in self._term_chunks(record, term):
                digest.update(piece)
                sink(piece)
        return digest.hexdigest()
