"""Files of a repo: tree listings, paths info, file metadata, existence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from hubclient import _copy, _files, _urls, _verify
from hubclient._areas._base import Area
from hubclient._copy_buckets import copy_to_bucket
from hubclient._uris import parse_hf_uri
from hubclient.models.files import FolderVerification, HfFileMetadata, RepoFile, RepoFolder

if TYPE_CHECKING:
    pass

__all__ = ["NOTES", "FilesArea"]

#: Behaviour the signatures do not show (the parity ledger, docs/parity.md, reads it).
NOTES: dict[str, str] = {
    "copy_files": "hf:// URIs: repo to repo in one commit, repo or bucket to bucket "
    "(server side by Xet hash)",
}


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

    async def list_files_info(
        self,
        repo_id: str,
        paths: list[str] | str | None = None,
        *,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[RepoFile]:
        """Info about files: those at ``paths`` and every file below the folders among them
        (every file of the repo when None); missing paths are left out (seed-era HfApi; the
        same as :meth:`get_paths_info` plus :meth:`list_repo_tree`).

        Example::

            async for f in client.list_files_info("acme/model", ["config.json", "weights/"]):
                print(f.path, f.size)
        """

        async def files_under(folder: str | None) -> AsyncIterator[RepoFile]:
            async for entry in _files.list_repo_tree(
                self._http,
                repo_id,
                folder,
                recursive=True,
                expand=expand,
                revision=revision,
                repo_type=repo_type,
                token=token,
            ):
                if isinstance(entry, RepoFile):
                    yield entry

        if paths is None:
            async for found in files_under(None):
                yield found
            return
        for entry in await _files.get_paths_info(
            self._http,
            repo_id,
            paths,
            expand=expand,
            revision=revision,
            repo_type=repo_type,
            token=token,
        ):
            if isinstance(entry, RepoFile):
                yield entry
            else:
                async for found in files_under(entry.path):
                    yield found

    async def copy_files(
        self, source: str, destination: str, *, token: str | bool | None = None
    ) -> None:
        """Copy a file or a folder from a repo to a repo (or within one), in one commit on the
        destination, or from a repo or a bucket into a bucket:
        ``hf://[type/]namespace/name[@revision][/path]`` and ``hf://buckets/namespace/name[/path]``
        URIs.

        LFS files are copied server side (nothing is downloaded); regular files are read and
        committed again. Into a bucket, files with an Xet hash are copied server side and the
        others are downloaded and added through Xet (the ``xet`` extra); ``.gitattributes``
        stays behind. A bucket cannot be copied into a repo (``HFValidationError``). A source
        ending with ``/`` merges its contents into the destination folder; without it, a folder
        is nested in an existing destination folder (``cp -r``). Raises ``EntryNotFoundError``
        when the source holds no file.

        Example::

            await client.copy_files("hf://acme/base/tokenizer/", "hf://alice/model/tokenizer/")
            await client.copy_files("hf://datasets/acme/data@v1/train.csv", "hf://datasets/alice/d/")
            await client.copy_files("hf://acme/base/", "hf://buckets/alice/backup/base/")
        """
        src, dst = parse_hf_uri(source), parse_hf_uri(destination)
        if dst.is_bucket:
            await copy_to_bucket(self._http, src, dst, source, destination, token=token)
        else:
            await _copy.copy_files(self._http, source, destination, token=token)

    async def verify_repo_checksums(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        local_dir: str | Path | None = None,
        cache_dir: str | Path | None = None,
        token: str | bool | None = None,
    ) -> FolderVerification:
        """Check a downloaded copy of a repo against the Hub's hashes of ``revision``.

        The copy is ``local_dir`` (a ``local_dir`` download), or the cached snapshot of
        ``revision`` (default ``main``) in ``cache_dir`` (default: the client's cache). Files
        are hashed in worker threads (sha256 for LFS files, git sha1 for the others); the
        answer lists mismatches, files missing locally and local files the revision lacks.

        Example::

            result = await client.verify_repo_checksums("acme/model")
            assert result.ok, result.mismatches
        """
        if local_dir is not None and cache_dir is not None:
            raise ValueError("Pass either `local_dir` or `cache_dir`, not both.")
        kind = _urls.normalize_repo_type(repo_type)
        root, remote_revision = _verify.local_root(
            repo_id=repo_id,
            repo_type=kind,
            revision=revision,
            cache_dir=Path(cache_dir) if cache_dir is not None else self._settings.hub_cache,
            local_dir=Path(local_dir) if local_dir is not None else None,
        )
        return await _verify.verify_checksums(
            self._http,
            repo_id,
            repo_type=kind,
            revision=remote_revision,
            root=root,
            token=token,
        )
