"""``verify_repo_checksums``: compare the files of a local folder (a ``local_dir`` download or a
cached snapshot) with the Hub's hashes of a revision, hashing in worker threads.

LFS files are checked by sha256, regular files by git blob sha1 (what the Hub lists for
them); ``.git/`` and ``.cache/huggingface/`` (a local dir's metadata) are never repo files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import anyio
import anyio.to_thread

from hubclient import _files
from hubclient._http import HubHttp
from hubclient.cache import RepoCache, is_commit_hash, read_ref
from hubclient.models.files import ChecksumMismatch, FolderVerification, RepoFile

__all__ = ["local_root", "verify_checksums"]

_CHUNK = 4 * 1024 * 1024
_HASH_WORKERS = 4
_IGNORED = (".git", ".cache/huggingface")


def local_root(
    *,
    repo_id: str,
    repo_type: str,
    revision: str | None,
    cache_dir: Path,
    local_dir: Path | None,
) -> tuple[Path, str]:
    """The folder to verify and the revision to check it against (``ValueError`` if none)."""
    if local_dir is not None:
        root = Path(local_dir).expanduser().resolve()
        if not root.is_dir():
            raise ValueError(f"Local directory does not exist or is not a directory: {root}")
        return root, revision or "main"
    repo = RepoCache(Path(cache_dir).expanduser(), repo_id, repo_type)
    folder = repo.storage_folder
    if not folder.is_dir():
        raise ValueError(
            f"Repo is not present in cache: {folder}. Download it first or pass local_dir."
        )
    if revision is not None and is_commit_hash(revision):
        commit: str | None = revision
    elif revision is not None:
        commit = read_ref(repo, revision)
        if commit is None:
            raise ValueError(
                f"Revision {revision!r} could not be resolved in the cache ({folder})."
            )
    else:
        commit = read_ref(repo, "main")
        if commit is None:
            snapshots = repo.snapshots_dir
            found = (
                [p.name for p in snapshots.iterdir() if p.is_dir() and is_commit_hash(p.name)]
                if snapshots.is_dir()
                else []
            )
            if len(found) != 1:
                raise ValueError(
                    "Ambiguous cached revision: several snapshots and no refs/main; pass a "
                    "revision."
                )
            commit = found[0]
    assert commit is not None
    snapshot = repo.snapshot_dir(commit)
    if not snapshot.is_dir():
        raise ValueError(f"Snapshot directory does not exist for revision {commit!r}: {snapshot}.")
    return snapshot, commit


def _ignored(relative: str) -> bool:
    return any(relative == p or relative.startswith(p + "/") for p in _IGNORED) or any(
        f"/{p}/" in f"/{relative}/" for p in _IGNORED
    )


def _local_files(root: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}

    def walk(folder: Path, prefix: str) -> Iterator[tuple[str, Path]]:
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = f"{prefix}{entry.name}"
                if _ignored(relative):
                    continue
                path = Path(entry.path)
                if entry.is_dir():
                    yield from walk(path, relative + "/")
                elif entry.is_file():
                    yield relative, path

    for relative, path in walk(root, ""):
        out[relative] = path
    return out


def _hash(path: Path, algorithm: str) -> str:
    with path.open("rb") as f:
        if algorithm == "sha256":
            digest = hashlib.sha256()
        else:
            digest = hashlib.sha1(f"blob {os.fstat(f.fileno()).st_size}\0".encode())
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def verify_checksums(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str,
    revision: str | None,
    root: Path,
    token: str | bool | None,
) -> FolderVerification:
    """Hash every file present both locally and in the revision, and list what differs."""
    local = await anyio.to_thread.run_sync(_local_files, root)
    remote: dict[str, RepoFile] = {}
    async for entry in _files.list_repo_tree(
        http, repo_id, recursive=True, revision=revision, repo_type=repo_type, token=token
    ):
        if isinstance(entry, RepoFile):
            remote[entry.path] = entry
    both = sorted(set(local) & set(remote))
    mismatches: dict[str, ChecksumMismatch] = {}
    pending = iter(both)

    async def worker() -> None:
        for path in pending:  # the workers share one iterator: each path is hashed once
            entry = remote[path]
            algorithm, expected = (
                ("sha256", entry.lfs.sha256.lower()) if entry.lfs else ("git-sha1", entry.blob_id)
            )
            actual = await anyio.to_thread.run_sync(_hash, local[path], algorithm)
            if actual != expected:
                mismatches[path] = ChecksumMismatch(
                    path=path, expected=expected, actual=actual, algorithm=algorithm
                )

    async with anyio.create_task_group() as group:
        for _ in range(min(_HASH_WORKERS, len(both))):
            group.start_soon(worker)
    return FolderVerification(
        revision=revision or "main",
        checked_count=len(both),
        mismatches=[mismatches[p] for p in both if p in mismatches],
        missing_paths=sorted(set(remote) - set(local)),
        extra_paths=sorted(set(local) - set(remote)),
        verified_path=root,
    )
