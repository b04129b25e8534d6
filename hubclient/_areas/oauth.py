"""Sign in with HF (OAuth 2 with PKCE, OpenID Connect), as huggingface.js's ``oauthLoginUrl`` and
``oauthHandleRedirect`` do it, for services that keep the login's secrets server side."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from hubclient._areas._base import Area
from hubclient._areas._community import answer, json_answer
from hubclient._urls import origin_of
from hubclient.errors import HfHubHTTPError, OAuthError
from hubclient.models.oauth import OAuthInfo, OAuthLogin, OAuthUserInfo

__all__ = ["OAuthArea"]


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class OAuthArea(Area):
    """Sign in with HF: ``oauth_login_url`` → the user signs in on the Hub →
    ``oauth_handle_redirect`` with the URL the Hub sent them back to → an access token and
    who they are. ``hubclient.oauth`` wraps both as ASGI routes."""

    async def _openid_config(self) -> dict[str, str]:
        response = await self._http.request("GET", "/.well-known/openid-configuration", token=False)
        config = json_answer(response, "an OpenID configuration")
        hub = origin_of(self._http.endpoint)
        out: dict[str, str] = {}
        for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
            value = config.get(key) if isinstance(config, dict) else None
            if not isinstance(value, str) or origin_of(value) != hub:
                # codes and tokens never go to an origin other than the Hub's
                raise OAuthError(
                    f"The OpenID configuration's {key} is not on {hub}: {value!r}",
                    error="invalid_configuration",
                )
            out[key] = value
        return out

    async def oauth_login_url(
        self,
        *,
        client_id: str,
        redirect_url: str,
        scopes: str = "openid profile",
        state: str | None = None,
    ) -> OAuthLogin:
        """Where to send a user to sign in with HF, and the PKCE verifier and nonce to keep
        (in the user's session) for :meth:`oauth_handle_redirect`.

        Example::

            login = await client.oauth_login_url(client_id=CLIENT_ID,
                                                 redirect_url="https://app.example/callback")
            session["verifier"], session["nonce"] = login.code_verifier, login.nonce
            return RedirectResponse(login.url)
        """
        config = await self._openid_config()
        nonce = str(uuid.uuid4())
        verifier = secrets.token_urlsafe(48)  # 64 characters, within PKCE's 43 to 128
        packed = json.dumps({"nonce": nonce, "redirectUri": redirect_url, "state": state})
        query = urlencode(
            {
                "client_id": client_id,
                "scope": scopes,
                "response_type": "code",
                "redirect_uri": redirect_url,
                "state": packed,
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        return OAuthLogin(
            url=f"{config['authorization_endpoint']}?{query}",
            code_verifier=verifier,
            nonce=nonce,
            redirect_url=redirect_url,
        )

    async def oauth_handle_redirect(
        self,
        redirected_url: str,
        *,
        code_verifier: str,
        nonce: str,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> OAuthInfo:
        """Finish a sign-in from the URL the Hub redirected the user to: check the state
        against the login's ``nonce``, trade the code (with the PKCE ``code_verifier``) for an
        access token, and read who signed in. ``OAuthError`` when the user denied access, the
        state does not match (nothing is sent then) or the Hub refuses the code.

        Example::

            info = await client.oauth_handle_redirect(str(request.url),
                                                      code_verifier=v, nonce=n)
            print(info.user_info.preferred_username, info.access_token_expires_at)
        """
        query = parse_qs(urlsplit(redirected_url).query)
        first = {k: v[0] for k, v in query.items() if v}
        if "error" in first:
            raise OAuthError(
                f"{first['error']}: {first.get('error_description', '')}".strip(": "),
                error=first["error"],
                description=first.get("error_description"),
            )
        code, packed = first.get("code"), first.get("state")
        if not code or not packed:
            raise OAuthError("The redirect has no code or no state", error="invalid_request")
        try:
            state: Any = json.loads(packed)
        except ValueError:
            state = None
        if not isinstance(state, dict) or not isinstance(state.get("redirectUri"), str):
            raise OAuthError("The redirect's state is not this login's", error="state_mismatch")
        if not secrets.compare_digest(str(state.get("nonce", "")), nonce):
            raise OAuthError("The redirect's state is not this login's", error="state_mismatch")
        config = await self._openid_config()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": state["redirectUri"],
            "code_verifier": code_verifier,
        }
        headers: dict[str, str] = {}
        if client_id is not None:
            form["client_id"] = client_id
        if client_secret is not None:
            pair = f"{client_id or ''}:{client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        try:
            response = await self._http.request(
                "POST", config["token_endpoint"], data=form, headers=headers, token=False
            )
        except HfHubHTTPError as err:
            error, description = _oauth_error(err)
            raise OAuthError(
                f"The Hub refused the code: {error}: {description or ''}".rstrip(": "),
                error=error,
                description=description,
            ) from None
        token = json_answer(response, "an OAuth token")
        if not isinstance(token, dict) or not isinstance(token.get("access_token"), str):
            raise OAuthError("The token answer has no access_token", error="invalid_response")
        expires_in = token.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 3600.0
        user = await self._user_info(token["access_token"], config)
        custom = state.get("state")
        return OAuthInfo(
            access_token=token["access_token"],
            access_token_expires_at=datetime.now(timezone.utc) + timedelta(seconds=lifetime),
            user_info=user,
            state=custom if isinstance(custom, str) else None,
            scope=str(token.get("scope", "")),
        )

    async def oauth_user_info(self, access_token: str) -> OAuthUserInfo:
        """Who an OAuth access token belongs to (OpenID Connect ``userinfo``).

        Example::

            user = await client.oauth_user_info(info.access_token)
        """
        return await self._user_info(access_token, await self._openid_config())

    async def _user_info(self, access_token: str, config: dict[str, str]) -> OAuthUserInfo:
        response = await self._http.request("GET", config["userinfo_endpoint"], token=access_token)
        return answer(response, OAuthUserInfo, "an OpenID userinfo")


def _oauth_error(err: HfHubHTTPError) -> tuple[str, str | None]:
    """The ``error`` and ``error_description`` of a refused token request."""
    message = err.server_message or ""
    lines = message.splitlines()
    error = lines[0] if lines else f"http_{err.status_code}"
    return error, "\n".join(lines[1:]) or None
