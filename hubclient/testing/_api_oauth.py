"""The local Hub as an OAuth 2 / OpenID Connect provider (Sign in with HF).

Apps are registered with ``LocalHub.register_oauth_app`` (client id, optional secret, allowed
redirect URIs, scopes) and kept in the Hub-wide ``oauth`` document with the codes in flight.
The browser's part is played by any HTTP client: ``GET /oauth/authorize`` with a user's token
is that user signing in and consenting (``LocalHub.set_oauth_consent(user, False)`` makes them
refuse), and answers the redirect to the app with a code. ``POST /oauth/token`` trades a code
for an access token: the code is single-use and short-lived, the ``redirect_uri`` must be the
authorize request's, a PKCE ``code_verifier`` must match its ``S256`` challenge, and an app
with a secret must authenticate. The access token is a token of the local Hub (write role if
the app was granted ``write-repos`` or ``manage-repos``, else read).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.responses import RedirectResponse, Response

from hubclient.testing._documents import Document
from hubclient.testing._errors import HubError
from hubclient.testing._people import hex_id
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES", "register_app"]

CODE_TTL = 600.0
TOKEN_TTL = 8 * 3600
_SCOPES = {
    "openid",
    "profile",
    "email",
    "read-repos",
    "write-repos",
    "manage-repos",
    "read-billing",
    "inference-api",
    "write-discussions",
}


def oauth_document(ctx_or_documents: Any) -> Document:
    documents = getattr(getattr(ctx_or_documents, "state", None), "documents", ctx_or_documents)
    doc: Document = documents.hub("oauth")
    return doc


def _section(doc: Document, name: str) -> dict[str, Any]:
    found = doc.data.setdefault(name, {})
    assert isinstance(found, dict)
    return found


def register_app(
    doc: Document, client_id: str, secret: str | None, redirect_uris: list[str], scopes: str
) -> None:
    with doc.lock:
        _section(doc, "apps")[client_id] = {
            "secret": secret,
            "redirectUris": list(redirect_uris),
            "scopes": scopes.split(),
        }
        doc.save()


def _error(status: int, error: str, description: str) -> HubError:
    return HubError(status, error, body={"error_description": description})


async def openid_configuration(ctx: Ctx) -> Response:
    base = ctx.hub_url
    return json_response(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "userinfo_endpoint": f"{base}/oauth/userinfo",
            "jwks_uri": f"{base}/oauth/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": sorted(_SCOPES),
            "subject_types_supported": ["public"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


def _redirect(uri: str, params: dict[str, str]) -> Response:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return RedirectResponse(urlunsplit(parts._replace(query=urlencode(query))), 302)


async def authorize(ctx: Ctx) -> Response:
    doc = oauth_document(ctx)
    client_id = ctx.query("client_id") or ""
    redirect_uri = ctx.query("redirect_uri") or ""
    with doc.lock:
        app = _section(doc, "apps").get(client_id)
    if app is None:
        raise _error(400, "invalid_client", f"Unknown client_id {client_id!r}")
    if redirect_uri not in app["redirectUris"]:
        # never redirect to a URI the app did not register
        raise _error(400, "invalid_request", f"redirect_uri {redirect_uri!r} is not registered")
    state = ctx.query("state")
    back = {"state": state} if state is not None else {}
    if ctx.query("response_type") != "code":
        return _redirect(redirect_uri, {"error": "unsupported_response_type", **back})
    challenge, method = ctx.query("code_challenge"), ctx.query("code_challenge_method")
    if app["secret"] is None and not challenge:
        return _redirect(
            redirect_uri,
            {"error": "invalid_request", "error_description": "PKCE is required", **back},
        )
    if challenge and method != "S256":
        return _redirect(
            redirect_uri,
            {"error": "invalid_request", "error_description": "S256 only", **back},
        )
    scopes = (ctx.query("scope") or "openid").split()
    if any(s not in _SCOPES or s not in app["scopes"] for s in scopes):
        return _redirect(redirect_uri, {"error": "invalid_scope", **back})
    identity = ctx.require_identity()  # the user signed in to the Hub
    with doc.lock:
        refused = _section(doc, "consent").get(identity.user) is False
    if refused:
        return _redirect(
            redirect_uri,
            {"error": "access_denied", "error_description": "The user denied access", **back},
        )
    code = secrets.token_urlsafe(24)
    with doc.lock:
        _section(doc, "codes")[code] = {
            "clientId": client_id,
            "redirectUri": redirect_uri,
            "user": identity.user,
            "scopes": scopes,
            "challenge": challenge,
            "expires": time.time() + CODE_TTL,
        }
        doc.save()
    return _redirect(redirect_uri, {"code": code, **back})


def _client_credentials(ctx: Ctx, form: dict[str, str]) -> tuple[str | None, str | None]:
    header = ctx.request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            pair = base64.b64decode(header[6:].strip()).decode()
        except ValueError as exc:
            raise _error(401, "invalid_client", "Malformed Basic credentials") from exc
        client_id, _, secret = pair.partition(":")
        return client_id or None, secret
    return form.get("client_id"), form.get("client_secret")


async def token(ctx: Ctx) -> Response:
    raw = (await ctx.request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    if form.get("grant_type") != "authorization_code":
        raise _error(400, "unsupported_grant_type", "Only authorization_code is supported")
    doc = oauth_document(ctx)
    with doc.lock:
        grant = _section(doc, "codes").pop(form.get("code", ""), None)  # single use
        doc.save()
        apps = dict(_section(doc, "apps"))
    if grant is None or grant["expires"] < time.time():
        raise _error(400, "invalid_grant", "The code is unknown, used or expired")
    client_id, secret = _client_credentials(ctx, form)
    if client_id is not None and client_id != grant["clientId"]:
        raise _error(400, "invalid_grant", "The code was issued to another client")
    app = apps[grant["clientId"]]
    if app["secret"] is not None and not hmac.compare_digest(secret or "", app["secret"]):
        raise _error(401, "invalid_client", "Client authentication failed")
    if form.get("redirect_uri") != grant["redirectUri"]:
        raise _error(400, "invalid_grant", "redirect_uri differs from the authorize request's")
    if grant["challenge"]:
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if not hmac.compare_digest(digest.decode().rstrip("="), grant["challenge"]):
            raise _error(400, "invalid_grant", "The code_verifier does not match the challenge")
    access = "hf_oauth_" + secrets.token_hex(20)
    write = bool({"write-repos", "manage-repos"} & set(grant["scopes"]))
    ctx.state.accounts.add_token(access, user=grant["user"], role="write" if write else "read")
    with doc.lock:
        _section(doc, "tokens")[access] = {"scopes": grant["scopes"], "user": grant["user"]}
        doc.save()
    return json_response(
        {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": TOKEN_TTL,
            "scope": " ".join(grant["scopes"]),
        }
    )


async def userinfo(ctx: Ctx) -> Response:
    identity = ctx.require_identity()
    doc = oauth_document(ctx)
    with doc.lock:
        granted = _section(doc, "tokens").get(identity.token)
    scopes = set(granted["scopes"]) if granted else {"openid", "profile", "email"}
    user = identity.user
    out: dict[str, Any] = {"sub": hex_id(f"user:{user}")}
    if "profile" in scopes:
        out.update(
            {
                "name": user.capitalize(),
                "preferred_username": user,
                "profile": f"{ctx.hub_url}/{user}",
                "picture": f"{ctx.hub_url}/avatars/{user}.svg",
                "website": None,
                "isPro": False,
                "orgs": [
                    {
                        "sub": hex_id(f"org:{org}"),
                        "name": org.capitalize(),
                        "preferred_username": org,
                        "picture": f"{ctx.hub_url}/avatars/{org}.svg",
                        "isEnterprise": False,
                        "roleInOrg": "write",
                    }
                    for org in identity.orgs
                ],
            }
        )
    if "email" in scopes:
        out.update({"email": f"{user}@example.com", "email_verified": True})
    return json_response(out)


ROUTES = [
    Route("GET", "/.well-known/openid-configuration", openid_configuration),
    Route("GET", "/oauth/authorize", authorize),
    Route("POST", "/oauth/token", token),
    Route("GET", "/oauth/userinfo", userinfo),
]
