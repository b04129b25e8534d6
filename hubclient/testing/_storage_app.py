"""The storage (CDN / S3) app: presigned PUTs of LFS objects and parts, presigned ranged GETs.

It never looks at ``Authorization``: the signature in the query is the only credential.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Sequence
from urllib.parse import quote, unquote

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from hubclient.testing._direct import PartWriter
from hubclient.testing._errors import HubError
from hubclient.testing._hub_app import lifespan
from hubclient.testing._web import HubState, file_response, json_response, serve_plain

__all__ = ["StorageApp"]

_log = logging.getLogger("hubclient.testing")
_BATCH = 1024 * 1024
_SMALL = 64 * 1024


class StorageApp:
    def __init__(self, state: HubState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        await serve_plain(scope, receive, send, self._answer, "local storage")

    def _check(self, request: Request, method: str) -> None:
        problem = self.state.signer.check(
            method, request.url.path, request.query_params.multi_items()
        )
        if problem:
            raise HubError(403, f"AccessDenied: {problem}", "AccessDenied")

    async def _answer(self, request: Request) -> Response:
        segments = [unquote(s) for s in request.url.path.split("/")[1:]]
        method = request.method
        if len(segments) == 2 and segments[0] == "lfs":
            oid = segments[1]
            if method in ("GET", "HEAD"):
                self._check(request, "GET")
                return self._download(request, oid)
            if method == "PUT":
                self._check(request, "PUT")
                return await self._put_object(request, oid)
        if len(segments) == 3 and segments[0] == "parts" and method == "PUT":
            self._check(request, "PUT")
            return await self._put_part(request, segments[1], segments[2])
        raise HubError(404, f"Not found: {method} {request.url.path}")

    def _download(self, request: Request, oid: str) -> Response:
        objects = self.state.store.objects
        size = objects.size(oid)
        if size is None:
            raise HubError(404, f"NoSuchKey: {oid}")
        headers = {"ETag": f'"{oid}"', "Cache-Control": "private, max-age=3600"}
        commit = request.query_params.get("commit")  # signed with the URL (see resolve_file)
        if commit:
            headers["X-Repo-Commit"] = commit
        filename = request.query_params.get("filename")
        if filename:
            headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
        return file_response(request, objects.path(oid), size, headers, "application/octet-stream")

    async def _put_object(self, request: Request, oid: str) -> Response:
        objects = self.state.store.objects
        writer = objects.writer()
        try:
            await _stream_in(request, writer.write_many)
        except BaseException:
            writer.abort()
            raise
        try:
            digest = await anyio.to_thread.run_sync(writer.finish, oid)
        except ValueError as exc:
            raise HubError(400, f"BadDigest: {exc}", "BadDigest") from exc
        repo = self.state.store.by_uid(request.query_params.get("repo", ""))
        if repo is not None:  # the URL was signed for this repo: it now holds the object
            repo.add_lfs([digest])
        return Response(b"", 200, headers={"ETag": f'"{digest}"'})

    async def _put_part(self, request: Request, upload_id: str, number_text: str) -> Response:
        objects = self.state.store.objects
        session = objects.upload(upload_id)
        if session is None:
            raise HubError(404, f"NoSuchUpload: {upload_id}", "NoSuchUpload")
        if not number_text.isdigit() or not 1 <= int(number_text) <= session.parts:
            raise HubError(400, f"Invalid part number {number_text}", "InvalidPart")
        number = int(number_text)
        expected = session.part_size(number)
        offset = (number - 1) * session.chunk_size
        declared = request.headers.get("content-length")
        if declared is not None and declared != str(expected):
            # refused before anything is written: an earlier upload of this part stays valid
            raise HubError(
                400, f"IncompleteBody: part {number} has {declared} bytes, expected {expected}"
            )
        size = 0
        objects.set_part_etag(session, number, None)  # a rewrite in progress is no part
        plain, direct = objects.open_data(session)
        writer = PartWriter(plain, direct, offset)

        def write(chunks: Sequence[bytes]) -> None:
            nonlocal size
            length = sum(len(c) for c in chunks)
            if size + length > expected:
                raise HubError(400, f"IncompleteBody: part {number} is longer than {expected}")
            writer.write(chunks)
            size += length

        try:
            try:
                await _stream_in(request, write)
            finally:
                with anyio.CancelScope(shield=True):  # the buffer goes back to the pool
                    await anyio.to_thread.run_sync(writer.close)
        finally:
            os.close(plain)
            if direct is not None:
                os.close(direct)
        if size != expected:
            raise HubError(
                400, f"IncompleteBody: part {number} has {size} bytes, expected {expected}"
            )
        # An opaque token per complete write (S3's part ETag is the md5, which costs more CPU
        # per byte than everything else here; clients only echo it back). The completion's
        # sha256 check is what vouches for the bytes.
        etag = f'"{uuid.uuid4().hex}"'
        objects.set_part_etag(session, number, etag)
        return json_response({}, headers={"ETag": etag})


async def _stream_in(request: Request, sink: Callable[[Sequence[bytes]], None]) -> None:
    """Feed the request body to `sink` in batches of about 1 MiB (the chunks as received, never
    joined), from a worker thread.

    Hashing and disk writes then leave the event loop free (hashlib and file writes release
    the GIL), so parallel uploads can use several cores.
    """
    pending: list[bytes] = []
    buffered = 0
    async for chunk in request.stream():
        if not chunk:
            continue
        pending.append(chunk)
        buffered += len(chunk)
        if buffered >= _BATCH:
            await anyio.to_thread.run_sync(sink, pending)
            pending, buffered = [], 0
    if pending:
        if buffered >= _SMALL:
            await anyio.to_thread.run_sync(sink, pending)
        else:
            sink(pending)
