"""The CAS bridge: a Xet file's bytes over plain HTTP, at a presigned URL of the CAS origin.

What the Hub's ``/resolve`` of a bucket file redirects to, for clients that do not speak Xet
(HTTP GET, ``Range`` of one span, HEAD): the bytes are rebuilt from the stored xorbs as the
file's reconstruction describes them (:meth:`XetStore.read_range`), never stored twice.

    GET|HEAD /bridge/{scope}/{file hash}?X-Expires=…&X-Signature=…[&filename=…&type=…]
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from hubclient.testing._errors import HubError
from hubclient.testing._web import parse_range
from hubclient.testing._xet_format import XetFormatError, hash_from_hex, hash_hex
from hubclient.testing._xet_service import XetService
from hubclient.testing._xet_store import StoredFile

__all__ = ["bridge_url", "serve_bridge"]


def _path(scope: str, file_hash: str) -> str:
    return f"/bridge/{scope}/{file_hash}"


def bridge_url(
    service: XetService,
    cas_url: str,
    scope: str,
    file_hash: str,
    *,
    filename: str,
    content_type: str | None,
) -> str:
    """A presigned URL of the file `file_hash` of `scope` (valid for the signer's lifetime)."""
    params = {"filename": filename}
    if content_type:
        params["type"] = content_type
    path = _path(scope, file_hash)
    return f"{cas_url.rstrip('/')}{path}?{service.signer.query('GET', path, params)}"


async def _pieces(
    service: XetService, stored: StoredFile, start: int, end: int
) -> AsyncIterator[bytes]:
    pieces: Iterator[bytes] = service.store.read_range(stored, start, end)
    while True:
        piece = await anyio.to_thread.run_sync(next, pieces, None)
        if piece is None:
            return
        yield piece


async def serve_bridge(request: Request, service: XetService, scope: str, text: str) -> Response:
    """Answer a bridge URL: the whole file (200) or one range of it (206)."""
    problem = service.signer.check("GET", request.url.path, request.query_params.multi_items())
    if problem:
        raise HubError(403, f"AccessDenied: {problem}", "AccessDenied")
    try:
        file_hash = hash_from_hex(text)
        stored = service.store.file(scope, file_hash)
    except (XetFormatError, ValueError):
        stored = None
    if stored is None:
        raise HubError(404, "NoSuchKey")
    size = stored.size
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{hash_hex(stored.hash)}"',
        "Cache-Control": "private, max-age=3600",
    }
    filename = request.query_params.get("filename")
    if filename:
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    media_type = request.query_params.get("type") or "application/octet-stream"
    wanted = parse_range(request.headers.get("range"), size)
    if wanted == "416":
        headers["Content-Range"] = f"bytes */{size}"
        raise HubError(416, "Range not satisfiable", None, headers)
    status, start, end = 200, 0, size
    if isinstance(wanted, tuple):
        status, start, end = 206, wanted[0], wanted[1] + 1
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD" or end == start:
        return Response(b"", status, headers=headers, media_type=media_type)
    return StreamingResponse(_pieces(service, stored, start, end), status, headers, media_type)
