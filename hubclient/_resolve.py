"""``resolve_revision``: a revision to its commit, remembered in the cache's ``refs/`` and
read from there when the Hub cannot be reached."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import anyio.to_thread
import httpx

from hubclient import _repos, _urls
from hubclient._http import HubHttp
from hubclient.cache import RepoCache, is_commit_hash, read_ref, write_ref
from hubclient.errors import HfHubHTTPError, OfflineModeIsEnabled, RevisionResolutionError
from hubclient.models.refs import ResolvedRevision

__all__ = ["resolve_revision"]

_log = logging.getLogger("hubclient")
#: What "the Hub cannot be reached" looks like (network failures, offline mode).
_UNREACHABLE = (httpx.TransportError, OfflineModeIsEnabled, ConnectionError, TimeoutError)


def _repo_cache(cache_dir: Path, repo_id: str, repo_type: str) -> RepoCache:
    return RepoCache(Path(os.path.expanduser(cache_dir)), repo_id, repo_type)


async def resolve_revision(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None,
    revision: str | None,
    cache_dir: Path,
    local_files_only: bool,
    token: str | bool | None,
) -> ResolvedRevision:
    kind = _urls.normalize_repo_type(repo_type)
    _urls.validate_repo_id(repo_id)
    if isinstance(revision, ResolvedRevision):
        if revision.fits(repo_id, kind):
            return revision
        revision = revision.initial  # made for another repo: what was asked for counts
    if revision is not None and is_commit_hash(revision):
        return ResolvedRevision(revision, revision, repo_id, kind)
    name = revision or _urls.DEFAULT_REVISION
    repo = _repo_cache(cache_dir, repo_id, kind)
    error: BaseException | None = None
    if not local_files_only:
        try:
            info = await _repos.repo_info(
                http, repo_id, repo_type=kind, revision=revision, token=token
            )
        except _UNREACHABLE as exc:
            error = exc
        except HfHubHTTPError as exc:
            if exc.status_code < 500:
                raise  # the Hub answered: no such repo or revision, no access…
            error = exc
        else:
            if info.sha is None or not is_commit_hash(info.sha):
                raise RevisionResolutionError(
                    f"The Hub's answer for {kind} {repo_id!r} at {name!r} holds no commit id "
                    f"(sha={info.sha!r})"
                )
            try:
                await anyio.to_thread.run_sync(write_ref, repo, name, info.sha)
            except (OSError, ValueError) as exc:  # a read-only cache still resolves
                _log.warning("could not record %s -> %s in the cache: %s", name, info.sha, exc)
            return ResolvedRevision(info.sha, revision, repo_id, kind)
    cached = await anyio.to_thread.run_sync(read_ref, repo, name)
    if cached is not None:
        if error is not None:
            _log.warning(
                "Could not reach the Hub (%s); using the cached commit of %s for %s.",
                error,
                name,
                repo_id,
            )
        return ResolvedRevision(cached, revision, repo_id, kind)
    reason = (
        "local_files_only=True is set"
        if error is None
        else f"the Hub could not be reached ({type(error).__name__}: {error})"
    )
    raise RevisionResolutionError(
        f"Cannot resolve revision {name!r} for {kind} {repo_id!r}: {reason}, and the cache has "
        f"no commit for it ({repo.storage_folder / 'refs' / name})."
    ) from error
