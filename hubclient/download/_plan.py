"""Planning a snapshot: the commit (one ``repo_info``) and its file listing (one recursive,
paginated tree listing, cached in ``trees/{commit}.json``)."""

from __future__ import annotations

from typing import Any

from hubclient._http import HubHttp
from hubclient._urls import repo_info_path, tree_path
from hubclient.cache import TreeEntry
from hubclient.errors import FileMetadataError

__all__ = ["list_tree", "resolve_commit"]


async def resolve_commit(
    http: HubHttp, repo_id: str, repo_type: str, revision: str, token: str | bool | None
) -> str:
    """The commit ``revision`` points to now (``GET /api/{types}/{repo}/revision/{rev}``)."""
    response = await http.request("GET", repo_info_path(repo_type, repo_id, revision), token=token)
    sha = response.json().get("sha")
    if not isinstance(sha, str) or not sha:
        raise FileMetadataError(f"The Hub sent no commit sha for {repo_id}@{revision}.")
    return sha


async def list_tree(
    http: HubHttp, repo_id: str, repo_type: str, commit: str, token: str | bool | None
) -> dict[str, TreeEntry]:
    """Every file of ``commit`` (all pages of the recursive listing)."""
    entries: dict[str, TreeEntry] = {}
    async for item in http.paginate(
        tree_path(repo_type, repo_id, commit),
        params={"recursive": True, "expand": False},
        token=token,
    ):
        entry = _entry(item)
        if entry is not None:
            entries[item["path"]] = entry
    return entries


def _entry(item: Any) -> TreeEntry | None:
    if not isinstance(item, dict) or item.get("type") != "file":
        return None
    lfs = item.get("lfs") or None
    return TreeEntry(
        size=int(item["size"]),
        blob_id=str(item["oid"]),
        lfs_sha256=str(lfs.get("oid") or lfs.get("sha256")) if lfs else None,
        lfs_size=int(lfs["size"]) if lfs and "size" in lfs else None,
        xet_hash=item.get("xetHash"),
    )
