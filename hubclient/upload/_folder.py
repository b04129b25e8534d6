"""``upload_folder``, ``delete_files``, ``delete_folder``, ``delete_file``, ``upload_file``: the
operations they build, then one ``create_commit``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import anyio.to_thread

from hubclient._http import HubHttp
from hubclient._urls import DEFAULT_REVISION, tree_path
from hubclient.models.commits import (
    CommitInfo,
    CommitOperation,
    CommitOperationAdd,
    CommitOperationDelete,
)
from hubclient.progress import ProgressCallback
from hubclient.upload._commit import create_commit
from hubclient.upload._options import UploadOptions
from hubclient.upload._patterns import (
    DEFAULT_IGNORE_PATTERNS,
    as_pattern_list,
    filter_paths,
    list_local_files,
)

__all__ = [
    "delete_file",
    "delete_files",
    "delete_folder",
    "folder_additions",
    "remote_deletions",
    "upload_file",
    "upload_folder",
]


async def remote_deletions(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None,
    revision: str | None,
    path_in_repo: str,
    delete_patterns: str | Iterable[str] | None,
    token: str | bool | None,
) -> list[CommitOperationDelete]:
    """Delete operations for the remote files under ``path_in_repo`` matching the patterns.

    ``.gitattributes`` is always kept.
    """
    patterns = as_pattern_list(delete_patterns)
    if patterns is None:
        return []
    files: list[str] = []
    async for entry in http.paginate(
        tree_path(repo_type, repo_id, revision or DEFAULT_REVISION),
        params={"recursive": True},
        token=token,
    ):
        if isinstance(entry, dict) and entry.get("type") == "file":
            files.append(str(entry["path"]))
    prefix = path_in_repo.strip("/")
    if prefix and prefix not in (".", "./"):
        prefix += "/"
        relative = {f[len(prefix) :]: f for f in files if f.startswith(prefix)}
    else:
        relative = {f: f for f in files}
    return [
        CommitOperationDelete(path_in_repo=relative[rel], is_folder=False)
        for rel in filter_paths(relative, allow_patterns=patterns)
        if relative[rel] != ".gitattributes"
    ]


def folder_additions(
    folder_path: str | Path,
    path_in_repo: str,
    allow_patterns: str | Iterable[str] | None,
    ignore_patterns: str | Iterable[str] | None,
) -> list[CommitOperationAdd]:
    """Add operations for the local files of ``folder_path`` that the patterns keep.

    Patterns match paths relative to ``folder_path``; ``.git/`` and ``.cache/huggingface/``
    are always left out.
    """
    ignore = (as_pattern_list(ignore_patterns) or []) + list(DEFAULT_IGNORE_PATTERNS)
    files = list_local_files(Path(folder_path))
    kept = filter_paths(
        files, allow_patterns=allow_patterns, ignore_patterns=ignore, key=lambda pair: pair[0]
    )
    prefix = f"{path_in_repo.strip('/')}/" if path_in_repo.strip("/") else ""
    return [CommitOperationAdd._from_listed_file(prefix + rel, str(path)) for rel, path in kept]


async def upload_folder(
    http: HubHttp,
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
    allow_patterns: str | Iterable[str] | None = None,
    ignore_patterns: str | Iterable[str] | None = None,
    delete_patterns: str | Iterable[str] | None = None,
    options: UploadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> CommitInfo:
    if create_pr and revision is not None and revision != DEFAULT_REVISION:
        raise ValueError(
            f"Cannot use create_pr=True with revision={revision!r}: pull requests opened by "
            "upload_folder always target the default branch. Leave revision unset."
        )
    path_in_repo = path_in_repo or ""
    additions = await anyio.to_thread.run_sync(
        folder_additions, folder_path, path_in_repo, allow_patterns, ignore_patterns
    )
    deletions = await remote_deletions(
        http,
        repo_id,
        repo_type=repo_type,
        revision=DEFAULT_REVISION if create_pr else revision,
        path_in_repo=path_in_repo,
        delete_patterns=delete_patterns,
        token=token,
    )
    added = {op.path_in_repo for op in additions}
    operations: list[CommitOperation] = [d for d in deletions if d.path_in_repo not in added]
    operations.extend(additions)
    return await create_commit(
        http,
        repo_id,
        operations,
        commit_message=commit_message or "Upload folder using hubclient",
        commit_description=commit_description,
        token=token,
        repo_type=repo_type,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
        options=options,
        progress=progress,
    )


async def upload_file(
    http: HubHttp,
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
    operation = CommitOperationAdd(path_in_repo=path_in_repo, path_or_fileobj=path_or_fileobj)
    return await create_commit(
        http,
        repo_id,
        [operation],
        commit_message=commit_message or f"Upload {path_in_repo} with hubclient",
        commit_description=commit_description,
        token=token,
        repo_type=repo_type,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
        options=options,
        progress=progress,
    )


async def delete_file(
    http: HubHttp,
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
    return await create_commit(
        http,
        repo_id,
        [CommitOperationDelete(path_in_repo=path_in_repo)],
        commit_message=commit_message or f"Delete {path_in_repo} with hubclient",
        commit_description=commit_description,
        token=token,
        repo_type=repo_type,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
    )


async def delete_folder(
    http: HubHttp,
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
    return await create_commit(
        http,
        repo_id,
        [CommitOperationDelete(path_in_repo=path_in_repo, is_folder=True)],
        commit_message=commit_message or f"Delete folder {path_in_repo} with hubclient",
        commit_description=commit_description,
        token=token,
        repo_type=repo_type,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
    )


async def delete_files(
    http: HubHttp,
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
    operations = await remote_deletions(
        http,
        repo_id,
        repo_type=repo_type,
        revision=revision,
        path_in_repo="",
        delete_patterns=delete_patterns,
        token=token,
    )
    return await create_commit(
        http,
        repo_id,
        operations,
        commit_message=commit_message or f"Delete files {' '.join(delete_patterns)} with hubclient",
        commit_description=commit_description,
        token=token,
        repo_type=repo_type,
        revision=revision,
        create_pr=create_pr,
        parent_commit=parent_commit,
    )
