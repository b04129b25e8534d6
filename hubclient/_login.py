"""Logging in: the token store of huggingface_hub, validated against the Hub.

``login(token)`` asks the Hub who the token belongs to (``whoami``), stores it under its name
and makes it the active token; ``logout``, ``auth_switch``, ``auth_list`` and ``get_token`` read
and change the same files as huggingface_hub's functions of the same names, so a login made by
one is the login of the other. Tokens are never printed or logged; ``auth_list`` shows them
masked.
"""

from __future__ import annotations

import getpass
import logging
import os
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

from hubclient._settings import HubSettings
from hubclient._sync import HubClient
from hubclient._tokens import StoredToken, TokenStore
from hubclient.errors import HfHubHTTPError
from hubclient.models.users import WhoAmI

__all__ = ["LoginResult", "auth_list", "auth_switch", "get_token", "login", "logout"]

_log = logging.getLogger("hubclient")


class LoginResult:
    """Who logged in: the user, the token's name and role (never the token itself)."""

    def __init__(self, user: str, token_name: str, role: str | None) -> None:
        self.user = user
        self.token_name = token_name
        self.role = role

    def __repr__(self) -> str:
        return (
            f"LoginResult(user={self.user!r}, token_name={self.token_name!r}, role={self.role!r})"
        )


def get_token() -> str | None:
    """The token a client built now would send: ``HF_TOKEN`` (or ``HUGGING_FACE_HUB_TOKEN``),
    else the token file; None when neither is set."""
    return HubSettings.from_env().token


def _ask_token() -> str:
    if not sys.stdin.isatty():
        token = sys.stdin.readline()
    else:
        token = getpass.getpass("Enter your token (input will not be visible): ")
    return token.strip()


def _whoami(token: str, endpoint: str | None) -> WhoAmI:
    with HubClient(endpoint, token=token) as client:
        return client.whoami()


def _set_git_credential(token: str, endpoint: str) -> bool:
    """Store the token in git's credential helpers for the Hub's host (``git credential
    approve``); False when git or a helper is missing."""
    git = shutil.which("git")
    if git is None:
        return False
    helpers = subprocess.run(
        [git, "config", "--get-all", "credential.helper"],
        capture_output=True,
        text=True,
        check=False,
    )
    if not helpers.stdout.strip():
        return False
    parts = urlsplit(endpoint)
    description = (
        f"protocol={parts.scheme}\nhost={parts.netloc}\nusername=hf_user\npassword={token}\n\n"
    )
    done = subprocess.run(
        [git, "credential", "approve"], input=description, text=True, capture_output=True
    )
    return done.returncode == 0


def login(
    token: str | None = None,
    *,
    add_to_git_credential: bool = False,
    skip_if_logged_in: bool = True,
    endpoint: str | None = None,
) -> LoginResult | None:
    """Validate ``token`` with the Hub, store it and make it the active token.

    Without ``token``, it is read from a prompt that does not echo (or one line of stdin when
    stdin is not a terminal). With ``skip_if_logged_in`` and a valid active token already, the
    call does nothing and returns None. ``endpoint`` defaults to ``HF_ENDPOINT``.

    Raises ``ValueError`` for an organization token, ``UnauthorizedError`` for a token the Hub
    refuses (nothing is stored then).

    Example::

        login(os.environ["MY_HF_TOKEN"])   # then HubClient() and huggingface_hub use it
    """
    store = TokenStore()
    if token is None and skip_if_logged_in and store.active_token():
        try:
            _whoami(store.active_token() or "", endpoint)
        except HfHubHTTPError:
            pass
        else:
            _log.info("already logged in (skip_if_logged_in=True)")
            return None
    token = token if token is not None else _ask_token()
    if not token:
        raise ValueError("no token given")
    if token.startswith("api_org"):
        raise ValueError("You must use your personal account token, not an organization token.")
    me = _whoami(token, endpoint)
    access = me.auth.access_token if me.auth is not None else None
    name = (access.display_name if access is not None else None) or f"oauth-{me.name}"
    store.save(name, token)
    store.activate(name)
    if add_to_git_credential:
        where = endpoint or HubSettings.from_env(token=False).endpoint
        if not _set_git_credential(token, where):
            _log.warning("the token was not saved to a git credential helper (none configured)")
    if os.environ.get("HF_TOKEN"):
        _log.warning("HF_TOKEN is set: it stays the token clients use, not the one just saved")
    return LoginResult(me.name, name, access.role if access is not None else None)


def logout(token_name: str | None = None) -> None:
    """Forget the token ``token_name``, or every stored token and the active one.

    Raises ``ValueError`` when ``token_name`` is not stored.
    """
    store = TokenStore()
    if token_name is None:
        store.remove_all()
    elif not store.remove(token_name):
        raise ValueError(f"Access token {token_name!r} not found in {store.stored_path}")
    if os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"):
        _log.warning("HF_TOKEN is still set: clients keep using it")


def auth_switch(token_name: str, add_to_git_credential: bool = False) -> None:
    """Make the stored token ``token_name`` the active one (``ValueError`` if not stored)."""
    token = TokenStore().activate(token_name)
    if add_to_git_credential:
        _set_git_credential(token, HubSettings.from_env(token=False).endpoint)


def auth_list() -> list[StoredToken]:
    """The stored tokens (names, masked tokens, which is active).

    Unlike huggingface_hub's, which prints a table and returns None, this returns the list
    (``hubclient auth list`` prints it).
    """
    return TokenStore().entries()
