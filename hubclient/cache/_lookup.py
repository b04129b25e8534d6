"""Offline look-ups: what the cache can answer without the network (hub-protocol §3.8)."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final, TypeVar

from hubclient.cache._layout import RepoCache, validate_relative_filename
from hubclient.cache._refs import resolve_cached_revision
from hubclient.cache._trees import read_tree_cache

__all__ = [
    "CACHED_NO_EXIST",
    "CachedNoExist",
    "filter_paths",
    "missing_files",
    "try_to_load_from_cache",
]


class CachedNoExist:
    """The sentinel :func:`try_to_load_from_cache` returns for a file known to be absent."""

    def __repr__(self) -> str:
        return "CACHED_NO_EXIST"

    def __bool__(self) -> bool:
        return False


CACHED_NO_EXIST: Final = CachedNoExist()


def try_to_load_from_cache(
    repo_id: str,
    filename: str,
    cache_dir: str | Path,
    revision: str | None = None,
    repo_type: str | None = None,
) -> str | CachedNoExist | None:
    """The cached path of ``filename`` at ``revision`` (a commit, or a branch/tag via ``refs/``),
    ``CACHED_NO_EXIST`` when a ``.no_exist`` marker says the file is absent, else None.

    Never raises for a missing cache and never touches the network, like huggingface_hub's.

    Example::

        path = try_to_load_from_cache("acme/m", "config.json", cache_dir=cache)
        if isinstance(path, str):
            ...
    """
    validate_relative_filename(filename)
    repo = RepoCache(Path(cache_dir), repo_id, repo_type or "model")
    if not repo.storage_folder.is_dir():
        return None
    rev = revision or "main"
    commit = resolve_cached_revision(repo, rev) or rev
    try:
        no_exist = repo.no_exist_path(commit, filename)
    except ValueError:
        return None
    if no_exist.is_file():
        return CACHED_NO_EXIST
    pointer = repo.pointer_path(commit, filename)
    return str(pointer) if pointer.is_file() else None


_T = TypeVar("_T")


def _normalize_patterns(patterns: str | Sequence[str] | None) -> list[str] | None:
    if patterns is None:
        return None
    items = [patterns] if isinstance(patterns, str) else list(patterns)
    out = []
    for p in items:
        p = p.replace("\\", "/")
        out.append(p + "*" if p.endswith("/") else p)
    return out


def filter_paths(
    paths: Iterable[str],
    *,
    allow_patterns: str | Sequence[str] | None = None,
    ignore_patterns: str | Sequence[str] | None = None,
) -> list[str]:
    """huggingface_hub's pattern rules: case-sensitive ``fnmatch``, ``*`` crosses ``/``, a
    pattern ending in ``/`` means everything under that folder."""
    allow = _normalize_patterns(allow_patterns)
    ignore = _normalize_patterns(ignore_patterns)
    out = []
    for path in paths:
        p = path.replace("\\", "/")
        if allow is not None and not any(fnmatch.fnmatchcase(p, pat) for pat in allow):
            continue
        if ignore is not None and any(fnmatch.fnmatchcase(p, pat) for pat in ignore):
            continue
        out.append(path)
    return out


def missing_files(
    tree_json: Path,
    base_dir: Path,
    *,
    allow_patterns: str | Sequence[str] | None = None,
    ignore_patterns: str | Sequence[str] | None = None,
) -> list[str] | None:
    """Files the cached listing expects under ``base_dir`` that are not there (None: no listing)."""
    entries = read_tree_cache(tree_json)
    if entries is None:
        return None
    expected = filter_paths(entries, allow_patterns=allow_patterns, ignore_patterns=ignore_patterns)
    return [p for p in expected if not os.path.isfile(base_dir.joinpath(*p.split("/")))]
