"""Files and folders of a repo: tree entries, siblings, LFS and security info, file metadata."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel

__all__ = [
    "BlobLfsInfo",
    "BlobSecurityInfo",
    "ChecksumMismatch",
    "FolderVerification",
    "HfFileMetadata",
    "LastCommitInfo",
    "RepoFile",
    "RepoFolder",
    "RepoSibling",
]


class BlobLfsInfo(HubModel):
    """LFS details of a file: the real ``size``, its ``sha256`` and the pointer file's size."""

    size: int
    sha256: str = Field(validation_alias=AliasChoices("sha256", "oid"))
    pointer_size: int | None = None


class LastCommitInfo(HubModel):
    """The last commit that touched a tree entry (``list_repo_tree(expand=True)``)."""

    oid: str = Field(validation_alias=AliasChoices("id", "oid"), serialization_alias="id")
    title: str = ""
    date: datetime | None = None


class BlobSecurityInfo(HubModel):
    """Security scan results of a file (``securityFileStatus``)."""

    safe: bool = False
    status: str
    av_scan: dict[str, Any] | None = None
    pickle_import_scan: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive_safe(cls, data: Any) -> Any:
        if isinstance(data, dict) and "safe" not in data and "status" in data:
            data = {**data, "safe": data["status"] == "safe"}
        return data


class RepoSibling(HubModel):
    """A file listed in repo info (``siblings``); size/blob/LFS only with ``files_metadata``."""

    rfilename: str
    size: int | None = None
    blob_id: str | None = None
    lfs: BlobLfsInfo | None = None


class RepoFile(HubModel):
    """A file entry of ``list_repo_tree`` / ``get_paths_info``.

    ``blob_id`` is the git blob sha1 (for LFS files, of the pointer); ``lfs.sha256`` is the
    content hash of LFS files; ``size`` is always the real size.
    """

    path: str
    size: int
    blob_id: str = Field(validation_alias=AliasChoices("oid", "blobId", "blob_id"))
    lfs: BlobLfsInfo | None = None
    xet_hash: str | None = None
    last_commit: LastCommitInfo | None = None
    security: BlobSecurityInfo | None = Field(
        default=None,
        validation_alias=AliasChoices("securityFileStatus", "security"),
        serialization_alias="securityFileStatus",
    )

    @property
    def rfilename(self) -> str:
        """Same as ``path`` (huggingface_hub's backward-compatible name)."""
        return self.path


class RepoFolder(HubModel):
    """A folder entry of ``list_repo_tree`` / ``get_paths_info`` (``tree_id`` = git tree sha1)."""

    path: str
    tree_id: str = Field(validation_alias=AliasChoices("oid", "treeId", "tree_id"))
    last_commit: LastCommitInfo | None = None


class HfFileMetadata(HubModel):
    """What a HEAD on a resolve URL tells about a file (``get_hf_file_metadata``).

    ``etag`` is normalised (no ``W/`` and no quotes): the LFS sha256 or the git blob sha1.
    ``location`` is the URL to GET the content from (a storage URL for LFS files).
    """

    commit_hash: str | None
    etag: str | None
    location: str
    size: int | None
    xet_file_data: Any | None = None


class ChecksumMismatch(HubModel):
    """A local file whose hash is not the Hub's (``verify_repo_checksums``)."""

    path: str
    expected: str
    actual: str
    algorithm: str
    """``sha256`` (LFS files) or ``git-sha1`` (regular files)."""

    def __getitem__(self, key: str) -> str:  # huggingface_hub's Mismatch is a TypedDict
        value = getattr(self, key)
        assert isinstance(value, str)
        return value


class FolderVerification(HubModel):
    """What ``verify_repo_checksums`` found: files checked, mismatched, missing and extra."""

    revision: str
    checked_count: int
    mismatches: list[ChecksumMismatch] = Field(default_factory=list)
    missing_paths: list[str] = Field(default_factory=list)
    extra_paths: list[str] = Field(default_factory=list)
    verified_path: Path

    @property
    def ok(self) -> bool:
        """Every file of the revision is there, with the Hub's hash, and nothing else."""
        return not (self.mismatches or self.missing_paths or self.extra_paths)
