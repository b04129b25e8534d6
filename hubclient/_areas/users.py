"""Who a token belongs to; likes; people (overviews, followers, members)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from urllib.parse import quote

from hubclient import _users
from hubclient._areas._base import Area
from hubclient._areas._community import answer, parse_item
from hubclient._urls import api_prefix, normalize_repo_type
from hubclient.errors import HfHubHTTPError, HFValidationError
from hubclient.models.users import Organization, User, UserLikes, WhoAmI

__all__ = ["UsersArea"]


def _name(value: str, what: str) -> str:
    if not isinstance(value, str) or not value or "/" in value or value in (".", ".."):
        raise HFValidationError(f"Invalid {what}: {value!r}")
    return quote(value, safe="")


class UsersArea(Area):
    """Users and tokens (``whoami``), likes (``unlike``, ``list_liked_repos``,
    ``list_repo_likers``) and people (``get_user_overview``, ``list_user_followers``,
    ``list_organization_members``, …)."""

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

    async def unlike(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Remove your like of a repo (liking is done on the Hub's pages, not by API).

        Example::

            await client.unlike("acme/model")
        """
        path = f"{api_prefix(normalize_repo_type(repo_type), repo_id)}/like"
        await self._http.request("DELETE", path, token=token)

    async def list_liked_repos(
        self, user: str | None = None, *, token: str | bool | None = None
    ) -> UserLikes:
        """The public repos ``user`` liked (default: the token's user), by type.

        Example::

            likes = await client.list_liked_repos("alice")
            print(likes.models)
        """
        if user is None:
            me = await self.whoami(token=token)
            if me.type != "user":
                raise HFValidationError("Give a `user`: the token does not belong to a user.")
            user = me.name
        found: dict[str, list[str]] = {"model": [], "dataset": [], "space": [], "kernel": []}
        total = 0
        items = self._http.paginate(f"/api/users/{_name(user, 'user')}/likes", token=token)
        async with contextlib.aclosing(items):
            async for item in items:
                repo = item.get("repo") if isinstance(item, dict) else None
                if not isinstance(repo, dict) or not isinstance(repo.get("name"), str):
                    raise HfHubHTTPError(
                        f"Unexpected answer: expected a liked repo, got {item!r:.200}",
                        status_code=200,
                        url=self._http.url(f"/api/users/{user}/likes"),
                    )
                total += 1
                found.setdefault(str(repo.get("type")), []).append(repo["name"])
        return UserLikes(
            user=user,
            total=total,
            models=found["model"],
            datasets=found["dataset"],
            spaces=found["space"],
            kernels=found["kernel"],
        )

    async def _people(self, path: str, token: str | bool | None) -> AsyncGenerator[User, None]:
        items = self._http.paginate(path, token=token)
        async with contextlib.aclosing(items):
            async for item in items:
                yield parse_item(item, User, "a user")

    async def list_repo_likers(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> AsyncGenerator[User, None]:
        """Iterate over the users who liked a repo.

        Example::

            names = [u.username async for u in client.list_repo_likers("acme/model")]
        """
        path = f"{api_prefix(normalize_repo_type(repo_type), repo_id)}/likers"
        async for user in self._people(path, token):
            yield user

    async def get_user_overview(self, username: str, token: str | bool | None = None) -> User:
        """A user's profile: full name, counts of repos, likes, followers, their orgs.

        Example::

            user = await client.get_user_overview("alice")
            print(user.fullname, user.num_models, [o.name for o in user.orgs])
        """
        response = await self._http.request(
            "GET", f"/api/users/{_name(username, 'username')}/overview", token=token
        )
        return answer(response, User, "a user overview")

    async def get_organization_overview(
        self, organization: str, token: str | bool | None = None
    ) -> Organization:
        """An organisation's profile: full name, members, followers, repos.

        Example::

            org = await client.get_organization_overview("acme")
            print(org.num_users, org.num_models)
        """
        response = await self._http.request(
            "GET",
            f"/api/organizations/{_name(organization, 'organization')}/overview",
            token=token,
        )
        return answer(response, Organization, "an organization overview")

    async def list_user_followers(
        self, username: str, token: str | bool | None = None
    ) -> AsyncGenerator[User, None]:
        """Iterate over the users who follow ``username``.

        Example::

            async for user in client.list_user_followers("alice"):
                print(user.username)
        """
        path = f"/api/users/{_name(username, 'username')}/followers"
        async for user in self._people(path, token):
            yield user

    async def list_user_following(
        self, username: str, token: str | bool | None = None
    ) -> AsyncGenerator[User, None]:
        """Iterate over the users ``username`` follows.

        Example::

            async for user in client.list_user_following("alice"):
                print(user.username)
        """
        path = f"/api/users/{_name(username, 'username')}/following"
        async for user in self._people(path, token):
            yield user

    async def list_organization_members(
        self, organization: str, token: str | bool | None = None
    ) -> AsyncGenerator[User, None]:
        """Iterate over the members of an organisation.

        Example::

            members = [u.username async for u in client.list_organization_members("acme")]
        """
        path = f"/api/organizations/{_name(organization, 'organization')}/members"
        async for user in self._people(path, token):
            yield user

    async def list_organization_followers(
        self, organization: str, token: str | bool | None = None
    ) -> AsyncGenerator[User, None]:
        """Iterate over the users who follow an organisation.

        Example::

            async for user in client.list_organization_followers("acme"):
                print(user.username)
        """
        path = f"/api/organizations/{_name(organization, 'organization')}/followers"
        async for user in self._people(path, token):
            yield user

    async def get_token_permission(self, token: str | bool | None = None) -> str | None:
        """The role of the token: ``"read"``, ``"write"`` or ``"fineGrained"``; None when there
        is no token or the Hub refuses it (seed-era HfApi; 2.4.0 reads it off ``whoami``).

        Example::

            if await client.get_token_permission(user_token) != "write":
                raise PermissionError("a write token is needed")
        """
        return await _users.token_role(self._http, token=token)
