"""The token store on disk, the files huggingface_hub keeps (so ``hf`` and we see one login).

* ``HF_TOKEN_PATH`` (default ``HF_HOME/token``): the active token, alone on one line;
* ``stored_tokens`` beside it: an INI file, one section per token name with ``hf_token = …``
  (and, for OAuth logins, ``refresh_token`` and ``expires_at``, kept as they are).

Both are written with owner-only permissions (0600, their folder 0700), through a temp file and
``os.replace``, so a reader never sees half a file. Nothing here talks to the network.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hubclient._settings import HubSettings

__all__ = ["StoredToken", "TokenStore"]

_FILE_MODE = 0o600
_DIR_MODE = 0o700


def _clean(token: str | None) -> str | None:
    if token is None:
        return None
    return token.replace("\r", "").replace("\n", "").strip() or None


def _write_secret(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=_DIR_MODE)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # a folder we may not change: the files stay 0600
        path.parent.chmod(_DIR_MODE)


@dataclass(frozen=True)
class StoredToken:
    """A saved token: its name, a masked form for display, whether it is the active one."""

    name: str
    masked: str
    active: bool
    expires_at: int | None = None

    def __repr__(self) -> str:
        return f"StoredToken(name={self.name!r}, masked={self.masked!r}, active={self.active})"


def mask(token: str) -> str:
    """``hf_abc…wxyz`` → ``hf_****wxyz`` (never the whole token)."""
    return f"{token[:3]}****{token[-4:]}" if len(token) > 8 else "****"


class TokenStore:
    """The token files of one ``HF_HOME`` (default: the environment's, read now)."""

    def __init__(self, token_path: Path | None = None) -> None:
        self.token_path = token_path or HubSettings.from_env(token=False).token_path
        self.stored_path = self.token_path.parent / "stored_tokens"

    # --- reading ---

    def _sections(self) -> dict[str, dict[str, str]]:
        if not self.stored_path.exists():
            return {}
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(self.stored_path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            return {}  # unreadable: a new login overwrites it, as huggingface_hub does
        return {name: dict(config.items(name)) for name in config.sections()}

    def active_token(self) -> str | None:
        """The token of the token file (what ``get_token()`` returns without ``HF_TOKEN``)."""
        try:
            return _clean(self.token_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
            return None

    def tokens(self) -> dict[str, str]:
        """Each stored token by name."""
        return {name: fields.get("hf_token", "") for name, fields in self._sections().items()}

    def get(self, name: str) -> str | None:
        return _clean(self.tokens().get(name))

    def entries(self) -> list[StoredToken]:
        """The stored tokens, masked, the active one marked."""
        active = self.active_token()
        out = []
        for name, fields in sorted(self._sections().items()):
            token = fields.get("hf_token", "")
            expires = fields.get("expires_at")
            out.append(
                StoredToken(
                    name=name,
                    masked=mask(token),
                    active=bool(token) and token == active,
                    expires_at=int(expires) if expires and expires.isdigit() else None,
                )
            )
        return out

    # --- writing ---

    def _save_sections(self, sections: dict[str, dict[str, str]]) -> None:
        config = configparser.ConfigParser(interpolation=None)
        for name in sorted(sections):
            config.add_section(name)
            for key, value in sections[name].items():
                config.set(name, key, value)
        buffer = io.StringIO()
        config.write(buffer)
        _write_secret(self.stored_path, buffer.getvalue())

    def save(self, name: str, token: str) -> None:
        """Store ``token`` under ``name`` (replacing what that name held)."""
        sections = self._sections()
        sections[name] = {"hf_token": token}
        self._save_sections(sections)

    def activate(self, name: str) -> str:
        """Make the stored token ``name`` the active one; ``ValueError`` if there is none."""
        token = self.get(name)
        if not token:
            raise ValueError(f"Access token {name!r} not found in {self.stored_path}")
        _write_secret(self.token_path, token)
        return token

    def remove(self, name: str) -> bool:
        """Forget the token ``name`` (and the active token if it was that one)."""
        sections = self._sections()
        fields = sections.pop(name, None)
        if fields is None:
            return False
        self._save_sections(sections)
        if fields.get("hf_token") and fields.get("hf_token") == self.active_token():
            self.token_path.unlink(missing_ok=True)
        return True

    def remove_all(self) -> None:
        """Forget every stored token and the active one."""
        self.token_path.unlink(missing_ok=True)
        self.stored_path.unlink(missing_ok=True)
