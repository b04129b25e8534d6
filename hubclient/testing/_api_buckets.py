"""Hub API handlers of storage buckets (state in ``_buckets.py``, bytes in the Xet CAS).

Routes, as huggingface_hub 2.4 and huggingface.js call them::

    POST   /api/buckets/{ns}/{name}                 create ({visibility, resourceGroupId, region})
    GET    /api/buckets/{ns}/{name}                 info
    DELETE /api/buckets/{ns}/{name}                 delete
    PUT    /api/buckets/{ns}/{name}/settings        {private}
    GET    /api/buckets/{namespace}                 list (``me``: the caller's; ``search``), paged
    POST   /api/repos/move                          {fromRepo, toRepo, type: "bucket"}
    GET    /api/buckets/{ns}/{name}/tree[/{prefix}] ``recursive``, paged by ``Link``
    POST   /api/buckets/{ns}/{name}/paths-info      {paths: [...]} (at most 1000)
    POST   /api/buckets/{ns}/{name}/batch           NDJSON addFile / copyFile / deleteFile
    GET    /api/buckets/{ns}/{name}/xet-{read,write}-token
    GET    /buckets/{ns}/{name}/resolve/{path}      302 to the CAS bridge, X-Xet-Hash, xet-auth

A batch is not transactional: each operation is applied or refused on its own, in order; the
answer lists the refused ones (``{"success", "processed", "succeeded", "failed": [{path,
error}]}``, 200, or 422 when every operation failed). An ``addFile`` names a Xet file the
bucket's scope holds (uploaded with its write token); a ``copyFile`` one that its source (a
bucket or a repo the caller can read) holds: nothing is copied but the file's record.
"""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from starlette.responses import Response

from hubclient.testing import _api_repos, _api_xet
from hubclient.testing._buckets import (
    Bucket,
    Buckets,
    file_json,
    name_problem,
    path_problem,
    tree,
)
from hubclient.testing._errors import HubError
from hubclient.testing._records import iso_date
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response
from hubclient.testing._xet_bridge import bridge_url
from hubclient.testing._xet_format import XetFormatError, hash_from_hex, hash_hex

__all__ = ["MAX_BATCH_OPERATIONS", "ROUTES"]

MAX_BATCH_OPERATIONS = 1000
"""Operations one batch request may carry (huggingface_hub sends at most 1000)."""
_MAX_BATCH_BODY = 16 * 1024 * 1024
_REPO_SOURCES = {"model", "dataset", "space"}


def _buckets(ctx: Ctx) -> Buckets:
    return Buckets(ctx.state.documents)


def _not_found(ctx: Ctx, bucket_id: str) -> HubError:
    return HubError(
        404 if ctx.identity is not None else 401,
        f"Bucket {bucket_id} not found. If it is private, make sure you are authenticated "
        "with a token that can read it.",
        "RepoNotFound",
    )


def _readable(ctx: Ctx, bucket: Bucket | None) -> bool:
    return bucket is not None and (
        not bucket.private
        or (ctx.identity is not None and ctx.identity.member_of(bucket.namespace))
    )


def _find(ctx: Ctx, namespace: str, name: str) -> Bucket:
    bucket_id = f"{namespace}/{name}"
    bucket = _buckets(ctx).find(bucket_id)
    if bucket is None or not _readable(ctx, bucket):
        raise _not_found(ctx, bucket_id)
    return bucket


def _writable(ctx: Ctx, namespace: str, name: str) -> Bucket:
    bucket = _find(ctx, namespace, name)
    ctx.check_write(bucket.namespace)
    return bucket


def _url(ctx: Ctx, bucket_id: str) -> str:
    return f"{ctx.hub_url}/buckets/{bucket_id}"


async def _object(ctx: Ctx) -> dict[str, Any]:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    return body


# --- the bucket itself ---


async def create_bucket(ctx: Ctx, namespace: str, name: str) -> Response:
    body = await _object(ctx)
    if namespace == "me":
        namespace = ctx.require_identity().user
    bucket_id = f"{namespace}/{name}"
    problem = name_problem(bucket_id)
    if problem:
        raise HubError.bad_request(problem)
    ctx.check_write(namespace)
    visibility = body.get("visibility")
    if visibility not in (None, "public", "private"):
        raise HubError.bad_request(f"Invalid visibility: {visibility}")
    private = visibility == "private" or (visibility is None and body.get("private") is True)
    if body.get("region") not in (None, "us", "eu"):
        raise HubError.bad_request(f"Invalid region: {body.get('region')} (us or eu)")
    group = body.get("resourceGroupId")
    if group is not None and not isinstance(group, str):
        raise HubError.bad_request("resourceGroupId must be a string")
    bucket, created = _buckets(ctx).create(bucket_id, private=private, now=ctx.state.clock.now())
    if not created:
        raise HubError(409, "You already created this bucket", body={"url": _url(ctx, bucket.id)})
    return json_response({"url": _url(ctx, bucket_id), "name": bucket_id, "id": bucket.meta["uid"]})


async def bucket_info(ctx: Ctx, namespace: str, name: str) -> Response:
    return json_response(_find(ctx, namespace, name).info())


async def delete_bucket(ctx: Ctx, namespace: str, name: str) -> Response:
    bucket = _writable(ctx, namespace, name)
    _buckets(ctx).delete(bucket)
    return json_response({})


async def update_settings(ctx: Ctx, namespace: str, name: str) -> Response:
    bucket = _writable(ctx, namespace, name)
    body = await _object(ctx)
    private = body.get("private")
    if private is None and body.get("visibility") in ("public", "private"):
        private = body["visibility"] == "private"
    if not isinstance(private, bool):
        raise HubError.bad_request("Expected 'private' (a boolean)")
    _buckets(ctx).update(bucket, private=private, updatedAt=ctx.state.clock.now())
    return json_response({})


async def list_buckets(ctx: Ctx, namespace: str) -> Response:
    if namespace == "me":
        namespace = ctx.require_identity().user
    search = (ctx.query("search") or "").lower()
    found = [
        b.info()
        for b in _buckets(ctx).of_namespace(namespace)
        if _readable(ctx, b) and search in b.id.split("/", 1)[1].lower()
    ]
    page, headers = ctx.page(found, ctx.config.page_size)
    return json_response(page, headers=headers)


async def move(ctx: Ctx) -> Response:
    """``/api/repos/move``: buckets here, every other repo type in ``_api_repos``."""
    body = await _object(ctx)
    if body.get("type") != "bucket":
        return await _api_repos.move_repo(ctx)
    source, target = body.get("fromRepo"), body.get("toRepo")
    if not isinstance(source, str) or not isinstance(target, str) or source.count("/") != 1:
        raise HubError.bad_request("Expected 'fromRepo' and 'toRepo' as namespace/name")
    problem = name_problem(target)
    if problem:
        raise HubError.bad_request(problem)
    bucket = _writable(ctx, *source.split("/"))
    ctx.check_write(target.split("/", 1)[0])
    buckets = _buckets(ctx)
    existing = buckets.find(target)
    if existing is not None and existing.meta["uid"] != bucket.meta["uid"]:
        raise HubError(409, f"A bucket named {target} already exists")
    buckets.move(bucket, target)
    return json_response({"url": _url(ctx, target)})


# --- files ---


async def list_tree(ctx: Ctx, namespace: str, name: str, prefix: str) -> Response:
    bucket = _find(ctx, namespace, name)
    with bucket.doc.lock:
        entries = tree(dict(bucket.files), prefix, ctx.flag("recursive"))
    page, headers = ctx.page(entries, ctx.config.page_size)
    return json_response(page, headers=headers)


async def paths_info(ctx: Ctx, namespace: str, name: str) -> Response:
    bucket = _find(ctx, namespace, name)
    body = await _object(ctx)
    paths = body.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise HubError.bad_request("Expected 'paths': a list of strings")
    if len(paths) > 1000:
        raise HubError.bad_request("Too many paths (at most 1000 per request)")
    with bucket.doc.lock:
        files = bucket.files
        out = [file_json(p, files[p]) for p in dict.fromkeys(paths) if p in files]
    return json_response(out)


async def _lines(ctx: Ctx) -> list[Any]:
    raw = await ctx.request.body()
    if len(raw) > _MAX_BATCH_BODY:
        raise HubError(413, f"Batch body larger than {_MAX_BATCH_BODY} bytes")
    lines: list[Any] = []
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            lines.append(json.loads(line))
        except ValueError:
            raise HubError.bad_request(f"Line {number} of the batch is not JSON") from None
        if len(lines) > MAX_BATCH_OPERATIONS:
            raise HubError.bad_request(
                f"Too many operations in one batch (at most {MAX_BATCH_OPERATIONS})"
            )
    return lines


def _mtime(value: Any, now: int) -> int:
    if value is None:
        return now
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("mtime must be a non-negative integer (milliseconds)")
    return value


def _content_type(op: dict[str, Any], path: str) -> str | None:
    value = op.get("contentType")
    if isinstance(value, str) and 0 < len(value) <= 255:
        return value
    return mimetypes.guess_type(path)[0]


def _source_scope(ctx: Ctx, op: dict[str, Any], file_hash: str) -> str:
    """The Xet scope a ``copyFile`` reads from, once the caller may read the source and the
    source holds the file."""
    kind, source_id = op.get("sourceRepoType"), op.get("sourceRepoId")
    if not isinstance(source_id, str) or source_id.count("/") != 1:
        raise ValueError("sourceRepoId must be namespace/name")
    if kind == "bucket":
        source = _buckets(ctx).find(source_id)
        if source is None or not _readable(ctx, source):
            raise ValueError(f"source bucket {source_id} not found")
        with source.doc.lock:
            held = any(f["xetHash"] == file_hash for f in source.files.values())
        if not held:
            raise ValueError(f"source bucket {source_id} has no file with Xet hash {file_hash}")
        return source.scope
    if kind in _REPO_SOURCES:
        repo = ctx.store.find(kind, source_id)
        if repo is None or not ctx.can_read(repo):
            raise ValueError(f"source {kind} {source_id} not found")
        ctx.check_gated(repo)
        return _api_xet.scope_of(repo)
    raise ValueError("sourceRepoType must be bucket, model, dataset or space")


def _apply(ctx: Ctx, bucket: Bucket, op: Any, now: int) -> str:
    """Apply one batch operation; returns its path. Raises ValueError (why it was refused)."""
    if not isinstance(op, dict):
        raise ValueError("an operation must be a JSON object")
    kind, path = op.get("type"), op.get("path")
    problem = path_problem(path)
    if problem:
        raise ValueError(problem)
    assert isinstance(path, str)
    files = bucket.files
    if kind == "deleteFile":
        if files.pop(path, None) is None:
            raise ValueError("file not found")
        return path
    if kind not in ("addFile", "copyFile"):
        raise ValueError(f"unknown operation type {kind!r}")
    text = op.get("xetHash")
    service = _api_xet.service_of(ctx)
    if service is None:
        raise ValueError("this Hub has no Xet storage")
    try:
        file_hash = hash_from_hex(text) if isinstance(text, str) else None
    except XetFormatError:
        file_hash = None
    if file_hash is None:
        raise ValueError("xetHash must be 64 hex characters")
    mtime = _mtime(op.get("mtime"), now)
    if kind == "addFile":
        stored = service.store.file(bucket.scope, file_hash)
        if stored is None:
            raise ValueError(f"Xet file {text} was not uploaded to this bucket")
    else:
        scope = _source_scope(ctx, op, hash_hex(file_hash))
        stored = service.store.link_file(scope, bucket.scope, file_hash)
        if stored is None:
            raise ValueError(f"the source holds no Xet file {text}")
    entry = {"xetHash": hash_hex(stored.hash), "size": stored.size, "mtime": mtime}
    entry["uploadedAt"] = now
    content_type = _content_type(op, path)
    if content_type:
        entry["contentType"] = content_type
    files[path] = entry
    return path


async def batch(ctx: Ctx, namespace: str, name: str) -> Response:
    bucket = _writable(ctx, namespace, name)
    operations = await _lines(ctx)
    now = int(ctx.state.clock.now() * 1000)
    failed: list[dict[str, str]] = []
    with bucket.doc.lock:
        for op in operations:
            try:
                _apply(ctx, bucket, op, now)
            except (ValueError, HubError) as exc:
                path = op.get("path") if isinstance(op, dict) else None
                message = exc.message if isinstance(exc, HubError) else str(exc)
                failed.append({"path": str(path or ""), "error": message})
        bucket.doc.save()
    if len(failed) < len(operations):
        _buckets(ctx).update(bucket, updatedAt=now / 1000)
    answer = {
        "success": not failed,
        "processed": len(operations),
        "succeeded": len(operations) - len(failed),
        "failed": failed,
    }
    status = 422 if operations and len(failed) == len(operations) else 200
    return json_response(answer, status)


# --- Xet tokens and file URLs ---


async def read_token(ctx: Ctx, namespace: str, name: str) -> Response:
    return _api_xet.token_response(ctx, _find(ctx, namespace, name).scope, "read")


async def write_token(ctx: Ctx, namespace: str, name: str) -> Response:
    return _api_xet.token_response(ctx, _writable(ctx, namespace, name).scope, "write")


async def resolve(ctx: Ctx, namespace: str, name: str, path: str) -> Response:
    """A bucket file: 302 to its bytes on the CAS bridge, with its Xet hash, its size and the
    URL of its read tokens (hf_xet fetches it from the CAS instead)."""
    bucket = _find(ctx, namespace, name)
    with bucket.doc.lock:
        entry = dict(bucket.files.get(path) or {})
    if not entry:
        raise HubError.entry_not_found(path, None, f"File {path} not found in bucket {bucket.id}")
    service = _api_xet.service_of(ctx)
    if service is None:
        raise HubError(404, "Xet storage is not enabled on this Hub")
    refresh = f"{ctx.hub_url}/api/buckets/{bucket.id}/xet-read-token"
    headers = {
        "X-Xet-Hash": entry["xetHash"],
        "X-Linked-Size": str(entry["size"]),
        "ETag": f'"{entry["xetHash"]}"',
        "Last-Modified": iso_date(entry["uploadedAt"] / 1000),
    }
    if _api_xet.FILEINFO_TYPE in ctx.request.headers.get("accept", ""):
        reconstruction = f"{ctx.origins['cas']}/v1/reconstructions/{entry['xetHash']}"
        headers["Link"] = (
            f'<{refresh}>; rel="xet-auth", <{reconstruction}>; rel="xet-reconstruction-info"'
        )
        body = {"hash": entry["xetHash"], "size": entry["size"], "refreshUrl": refresh}
        return json_response(body, headers=headers, media_type=_api_xet.FILEINFO_TYPE)
    location = bridge_url(
        service,
        ctx.origins["cas"],
        bucket.scope,
        entry["xetHash"],
        filename=path.rsplit("/", 1)[-1],
        content_type=entry.get("contentType"),
    )
    text = f"Found. Redirecting to {location}".encode()
    headers.update(
        {
            "Location": location,
            "Link": f'<{refresh}>; rel="xet-auth"',
            "Content-Length": str(len(text)),
        }
    )
    return Response(
        b"" if ctx.request.method == "HEAD" else text,
        302,
        headers=headers,
        media_type="text/plain; charset=utf-8",
    )


async def _tree_root(ctx: Ctx, namespace: str, name: str) -> Response:
    return await list_tree(ctx, namespace, name, "")


ROUTES = [
    Route("POST", "/api/repos/move", move),  # before _api_repos: takes type "bucket"
    Route("GET", "/api/buckets/{namespace}", list_buckets),
    Route("GET", "/api/buckets/{namespace}/{name}", bucket_info),
    Route("POST", "/api/buckets/{namespace}/{name}", create_bucket),
    Route("DELETE", "/api/buckets/{namespace}/{name}", delete_bucket),
    Route("PUT", "/api/buckets/{namespace}/{name}/settings", update_settings),
    Route("GET", "/api/buckets/{namespace}/{name}/tree", _tree_root),
    Route("GET", "/api/buckets/{namespace}/{name}/tree/{prefix*}", list_tree),
    Route("POST", "/api/buckets/{namespace}/{name}/paths-info", paths_info),
    Route("POST", "/api/buckets/{namespace}/{name}/batch", batch),
    Route("GET", "/api/buckets/{namespace}/{name}/xet-read-token", read_token),
    Route("GET", "/api/buckets/{namespace}/{name}/xet-write-token", write_token),
    Route(("GET", "HEAD"), "/buckets/{namespace}/{name}/resolve/{path+}", resolve),
]
