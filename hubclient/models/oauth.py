"""Sign in with HF: what a login needs to remember, and what it gives."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, Field

from hubclient.models._base import HubModel

__all__ = ["OAuthInfo", "OAuthLogin", "OAuthOrgInfo", "OAuthUserInfo"]


class OAuthOrgInfo(HubModel):
    """An organisation the user let the app see (OpenID fields and the Hub's own)."""

    sub: str = ""
    name: str = ""
    preferred_username: str = Field(default="", validation_alias="preferred_username")
    picture: str = ""
    is_enterprise: bool | None = None
    can_pay: bool | None = None
    role_in_org: str | None = None
    plan: str | None = None
    security_restrictions: list[str] | None = None


class OAuthUserInfo(HubModel):
    """The signed-in user: OpenID Connect ``userinfo`` plus the Hub's fields (``email`` only
    with the ``email`` scope, ``orgs`` the ones the user granted)."""

    sub: str
    name: str = ""
    preferred_username: str = Field(
        default="", validation_alias=AliasChoices("preferred_username", "preferredUsername")
    )
    email_verified: bool | None = Field(
        default=None, validation_alias=AliasChoices("email_verified", "emailVerified")
    )
    email: str | None = None
    picture: str = ""
    profile: str = ""
    website: str | None = None
    is_pro: bool = False
    can_pay: bool | None = None
    orgs: list[OAuthOrgInfo] | None = None


class OAuthInfo(HubModel):
    """A completed sign-in: the access token (act on the Hub as the user with it), when it
    expires, who the user is, the ``state`` given to the login, and the granted ``scope``.

    Example::

        info = await client.oauth_handle_redirect(url, code_verifier=v, nonce=n)
        async with client.with_options(token=info.access_token) as as_user: ...
    """

    access_token: str
    access_token_expires_at: datetime
    user_info: OAuthUserInfo
    state: str | None = None
    scope: str = ""


class OAuthLogin(HubModel):
    """Where to send the user to sign in (``url``), and what the redirect back needs: keep
    ``code_verifier`` and ``nonce`` (server side, or in a signed session) until then."""

    url: str
    code_verifier: str
    nonce: str
    redirect_url: str
