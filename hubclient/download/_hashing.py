"""Content checks: sha256 for LFS files, the git blob sha1 for regular files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Expected", "Hasher"]

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
        """LFS (or a 64-hex etag): sha256; a regular file with a 40-hex etag: git sha1."""
        if (lfs is None or lfs) and _SHA256.fullmatch(etag):
            return cls(size, "sha256", etag)
        if not lfs and _SHA1.fullmatch(etag) and size is not None:
            return cls(size, "git-sha1", etag)
        return cls(size)


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
        elif kind == "git-sha1":
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
        """None if the content matches, else a description of the difference."""
        if self._h is None:
            return None
        got = self._h.hexdigest()
        if got == self.expected.digest:
            return None
        return f"{self.expected.kind} is {got}, expected {self.expected.digest}"
