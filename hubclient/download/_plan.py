"""Planning a snapshot: the commit (one ``repo_info``) and its file listing (one recursive,
paginated tree listing, cached in ``trees/{commit}.json``). Both are checked as they arrive:
the commit must be a commit id and every entry a file the Hub could list."""

from __future__ import annotations

from typing import Any

from hubclient._answers import BadValue, parse_json
from hubclient._http import HubHttp
from hubclient._urls import repo_info_path, tree_path
from hubclient.cache import TreeEntry
from hubclient.download._checks import commit_sha, file_size, git_oid, lfs_oid, repo_path

__all__ = ["list_tree", "resolve_commit", "tree_entry"]

_TREE = "a JSON array of tree entries (type, path, size, oid, lfs)"


async def resolve_commit(
    http: HubHttp, repo_id: str, repo_type: str, revision: str, token: str | bool | None
) -> str:
    """The commit ``revision`` points to now (``GET /api/{types}/{repo}/revision/{rev}``)."""
    response = await http.request("GET", repo_info_path(repo_type, repo_id, revision), token=token)
    return parse_json(
        response,
        lambda info: commit_sha(info.get("sha") if isinstance(info, dict) else None),
        expected="a repo info object whose sha is a 40-hex commit id",
    )


async def list_tree(
    http: HubHttp, repo_id: str, repo_type: str, commit: str, token: str | bool | None
) -> dict[str, TreeEntry]:
    """Every file of ``commit`` (all pages of the recursive listing)."""
    entries: dict[str, TreeEntry] = {}
    async for item in http.paginate(
        tree_path(repo_type, repo_id, commit),
        params={"recursive": True, "expand": False},
        token=token,
        expected=_TREE,
        convert=tree_entry,
    ):
        if item is not None:
            path, entry = item
            entries[path] = entry
    return entries


def tree_entry(item: Any) -> tuple[str, TreeEntry] | None:
    """``(path, entry)`` of a file of the listing, None for a folder; :class:`BadValue` or a
    shape error (``KeyError``, ``TypeError``...) for anything else."""
    if not isinstance(item, dict):
        raise TypeError(f"a tree entry is an object, got {type(item).__name__}")
    kind = item.get("type")
    path = repo_path(item.get("path"))
    if kind == "directory":
        return None
    if kind != "file":
        raise BadValue("entry type", kind, "is neither 'file' nor 'directory'")
    lfs = item.get("lfs")
    if lfs is not None and not isinstance(lfs, dict):
        raise TypeError(f"'lfs' of {path!r} is not an object")
    xet = item.get("xetHash")
    if xet is not None and not isinstance(xet, str):
        raise TypeError(f"'xetHash' of {path!r} is not a string")
    return path, TreeEntry(
        size=file_size(item.get("size")),
        blob_id=git_oid(item.get("oid")),
        lfs_sha256=lfs_oid(lfs.get("oid") or lfs.get("sha256")) if lfs else None,
        lfs_size=file_size(lfs["size"], "LFS size") if lfs and "size" in lfs else None,
        xet_hash=xet,
    )
