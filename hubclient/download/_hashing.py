"""Content checks: sha256 for LFS files, the git blob sha1 for regular files.

The git sha1 hashes a ``blob <size>\\0`` header before the content, so it can only be followed
as the bytes arrive when the size is known up front. Without a size (no ``Content-Length``
in the metadata) it is *deferred*: the file is hashed once complete (:func:`file_mismatch`),
before it is stored.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Expected", "Hasher", "file_mismatch"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True, slots=True)
class Expected:
    """What a file must be once downloaded: its size and, when known, a hash to check."""

    size: int | None
    kind: Literal["sha256", "git-sha1", "none"] = "none"
    digest: str = ""

    @classmethod
    def for_file(cls, size: int | None, etag: str, *, lfs: bool | None) -> Expected:
        """A 64-hex etag: sha256 (LFS, or LFS content served directly); a regular file with a
        40-hex etag: git sha1; else nothing to check (``kind="none"``)."""
        if _SHA256.fullmatch(etag):
            return cls(size, "sha256", etag)
        if not lfs and _SHA1.fullmatch(etag):
            return cls(size, "git-sha1", etag)
        return cls(size)

    @property
    def deferred(self) -> bool:
        """A git sha1 whose size is not known: checked on the complete file, not on the way."""
        return self.kind == "git-sha1" and self.size is None

    def with_size(self, size: int) -> Expected:
        return Expected(size, self.kind, self.digest)


class Hasher:
    """Incremental hash matching :class:`Expected` (a no-op when there is nothing to check)."""

    def __init__(self, expected: Expected) -> None:
        self.expected = expected
        self._h: hashlib._Hash | None = None
        self.reset()

    def reset(self) -> None:
        kind = self.expected.kind
        if kind == "sha256":
            self._h = hashlib.sha256()
        elif kind == "git-sha1" and self.expected.size is not None:
            self._h = hashlib.sha1(f"blob {self.expected.size}\0".encode())
        else:
            self._h = None

    @property
    def active(self) -> bool:
        return self._h is not None

    def update(self, data: bytes | memoryview) -> None:
        if self._h is not None:
            self._h.update(data)

    def mismatch(self) -> str | None:
        """None if the content matches, else a description of the difference.

        A deferred check (see :attr:`Expected.deferred`) is not done here."""
        if self._h is None:
            return None
        got = self._h.hexdigest()
        if got == self.expected.digest:
            return None
        return f"{self.expected.kind} is {got}, expected {self.expected.digest}"


def file_mismatch(path: str | os.PathLike[str], expected: Expected) -> str | None:
    """(blocking) Check the complete file at ``path`` against ``expected`` (its size, and its
    hash when there is one); None if it matches."""
    size = os.path.getsize(path)
    if expected.size is not None and size != expected.size:
        return f"size is {size}, expected {expected.size}"
    hasher = Hasher(expected.with_size(size))
    if not hasher.active:
        return None
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 * 2**20), b""):
            hasher.update(block)
    return hasher.mismatch()
