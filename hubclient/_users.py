"""Who the token belongs to."""

from __future__ import annotations

from hubclient._answers import parse_json
from hubclient._http import USE_DEFAULT, HubHttp, TimeoutArg
from hubclient.errors import HfHubHTTPError, LocalTokenNotFoundError
from hubclient.models.users import WhoAmI

__all__ = ["token_role", "whoami"]


async def whoami(
    http: HubHttp,
    *,
    token: str | bool | None = None,
    timeout: TimeoutArg = USE_DEFAULT,
) -> WhoAmI:
    try:
        response = await http.request("GET", "/api/whoami-v2", token=token, timeout=timeout)
    except HfHubHTTPError as err:
        if err.status_code == 401:
            err.append_to_message("\nInvalid user token: check the token you passed or HF_TOKEN.")
        raise
    return parse_json(response, WhoAmI.model_validate, expected="a user or organization object")


async def token_role(http: HubHttp, *, token: str | bool | None = None) -> str | None:
    """``read``, ``write`` or ``fineGrained`` for a valid token; None for none or an invalid one."""
    try:
        if http.resolve_token(token) is None:
            return None
    except LocalTokenNotFoundError:
        return None
    try:
        me = await whoami(http, token=token)
    except HfHubHTTPError as err:
        if err.status_code == 401:
            return None
        raise
    return me.auth.access_token.role if me.auth.access_token else None
