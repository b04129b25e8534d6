"""Files of a repo: tree listing, paths info, file metadata (HEAD on resolve), existence."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio

from hubclient import _urls
from hubclient._answers import parse_json
from hubclient._http import HubHttp, TimeoutArg
from hubclient.errors import (
    GatedRepoError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.models.files import HfFileMetadata, RepoFile, RepoFolder

__all__ = [
    "PATHS_INFO_BATCH",
    "file_exists",
    "get_hf_file_metadata",
    "get_paths_info",
    "list_repo_files",
    "list_repo_tree",
    "normalize_etag",
    "parse_tree_entry",
]

PATHS_INFO_BATCH = 500
_PATHS_INFO_CONCURRENCY = 4


_ENTRIES = "a JSON array of files and folders"


def _parse_entries(items: Any) -> list[RepoFile | RepoFolder]:
    if not isinstance(items, list):
        raise TypeError(f"expected a list of entries, got {type(items).__name__}")
    return [parse_tree_entry(item) for item in items]


def parse_tree_entry(item: Any) -> RepoFile | RepoFolder:
    """A tree / paths-info JSON entry as a RepoFile (``type: file``) or a RepoFolder."""
    if isinstance(item, dict) and item.get("type") == "file":
        return RepoFile.model_validate(item)
    return RepoFolder.model_validate(item)


async def list_repo_tree(
    http: HubHttp,
    repo_id: str,
    path_in_repo: str | None = None,
    *,
    recursive: bool = False,
    expand: bool = False,
    revision: str | None = None,
    repo_type: str | None = None,
    token: str | bool | None = None,
) -> AsyncIterator[RepoFile | RepoFolder]:
    path = _urls.tree_path(repo_type, repo_id, revision, path_in_repo)
    params = {"recursive": recursive, "expand": expand}
    async for item in http.paginate(
        path, params=params, token=token, expected=_ENTRIES, convert=parse_tree_entry
    ):
        yield item


async def list_repo_files(
    http: HubHttp,
    repo_id: str,
    *,
    revision: str | None = None,
    repo_type: str | None = None,
    token: str | bool | None = None,
) -> list[str]:
    return [
        entry.path
        async for entry in list_repo_tree(
            http, repo_id, recursive=True, revision=revision, repo_type=repo_type, token=token
        )
        if isinstance(entry, RepoFile)
    ]


async def get_paths_info(
    http: HubHttp,
    repo_id: str,
    paths: Sequence[str] | str,
    *,
    expand: bool = False,
    revision: str | None = None,
    repo_type: str | None = None,
    token: str | bool | None = None,
) -> list[RepoFile | RepoFolder]:
    """Entries for the paths that exist (missing ones are left out), in batches of 500."""
    all_paths = [paths] if isinstance(paths, str) else list(paths)
    url = _urls.paths_info_path(repo_type, repo_id, revision)
    batches = [
        all_paths[i : i + PATHS_INFO_BATCH] for i in range(0, len(all_paths), PATHS_INFO_BATCH)
    ]
    results: list[list[RepoFile | RepoFolder]] = [[] for _ in batches]

    async def fetch(index: int) -> None:
        response = await http.request(
            "POST",
            url,
            data={"paths": batches[index], "expand": "true" if expand else "false"},
            token=token,
            retry=True,  # read-only
        )
        results[index] = parse_json(response, _parse_entries, expected=_ENTRIES)

    if len(batches) == 1:
        await fetch(0)
    elif batches:
        # A few batches at once. The first failure cancels the others and is raised as is
        # (not wrapped in an exception group), so callers can catch the typed error.
        limiter = anyio.CapacityLimiter(_PATHS_INFO_CONCURRENCY)
        failures: list[Exception] = []

        async def run(index: int, scope: anyio.CancelScope) -> None:
            async with limiter:
                try:
                    await fetch(index)
                except Exception as exc:
                    failures.append(exc)
                    scope.cancel()

        async with anyio.create_task_group() as tg:
            for index in range(len(batches)):
                tg.start_soon(run, index, tg.cancel_scope)
        if failures:
            raise failures[0]
    return [entry for batch_result in results for entry in batch_result]


def normalize_etag(etag: str | None) -> str | None:
    """``W/"abc"`` and ``"abc"`` → ``abc`` (huggingface_hub's normalisation)."""
    if not etag:
        return None
    return etag.lstrip("W/").strip('"')


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


async def get_hf_file_metadata(
    http: HubHttp,
    url: str,
    *,
    token: str | bool | None = None,
    timeout: TimeoutArg = None,  # noqa: ASYNC109
    headers: dict[str, str] | None = None,
) -> HfFileMetadata:
    """HEAD a resolve URL, following redirects only within the Hub origin.

    A cross-origin redirect (the LFS content on storage) is not followed: its ``Location``
    becomes ``location`` and the ``X-Linked-*`` headers give the etag and size.
    """
    request_headers = {"accept-encoding": "identity", **(headers or {})}
    response = await http.request(
        "HEAD",
        url,
        headers=request_headers,
        token=token,
        timeout=http.settings.etag_timeout if timeout is None else timeout,
        follow_redirects=True,
    )
    is_redirect = 300 <= response.status_code < 400
    location = response.headers.get("location")
    return HfFileMetadata(
        commit_hash=response.headers.get("x-repo-commit"),
        etag=normalize_etag(response.headers.get("x-linked-etag") or response.headers.get("etag")),
        location=str(response.url.join(location)) if location else str(response.url),
        size=_int_or_none(
            response.headers.get("x-linked-size")
            or (None if is_redirect else response.headers.get("content-length"))
        ),
    )


async def file_exists(
    http: HubHttp,
    repo_id: str,
    filename: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
) -> bool:
    """True if the file exists; False for a missing repo, revision or file; a gated repo raises."""
    url = _urls.resolve_url(
        http.endpoint, repo_id, filename, repo_type=repo_type, revision=revision
    )
    try:
        await get_hf_file_metadata(http, url, token=token)
    except GatedRepoError:
        raise
    except (RepositoryNotFoundError, RemoteEntryNotFoundError, RevisionNotFoundError):
        return False
    return True
