"""The local Hub's Xet service: the CAS store and the short-lived Xet access tokens.

A Xet token is what the Hub's ``xet-read-token`` / ``xet-write-token`` routes hand out and the
CAS origin accepts as ``Authorization: Bearer``: an HMAC-signed statement of a scope (one repo),
a mode (``read`` or ``write``; write includes read) and an expiry. The Hub token never reaches
the CAS; the Xet token never works on the Hub.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from hubclient.testing._signing import Signer
from hubclient.testing._xet_store import XetStore

__all__ = ["XetGrant", "XetService"]

_PREFIX = "xet_"


@dataclass(frozen=True)
class XetGrant:
    """What a valid Xet token allows: `mode` on `scope` until `expires` (unix seconds)."""

    scope: str
    mode: str
    expires: int

    def allows(self, mode: str) -> bool:
        return self.mode == "write" or mode == "read"


class XetService:
    """The CAS store, the token key and the signer of presigned xorb URLs of one local Hub."""

    def __init__(self, data_dir: Path, *, token_ttl: float, signed_url_ttl: float) -> None:
        self.store = XetStore(data_dir)
        key_file = self.store.root / "token.key"
        if key_file.exists():
            self._key = bytes.fromhex(key_file.read_text().strip())
        else:
            self._key = secrets.token_bytes(32)
            key_file.write_text(self._key.hex())
        self.token_ttl = token_ttl
        self.signer = Signer(self.store.root / "fetch.key", signed_url_ttl)

    def issue(self, scope: str, mode: str) -> tuple[str, int]:
        """A new token for `scope` and its expiry (unix seconds)."""
        expires = int(time.time() + self.token_ttl)
        payload = json.dumps({"s": scope, "m": mode, "e": expires}, separators=(",", ":"))
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()
        return f"{_PREFIX}{body}.{mac}", expires

    def check(self, token: str) -> XetGrant | None:
        """The grant of a valid, unexpired token, else ``None``."""
        if not token.startswith(_PREFIX) or token.count(".") != 1:
            return None
        body, mac = token[len(_PREFIX) :].split(".")
        expected = hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, mac):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            grant = XetGrant(str(data["s"]), str(data["m"]), int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return grant if grant.expires >= time.time() else None
