"""Xet access tokens, fetched through our HTTP door (auth, retries, the 429 gate, typed errors).

The Hub's ``…/xet-{read,write}-token/{rev}`` answers the CAS URL, a short-lived token and its
expiry, as JSON and as headers. hf_xet is given the token we fetched, and the same URL with our
headers to refresh it itself should a transfer outlive it (its session API takes a URL, not a
callback).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from hubclient._http import HubHttp
from hubclient.errors import HfHubHTTPError

__all__ = [
    "XetConnection",
    "XetUnavailable",
    "connection_at",
    "fetch_connection",
    "token_path",
    "token_url",
]

_MAX_FIELD = 64_000


class XetUnavailable(Exception):
    """The Hub offers no Xet storage for this repo (its token route answers a plain 404)."""


@dataclass(frozen=True)
class XetConnection:
    """Where the CAS is, the token to use there, and how to get the next one."""

    cas_url: str
    token: str
    expires: int
    refresh_url: str
    refresh_headers: dict[str, str]

    @property
    def custom_headers(self) -> dict[str, str]:
        """What goes with every CAS request: our headers, never the Hub token."""
        return {k: v for k, v in self.refresh_headers.items() if k.lower() != "authorization"}


def token_path(repo_type: str, repo_id: str, mode: str, revision: str) -> str:
    """``/api/{type}s/{repo}/xet-{mode}-token/{quoted rev}``, relative to the endpoint."""
    return f"/api/{repo_type}s/{repo_id}/xet-{mode}-token/{quote(revision, safe='')}"


def token_url(
    http: HubHttp, repo_type: str, repo_id: str, mode: str, revision: str, create_pr: bool
) -> str:
    url = http.url(token_path(repo_type, repo_id, mode, revision))
    return url + ("?create_pr=1" if create_pr else "")


def _field(data: Any, body_key: str, headers: Any, header: str) -> str | None:
    value = data.get(body_key) if isinstance(data, dict) else None
    if value is None:
        value = headers.get(header)
    if value is None:
        return None
    text = str(value)
    return text if 0 < len(text) <= _MAX_FIELD else None


async def fetch_connection(
    http: HubHttp,
    *,
    repo_type: str,
    repo_id: str,
    revision: str,
    mode: str,
    token: str | bool | None,
    create_pr: bool = False,
) -> XetConnection:
    """A Xet token for the repo; `XetUnavailable` when the Hub has no Xet for it.

    A 404 with an ``X-Error-Code`` (no such repo or revision) raises its typed error as any
    call does; a plain 404 means "no Xet here", and the caller falls back to classic LFS.
    """
    url = token_url(http, repo_type, repo_id, mode, revision, create_pr)
    return await connection_at(http, url, token)


async def connection_at(http: HubHttp, url: str, token: str | bool | None) -> XetConnection:
    """The Xet connection a token URL (a file's ``xet-auth`` link) answers."""
    if urlsplit(http.url(url)).netloc != urlsplit(http.endpoint).netloc:
        raise XetUnavailable(f"{url} is not on the Hub's origin")  # our token goes nowhere else
    url = http.url(url)
    try:
        response = await http.request("GET", url, token=token)
    except HfHubHTTPError as err:
        if err.status_code in (404, 501) and not err.error_code:
            raise XetUnavailable(f"{url} answered {err.status_code}") from None
        raise
    try:
        data = response.json()
    except ValueError:
        data = None
    cas = _field(data, "casUrl", response.headers, "x-xet-cas-url")
    access = _field(data, "accessToken", response.headers, "x-xet-access-token")
    expires_text = _field(data, "exp", response.headers, "x-xet-token-expiration")
    parts = urlsplit(cas or "")
    if (
        cas is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or access is None
        or expires_text is None
        or not expires_text.isdigit()
    ):
        raise XetUnavailable(f"{url} answered no usable Xet connection")
    headers = {"user-agent": http.settings.user_agent, **http.settings.headers}
    hub_token = http.resolve_token(token)
    if hub_token:
        headers["authorization"] = f"Bearer {hub_token}"
    return XetConnection(cas.rstrip("/"), access, int(expires_text), url, headers)
