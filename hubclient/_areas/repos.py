"""Repo management: create, delete, move, settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from hubclient import _repos
from hubclient._areas._base import Area
from hubclient.models.repos import RepoUrl

if TYPE_CHECKING:
    pass

__all__ = ["DEVIATIONS", "ReposArea"]

#: Where a call written for HfApi would not work unchanged here, and why (the parity ledger,
#: docs/parity.md, reads it).
DEVIATIONS: dict[str, dict[str, str]] = {
    "create_repo": {
        "space_volumes": "not yet: comes with the Spaces area's Volume model (issue 11, step 3)",
        "space_template": "not yet: needs the Space templates route (issue 11, step 3)",
    },
}


class ReposArea(Area):
    """Repo management (``create_repo``, ``delete_repo``, ``move_repo``, …)."""

    async def create_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        private: bool | None = None,
        visibility: str | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
        resource_group_id: str | None = None,
        region: str | None = None,
        space_sdk: str | None = None,
        space_hardware: str | None = None,
        space_sleep_time: int | None = None,
        space_secrets: list[dict[str, str]] | None = None,
        space_variables: list[dict[str, str]] | None = None,
    ) -> RepoUrl:
        """Create a repo (``namespace/name``; without a namespace: the token's user).

        ``exist_ok=True`` returns the URL of an existing repo instead of raising.
        Spaces need ``space_sdk`` (gradio, streamlit, docker or static).

        Example::

            url = await client.create_repo("acme/new-model", private=True, exist_ok=True)
            print(url.repo_id, str(url))
        """
        return await _repos.create_repo(
            self._http,
            repo_id,
            token=token,
            private=private,
            visibility=visibility,
            repo_type=repo_type,
            exist_ok=exist_ok,
            resource_group_id=resource_group_id,
            region=region,
            space_sdk=space_sdk,
            space_hardware=space_hardware,
            space_sleep_time=space_sleep_time,
            space_secrets=space_secrets,
            space_variables=space_variables,
        )

    async def delete_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        missing_ok: bool = False,
    ) -> None:
        """Delete a repo. ``missing_ok=True`` ignores a repo that does not exist.

        Example::

            await client.delete_repo("acme/old-model", missing_ok=True)
        """
        await _repos.delete_repo(
            self._http, repo_id, token=token, repo_type=repo_type, missing_ok=missing_ok
        )

    async def move_repo(
        self,
        from_id: str,
        to_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Rename or transfer a repo; the old id then redirects to the new one.

        Example::

            await client.move_repo("alice/model", "acme/model")
        """
        await _repos.move_repo(self._http, from_id, to_id, repo_type=repo_type, token=token)

    async def update_repo_settings(
        self,
        repo_id: str,
        *,
        gated: Literal["auto", "manual", False] | None = None,
        private: bool | None = None,
        visibility: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Change a repo's visibility (``private`` / ``visibility``) or gating.

        Example::

            await client.update_repo_settings("acme/model", private=True, gated="manual")
        """
        await _repos.update_repo_settings(
            self._http,
            repo_id,
            gated=gated,
            private=private,
            visibility=visibility,
            token=token,
            repo_type=repo_type,
        )
