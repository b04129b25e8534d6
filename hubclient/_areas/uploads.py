"""Commits and uploads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from hubclient import upload as _upload
from hubclient._areas._base import Area
from hubclient.models.commits import CommitInfo, CommitOperation, CommitOperationAdd
from hubclient.progress import ProgressCallback
from hubclient.upload import PreuploadedFile, UploadOptions

if TYPE_CHECKING:
    pass

__all__ = ["DEVIATIONS", "UploadsArea"]

_RUN_AS_FUTURE = (
    "not taken: an async call already runs in the background when started in a task group "
    "(`tg.start_soon(...)`); with HubClient, submit the call to a concurrent.futures executor"
)

#: Where a call written for HfApi would not work unchanged here, and why (the parity ledger,
#: docs/parity.md, reads it).
DEVIATIONS: dict[str, dict[str, str]] = {
    "create_commit": {"run_as_future": _RUN_AS_FUTURE},
    "upload_file": {"run_as_future": _RUN_AS_FUTURE},
    "upload_folder": {"run_as_future": _RUN_AS_FUTURE},
}


class UploadsArea(Area):
    """Commits and uploads (``create_commit``, ``upload_file``, ``upload_folder``, …)."""

    async def create_commit(
        self,
        repo_id: str,
        operations: Iterable[CommitOperation],
        *,
        commit_message: str,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        parent_commit: str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> CommitInfo:
        """Create one commit that adds, deletes and copies files (HfApi's ``create_commit``).

        Phases: preupload (the Hub says regular or LFS) → hashing in worker threads → LFS
        uploads (multipart parts streamed from disk, several at once) → the commit. Files whose
        content the Hub already has at that path are left out; if nothing is left, no commit is
        made and the current head is returned. The operations are never modified.
        Cancelling the call stops every transfer and creates no commit.

        Args:
            repo_id: ``namespace/name`` of an existing repo.
            operations: :class:`CommitOperationAdd`, :class:`CommitOperationDelete`,
                :class:`CommitOperationCopy`.
            commit_message: the summary line (required).
            commit_description: the commit's description.
            token: per-call token (``False``: anonymous).
            repo_type: ``"model"`` (default), ``"dataset"`` or ``"space"``.
            revision: the branch to commit to (default ``main``).
            create_pr: open a pull request with the commit instead of moving the branch.
            num_threads: LFS files uploaded at once (``options`` takes precedence).
            parent_commit: fail with :class:`CommitConflictError` (nothing committed) unless the
                branch still points to this commit.
            options: concurrency and memory limits (:class:`UploadOptions`).
            progress: a callback receiving :mod:`hubclient.progress` events.

        Raises:
            CommitConflictError: ``parent_commit`` is stale (412) or a commit raced this one.
            HfHubHTTPError: the Hub refused (``RepositoryNotFoundError``,
                ``RevisionNotFoundError``, ``RemoteEntryNotFoundError``, ...); the message says
                what to do.
            LfsUploadError: the LFS endpoint refused an object.
            ValueError: bad arguments (empty message, malformed parent_commit, invalid README
                metadata).

        Example::

            info = await client.create_commit(
                "alice/model",
                [CommitOperationAdd("w.bin", "out/w.bin"), CommitOperationDelete("old.bin")],
                commit_message="New weights",
            )
            print(info.oid)
        """
        return await _upload.create_commit(
            self._http,
            repo_id,
            operations,
            commit_message=commit_message,
            commit_description=commit_description,
            token=token,
            repo_type=repo_type,
            revision=revision,
            create_pr=create_pr,
            parent_commit=parent_commit,
            options=options or UploadOptions(max_concurrent_files=num_threads),
            progress=progress,
        )

    async def preupload_lfs_files(
        self,
        repo_id: str,
        additions: Iterable[CommitOperationAdd],
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        free_memory: bool = True,
        gitignore_content: str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[PreuploadedFile]:
        """Upload the LFS content of ``additions`` now; commit them later with ``create_commit``.

        Unlike HfApi, the operations are not modified: pass the same list to
        :meth:`create_commit`, which then finds the content already stored and does not send it
        again. ``free_memory`` is accepted for HfApi's calls and changes nothing: hubclient
        keeps no copy of the content, which is freed when you drop the operations. Returns the
        LFS files handled, with ``uploaded=False`` for those the Hub already had.

        Example::

            ops = [CommitOperationAdd(f"shard-{i}.bin", path) for i, path in enumerate(paths)]
            await client.preupload_lfs_files("alice/model", ops)
            await client.create_commit("alice/model", ops, commit_message="Shards")
        """
        return await _upload.preupload_lfs_files(
            self._http,
            repo_id,
            additions,
            token=token,
            repo_type=repo_type,
            revision=revision,
            create_pr=create_pr,
            gitignore_content=gitignore_content,
            options=options or UploadOptions(max_concurrent_files=num_threads),
            progress=progress,
        )

    async def upload_file(
        self,
        *,
        path_or_fileobj: str | Path | bytes | BinaryIO,
        path_in_repo: str,
        repo_id: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> CommitInfo:
        """Upload one file (a path, bytes or a binary file object) in its own commit.

        The default message is ``"Upload {path_in_repo} with hubclient"`` (HfApi says "with
        huggingface_hub").
        See :meth:`create_commit` for the other arguments and the errors.

        Example::

            info = await client.upload_file(
                path_or_fileobj="out/model.safetensors",
                path_in_repo="model.safetensors",
                repo_id="alice/model",
            )
        """
        return await _upload.upload_file(
            self._http,
            path_or_fileobj=path_or_fileobj,
            path_in_repo=path_in_repo,
            repo_id=repo_id,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
            options=options,
            progress=progress,
        )

    async def upload_folder(
        self,
        *,
        repo_id: str,
        folder_path: str | Path,
        path_in_repo: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        delete_patterns: list[str] | str | None = None,
        options: UploadOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> CommitInfo:
        """Upload a local folder in one commit (HfApi's ``upload_folder``).

        ``allow_patterns``/``ignore_patterns`` (shell wildcards, ``*`` crosses ``/``) filter the
        local paths relative to ``folder_path``; ``.git/`` and ``.cache/huggingface/`` are
        always left out. ``delete_patterns`` deletes remote files under ``path_in_repo`` that
        match (never ``.gitattributes``) in the same commit. With ``create_pr=True`` the PR
        targets the default branch (``revision`` must stay unset).

        Example::

            await client.upload_folder(
                repo_id="alice/model", folder_path="out", ignore_patterns="*.tmp",
                delete_patterns="checkpoints/",
            )
        """
        return await _upload.upload_folder(
            self._http,
            repo_id=repo_id,
            folder_path=folder_path,
            path_in_repo=path_in_repo,
            commit_message=commit_message,
            commit_description=commit_description,
            token=token,
            repo_type=repo_type,
            revision=revision,
            create_pr=create_pr,
            parent_commit=parent_commit,
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            delete_patterns=delete_patterns,
            options=options,
            progress=progress,
        )

    async def delete_file(
        self,
        path_in_repo: str,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete one file in its own commit (``RemoteEntryNotFoundError`` if it is missing).

        Example::

            await client.delete_file("old.bin", "alice/model")
        """
        return await _upload.delete_file(
            self._http,
            path_in_repo,
            repo_id,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    async def delete_files(
        self,
        repo_id: str,
        delete_patterns: list[str],
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete the files matching any of ``delete_patterns`` (paths, ``folder/``, wildcards).

        Example::

            await client.delete_files("alice/model", ["*.tmp", "logs/"])
        """
        return await _upload.delete_files(
            self._http,
            repo_id,
            delete_patterns,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    async def delete_folder(
        self,
        path_in_repo: str,
        repo_id: str,
        *,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ) -> CommitInfo:
        """Delete a folder and everything under it, in one commit.

        Example::

            await client.delete_folder("checkpoints", "alice/model")
        """
        return await _upload.delete_folder(
            self._http,
            path_in_repo,
            repo_id,
            token=token,
            repo_type=repo_type,
            revision=revision,
            commit_message=commit_message,
            commit_description=commit_description,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )
