"""Storage buckets: a bucket's info and URL, its files and folders, file metadata, sync plans.

Attribute names are huggingface_hub's (``created_at``, ``total_files``, ``xet_hash``,
``uploaded_at``…); the wire names (``createdAt``, ``totalFiles``, ``xetHash``…) are accepted as
aliases, and every field the Hub adds is kept.

Example::

    f = BucketFile.model_validate({"type": "file", "path": "a.bin", "size": 3, "xetHash": "…"})
    f.xet_hash, f.mtime          # ('…', None)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hubclient.models._base import HubModel
from hubclient.models.commits import XetDedup

__all__ = [
    "BUCKET_PREFIX",
    "BucketBatchResult",
    "BucketFile",
    "BucketFileMetadata",
    "BucketFolder",
    "BucketInfo",
    "BucketUri",
    "BucketUrl",
    "SyncOperation",
    "SyncPlan",
    "XetFileData",
]

BUCKET_PREFIX = "hf://buckets/"
"""How a bucket path is spelled: ``hf://buckets/<namespace>/<name>[/<path>]``."""


class BucketInfo(HubModel):
    """A bucket on the Hub (``bucket_info``, ``list_buckets``).

    Attributes:
        id: ``namespace/name``.
        private: whether only its owner (and the owning organisation) can see it.
        created_at: when it was created.
        size: bytes stored (the sum of its files' sizes).
        total_files: how many files it holds.
    """

    id: str
    private: bool = False
    created_at: datetime | None = None
    size: int = 0
    total_files: int = 0
    updated_at: datetime | None = None


class BucketUri(BaseModel):
    """``hf://buckets/<id>[/<path>]`` taken apart (huggingface_hub's ``HfUri`` of a bucket)."""

    model_config = ConfigDict(frozen=True)

    type: Literal["bucket"] = "bucket"
    id: str
    path_in_repo: str = ""

    @property
    def is_bucket(self) -> bool:
        return True

    def to_uri(self) -> str:
        """``hf://buckets/<id>`` (and ``/<path>`` when there is one)."""
        tail = f"/{self.path_in_repo}" if self.path_in_repo else ""
        return f"{BUCKET_PREFIX}{self.id}{tail}"

    def __str__(self) -> str:
        return self.to_uri()


class BucketUrl(BaseModel):
    """What ``create_bucket`` returns: the bucket's page URL, taken apart.

    ``str(url)`` is the URL. Example::

        url = await client.create_bucket("my-bucket")
        url.bucket_id, url.namespace, url.uri.to_uri()   # 'alice/my-bucket', 'alice', 'hf://…'
    """

    model_config = ConfigDict(frozen=True)

    url: str
    endpoint: str
    namespace: str
    bucket_id: str
    uri: BucketUri

    @classmethod
    def from_id(cls, bucket_id: str, endpoint: str, url: str | None = None) -> BucketUrl:
        """The URL of ``bucket_id`` (``url``: the one the Hub answered, when it gave one)."""
        endpoint = endpoint.rstrip("/")
        return cls(
            url=url or f"{endpoint}/buckets/{bucket_id}",
            endpoint=endpoint,
            namespace=bucket_id.split("/", 1)[0],
            bucket_id=bucket_id,
            uri=BucketUri(id=bucket_id),
        )

    def __str__(self) -> str:
        return self.url


class BucketFile(HubModel):
    """A file of a bucket (``list_bucket_tree``, ``get_bucket_paths_info``).

    Attributes:
        path: its path in the bucket (``/``-separated).
        size: bytes.
        xet_hash: the Xet file hash (64 hex): what ``copy`` operations and downloads name.
        mtime: the modification time the uploader gave (the local file's), if any.
        uploaded_at: when it was uploaded.
    """

    type: Literal["file"] = "file"
    path: str
    size: int
    xet_hash: str
    mtime: datetime | None = None
    uploaded_at: datetime | None = None


class BucketFolder(HubModel):
    """A folder of a bucket (``list_bucket_tree`` without ``recursive``): folders are implied
    by the paths of the files under them."""

    type: Literal["directory"] = "directory"
    path: str
    uploaded_at: datetime | None = None


class XetFileData(HubModel):
    """How to fetch a Xet file: its hash and the URL that hands out read tokens for it."""

    file_hash: str
    refresh_route: str


class BucketFileMetadata(HubModel):
    """What a HEAD on a bucket file tells (``get_bucket_file_metadata``)."""

    size: int
    xet_file_data: XetFileData


class BucketBatchResult(HubModel):
    """What ``batch_bucket_files`` did: operations sent per kind, the Xet hashes of the files
    added (by bucket path), and the dedup figures of their upload (None when nothing was
    uploaded)."""

    added: dict[str, str] = Field(default_factory=dict)
    copied: int = 0
    deleted: int = 0
    xet: XetDedup | None = None


class SyncOperation(BaseModel):
    """One step of a sync plan: upload, download, delete or skip one file (``path`` is relative
    to the synced folder and prefix)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    action: Literal["upload", "download", "delete", "skip"]
    path: str
    size: int | None = None
    reason: str = ""
    local_mtime: str | None = None
    remote_mtime: str | None = None
    bucket_file: BucketFile | None = Field(default=None, exclude=True)
    """The bucket's entry, when the plan was computed here (not saved in plan files)."""


class SyncPlan(BaseModel):
    """What ``sync_bucket`` computed (and did, unless it only planned)."""

    source: str
    dest: str
    timestamp: str
    operations: list[SyncOperation] = Field(default_factory=list)

    def summary(self) -> dict[str, int | str]:
        """Counts per action and the bytes to move: ``{'uploads': 3, 'downloads': 0, …}``."""
        count = dict.fromkeys(("upload", "download", "delete", "skip"), 0)
        moved = 0
        for op in self.operations:
            count[op.action] += 1
            if op.action in ("upload", "download"):
                moved += op.size or 0
        return {
            "uploads": count["upload"],
            "downloads": count["download"],
            "deletes": count["delete"],
            "skips": count["skip"],
            "total_size": moved,
        }

    def header(self) -> dict[str, Any]:
        """The first line of a plan file."""
        return {
            "type": "header",
            "source": self.source,
            "dest": self.dest,
            "timestamp": self.timestamp,
            "summary": self.summary(),
        }
