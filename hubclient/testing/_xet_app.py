"""The CAS origin of the local Hub: Xet's storage API, as hf_xet and huggingface.js speak it.

Routes (``Authorization: Bearer <xet token>`` on all but ``/fetch``)::

    GET  /v2/reconstructions/{file}     terms + one presigned multi-range URL per xorb (Range ok)
    GET  /v1/reconstructions/{file}     the older shape: terms + one URL per xorb range
    GET  /v1/reconstructions?file_id=…  several files at once (v1 shape)
    HEAD /v1/files/{file}               Content-Length = the file's size
    GET  /v1/chunks/{prefix}/{chunk}    global dedup: a shard of the xorb holding the chunk, or 404
    HEAD /v1/xorbs/{prefix}/{xorb}      does the CAS hold it
    POST /v1/xorbs/{prefix}/{xorb}      a xorb, verified chunk by chunk against its name (write)
    POST /v1/shards, /v2/shards         file terms checked against stored xorbs (write); v2
                                        answers NDJSON progress events
    GET  /fetch/{xorb}?ranges=…&sig     presigned byte ranges of a xorb (no bearer; the signature
                                        is the credential); multipart/byteranges for several
    GET  /bridge/{scope}/{file}?sig     a file's bytes over plain HTTP (Range ok; no bearer):
                                        where a bucket file's /resolve redirects (_xet_bridge.py)
    POST /v1/telemetry                  accepted and dropped

Newer endpoints that clients probe first (xorb upload grants, file chunk hashes) answer 404,
so that they fall back to the ones above. A refused xorb or shard stores nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from hubclient.testing._errors import HubError
from hubclient.testing._hub_app import lifespan
from hubclient.testing._web import drain, json_response, parse_range, serve_plain
from hubclient.testing._xet_bridge import serve_bridge
from hubclient.testing._xet_format import (
    MAX_XORB_BYTES,
    XetFormatError,
    hash_from_hex,
    hash_hex,
    parse_shard,
)
from hubclient.testing._xet_service import XetGrant, XetService
from hubclient.testing._xet_store import FetchRange, Reconstruction, StoredFile

__all__ = ["CasApp"]

_log = logging.getLogger("hubclient.testing")
_MAX_SHARD = 64 * 1024 * 1024
_BOUNDARY = "hubclient-xet-byteranges"


async def read_capped(request: Request, cap: int) -> bytes:
    """The whole request body, refused with 413 past `cap` bytes."""
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise HubError(413, f"Request body larger than {cap} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _hash(text: str) -> bytes:
    try:
        return hash_from_hex(text)
    except XetFormatError as exc:
        raise HubError(400, str(exc)) from None


class CasApp:
    """ASGI app of the CAS origin; `cas_url` is the origin it emits fetch URLs for."""

    def __init__(self, service: XetService, cas_url: str) -> None:
        self.service = service
        self.cas_url = cas_url.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        await serve_plain(scope, receive, send, self._answer, "local CAS")

    def _grant(self, request: Request, mode: str) -> XetGrant:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.service.check(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            raise HubError(401, "Missing, invalid or expired Xet access token")
        if not grant.allows(mode):
            raise HubError(403, "This Xet token is read-only")
        return grant

    async def _answer(self, request: Request) -> Response:
        seg = request.url.path.strip("/").split("/")
        method = request.method
        if seg[0] == "fetch" and len(seg) == 2 and method in ("GET", "HEAD"):
            return await self._fetch(request, _hash(seg[1]))
        if seg[0] == "bridge" and len(seg) == 3 and method in ("GET", "HEAD"):
            return await serve_bridge(request, self.service, seg[1], seg[2])
        if seg[:1] == ["v1"] and seg[1:2] == ["telemetry"] and method == "POST":
            await drain(request)
            return json_response({})
        version, rest = (seg[0], seg[1:]) if seg[0] in ("v1", "v2") else ("", seg)
        if version and rest[:1] == ["reconstructions"]:
            grant = self._grant(request, "read")
            if len(rest) == 2 and method == "GET":
                return await self._reconstruction(request, grant, _hash(rest[1]), version)
            if len(rest) == 1 and method == "GET" and version == "v1":
                return await self._batch(grant, request.query_params.getlist("file_id"))
        if version == "v1" and rest[:1] == ["files"] and len(rest) == 2 and method == "HEAD":
            stored = self._file(self._grant(request, "read"), _hash(rest[1]))
            return Response(b"", 200, headers={"Content-Length": str(stored.size)})
        if version == "v1" and rest[:1] == ["chunks"] and len(rest) == 3 and method == "GET":
            grant = self._grant(request, "read")
            shard = self.service.store.dedup_answer(grant.scope, _hash(rest[2]))
            if shard is None:
                raise HubError(404, "No dedup information for this chunk")
            return Response(shard, 200, media_type="application/octet-stream")
        if version == "v1" and rest[:1] == ["xorbs"] and len(rest) == 3:
            if method == "HEAD":
                self._grant(request, "read")
                record = self.service.store.xorb(_hash(rest[2]))
                if record is None:
                    raise HubError(404, "Xorb not found")
                return Response(b"", 200, headers={"Content-Length": str(record.length)})
            if method == "POST":
                return await self._post_xorb(request, _hash(rest[2]))
        if rest == ["shards"] and method == "POST":
            return await self._post_shard(request, streamed=version == "v2")
        raise HubError(404, f"Not found: {method} {request.url.path}")

    # --- uploads ---

    async def _post_xorb(self, request: Request, xorb: bytes) -> Response:
        self._grant(request, "write")
        data = await read_capped(request, MAX_XORB_BYTES)
        try:
            inserted = await anyio.to_thread.run_sync(self.service.store.put_xorb, xorb, data)
        except XetFormatError as exc:
            raise HubError(400, f"Invalid xorb: {exc}") from None
        return json_response({"was_inserted": inserted})

    async def _post_shard(self, request: Request, *, streamed: bool) -> Response:
        grant = self._grant(request, "write")
        data = await read_capped(request, _MAX_SHARD)

        def register() -> bool:
            return self.service.store.register_shard(grant.scope, parse_shard(data))

        try:
            new = await anyio.to_thread.run_sync(register)
        except XetFormatError as exc:
            raise HubError(400, f"Invalid shard: {exc}") from None
        if not streamed:
            return json_response({"result": 1 if new else 0})
        events: list[dict[str, Any]] = [
            {"type": "validating", "verified": 1, "total": 1},
            {"type": "committing", "stage": "uploading"},
            {"type": "committing", "stage": "syncing"},
            {"type": "result"},
        ]
        body = b"".join(json.dumps(e).encode() + b"\n" for e in events)
        return Response(body, 200, media_type="application/x-ndjson")

    # --- downloads ---

    def _file(self, grant: XetGrant, file_id: bytes) -> StoredFile:
        stored = self.service.store.file(grant.scope, file_id)
        if stored is None:
            raise HubError(404, f"File {hash_hex(file_id)} not found")
        return stored

    def _fetch_url(self, xorb: bytes, ranges: list[FetchRange]) -> str:
        path = f"/fetch/{hash_hex(xorb)}"
        spec = ",".join(f"{r.first}-{r.last}" for r in ranges)
        return f"{self.cas_url}{path}?{self.service.signer.query('GET', path, {'ranges': spec})}"

    @staticmethod
    def _terms(plan: Reconstruction) -> list[dict[str, Any]]:
        return [
            {
                "hash": hash_hex(t.xorb),
                "unpacked_length": t.size,
                "range": {"start": t.start, "end": t.end},
            }
            for t in plan.terms
        ]

    async def _reconstruction(
        self, request: Request, grant: XetGrant, file_id: bytes, version: str
    ) -> Response:
        stored = self._file(grant, file_id)
        wanted = parse_range(request.headers.get("range"), stored.size)
        if wanted == "416" or (request.headers.get("range") and stored.size == 0):
            headers = {"Content-Range": f"*/{stored.size}"}
            raise HubError(416, "Range not satisfiable", None, headers)
        start, end = (wanted[0], wanted[1] + 1) if isinstance(wanted, tuple) else (0, stored.size)
        plan = await anyio.to_thread.run_sync(self.service.store.reconstruction, stored, start, end)
        body: dict[str, Any] = {
            "offset_into_first_range": plan.offset_into_first_range,
            "terms": self._terms(plan),
        }
        if version == "v2":
            body["xorbs"] = {
                hash_hex(xorb): [
                    {
                        "url": self._fetch_url(xorb, ranges),
                        "ranges": [
                            {
                                "chunks": {"start": r.start, "end": r.end},
                                "bytes": {"start": r.first, "end": r.last},
                            }
                            for r in ranges
                        ],
                    }
                ]
                for xorb, ranges in plan.fetch.items()
            }
        else:
            body["fetch_info"] = self._fetch_info(plan)
        return json_response(body)

    def _fetch_info(self, plan: Reconstruction) -> dict[str, list[dict[str, Any]]]:
        return {
            hash_hex(xorb): [
                {
                    "range": {"start": r.start, "end": r.end},
                    "url": self._fetch_url(xorb, [r]),
                    "url_range": {"start": r.first, "end": r.last},
                }
                for r in ranges
            ]
            for xorb, ranges in plan.fetch.items()
        }

    async def _batch(self, grant: XetGrant, file_ids: list[str]) -> Response:
        if len(file_ids) > 1000:
            raise HubError(400, "Too many file ids (at most 1000)")
        files: dict[str, Any] = {}
        fetch_info: dict[str, list[dict[str, Any]]] = {}
        for text in dict.fromkeys(file_ids):
            stored = self.service.store.file(grant.scope, _hash(text))
            if stored is None:
                continue
            plan = await anyio.to_thread.run_sync(
                self.service.store.reconstruction, stored, 0, stored.size
            )
            files[text] = self._terms(plan)
            for xorb, entries in self._fetch_info(plan).items():
                fetch_info.setdefault(xorb, []).extend(entries)
        return json_response({"files": files, "fetch_info": fetch_info})

    async def _fetch(self, request: Request, xorb: bytes) -> Response:
        service = self.service
        problem = service.signer.check("GET", request.url.path, request.query_params.multi_items())
        if problem:
            raise HubError(403, f"AccessDenied: {problem}", "AccessDenied")
        record = service.store.xorb(xorb)
        if record is None:
            raise HubError(404, "NoSuchKey")
        signed = _parse_ranges(request.query_params.get("ranges", ""), record.length)
        if signed is None:
            raise HubError(403, "AccessDenied: bad signed ranges")
        header = request.headers.get("range")
        wanted = signed
        if header:
            asked = _parse_ranges(header.partition("=")[2], record.length)
            if asked is None or not header.strip().lower().startswith("bytes="):
                raise HubError(416, "Range not satisfiable", None, {"Content-Range": "*/*"})
            if not all(any(a <= s and e <= b for a, b in signed) for s, e in asked):
                raise HubError(403, "AccessDenied: range outside the signed ranges")
            wanted = asked
        total = record.length
        if len(wanted) == 1:
            first, last = wanted[0]
            headers = {
                "Content-Range": f"bytes {first}-{last}/{total}",
                "Content-Length": str(last - first + 1),
                "Accept-Ranges": "bytes",
            }
            if request.method == "HEAD":
                return Response(b"", 206, headers=headers)
            data = await anyio.to_thread.run_sync(service.store.read_xorb_range, xorb, first, last)
            return Response(data, 206, headers=headers, media_type="application/octet-stream")
        return StreamingResponse(
            _multipart(service, xorb, wanted, total),
            206,
            media_type=f"multipart/byteranges; boundary={_BOUNDARY}",
        )


def _parse_ranges(spec: str, total: int) -> list[tuple[int, int]] | None:
    """``a-b,c-d`` (inclusive) within ``[0, total)``, or ``None``."""
    out: list[tuple[int, int]] = []
    for part in spec.split(","):
        first, sep, last = part.strip().partition("-")
        if not sep or not first.isdigit() or not last.isdigit():
            return None
        a, b = int(first), int(last)
        if a > b or b >= total:
            return None
        out.append((a, b))
    return out or None


async def _multipart(
    service: XetService, xorb: bytes, ranges: list[tuple[int, int]], total: int
) -> AsyncIterator[bytes]:
    for first, last in ranges:
        data = await anyio.to_thread.run_sync(service.store.read_xorb_range, xorb, first, last)
        yield (
            (
                f"--{_BOUNDARY}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Range: bytes {first}-{last}/{total}\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    yield f"--{_BOUNDARY}--\r\n".encode()
