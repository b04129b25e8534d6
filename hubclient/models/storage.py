"""Where a namespace's storage goes: its repos' sizes, and the LFS objects of a repo."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from hubclient.models._base import HubModel

__all__ = ["LFSFileInfo", "RepoStorageInfo"]


class LFSFileInfo(HubModel):
    """An LFS object stored in a repo (``list_lfs_files``).

    ``file_oid`` is what ``permanently_delete_lfs_files`` deletes; ``filename`` is one path the
    object was pushed under (an object may be at several paths in several commits).
    """

    file_oid: str
    filename: str
    oid: str
    pushed_at: datetime
    ref: str | None = None
    size: int


class RepoStorageInfo(HubModel):
    """A repo of a user or organization and the storage it uses (``list_user_repos``)."""

    id: str
    type: str
    updated_at: datetime
    visibility: str
    storage: int
    storage_percent: float = Field(default=0.0)
