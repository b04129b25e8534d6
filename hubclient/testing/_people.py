"""How the local Hub shows a user or an organisation inside other answers."""

from __future__ import annotations

import hashlib
from typing import Any

from hubclient.testing._accounts import Accounts

__all__ = ["author_json", "hex_id", "user_json"]


def hex_id(text: str) -> str:
    """A stable 24-hex id (the Hub's object ids) for a name."""
    return hashlib.sha1(text.encode()).hexdigest()[:24]


def user_json(accounts: Accounts, hub_url: str, name: str) -> dict[str, Any]:
    """A user (or an organisation) as lists show one: ``user``, ``fullname``, ``avatarUrl``…"""
    is_org = name in accounts.orgs() and name not in accounts.users()
    return {
        "_id": hex_id(f"{'org' if is_org else 'user'}:{name}"),
        "user": name,
        "name": name,
        "fullname": name.capitalize(),
        "avatarUrl": f"{hub_url}/avatars/{name}.svg",
        "type": "org" if is_org else "user",
        "isPro": False,
    }


def author_json(
    accounts: Accounts, hub_url: str, name: str | None, *, owner_namespace: str = ""
) -> dict[str, Any] | None:
    """The ``author`` object of a discussion or an event (None for a deleted user)."""
    if not name:
        return None
    orgs = accounts.users().get(name, [])
    return {
        "_id": hex_id(f"user:{name}"),
        "name": name,
        "fullname": name.capitalize(),
        "avatarUrl": f"{hub_url}/avatars/{name}.svg",
        "type": "user",
        "isPro": False,
        "isHf": False,
        "isOwner": name == owner_namespace,
        "isOrgMember": owner_namespace in orgs,
    }
