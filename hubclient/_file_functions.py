"""The module-level download functions, with huggingface_hub's ``file_download`` signatures.

huggingface_hub's ``hf_hub_download``, ``snapshot_download`` and ``get_hf_file_metadata``
functions take more than the ``HfApi`` methods of the same names: ``endpoint``, ``headers``,
``user_agent``, ``library_name``, ``library_version`` (and ``get_hf_file_metadata`` takes its
``url`` positionally); ``try_to_load_from_cache`` finds the cache without being told. These are
written by hand (the generated functions of ``hubclient/_functions/`` have the methods'
signatures): each runs the method on the default ``HubClient``, or on a copy of it with the
endpoint, headers and user agent of the call (sharing its connection pool).

Example::

    import hubclient

    path = hubclient.hf_hub_download(
        "acme/model", "config.json", library_name="my-lib", library_version="1.2"
    )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, cast, overload

from hubclient._functions._default import default_client
from hubclient._settings import HubSettings
from hubclient._sync import HubClient
from hubclient._urls import hf_hub_url
from hubclient.cache import CachedNoExist
from hubclient.cache import try_to_load_from_cache as _cached_path
from hubclient.download import DownloadOptions, DryRunFileInfo
from hubclient.models.files import HfFileMetadata
from hubclient.progress import ProgressCallback

__all__ = [
    "DEVIATIONS",
    "NOTES",
    "get_hf_file_metadata",
    "hf_hub_download",
    "hf_hub_url",
    "snapshot_download",
    "try_to_load_from_cache",
]

#: Read by the parity ledger (docs/parity.md): none of these functions deviates.
DEVIATIONS: dict[str, dict[str, str]] = {}
NOTES: dict[str, str] = {
    "get_hf_file_metadata": (
        "`retry_on_errors=None` (the default) keeps the client's retry policy; False sends "
        "one HEAD, as huggingface_hub does by default"
    ),
}


def _user_agent(
    library_name: str | None,
    library_version: str | None,
    user_agent: Mapping[str, str] | str | None,
) -> str | None:
    """What huggingface_hub adds to its user agent for these arguments."""
    parts: list[str] = []
    if library_name is not None:
        parts.append(f"{library_name}/{library_version or 'None'}")
    if isinstance(user_agent, Mapping):
        parts += [f"{key}/{value}" for key, value in user_agent.items()]
    elif user_agent:
        parts.append(user_agent)
    return "; ".join(parts) or None


def _client(
    *,
    endpoint: str | None,
    headers: Mapping[str, str] | None,
    user_agent: Mapping[str, str] | str | None,
    library_name: str | None,
    library_version: str | None,
    max_retries: int | None = None,
) -> HubClient:
    """The default client, or a copy of it for this call's endpoint, headers and user agent."""
    client = default_client()
    agent = _user_agent(library_name, library_version, user_agent)
    if endpoint is None and not headers and agent is None and max_retries is None:
        return client
    merged = {**client.settings.headers, **headers} if headers else None
    return client.with_options(
        endpoint=endpoint, headers=merged, user_agent=agent, max_retries=max_retries
    )


@overload
def hf_hub_download(
    repo_id: str,
    filename: str,
    *,
    subfolder: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    user_agent: dict[str, str] | str | None = None,
    force_download: bool = False,
    etag_timeout: float | None = None,
    token: str | bool | None = None,
    local_files_only: bool = False,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    tqdm_class: Callable[..., Any] | None = None,
    dry_run: Literal[False] = False,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> str: ...


@overload
def hf_hub_download(
    repo_id: str,
    filename: str,
    *,
    subfolder: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    user_agent: dict[str, str] | str | None = None,
    force_download: bool = False,
    etag_timeout: float | None = None,
    token: str | bool | None = None,
    local_files_only: bool = False,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    tqdm_class: Callable[..., Any] | None = None,
    dry_run: Literal[True],
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> DryRunFileInfo: ...


def hf_hub_download(
    repo_id: str,
    filename: str,
    *,
    subfolder: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    user_agent: dict[str, str] | str | None = None,
    force_download: bool = False,
    etag_timeout: float | None = None,
    token: str | bool | None = None,
    local_files_only: bool = False,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    tqdm_class: Callable[..., Any] | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> str | DryRunFileInfo:
    """Download one file into the cache and return its path (:meth:`HubClient.hf_hub_download`).

    ``endpoint``, ``headers``, ``user_agent``, ``library_name`` and ``library_version`` apply
    to this call, as in huggingface_hub; everything else is the method's.

    Example::

        hubclient.hf_hub_download("acme/model", "config.json", revision="v1.0")
    """
    client = _client(
        endpoint=endpoint,
        headers=headers,
        user_agent=user_agent,
        library_name=library_name,
        library_version=library_version,
    )
    result: str | DryRunFileInfo = cast(Any, client).hf_hub_download(
        repo_id,
        filename,
        subfolder=subfolder,
        repo_type=repo_type,
        revision=revision,
        cache_dir=cache_dir,
        local_dir=local_dir,
        force_download=force_download,
        etag_timeout=etag_timeout,
        local_files_only=local_files_only,
        token=token,
        tqdm_class=tqdm_class,
        dry_run=dry_run,
        progress=progress,
        options=options,
    )
    return result


@overload
def snapshot_download(
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict[str, str] | str | None = None,
    etag_timeout: float | None = None,
    force_download: bool = False,
    token: str | bool | None = None,
    local_files_only: bool = False,
    allow_patterns: str | list[str] | None = None,
    ignore_patterns: str | list[str] | None = None,
    max_workers: int | None = None,
    tqdm_class: Callable[..., Any] | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    dry_run: Literal[False] = False,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> str: ...


@overload
def snapshot_download(
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict[str, str] | str | None = None,
    etag_timeout: float | None = None,
    force_download: bool = False,
    token: str | bool | None = None,
    local_files_only: bool = False,
    allow_patterns: str | list[str] | None = None,
    ignore_patterns: str | list[str] | None = None,
    max_workers: int | None = None,
    tqdm_class: Callable[..., Any] | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    dry_run: Literal[True],
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> list[DryRunFileInfo]: ...


def snapshot_download(
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    cache_dir: str | Path | None = None,
    local_dir: str | Path | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict[str, str] | str | None = None,
    etag_timeout: float | None = None,
    force_download: bool = False,
    token: str | bool | None = None,
    local_files_only: bool = False,
    allow_patterns: str | list[str] | None = None,
    ignore_patterns: str | list[str] | None = None,
    max_workers: int | None = None,
    tqdm_class: Callable[..., Any] | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    options: DownloadOptions | None = None,
) -> str | list[DryRunFileInfo]:
    """Download a snapshot and return its folder (:meth:`HubClient.snapshot_download`).

    ``endpoint``, ``headers``, ``user_agent``, ``library_name`` and ``library_version`` apply
    to this call, as in huggingface_hub; everything else is the method's.

    Example::

        folder = hubclient.snapshot_download("acme/model", allow_patterns=["*.json"])
    """
    client = _client(
        endpoint=endpoint,
        headers=headers,
        user_agent=user_agent,
        library_name=library_name,
        library_version=library_version,
    )
    result: str | list[DryRunFileInfo] = cast(Any, client).snapshot_download(
        repo_id,
        repo_type=repo_type,
        revision=revision,
        cache_dir=cache_dir,
        local_dir=local_dir,
        allow_patterns=allow_patterns,
        ignore_patterns=ignore_patterns,
        max_workers=max_workers,
        force_download=force_download,
        etag_timeout=etag_timeout,
        local_files_only=local_files_only,
        token=token,
        tqdm_class=tqdm_class,
        dry_run=dry_run,
        progress=progress,
        options=options,
    )
    return result


def get_hf_file_metadata(
    url: str,
    token: str | bool | None = None,
    timeout: float | None = None,
    library_name: str | None = None,
    library_version: str | None = None,
    user_agent: dict[str, str] | str | None = None,
    headers: dict[str, str] | None = None,
    endpoint: str | None = None,
    retry_on_errors: bool | None = None,
) -> HfFileMetadata:
    """HEAD a resolve URL (:meth:`HubClient.get_hf_file_metadata`), huggingface_hub's way.

    ``timeout`` defaults to the client's ``etag_timeout``; ``retry_on_errors=False`` sends a
    single request (``None``: the client's retry policy). The token goes to ``url`` only when it
    is on the Hub (``endpoint``, default ``HF_ENDPOINT``).

    Example::

        meta = hubclient.get_hf_file_metadata(hubclient.hf_hub_url("acme/model", "config.json"))
    """
    client = _client(
        endpoint=endpoint,
        headers=headers,
        user_agent=user_agent,
        library_name=library_name,
        library_version=library_version,
        max_retries=0 if retry_on_errors is False else None,
    )
    return client.get_hf_file_metadata(url=url, token=token, timeout=timeout)


def try_to_load_from_cache(
    repo_id: str,
    filename: str,
    cache_dir: str | Path | None = None,
    revision: str | None = None,
    repo_type: str | None = None,
) -> str | CachedNoExist | None:
    """The cached path of a file, ``CACHED_NO_EXIST``, or None; never touches the network.

    ``cache_dir`` defaults to the cache of the environment (``HF_HUB_CACHE``, ``HF_HOME``), as
    in huggingface_hub.

    Example::

        path = hubclient.try_to_load_from_cache("acme/model", "config.json")
    """
    if cache_dir is None:
        cache_dir = HubSettings.from_env(token=False).hub_cache
    return _cached_path(repo_id, filename, cache_dir, revision=revision, repo_type=repo_type)
