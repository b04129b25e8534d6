"""Presigned URLs: an HMAC over the method, the path and an expiry time, checked by the receiver."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

__all__ = ["Signer"]


class Signer:
    """Signs ``(method, path, expires)`` with a key kept in the data dir (survives a restart)."""

    def __init__(self, key_file: Path, ttl: float) -> None:
        if key_file.exists():
            self._key = bytes.fromhex(key_file.read_text().strip())
        else:
            self._key = secrets.token_bytes(32)
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(self._key.hex())
        self.ttl = ttl

    def _signature(self, method: str, path: str, expires: int) -> str:
        message = f"{method.upper()}\n{path}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def query(self, method: str, path: str, ttl: float | None = None) -> str:
        """The query string (``X-Expires=…&X-Signature=…``) that makes `path` valid for `method`."""
        expires = int(time.time() + (self.ttl if ttl is None else ttl)) + 1
        return urlencode(
            {"X-Expires": expires, "X-Signature": self._signature(method, path, expires)}
        )

    def check(self, method: str, path: str, expires: str | None, signature: str | None) -> str:
        """``""`` when the signature is valid and unexpired, else why not."""
        if not expires or not signature or not expires.isdigit():
            return "missing signature"
        expected = self._signature(method, path, int(expires))
        if not hmac.compare_digest(expected, signature):
            return "signature does not match"
        if int(expires) < time.time():
            return "request has expired"
        return ""
