"""Who a token belongs to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubclient import _users
from hubclient._areas._base import Area
from hubclient.models.users import WhoAmI

if TYPE_CHECKING:
    pass

__all__ = ["UsersArea"]


class UsersArea(Area):
    """Users and tokens: ``whoami``."""

    async def whoami(self, token: str | bool | None = None, *, cache: bool = False) -> WhoAmI:
        """Who the token belongs to: name, orgs, token role.

        ``cache=True`` reuses this client's earlier answer for the same token (the Hub
        rate-limits this endpoint hard). Raises ``HfHubHTTPError`` (401) for an invalid token.

        Example::

            me = await client.whoami()
            print(me.name, me["orgs"], me.auth.access_token.role)
        """
        key = self._http.resolve_token(token) or ""
        if cache and key in self._whoami_cache:
            return self._whoami_cache[key]
        me = await _users.whoami(self._http, token=token)
        self._whoami_cache[key] = me
        return me
