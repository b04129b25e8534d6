"""Sign in with HF against the local Hub as the OAuth provider (asyncio and trio)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hubclient import AsyncHubClient, OAuthError
from hubclient.oauth import HubOAuth, attach_huggingface_oauth, parse_huggingface_oauth
from hubclient.testing import BOB_TOKEN, LocalHub

from .conftest import make_client

pytestmark = pytest.mark.anyio

APP = "http://app.local"
CALLBACK = f"{APP}/oauth/huggingface/callback"


async def _sign_in(hub: LocalHub, login_url: str, token: str = BOB_TOKEN) -> str:
    """The browser's part: open the Hub's authorize page signed in as the user, get sent back."""
    async with httpx.AsyncClient(transport=hub.async_transport()) as browser:
        answer = await browser.get(login_url, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def test_login_url_and_redirect(local_hub: LocalHub, client: AsyncHubClient) -> None:
    client_id, _ = local_hub.register_oauth_app(redirect_uris=[CALLBACK])
    login = await client.oauth_login_url(
        client_id=client_id, redirect_url=CALLBACK, scopes="openid profile email", state="s1"
    )
    query = parse_qs(urlsplit(login.url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [client_id]
    back = await _sign_in(local_hub, login.url)
    assert back.startswith(CALLBACK + "?code=")
    info = await client.oauth_handle_redirect(
        back, code_verifier=login.code_verifier, nonce=login.nonce
    )
    assert info.user_info.preferred_username == "bob"
    assert (info.user_info.email, info.state, info.scope) == (
        "bob@example.com",
        "s1",
        "openid profile email",
    )
    async with make_client(local_hub, token=info.access_token) as as_bob:
        me = await as_bob.whoami()
        assert (me.name, me.auth.access_token and me.auth.access_token.role) == ("bob", "read")
    assert (await client.oauth_user_info(info.access_token)).sub == info.user_info.sub
    # the code works once
    with pytest.raises(OAuthError) as reused:
        await client.oauth_handle_redirect(
            back, code_verifier=login.code_verifier, nonce=login.nonce
        )
    assert reused.value.error == "invalid_grant"


async def test_state_pkce_denial_and_secrets(local_hub: LocalHub, client: AsyncHubClient) -> None:
    public_id, _ = local_hub.register_oauth_app(redirect_uris=[CALLBACK])
    login = await client.oauth_login_url(client_id=public_id, redirect_url=CALLBACK)
    other = await client.oauth_login_url(client_id=public_id, redirect_url=CALLBACK)
    back = await _sign_in(local_hub, login.url)
    with pytest.raises(OAuthError) as forged:  # a redirect meant for another login
        await client.oauth_handle_redirect(
            back, code_verifier=other.code_verifier, nonce=other.nonce
        )
    assert forged.value.error == "state_mismatch"
    with pytest.raises(OAuthError) as pkce:  # the right state, the wrong verifier
        await client.oauth_handle_redirect(
            back, code_verifier=other.code_verifier, nonce=login.nonce
        )
    assert pkce.value.error == "invalid_grant"
    local_hub.set_oauth_consent("bob", False)
    denied = await _sign_in(local_hub, login.url)
    with pytest.raises(OAuthError) as refused:
        await client.oauth_handle_redirect(
            denied, code_verifier=login.code_verifier, nonce=login.nonce
        )
    assert refused.value.error == "access_denied"
    local_hub.set_oauth_consent("bob", True)
    secret_id, secret = local_hub.register_oauth_app(redirect_uris=[CALLBACK], confidential=True)
    login = await client.oauth_login_url(client_id=secret_id, redirect_url=CALLBACK)
    back = await _sign_in(local_hub, login.url)
    with pytest.raises(OAuthError) as wrong:
        await client.oauth_handle_redirect(
            back, code_verifier=login.code_verifier, nonce=login.nonce,
            client_id=secret_id, client_secret="not-it",
        )  # fmt: skip
    assert wrong.value.error == "invalid_client"
    login = await client.oauth_login_url(client_id=secret_id, redirect_url=CALLBACK)
    back = await _sign_in(local_hub, login.url)
    info = await client.oauth_handle_redirect(
        back, code_verifier=login.code_verifier, nonce=login.nonce,
        client_id=secret_id, client_secret=secret,
    )  # fmt: skip
    assert info.user_info.preferred_username == "bob"
    # a redirect URI the app did not register is refused without redirecting
    bad = await client.oauth_login_url(client_id=public_id, redirect_url="http://evil.local/cb")
    async with httpx.AsyncClient(transport=local_hub.async_transport()) as browser:
        answer = await browser.get(bad.url, headers={"Authorization": f"Bearer {BOB_TOKEN}"})
    assert answer.status_code == 400
    assert "location" not in answer.headers


def _app() -> Starlette:
    async def home(request: Request) -> JSONResponse:
        info = parse_huggingface_oauth(request)
        return JSONResponse({"user": info.user_info.preferred_username if info else None})

    return Starlette(routes=[Route("/", home), Route("/page", home)])


def _keep_cookies(jar: dict[str, str], answer: httpx.Response) -> None:
    for header in answer.headers.get_list("set-cookie"):
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        if value in ("", '""') or any(a.strip().lower() == "max-age=0" for a in attributes):
            jar.pop(name, None)
        else:
            jar[name] = value


async def _browse(app: Any, hub: LocalHub, path: str, jar: dict[str, str]) -> httpx.Response:
    """A browser with cookies: follow redirects between the app and the Hub (signed in as bob)."""
    app_http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    hub_http = httpx.AsyncClient(transport=hub.async_transport())
    async with app_http, hub_http:
        url = f"{APP}{path}"
        for _ in range(10):
            if url.startswith(APP):
                cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
                answer = await app_http.get(url, headers={"Cookie": cookie} if cookie else {})
                _keep_cookies(jar, answer)
            else:
                answer = await hub_http.get(url, headers={"Authorization": f"Bearer {BOB_TOKEN}"})
            if answer.status_code not in (302, 307):
                return answer
            url = answer.headers["location"]
            if url.startswith("/"):
                url = APP + url
        raise AssertionError("too many redirects")


async def test_the_middleware_signs_users_in_and_out(local_hub: LocalHub) -> None:
    client_id, secret = local_hub.register_oauth_app(redirect_uris=[CALLBACK], confidential=True)
    async with make_client(local_hub, token=False) as hub_client:
        app = _app()
        attach_huggingface_oauth(
            app, client=hub_client, client_id=client_id, client_secret=secret,
            session_secret="test-secret", secure_cookies=False,
        )  # fmt: skip
        jar: dict[str, str] = {}
        assert (await _browse(app, local_hub, "/", jar)).json() == {"user": None}
        signed_in = await _browse(app, local_hub, "/oauth/huggingface/login?_target_url=/page", jar)
        assert signed_in.json() == {"user": "bob"}
        assert (await _browse(app, local_hub, "/", jar)).json() == {"user": "bob"}
        # a tampered session cookie is no session
        forged = {name: value[:-2] + "xx" for name, value in jar.items()}
        assert (await _browse(app, local_hub, "/", forged)).json() == {"user": None}
        # an open redirect is not followed
        off_site = await _browse(
            app, local_hub, "/oauth/huggingface/logout?_target_url=//evil", jar
        )
        assert off_site.json() == {"user": None}
        # a callback without a login of this browser is refused
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as stranger:
            answer = await stranger.get(f"{CALLBACK}?code=x&state=y")
        assert answer.status_code == 400
    with pytest.raises(ValueError, match="session_secret"):
        HubOAuth(app, client=hub_client, client_id="x", session_secret="")
