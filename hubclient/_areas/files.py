"""Files of a repo: tree listings, paths info, file metadata, existence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from hubclient import _files
from hubclient._areas._base import Area
from hubclient.models.files import HfFileMetadata, RepoFile, RepoFolder

if TYPE_CHECKING:
    pass

__all__ = ["FilesArea"]


class FilesArea(Area):
    """Files of a repo (``list_repo_tree``, ``get_paths_info``, ``file_exists``, …)."""

    async def file_exists(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
    ) -> bool:
        """True if the file exists at ``revision``; False for a missing repo, revision or file.

        Raises ``GatedRepoError`` for a gated repo the token cannot read.

        Example::

            await client.file_exists("acme/model", "config.json")
        """
        return await _files.file_exists(
            self._http, repo_id, filename, repo_type=repo_type, revision=revision, token=token
        )

    def list_repo_tree(
        self,
        repo_id: str,
        path_in_repo: str | None = None,
        *,
        recursive: bool = False,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[RepoFile | RepoFolder]:
        """Iterate over the files and folders under ``path_in_repo`` (the root by default).

        ``recursive=True`` walks every sub-folder (folders are listed too); ``expand=True``
        adds last-commit and security info. Raises ``RemoteEntryNotFoundError`` for a
        missing folder.

        Example::

            async for entry in client.list_repo_tree("acme/model", recursive=True):
                if isinstance(entry, RepoFile):
                    print(entry.path, entry.size, entry.lfs.sha256 if entry.lfs else entry.blob_id)
        """
        return _files.list_repo_tree(
            self._http,
            repo_id,
            path_in_repo,
            recursive=recursive,
            expand=expand,
            revision=revision,
            repo_type=repo_type,
            token=token,
        )

    async def list_repo_files(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> list[str]:
        """Paths of every file in the repo at ``revision``.

        Example::

            files = await client.list_repo_files("acme/model")
        """
        return await _files.list_repo_files(
            self._http, repo_id, revision=revision, repo_type=repo_type, token=token
        )

    async def get_paths_info(
        self,
        repo_id: str,
        paths: list[str] | str,
        *,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> list[RepoFile | RepoFolder]:
        """Info about specific paths (files or folders); paths that do not exist are left out.

        Any number of paths: they are sent in batches of 500.

        Example::

            entries = await client.get_paths_info("acme/model", ["config.json", "weights"])
        """
        return await _files.get_paths_info(
            self._http,
            repo_id,
            paths,
            expand=expand,
            revision=revision,
            repo_type=repo_type,
            token=token,
        )

    async def get_hf_file_metadata(
        self,
        *,
        url: str,
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> HfFileMetadata:
        """HEAD a resolve URL: commit, normalised etag, size and download location.

        Redirects are followed only within the Hub origin; for LFS files the storage
        ``Location`` is returned, not followed. ``timeout`` defaults to ``etag_timeout``.

        Example::

            url = hf_hub_url("acme/model", "weights.bin", endpoint=client.endpoint)
            meta = await client.get_hf_file_metadata(url=url)
            print(meta.commit_hash, meta.etag, meta.size, meta.location)
        """
        return await _files.get_hf_file_metadata(self._http, url, token=token, timeout=timeout)
