"""Users, organizations and ``whoami``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field

from hubclient.models._base import HubModel

__all__ = ["AccessTokenInfo", "AuthInfo", "Organization", "User", "UserLikes", "WhoAmI"]


class Organization(HubModel):
    """An organization (as listed in ``whoami().orgs`` or an org overview)."""

    name: str = ""
    fullname: str = ""
    avatar_url: str = ""
    details: str | None = None
    is_verified: bool | None = None
    is_following: bool | None = None
    num_users: int | None = None
    num_models: int | None = None
    num_spaces: int | None = None
    num_datasets: int | None = None
    num_followers: int | None = None
    num_papers: int | None = None
    plan: str | None = None
    role_in_org: str | None = None


class User(HubModel):
    """A user overview (``username`` is the wire's ``user``)."""

    username: str = Field(default="", validation_alias=AliasChoices("user", "username", "name"))
    fullname: str = ""
    avatar_url: str = ""
    details: str | None = None
    is_following: bool | None = None
    is_pro: bool | None = None
    num_models: int | None = None
    num_datasets: int | None = None
    num_spaces: int | None = None
    num_discussions: int | None = None
    num_papers: int | None = None
    num_upvotes: int | None = None
    num_likes: int | None = None
    num_following: int | None = None
    num_followers: int | None = None
    user_type: str | None = Field(default=None, validation_alias=AliasChoices("type", "user_type"))
    orgs: list[Organization] = Field(default_factory=list)


class AccessTokenInfo(HubModel):
    """The token used for the call: its name, ``role`` (read/write/fineGrained), scopes."""

    display_name: str | None = None
    role: str | None = None
    created_at: datetime | None = None
    fine_grained: dict[str, Any] | None = None


class AuthInfo(HubModel):
    type: str | None = None
    access_token: AccessTokenInfo | None = None


class WhoAmI(HubModel):
    """The answer of ``whoami``: who the token belongs to and what it may do.

    Also usable like huggingface_hub's dict: ``me["name"]``, ``me.get("orgs")`` read the raw
    JSON.

    Example::

        me = await client.whoami()
        print(me.name, [o.name for o in me.orgs], me.auth.access_token.role)
    """

    name: str
    type: str = "user"
    id: str | None = None
    fullname: str | None = None
    email: str | None = None
    email_verified: bool | None = None
    can_pay: bool | None = None
    is_pro: bool | None = None
    avatar_url: str | None = None
    orgs: list[Organization] = Field(default_factory=list)
    auth: AuthInfo = Field(default_factory=AuthInfo)

    def __getitem__(self, key: str) -> Any:
        return self.model_dump(mode="json", by_alias=True)[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.model_dump(mode="json", by_alias=True).get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.model_dump(mode="json", by_alias=True)


class UserLikes(HubModel):
    """The public repos a user liked, by type (``list_liked_repos``).

    Example::

        likes = await client.list_liked_repos("alice")
        print(likes.total, likes.models, likes.datasets)
    """

    user: str
    total: int = 0
    datasets: list[str] = Field(default_factory=list)
    kernels: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    spaces: list[str] = Field(default_factory=list)
