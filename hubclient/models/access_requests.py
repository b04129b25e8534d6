"""Access requests to gated repos."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import model_validator

from hubclient.models._base import HubModel

__all__ = ["AccessRequest"]


class AccessRequest(HubModel):
    """A user's request to access a gated repo.

    ``username``, ``fullname`` and ``email`` are None when the repo hides who asked;
    ``fields`` holds the answers to the gate's form, if it has one.

    Example::

        async for request in client.list_pending_access_requests("acme/gated-model"):
            print(request.username, request.timestamp, request.fields)
    """

    username: str | None = None
    request_id: str
    fullname: str | None = None
    email: str | None = None
    timestamp: datetime
    status: str
    """``pending``, ``accepted`` or ``rejected``."""
    fields: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("user"), dict):
            user = data["user"]
            data = {k: v for k, v in data.items() if k != "user"}
            data.setdefault("username", user.get("user"))
            data.setdefault("fullname", user.get("fullname"))
            data.setdefault("email", user.get("email"))
        return data
