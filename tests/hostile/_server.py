"""A Hub that lies: a raw asyncio HTTP/1.1 server on loopback, in a thread of its own.

No web framework: the tests need answers no framework would send (a body shorter than its
``Content-Length``, a gzip bomb, a ``Link`` to another host, an ``ETag`` full of ``..``).
Each :class:`LyingServer` listens on ``127.0.0.1`` on a free port; routes are plain functions
``(Request) -> Reply``; the latest route added for a path wins, so a test starts from an
honest :class:`FakeHub` and replaces the one answer it wants to lie about.

The servers run on an asyncio loop in a background thread, so the client under test runs on
whatever event loop the test uses (asyncio or trio).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "FakeHub",
    "Handler",
    "LyingServer",
    "Reply",
    "Request",
    "Servers",
    "git_sha1",
    "gzip_bomb",
    "lfs_pointer",
    "sha256",
]


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lfs_pointer(data: bytes) -> bytes:
    return (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256(data)}\nsize {len(data)}\n"
    ).encode()


@dataclass
class Request:
    method: str
    target: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """One answer. ``body`` may be bytes or an iterator of chunks (sent as they come).

    ``length``: the ``Content-Length`` to declare (default: ``len(body)`` for bytes; for an
    iterator, none, and the connection closes after the body). Declaring more than is sent
    is allowed (a lie): the connection is closed after the body.

    ``raw``: bytes sent as they are instead of an HTTP answer (then the connection closes):
    for answers that are not HTTP at all, or break its grammar.
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    length: int | None = -1
    close: bool = False
    raw: bytes | None = None

    @classmethod
    def json(
        cls, value: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
    ) -> Reply:
        return cls(
            status,
            [("content-type", "application/json"), *(headers or [])],
            json.dumps(value).encode(),
        )


Handler = Callable[[Request], Reply]

_REASONS = {
    200: "OK",
    206: "Partial Content",
    302: "Found",
    307: "Temporary Redirect",
    400: "Bad Request",
    404: "Not Found",
    416: "Range Not Satisfiable",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class LyingServer:
    """One origin (``http://127.0.0.1:<port>``) with a route table and a request log."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.log: list[Request] = []
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def on(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` requests whose path fully matches ``pattern`` with ``handler``
        (added last, so it wins over earlier routes for the same requests)."""
        self._routes.insert(0, (method.upper(), re.compile(pattern), handler))

    def count(self, method: str | None = None, pattern: str = ".*") -> int:
        rx = re.compile(pattern)
        return sum(
            1
            for r in list(self.log)
            if (method is None or r.method == method) and rx.fullmatch(r.path)
        )

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _handler(self, method: str, path: str) -> Handler | None:
        for m, rx, handler in self._routes:
            if (m == method or (m == "GET" and method == "HEAD")) and rx.fullmatch(path):
                return handler
        return None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                self.log.append(request)
                handler = self._handler(request.method, request.path)
                try:
                    reply = handler(request) if handler else Reply.json({"error": "no route"}, 404)
                except Exception as exc:  # a bug in a test route: answer 500, keep serving
                    reply = Reply.json({"error": repr(exc)}, 500)
                keep = await _write_reply(writer, request, reply)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    body = b""
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readline()).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(parts)
    split = urlsplit(target)
    return Request(
        method.upper(), target, unquote(split.path), parse_qs(split.query), headers, body
    )


async def _write_reply(writer: asyncio.StreamWriter, request: Request, reply: Reply) -> bool:
    if reply.raw is not None:
        writer.write(reply.raw)
        await writer.drain()
        return False
    body = reply.body
    length = reply.length
    if length == -1:
        length = len(body) if isinstance(body, (bytes, bytearray)) else None
    names = {k.lower() for k, _ in reply.headers}
    head = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
    head += [f"{k}: {v}" for k, v in reply.headers]
    if length is not None and "content-length" not in names:
        head.append(f"content-length: {length}")
    sent_all = True
    close = reply.close or length is None
    if close:
        head.append("connection: close")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("utf-8", "surrogateescape"))
    if request.method != "HEAD":
        chunks: Iterable[bytes] = [body] if isinstance(body, (bytes, bytearray)) else body
        sent = 0
        for chunk in chunks:
            if not chunk:
                continue
            writer.write(chunk)
            sent += len(chunk)
            await writer.drain()
            if writer.is_closing():
                return False
        sent_all = length is None or sent >= length
    await writer.drain()
    return not close and sent_all


class Servers:
    """An asyncio loop in a daemon thread, running any number of :class:`LyingServer`."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._servers: list[LyingServer] = []

    def new(self) -> LyingServer:
        server = LyingServer(self.loop)
        asyncio.run_coroutine_threadsafe(server.start(), self.loop).result(10)
        self._servers.append(server)
        return server

    def close(self) -> None:
        for server in self._servers:
            asyncio.run_coroutine_threadsafe(server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


REPO = "acme/m"
COMMIT = "c0ffee" + "0" * 34
SIGNATURE = "TOPSECRETSIGNATURE0123456789abcdef"


@dataclass
class FakeHub:
    """An honest Hub for one repo (``acme/m`` at :data:`COMMIT`) on one origin, with its LFS
    content on a second origin behind presigned-looking URLs. Tests replace single answers
    with ``hub.server.on(...)`` (or the ``tree``/``files`` data) to make it lie."""

    server: LyingServer
    storage: LyingServer
    files: dict[str, bytes] = field(default_factory=dict)
    lfs: set[str] = field(default_factory=set)
    commit: str = COMMIT
    repo_id: str = REPO

    def __post_init__(self) -> None:
        s = self.server
        repo = re.escape(self.repo_id)
        s.on("GET", rf"/api/models/{repo}/revision/(?P<rev>.+)", self._revision)
        s.on("GET", rf"/api/models/{repo}", self._revision)
        s.on("GET", rf"/api/models/{repo}/tree/.+", lambda r: Reply.json(self.tree()))
        s.on("GET", rf"/api/models/{repo}/refs", lambda r: Reply.json(self.refs()))
        s.on("GET", rf"/{repo}/resolve/[^/]+/(?P<path>.+)", self._resolve)
        self.storage.on("GET", r"/objects/(?P<oid>[0-9a-f]{64})", self._object)

    # -------------------------------------------------------------- honest answers

    def tree(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for path, data in sorted(self.files.items()):
            if path in self.lfs:
                pointer = lfs_pointer(data)
                lfs = {"oid": sha256(data), "size": len(data), "pointerSize": len(pointer)}
                out.append(
                    {
                        "type": "file",
                        "path": path,
                        "size": len(data),
                        "oid": git_sha1(pointer),
                        "lfs": lfs,
                    }
                )
            else:
                out.append({"type": "file", "path": path, "size": len(data), "oid": git_sha1(data)})
        return out

    def refs(self) -> dict[str, Any]:
        return {
            "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": self.commit}],
            "converts": [],
            "tags": [],
        }

    def info(self) -> dict[str, Any]:
        return {
            "id": self.repo_id,
            "sha": self.commit,
            "private": False,
            "siblings": [{"rfilename": p} for p in sorted(self.files)],
        }

    def _revision(self, request: Request) -> Reply:
        return Reply.json(self.info())

    def presigned(self, oid: str) -> str:
        return (
            f"{self.storage.url}/objects/{oid}?X-Amz-Expires=3600&X-Amz-Credential=AKIAEXAMPLE"
            f"&X-Amz-Signature={SIGNATURE}"
        )

    def file_headers(self, path: str) -> list[tuple[str, str]]:
        data = self.files[path]
        headers = [("x-repo-commit", self.commit), ("accept-ranges", "bytes")]
        if path in self.lfs:
            headers += [
                ("etag", f'"{git_sha1(lfs_pointer(data))}"'),
                ("x-linked-etag", f'"{sha256(data)}"'),
                ("x-linked-size", str(len(data))),
            ]
        else:
            headers.append(("etag", f'"{git_sha1(data)}"'))
        return headers

    def _resolve(self, request: Request) -> Reply:
        path = request.path.split("/resolve/", 1)[1].split("/", 1)[1]
        if path not in self.files:
            return Reply.json(
                {"error": "Entry not found"},
                404,
                [("x-error-code", "EntryNotFound"), ("x-repo-commit", self.commit)],
            )
        data = self.files[path]
        headers = self.file_headers(path)
        if path in self.lfs:
            return Reply(302, [*headers, ("location", self.presigned(sha256(data)))], b"")
        return serve_bytes(request, data, headers)

    def _object(self, request: Request) -> Reply:
        oid = request.path.rsplit("/", 1)[1]
        for path in self.lfs:
            if sha256(self.files[path]) == oid:
                return serve_bytes(request, self.files[path], [("etag", f'"{oid}"')])
        return Reply(404, [], b"no such object")


def serve_bytes(request: Request, data: bytes, headers: list[tuple[str, str]]) -> Reply:
    """200, or 206 for a ``Range: bytes=a-[b]`` request."""
    wanted = request.headers.get("range", "")
    m = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)
    if m is None:
        return Reply(200, headers, data)
    start = int(m.group(1))
    end = int(m.group(2)) + 1 if m.group(2) else len(data)
    if start >= len(data):
        return Reply(416, [*headers, ("content-range", f"bytes */{len(data)}")], b"")
    part = data[start:end]
    rng = ("content-range", f"bytes {start}-{start + len(part) - 1}/{len(data)}")
    return Reply(206, [*headers, rng], part)


def gzip_bomb(prefix: bytes, filler: bytes, size: int, suffix: bytes) -> bytes:
    """A valid gzip of ``prefix + filler * … + suffix`` (``size`` bytes of filler) built in
    well under a second: one full-flushed deflate block of 1 MiB of filler is repeated, as
    deflate restarts its state at each full flush."""
    import struct
    import zlib

    block = filler * (2**20 // len(filler))
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = raw.compress(prefix) + raw.flush(zlib.Z_FULL_FLUSH)
    piece = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    count = size // len(block)
    tail = raw.compress(suffix) + raw.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    total = len(prefix) + count * len(block) + len(suffix)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", crc, total & 0xFFFFFFFF)
    return header + head + piece * count + tail + trailer


def chunks_of(data: bytes, size: int = 65536) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
