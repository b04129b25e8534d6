"""Repo management: create, delete, move, settings."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from itertools import islice
from typing import TYPE_CHECKING, Literal

from hubclient import _repos, _urls
from hubclient._areas._base import Area
from hubclient.models.repos import DuplicatedRepoUrl, RepoUrl
from hubclient.models.spaces import Volume
from hubclient.models.storage import LFSFileInfo, RepoStorageInfo

if TYPE_CHECKING:
    pass

__all__ = ["NOTES", "ReposArea"]

#: Behaviour the signatures do not show (the parity ledger, docs/parity.md, reads it).
NOTES: dict[str, str] = {
    "permanently_delete_lfs_files": "also takes the async iterator of `list_lfs_files`",
    "get_full_repo_name": (
        "a model_id that holds a namespace is returned as is (huggingface_hub 2.4.0 prefixes "
        "it again: 'alice/alice/model')"
    ),
}

#: LFS objects deleted per request (huggingface_hub's batches).
_LFS_DELETE_BATCH = 1000


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
        space_volumes: list[Volume] | None = None,
        space_template: str | None = None,
    ) -> RepoUrl:
        """Create a repo (``namespace/name``; without a namespace: the token's user).

        ``exist_ok=True`` returns the URL of an existing repo instead of raising.
        Spaces need ``space_sdk`` (gradio, streamlit, docker or static), unless
        ``space_template`` names an official template (its repo id or name: the Space starts
        from its files and takes its SDK); ``space_volumes`` mounts volumes (``Volume``
        objects, or mappings of the wire keys) in the Space.

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
            space_volumes=space_volumes,
            space_template=space_template,
        )

    async def duplicate_repo(
        self,
        from_id: str,
        to_id: str | None = None,
        *,
        repo_type: str | None = None,
        private: bool | None = None,
        visibility: str | None = None,
        token: str | bool | None = None,
        exist_ok: bool = False,
        resource_group_id: str | None = None,
        space_hardware: str | None = None,
        space_sleep_time: int | None = None,
        space_secrets: list[dict[str, str]] | None = None,
        space_variables: list[dict[str, str]] | None = None,
        space_volumes: list[Volume] | None = None,
    ) -> DuplicatedRepoUrl:
        """Copy a repo on the Hub, server side: every branch, tag and commit (the history is
        kept, same commit ids) and its LFS objects, with no download or upload.

        ``to_id`` defaults to the same name in the token owner's namespace; a name without a
        namespace goes there too. The copy keeps the source's visibility unless ``private`` or
        ``visibility`` says otherwise. ``exist_ok=True`` returns the URL of an existing repo
        instead of raising on 409. The Space options apply to Spaces only. LFS objects may
        still be copying when this returns: then ``files_copy_pending`` is True.

        Example::

            url = await client.duplicate_repo("acme/model", "alice/model-copy", private=True)
            print(url.repo_id, url.files_copy_pending)
        """
        owner: str | None = None
        if _repos.needs_owner(from_id, to_id):
            owner = await self._own_name(token)
        return await _repos.duplicate_repo(
            self._http,
            from_id,
            to_id,
            owner=owner,
            repo_type=repo_type,
            private=private,
            visibility=visibility,
            token=token,
            exist_ok=exist_ok,
            resource_group_id=resource_group_id,
            space_options={
                "hardware": space_hardware,
                "sleepTimeSeconds": space_sleep_time,
                "secrets": space_secrets,
                "variables": space_variables,
                "volumes": _repos.volumes_payload(space_volumes),
            },
        )

    async def get_full_repo_name(
        self,
        model_id: str,
        *,
        organization: str | None = None,
        token: str | bool | None = None,
    ) -> str:
        """``organization/model_id``, or ``<the token's user>/model_id`` without an
        organization; a ``model_id`` that holds a namespace already is returned as is.

        Example::

            repo_id = await client.get_full_repo_name("my-model")  # 'alice/my-model'
        """
        if organization is not None:
            return f"{organization}/{model_id}"
        if "/" in model_id:
            return model_id
        name = await self._own_name(token)
        return f"{name}/{model_id}"

    async def list_user_repos(
        self,
        namespace: str | None = None,
        *,
        token: str | bool | None = None,
    ) -> AsyncIterator[RepoStorageInfo]:
        """Every repo of the token's user (or of organization ``namespace``) with the storage
        it uses, following pagination.

        Example::

            async for repo in client.list_user_repos("acme"):
                print(repo.id, repo.type, repo.storage, repo.storage_percent)
        """
        path = (
            "/api/settings/repositories"
            if namespace is None
            else f"/api/organizations/{_urls.validate_repo_id(namespace)}/settings/repositories"
        )
        async for item in self._http.paginate(path, token=token):
            yield RepoStorageInfo.model_validate(item)

    async def list_lfs_files(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[LFSFileInfo]:
        """Every LFS object stored in the repo (to see what uses its storage), following
        pagination; pass some to :meth:`permanently_delete_lfs_files` to free it.

        Example::

            old = [f async for f in client.list_lfs_files("acme/model")
                   if f.filename.startswith("checkpoints/")]
        """
        path = f"{_urls.api_prefix(repo_type, repo_id)}/lfs-files"
        async for item in self._http.paginate(path, token=token):
            yield LFSFileInfo.model_validate(item)

    async def permanently_delete_lfs_files(
        self,
        repo_id: str,
        lfs_files: Iterable[LFSFileInfo] | AsyncIterable[LFSFileInfo],
        *,
        rewrite_history: bool = True,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Delete LFS objects from the repo for good (irreversible), in batches of 1000.

        With ``rewrite_history`` (the default) the Hub also rewrites the history so that no
        commit points at a deleted object; without it, those files no longer download.

        Example::

            await client.permanently_delete_lfs_files("acme/model", old)
        """
        path = f"{_urls.api_prefix(repo_type, repo_id)}/lfs-files/batch"
        oids: list[str] = []
        if isinstance(lfs_files, AsyncIterable):
            oids = [item.file_oid async for item in lfs_files]
        else:
            oids = [item.file_oid for item in lfs_files]
        it = iter(oids)
        while batch := list(islice(it, _LFS_DELETE_BATCH)):
            body = {"deletions": {"sha": batch, "rewriteHistory": rewrite_history}}
            await self._http.request("POST", path, json=body, token=token)

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

    async def update_repo_visibility(
        self,
        repo_id: str,
        private: bool = False,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Make a repo private or public (seed-era HfApi; the same as
        ``update_repo_settings(repo_id, private=...)``).

        Example::

            await client.update_repo_visibility("acme/model", private=True)
        """
        await _repos.update_repo_settings(
            self._http, repo_id, private=private, token=token, repo_type=repo_type
        )
