"""Sign in with HF for ASGI apps (Starlette, FastAPI): login, callback and logout routes, and
the signed-in user on every request.

``HubOAuth`` is ASGI middleware (``pip install 'hubclient[oauth]'``). It serves
``{prefix}/oauth/huggingface/login`` (redirects to the Hub with a PKCE challenge and a state
bound to this browser), ``…/callback`` (checks the state, trades the code for a token, keeps
the result in a signed, HTTP-only session cookie) and ``…/logout``; every other request gets
the :class:`~hubclient.OAuthInfo` of its session (or None) for :func:`parse_huggingface_oauth`.
``?_target_url=/path`` on login and logout says where to go after (same-site paths only).

:func:`attach_huggingface_oauth` and :func:`parse_huggingface_oauth` are huggingface_hub's
FastAPI helpers under the same names: in a Space (``OAUTH_CLIENT_ID``, ``OAUTH_CLIENT_SECRET``,
``OAUTH_SCOPES`` and ``OPENID_PROVIDER_URL`` set) ``attach_huggingface_oauth(app)`` is all.

Example::

    app = FastAPI()
    attach_huggingface_oauth(app, client=AsyncHubClient(token=False), client_id=ID,
                             session_secret=os.environ["SESSION_SECRET"])

    @app.get("/")
    async def home(request: Request) -> dict:
        info = parse_huggingface_oauth(request)
        return {"user": info.user_info.preferred_username if info else None}
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import time
from typing import Any, Protocol

from hubclient.errors import OAuthError
from hubclient.models.oauth import OAuthInfo, OAuthLogin

try:
    from starlette.datastructures import URL
    from starlette.requests import Request
    from starlette.responses import JSONResponse, RedirectResponse, Response
    from starlette.types import ASGIApp, Receive, Scope, Send
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("hubclient.oauth needs Starlette: pip install 'hubclient[oauth]'") from exc

__all__ = ["HubOAuth", "OAuthClient", "attach_huggingface_oauth", "parse_huggingface_oauth"]

logger = logging.getLogger("hubclient.oauth")

_SESSION = "hf_oauth_session"
_FLOW = "hf_oauth_flow"
_FLOW_TTL = 600


class OAuthClient(Protocol):
    """What the middleware needs of a client (``AsyncHubClient`` has it)."""

    async def oauth_login_url(
        self, *, client_id: str, redirect_url: str, scopes: str = ..., state: str | None = ...
    ) -> OAuthLogin: ...

    async def oauth_handle_redirect(
        self,
        redirected_url: str,
        *,
        code_verifier: str,
        nonce: str,
        client_id: str | None = ...,
        client_secret: str | None = ...,
    ) -> OAuthInfo: ...


def _safe_target(value: str | None) -> str:
    """A same-site path to go to after login or logout (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


class _Signer:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("hubclient-oauth:" + secret).encode()).digest()

    def dumps(self, data: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return body + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def loads(self, value: str | None) -> dict[str, Any] | None:
        if not value or "." not in value:
            return None
        body, _, given = value.rpartition(".")
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        expected = base64.urlsafe_b64encode(mac).decode().rstrip("=")
        if not hmac.compare_digest(given, expected):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        if not isinstance(data, dict) or float(data.get("exp", 0)) < time.time():
            return None
        return data


class HubOAuth:
    """ASGI middleware adding Sign in with HF to ``app`` (see the module's documentation).

    Args:
        app: the ASGI app to wrap.
        client: the client that talks to the Hub (an ``AsyncHubClient``; its endpoint is
            the OAuth provider).
        client_id: the OAuth app's client id.
        client_secret: its secret (confidential apps; a Space's ``OAUTH_CLIENT_SECRET``).
        scopes: space-separated scopes to ask for.
        session_secret: the key that signs the cookies (keep it secret and stable).
        route_prefix: where the three routes live (``/`` → ``/oauth/huggingface/…``).
        secure_cookies: send cookies over HTTPS only (turn off for plain-HTTP local tests).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        client: OAuthClient,
        client_id: str,
        client_secret: str | None = None,
        scopes: str = "openid profile",
        session_secret: str,
        route_prefix: str = "/",
        secure_cookies: bool = True,
    ) -> None:
        if not session_secret:
            raise ValueError("session_secret is required (it signs the session cookies)")
        self.app = app
        self.client = client
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.secure = secure_cookies
        self._signer = _Signer(session_secret)
        prefix = "/" + route_prefix.strip("/") if route_prefix.strip("/") else ""
        self.login_path = f"{prefix}/oauth/huggingface/login"
        self.callback_path = f"{prefix}/oauth/huggingface/callback"
        self.logout_path = f"{prefix}/oauth/huggingface/logout"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        path = request.url.path
        if path == self.login_path:
            response = await self._login(request)
        elif path == self.callback_path:
            response = await self._callback(request)
        elif path == self.logout_path:
            response = RedirectResponse(_safe_target(request.query_params.get("_target_url")))
            response.delete_cookie(_SESSION, path="/")
        else:
            scope.setdefault("state", {})["hf_oauth"] = self.session_of(request)
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)

    def session_of(self, request: Request) -> OAuthInfo | None:
        """The sign-in of the request's session cookie (None when absent, forged or expired)."""
        data = self._signer.loads(request.cookies.get(_SESSION))
        if data is None:
            return None
        try:
            return OAuthInfo.model_validate(data["info"])
        except (KeyError, ValueError):
            return None

    def _cookie(self, response: Response, name: str, data: dict[str, Any], max_age: int) -> None:
        response.set_cookie(
            name,
            self._signer.dumps({**data, "exp": time.time() + max_age}),
            max_age=max_age,
            path="/",
            httponly=True,
            secure=self.secure,
            samesite="lax",
        )

    def _callback_url(self, request: Request) -> str:
        return str(URL(str(request.base_url)).replace(path=self.callback_path, query=""))

    async def _login(self, request: Request) -> Response:
        target = _safe_target(request.query_params.get("_target_url"))
        login = await self.client.oauth_login_url(
            client_id=self.client_id,
            redirect_url=self._callback_url(request),
            scopes=self.scopes,
        )
        response = RedirectResponse(login.url, 302)
        flow = {"verifier": login.code_verifier, "nonce": login.nonce, "target": target}
        self._cookie(response, _FLOW, flow, _FLOW_TTL)
        return response

    async def _callback(self, request: Request) -> Response:
        flow = self._signer.loads(request.cookies.get(_FLOW))
        if flow is None:
            return JSONResponse(
                {"error": "No sign-in in progress for this browser (or it expired)"}, 400
            )
        try:
            info = await self.client.oauth_handle_redirect(
                str(request.url),
                code_verifier=str(flow["verifier"]),
                nonce=str(flow["nonce"]),
                client_id=self.client_id,
                client_secret=self.client_secret,
            )
        except OAuthError as err:
            status = 403 if err.error == "access_denied" else 400
            response: Response = JSONResponse({"error": err.error, "message": str(err)}, status)
            response.delete_cookie(_FLOW, path="/")
            return response
        lifetime = int(info.access_token_expires_at.timestamp() - time.time())
        response = RedirectResponse(_safe_target(str(flow.get("target"))), 302)
        self._cookie(response, _SESSION, {"info": info.model_dump(mode="json")}, max(lifetime, 60))
        response.delete_cookie(_FLOW, path="/")
        return response


def parse_huggingface_oauth(request: Request) -> OAuthInfo | None:
    """The sign-in of this request (set by :class:`HubOAuth`), or None.

    Example::

        info = parse_huggingface_oauth(request)
        if info is None:
            return RedirectResponse("/oauth/huggingface/login")
    """
    state = request.scope.get("state") or {}
    found = state.get("hf_oauth")
    return found if isinstance(found, OAuthInfo) else None


def attach_huggingface_oauth(
    app: Any,
    route_prefix: str = "/",
    *,
    client: OAuthClient | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    scopes: str | None = None,
    session_secret: str | None = None,
    secure_cookies: bool = True,
) -> None:
    """Add Sign in with HF to a Starlette or FastAPI ``app`` (huggingface_hub's name).

    What is not given comes from a Space's environment: ``OAUTH_CLIENT_ID``,
    ``OAUTH_CLIENT_SECRET``, ``OAUTH_SCOPES``, ``OPENID_PROVIDER_URL`` (the client's
    endpoint when ``client`` is None). ``session_secret`` defaults to a hash of the client
    secret, as huggingface_hub's does.

    Example::

        attach_huggingface_oauth(app)  # in a Space with hf_oauth: true
    """
    client_id = client_id or os.environ.get("OAUTH_CLIENT_ID")
    if not client_id:
        raise ValueError("client_id is required (or OAUTH_CLIENT_ID in the environment)")
    client_secret = client_secret or os.environ.get("OAUTH_CLIENT_SECRET")
    scopes = scopes or os.environ.get("OAUTH_SCOPES") or "openid profile"
    if session_secret is None:
        if not client_secret:
            raise ValueError("session_secret is required for an app without a client secret")
        session_secret = hashlib.sha256((client_secret + "-v1").encode()).hexdigest()
    if client is None:
        import hubclient  # the public client; this module is never imported by hubclient

        client = hubclient.AsyncHubClient(os.environ.get("OPENID_PROVIDER_URL"), token=False)
    app.add_middleware(
        HubOAuth,
        client=client,
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
        session_secret=session_secret,
        route_prefix=route_prefix,
        secure_cookies=secure_cookies,
    )
