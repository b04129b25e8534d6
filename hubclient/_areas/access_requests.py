"""Gated repos: list, accept, reject and cancel access requests, grant access."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import Any, Literal

from hubclient._areas._base import Area
from hubclient._areas._community import parse_item
from hubclient._urls import api_prefix, normalize_repo_type
from hubclient.errors import HFValidationError
from hubclient.models.access_requests import AccessRequest

__all__ = ["AccessRequestsArea"]

Status = Literal["pending", "accepted", "rejected"]


class AccessRequestsArea(Area):
    """Access requests of gated repos (``list_pending_access_requests``,
    ``accept_access_request``, ``grant_access``, …). Gating itself is a setting:
    ``update_repo_settings(repo_id, gated="manual")``."""

    async def _requests(
        self, repo_id: str, status: Status, repo_type: str | None, token: str | bool | None
    ) -> AsyncGenerator[AccessRequest, None]:
        path = f"{api_prefix(normalize_repo_type(repo_type), repo_id)}/user-access-request/{status}"
        items = self._http.paginate(path, token=token)
        async with contextlib.aclosing(items):
            async for item in items:
                yield parse_item(item, AccessRequest, "an access request")

    async def list_pending_access_requests(
        self, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None
    ) -> AsyncGenerator[AccessRequest, None]:
        """Iterate over the requests waiting for a decision (the repo must be gated; you
        need write access to it).

        Example::

            async for request in client.list_pending_access_requests("acme/gated-model"):
                await client.accept_access_request("acme/gated-model", request.username)
        """
        async for request in self._requests(repo_id, "pending", repo_type, token):
            yield request

    async def list_accepted_access_requests(
        self, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None
    ) -> AsyncGenerator[AccessRequest, None]:
        """Iterate over the accepted requests (users who may read the gated files).

        Example::

            users = [r.username async for r in client.list_accepted_access_requests("acme/m")]
        """
        async for request in self._requests(repo_id, "accepted", repo_type, token):
            yield request

    async def list_rejected_access_requests(
        self, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None
    ) -> AsyncGenerator[AccessRequest, None]:
        """Iterate over the rejected requests.

        Example::

            async for request in client.list_rejected_access_requests("acme/gated-model"):
                print(request.username)
        """
        async for request in self._requests(repo_id, "rejected", repo_type, token):
            yield request

    async def _handle(
        self,
        repo_id: str,
        user: str | None,
        request_id: str | None,
        status: Status,
        *,
        repo_type: str | None,
        rejection_reason: str | None = None,
        token: str | bool | None,
    ) -> None:
        kind = normalize_repo_type(repo_type)
        if (user is None) == (request_id is None):
            raise HFValidationError("Give exactly one of `user` or `request_id`.")
        payload: dict[str, Any] = {"user": user} if user is not None else {"requestId": request_id}
        payload["status"] = status
        if rejection_reason is not None:
            if status != "rejected":
                raise HFValidationError("`rejection_reason` only goes with a rejection.")
            payload["rejectionReason"] = rejection_reason
        await self._http.request(
            "POST",
            f"{api_prefix(kind, repo_id)}/user-access-request/handle",
            json=payload,
            token=token,
        )

    async def accept_access_request(
        self,
        repo_id: str,
        user: str | None = None,
        *,
        request_id: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Accept a user's request (by user name or ``request_id``): they can read the
        gated files from now on.

        Example::

            await client.accept_access_request("acme/gated-model", "bob")
        """
        await self._handle(repo_id, user, request_id, "accepted", repo_type=repo_type, token=token)

    async def reject_access_request(
        self,
        repo_id: str,
        user: str | None = None,
        *,
        request_id: str | None = None,
        repo_type: str | None = None,
        rejection_reason: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Reject a user's request (with an optional reason shown to them).

        Example::

            await client.reject_access_request("acme/m", "bob", rejection_reason="No use case")
        """
        await self._handle(
            repo_id,
            user,
            request_id,
            "rejected",
            repo_type=repo_type,
            rejection_reason=rejection_reason,
            token=token,
        )

    async def cancel_access_request(
        self,
        repo_id: str,
        user: str | None = None,
        *,
        request_id: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Put a request back to pending (revoking access it had been given).

        Example::

            await client.cancel_access_request("acme/gated-model", "bob")
        """
        await self._handle(repo_id, user, request_id, "pending", repo_type=repo_type, token=token)

    async def grant_access(
        self,
        repo_id: str,
        user: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Give a user access to a gated repo without a request from them.

        Example::

            await client.grant_access("acme/gated-model", "bob")
        """
        kind = normalize_repo_type(repo_type)
        await self._http.request(
            "POST",
            f"{api_prefix(kind, repo_id)}/user-access-request/grant",
            json={"user": user},
            token=token,
        )
