"""Who the token belongs to."""

from __future__ import annotations

from hubclient._answers import parse_json
from hubclient._http import USE_DEFAULT, HubHttp, TimeoutArg
from hubclient.errors import HfHubHTTPError
from hubclient.models.users import WhoAmI

__all__ = ["whoami"]


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
