"""Adding, copying and deleting bucket files: uploads through Xet, then the NDJSON batch.

Everything is checked before anything is sent: bucket paths (`check_path`), copy tuples, the
local files (their size and mtime are read up front). Added content goes to the CAS through
hf_xet (the ``xet`` extra; buckets are Xet-only, so without it `XetRequiredError` says so before
anything is sent), with the bucket's write token, then one ``POST …/batch`` names the files by
Xet hash. Up to `CHUNK` operations go in one request; more are sent in chunks (copies, then
additions, then deletions), and the refusals of every chunk are raised together, once all were
sent, as :class:`BucketBatchError`, as huggingface_hub does.
"""

from __future__ import annotations

import json
import mimetypes
import os
import time
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import anyio.to_thread

from hubclient._http import HubHttp, error_from_response
from hubclient._reporting import Reporter
from hubclient.buckets._ids import (
    api_path,
    check_bucket_id,
    check_path,
    check_xet_hash,
    token_path,
)
from hubclient.errors import BucketBatchError, HFValidationError, XetRequiredError
from hubclient.models.buckets import BucketBatchResult
from hubclient.models.commits import XetDedup
from hubclient.progress import Phase, ProgressCallback
from hubclient.upload._source import ContentSource, source_for
from hubclient.xet._auth import connection_at
from hubclient.xet._runtime import hf_xet
from hubclient.xet._upload import XetFile, send_files

__all__ = ["CHUNK", "MAX_LISTED_FAILURES", "batch_files", "require_xet"]

CHUNK = 1000
"""Operations per batch request (the Hub's limit)."""
MAX_LISTED_FAILURES = 10
"""Refusals written in the error message (all are on ``BucketBatchError.failures``)."""
_SOURCE_TYPES = ("model", "dataset", "space", "bucket")

AddSource = str | Path | bytes | BinaryIO


@dataclass
class _Add:
    destination: str
    source: ContentSource
    mtime: int
    content_type: str | None
    xet_hash: str = ""


def _plan_add(item: tuple[AddSource, str]) -> _Add:
    if not isinstance(item, tuple) or len(item) != 2:
        raise HFValidationError(f"an add operation is a (source, destination) tuple: {item!r}")
    source, destination = item
    check_path(destination, "destination path")
    content_type = None
    if isinstance(source, (str, Path)):
        content_type = mimetypes.guess_type(os.fspath(source))[0]
        mtime = int(os.path.getmtime(source) * 1000)
    else:
        mtime = int(time.time() * 1000)
    if content_type is None:
        content_type = mimetypes.guess_type(destination)[0]
    return _Add(destination, source_for(source), mtime, content_type)


def _copy_line(item: tuple[str, str, str, str]) -> dict[str, Any]:
    if not isinstance(item, tuple) or len(item) != 4:
        raise HFValidationError(
            "a copy operation is a (source_repo_type, source_repo_id, xet_hash, destination) "
            f"tuple: {item!r}"
        )
    kind, source_id, xet_hash, destination = item
    if kind not in _SOURCE_TYPES:
        raise HFValidationError(f"Invalid source repo type {kind!r}: one of {_SOURCE_TYPES}")
    if not isinstance(source_id, str) or source_id.count("/") != 1:
        raise HFValidationError(f"Invalid source repo id {source_id!r}: expected namespace/name")
    line: dict[str, Any] = {
        "type": "copyFile",
        "path": check_path(destination, "destination path"),
        "xetHash": check_xet_hash(xet_hash, destination),
        "mtime": int(time.time() * 1000),
        "sourceRepoType": kind,
        "sourceRepoId": source_id,
    }
    content_type = mimetypes.guess_type(destination)[0]
    if content_type is not None:
        line["contentType"] = content_type
    return line


def _add_line(add: _Add) -> dict[str, Any]:
    line: dict[str, Any] = {
        "type": "addFile",
        "path": add.destination,
        "xetHash": add.xet_hash,
        "mtime": add.mtime,
    }
    if add.content_type is not None:
        line["contentType"] = add.content_type
    return line


def require_xet(http: HubHttp, what: str) -> None:
    """`XetRequiredError` unless hf_xet can carry this client's transfers."""
    if hf_xet() is None:
        raise XetRequiredError(
            f"{what} goes through Xet (storage buckets are Xet-only) and hf_xet is not "
            "installed: pip install 'hubclient[xet]'"
        )
    if not http.own_network:
        raise XetRequiredError(
            f"{what} goes through Xet, and hf_xet uses a network stack of its own, which this "
            "client's custom transport or httpx client cannot carry; use a client without "
            "`transport`/`http_client` (a served local Hub in tests)"
        )


async def _send(
    http: HubHttp, bucket_id: str, lines: Sequence[dict[str, Any]], token: str | bool | None
) -> list[dict[str, str]]:
    """One batch request; the operations the Hub refused."""
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    response = await http.request(
        "POST",
        api_path(bucket_id, "batch"),
        content=body,
        headers={"content-type": "application/x-ndjson"},
        token=token,
        retry=True,
        raise_for_status=False,
    )
    if response.status_code not in (200, 422):
        raise error_from_response(response, method="POST")
    try:
        payload = response.json()
    except ValueError:
        payload = None
    failed = payload.get("failed") if isinstance(payload, dict) else None
    if not isinstance(failed, list):
        if response.status_code == 422:
            raise error_from_response(response, method="POST")
        return []
    return [
        {"path": str(f.get("path", "")), "error": str(f.get("error", ""))}
        for f in failed[: len(lines)]
        if isinstance(f, dict)
    ]


def _error(
    bucket_id: str, failures: list[dict[str, str]], sent: int, http: HubHttp
) -> BucketBatchError:
    lines = [f"  - {f['path']}: {f['error']}" for f in failures[:MAX_LISTED_FAILURES]]
    if len(failures) > MAX_LISTED_FAILURES:
        lines.append(f"  - ... and {len(failures) - MAX_LISTED_FAILURES} more")
    return BucketBatchError(
        f"Failed to apply {len(failures)} out of {sent} operation(s) on bucket "
        f"'{bucket_id}':\n" + "\n".join(lines),
        failures=failures,
        status_code=422 if len(failures) == sent else 200,
        url=http.url(api_path(bucket_id, "batch")),
        method="POST",
    )


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _sum(a: XetDedup | None, b: XetDedup) -> XetDedup:
    if a is None:
        return b
    return XetDedup(*(x + y for x, y in zip(astuple(a), astuple(b), strict=True)))


async def batch_files(
    http: HubHttp,
    bucket_id: str,
    *,
    add: Sequence[tuple[AddSource, str]] | None,
    copy: Sequence[tuple[str, str, str, str]] | None,
    delete: Sequence[str] | None,
    token: str | bool | None,
    progress: ProgressCallback | None = None,
) -> BucketBatchResult:
    """Apply the operations to `bucket_id` (see the module's docstring)."""
    check_bucket_id(bucket_id)
    copies = [_copy_line(item) for item in copy or []]
    deletes = [{"type": "deleteFile", "path": check_path(p)} for p in delete or []]
    adds = await anyio.to_thread.run_sync(lambda: [_plan_add(item) for item in add or []])
    result = BucketBatchResult()
    if not (adds or copies or deletes):
        return result
    reporter = Reporter(progress)
    connection = None
    if adds:
        require_xet(http, "Uploading to a bucket")
        connection = await connection_at(http, token_path(bucket_id, "write"), token)
        total = sum(a.source.size for a in adds)
        reporter.phase(Phase.UPLOADING, files=len(adds), total_bytes=total)
        reporter.expect(len(adds), total)
        reporter.totals()

    async def upload(chunk: Sequence[_Add]) -> None:
        assert connection is not None
        files = [XetFile(a.destination, a.source, "") for a in chunk]
        sent, dedup = await send_files(connection, files, reporter, announce=False)
        for a, done in zip(chunk, sent, strict=True):
            a.xet_hash = done.xet_hash
            result.added[a.destination] = done.xet_hash
        result.xet = _sum(result.xet, dedup)

    total_ops = len(adds) + len(copies) + len(deletes)
    failures: list[dict[str, str]] = []
    if total_ops <= CHUNK:
        if adds:
            await upload(adds)
        failures += await _send(
            http, bucket_id, [*(_add_line(a) for a in adds), *copies, *deletes], token
        )
    else:
        for lines in _chunks(copies, CHUNK):
            failures += await _send(http, bucket_id, lines, token)
        for chunk in _chunks(adds, CHUNK):
            await upload(chunk)
            failures += await _send(http, bucket_id, [_add_line(a) for a in chunk], token)
        for lines in _chunks(deletes, CHUNK):
            failures += await _send(http, bucket_id, lines, token)
    refused = {f["path"] for f in failures}
    result.copied = sum(1 for c in copies if c["path"] not in refused)
    result.deleted = sum(1 for d in deletes if d["path"] not in refused)
    for path in refused:
        result.added.pop(path, None)
    if failures:
        raise _error(bucket_id, failures, total_ops, http)
    return result
