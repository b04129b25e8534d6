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

    def _signature(self, method: str, path: str, items: list[tuple[str, str]]) -> str:
        canonical = urlencode(sorted(items))
        message = f"{method.upper()}\n{path}\n{canonical}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def query(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        ttl: float | None = None,
    ) -> str:
        """The query string that makes `path` valid for `method`: `params`, ``X-Expires`` and an
        ``X-Signature`` over all of them (changing any parameter breaks the signature)."""
        expires = int(time.time() + (self.ttl if ttl is None else ttl)) + 1
        items = [*(params or {}).items(), ("X-Expires", str(expires))]
        return urlencode([*items, ("X-Signature", self._signature(method, path, items))])

    def check(self, method: str, path: str, query: list[tuple[str, str]]) -> str:
        """``""`` when the query's signature is valid and unexpired, else why not."""
        signatures = [v for k, v in query if k == "X-Signature"]
        items = [(k, v) for k, v in query if k != "X-Signature"]
        expires = [v for k, v in items if k == "X-Expires"]
        if len(signatures) != 1 or len(expires) != 1 or not expires[0].isdigit():
            return "missing signature"
        expected = self._signature(method, path, items)
        if not hmac.compare_digest(expected, signatures[0]):
            return "signature does not match"
        if int(expires[0]) < time.time():
            return "request has expired"
        return ""
