"""Users, organisations and tokens of the local Hub, and who may read or write what."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field

from hubclient.testing._errors import HubError

__all__ = ["Accounts", "Identity"]


@dataclass(frozen=True)
class Identity:
    """Who sent a request: a user and the role of their token (``read`` or ``write``)."""

    user: str
    role: str
    token: str
    orgs: tuple[str, ...] = field(default=())

    def member_of(self, namespace: str) -> bool:
        return namespace == self.user or namespace in self.orgs


class Accounts:
    """Thread-safe registry: ``user -> orgs`` and ``token -> (user, role)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, list[str]] = {}
        self._tokens: dict[str, tuple[str, str]] = {}

    def add_user(self, name: str, orgs: list[str] | tuple[str, ...] = ()) -> None:
        with self._lock:
            known = self._users.setdefault(name, [])
            known.extend(o for o in orgs if o not in known)

    def add_token(self, token: str, *, user: str, role: str = "write") -> None:
        if role not in ("read", "write"):
            raise ValueError(f"role must be 'read' or 'write', not {role!r}")
        with self._lock:
            self._users.setdefault(user, [])
            self._tokens[token] = (user, role)

    def users(self) -> dict[str, list[str]]:
        with self._lock:
            return {name: list(orgs) for name, orgs in self._users.items()}

    def orgs(self) -> set[str]:
        with self._lock:
            return {org for orgs in self._users.values() for org in orgs}

    def identify(self, authorization: str | None) -> Identity | None:
        """The identity behind an ``Authorization`` header; 401 for an unknown token."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "basic":
            # git and git-lfs: ``user:token`` (the user name is not checked, as on the Hub)
            try:
                token = base64.b64decode(token.strip(), validate=True).decode().partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                token = ""
        elif scheme.lower() != "bearer":
            token = ""
        if not token.strip():
            raise HubError(401, "Invalid credentials in Authorization header")
        token = token.strip()
        with self._lock:
            found = self._tokens.get(token)
            if found is None:
                raise HubError(401, "Invalid credentials in Authorization header")
            user, role = found
            return Identity(user, role, token, tuple(self._users.get(user, ())))
