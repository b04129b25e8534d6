"""Reading a bucket's files from the Hub: the tree, paths-info in batches, a file's metadata.

Every entry the Hub sends is checked before it is handed out (its type, its fields); a listing
stops with a typed error past `MAX_ENTRIES` entries, so a server that never ends its pages
cannot keep a caller looping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from hubclient._answers import parse_json
from hubclient._http import HubHttp
from hubclient.buckets._ids import api_path, check_path, resolve_path, token_path
from hubclient.errors import HubClientError
from hubclient.models.buckets import BucketFile, BucketFileMetadata, BucketFolder, XetFileData

__all__ = [
    "MAX_ENTRIES",
    "PATHS_INFO_BATCH",
    "file_metadata",
    "iter_tree",
    "parse_entry",
    "paths_info",
]

PATHS_INFO_BATCH = 1000
"""Paths per paths-info request (the Hub's limit, huggingface_hub's batch)."""
MAX_ENTRIES = 50_000_000
"""Entries one listing may yield before it is taken for a server that never ends its pages."""

_M = TypeVar("_M", bound=BaseModel)


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"a JSON {type(value).__name__}, not an array")
    return value


def _parse(cls: type[_M], item: Any, what: str) -> _M:
    try:
        return cls.model_validate(item)
    except ValidationError as exc:
        raise HubClientError(f"The Hub sent a {what} hubclient cannot read: {exc}") from None


def parse_entry(item: Any) -> BucketFile | BucketFolder | None:
    """A tree entry as a file or a folder; ``None`` for a kind this client does not know."""
    kind = item.get("type") if isinstance(item, dict) else None
    if kind == "file":
        return _parse(BucketFile, item, "bucket file")
    if kind == "directory":
        return _parse(BucketFolder, item, "bucket folder")
    if not isinstance(item, dict):
        raise HubClientError(f"The Hub sent a tree entry that is not an object: {item!r}")
    return None


async def iter_tree(
    http: HubHttp,
    bucket_id: str,
    prefix: str | None,
    *,
    recursive: bool | None,
    token: str | bool | None,
) -> AsyncIterator[BucketFile | BucketFolder]:
    """The entries of ``GET /api/buckets/{id}/tree[/{prefix}]``, page after page."""
    tail = "tree" + (f"/{quote(prefix, safe='')}" if prefix else "")
    params = {} if recursive is None else {"recursive": recursive}
    seen = 0
    async for item in http.paginate(api_path(bucket_id, tail), params=params, token=token):
        seen += 1
        if seen > MAX_ENTRIES:
            raise HubClientError(
                f"the tree of bucket {bucket_id} goes on past {MAX_ENTRIES} entries; stopped"
            )
        entry = parse_entry(item)
        if entry is not None:
            yield entry


async def paths_info(
    http: HubHttp, bucket_id: str, paths: Iterable[str], *, token: str | bool | None
) -> AsyncIterator[BucketFile]:
    """The files among `paths` (missing ones are left out), `PATHS_INFO_BATCH` per request."""
    batch: list[str] = []

    async def send(chunk: list[str]) -> list[BucketFile]:
        response = await http.request(
            "POST",
            api_path(bucket_id, "paths-info"),
            json={"paths": chunk},
            token=token,
            retry=True,
        )
        payload = parse_json(response, _as_list, expected="a JSON array of bucket files")
        asked = set(chunk)
        out = []
        for item in payload:
            entry = parse_entry(item)
            if isinstance(entry, BucketFile) and entry.path in asked:
                out.append(entry)
        return out

    for path in paths:
        batch.append(check_path(path))
        if len(batch) == PATHS_INFO_BATCH:
            for entry in await send(batch):
                yield entry
            batch = []
    if batch:
        for entry in await send(batch):
            yield entry


async def file_metadata(
    http: HubHttp, bucket_id: str, remote_path: str, *, token: str | bool | None
) -> BucketFileMetadata:
    """``HEAD /buckets/{id}/resolve/{path}``: the size, Xet hash and token route of a file."""
    response = await http.request(
        "HEAD",
        resolve_path(bucket_id, check_path(remote_path)),
        headers={"accept-encoding": "identity"},
        token=token,
        follow_redirects=True,
    )
    headers = response.headers
    file_hash = headers.get("x-xet-hash")
    link = response.links.get("xet-auth", {}).get("url") or headers.get("x-xet-refresh-route")
    size_text = headers.get("x-linked-size") or (
        None if response.is_redirect else headers.get("content-length")
    )
    if not file_hash or not size_text or not size_text.isdigit():
        raise HubClientError(
            f"{remote_path!r} in bucket {bucket_id}: the Hub answered no Xet file metadata "
            f"(status {response.status_code}, X-Xet-Hash {file_hash!r}, size {size_text!r})"
        )
    refresh = str(response.url.join(link)) if link else http.url(token_path(bucket_id, "read"))
    return BucketFileMetadata(
        size=int(size_text), xet_file_data=XetFileData(file_hash=file_hash, refresh_route=refresh)
    )
