"""``refs/{revision}`` and ``.no_exist/{commit}/{path}``: what a revision pointed to, and
what a commit is known not to hold."""

from __future__ import annotations

import contextlib

from hubclient.cache._fs import atomic_write_text
from hubclient.cache._layout import RepoCache, is_commit_hash

__all__ = ["mark_no_exist", "read_ref", "resolve_cached_revision", "write_ref"]


def read_ref(repo: RepoCache, revision: str) -> str | None:
    """The commit ``refs/{revision}`` holds, or None."""
    try:
        path = repo.ref_path(revision)
    except ValueError:
        return None
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return value if is_commit_hash(value) else None


def write_ref(repo: RepoCache, revision: str, commit: str) -> bool:
    """Record that ``revision`` points to ``commit``: atomically, and only when it changed
    (a cache on a read-only mount keeps working). Returns True if the file was written.

    A revision that is the commit itself is never written.
    """
    if revision == commit:
        return False
    path = repo.ref_path(revision)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.read_text(encoding="utf-8") == commit:
            return False
    atomic_write_text(path, commit, tmp_suffix=".tmp")
    return True


def resolve_cached_revision(repo: RepoCache, revision: str) -> str | None:
    """A commit hash as is, else what ``refs/`` says (no network)."""
    if is_commit_hash(revision):
        return revision
    return read_ref(repo, revision)


def mark_no_exist(repo: RepoCache, commit: str, filename: str) -> None:
    """Touch ``.no_exist/{commit}/{filename}`` (the Hub said the file is absent there)."""
    path = repo.no_exist_path(commit, filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
