"""What every handler of the local Hub shares: its context, JSON answers, query parsing, access."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from hubclient.testing._accounts import Accounts, Identity
from hubclient.testing._clock import Clock, WallClock
from hubclient.testing._documents import Documents
from hubclient.testing._errors import HubError
from hubclient.testing._events import EventBus
from hubclient.testing._gating import gate_allows
from hubclient.testing._repo import Repo
from hubclient.testing._signing import Signer
from hubclient.testing._store import Store

if TYPE_CHECKING:
    from hubclient.testing._xet_service import XetService

__all__ = [
    "IN_PROCESS",
    "PREFIXES",
    "TYPES_PLURAL",
    "Config",
    "Ctx",
    "HubState",
    "drain",
    "error_response",
    "file_response",
    "json_response",
    "parse_range",
    "serve_plain",
]

IN_PROCESS = "hubclient.in_process"
"""The ASGI scope extension the in-process transport sets (it hands answers over complete)."""
TYPES_PLURAL = {"models": "model", "datasets": "dataset", "spaces": "space", "kernels": "kernel"}
PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/", "kernel": "kernels/"}


@dataclass(frozen=True)
class Config:
    """The knobs of a local Hub (small values make tests walk every code path)."""

    lfs_multipart_threshold: int = 16 * 1024 * 1024
    lfs_chunk_size: int = 8 * 1024 * 1024
    lfs_size_threshold: int = 10 * 1000 * 1000
    page_size: int = 1000
    expand_page_size: int = 50
    signed_url_ttl: float = 3600.0


@dataclass
class HubState:
    """The data behind both apps: the store, the accounts, the signer, the configuration and
    the areas' documents."""

    store: Store
    accounts: Accounts
    signer: Signer
    config: Config
    cards: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    xet: XetService | None = None
    """The Xet CAS (None: a Hub without Xet, whose token routes answer 404)."""
    clock: Clock = field(default_factory=WallClock)
    """The time lifecycles (Spaces, Jobs, Endpoints) follow: see ``_clock.py``."""
    controls: dict[str, Any] = field(default_factory=dict)
    """What tests set for the simulated lifecycles, by area (plans of Spaces, Jobs, …)."""
    documents: Documents = field(init=False)
    """The areas' persistent state (discussions, collections, …): see ``_documents.py``."""
    events: EventBus = field(default_factory=EventBus)
    """What happened (commits, discussions, settings…), for the webhook outbox: ``_events.py``."""

    def __post_init__(self) -> None:
        self.documents = Documents(self.store.root)


@dataclass
class Ctx:
    """One request to the hub app."""

    request: Request
    state: HubState
    hub_url: str
    storage_url: str
    identity: Identity | None
    origins: Mapping[str, str] = field(default_factory=dict)
    """The URL of every origin the local Hub serves, by name (``hub``, ``storage`` and the
    extra origins: ``endpoints``, …), as the client reaches them."""

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def config(self) -> Config:
        return self.state.config

    def query(self, name: str) -> str | None:
        params = self.request.query_params
        value = params.get(name)
        return value if value is not None else params.get(name + "[]")

    def query_list(self, name: str) -> list[str]:
        params = self.request.query_params
        values = params.getlist(name) + params.getlist(name + "[]")
        return [v for value in values for v in value.split(",") if v]

    def flag(self, name: str) -> bool:
        return parse_bool(self.query(name))

    @property
    def buffered(self) -> bool:
        """Whether the client reads this answer only once it is complete (the in-process
        transport): a stream cannot be followed live there, so it ends with what is ready now."""
        extensions = self.request.scope.get("extensions") or {}
        return IN_PROCESS in extensions

    def repo_url(self, repo: Repo) -> str:
        return f"{self.hub_url}/{PREFIXES[repo.type]}{repo.id}"

    async def json_body(self) -> Any:
        raw = await self.request.body()
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise HubError.bad_request(f"Invalid JSON body: {exc}") from exc

    # --- access ---

    def require_identity(self) -> Identity:
        if self.identity is None:
            raise HubError(401, "You must be authenticated to access this resource")
        return self.identity

    def can_read(self, repo: Repo) -> bool:
        return not repo.private or (
            self.identity is not None and self.identity.member_of(repo.namespace)
        )

    def find_repo(self, repo_type: str, repo_id: str) -> Repo:
        """The repo if the caller may see it, else ``RepoNotFound`` (401 anonymous, else 404)."""
        repo = self.store.find(repo_type, repo_id)
        if repo is None or not self.can_read(repo):
            raise HubError.repo_not_found(repo_id, self.identity is not None)
        if repo.meta.get("disabled"):
            raise HubError(403, "Access to this resource is disabled.")
        return repo

    def writable_repo(self, repo_type: str, repo_id: str) -> Repo:
        repo = self.find_repo(repo_type, repo_id)
        self.check_write(repo.namespace)
        return repo

    def check_contribute(self, repo: Repo) -> Identity:
        """Who may open or push to a pull request: anyone with a write token who can read
        the repo (community pull requests)."""
        identity = self.require_identity()
        if identity.role != "write":
            raise HubError(
                403, "This operation requires a token with write access (your token is read-only)"
            )
        return identity

    def check_write(self, namespace: str) -> Identity:
        identity = self.require_identity()
        if not identity.member_of(namespace):
            raise HubError(403, f"You don't have the rights to write to {namespace}")
        if identity.role != "write":
            raise HubError(
                403, "This operation requires a token with write access (your token is read-only)"
            )
        return identity

    def check_gated(self, repo: Repo) -> None:
        """A gated repo's files: members of its namespace and users whose access request was
        accepted may read them; anyone else gets the Hub's ``GatedRepo`` answer."""
        if not repo.gated:
            return
        identity = self.identity
        if identity is not None and identity.member_of(repo.namespace):
            return
        allowed, message = gate_allows(
            self.state.documents, repo, identity.user if identity is not None else None
        )
        if not allowed:
            raise HubError(403 if identity is not None else 401, message, "GatedRepo")

    # --- pagination ---

    def page(self, items: list[Any], page_size: int) -> tuple[list[Any], dict[str, str]]:
        """One page of `items` from the request's cursor, and the ``Link`` header for the next."""
        limit = self.query("limit")
        size = page_size
        if limit is not None and limit.isdigit() and int(limit) > 0:
            size = min(size, int(limit))
        start = _decode_cursor(self.query("cursor"))
        chunk = items[start : start + size]
        headers: dict[str, str] = {}
        if start + size < len(items):
            params = [(k, v) for k, v in parse_qsl(self.request.url.query, keep_blank_values=True)]
            params = [(k, v) for k, v in params if k != "cursor"]
            params.append(("cursor", _encode_cursor(start + size)))
            path = self.request.scope.get("raw_path") or self.request.url.path.encode()
            if isinstance(path, bytes):
                path = path.decode("latin-1")
            path = path.split("?", 1)[0]
            headers["Link"] = f'<{self.hub_url}{path}?{urlencode(params)}>; rel="next"'
        return chunk, headers


def parse_bool(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "yes", "on")


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, offset = text.partition(":")
        if kind == "o" and offset.isdigit():
            return int(offset)
    except ValueError:
        pass
    raise HubError.bad_request(f"Invalid cursor: {cursor}")


def json_response(
    data: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    media_type: str | None = None,
) -> Response:
    body = json.dumps(data, separators=(",", ":")).encode()
    return Response(body, status, headers=headers, media_type=media_type or "application/json")


def error_response(error: HubError) -> Response:
    headers = {"X-Error-Message": _header_safe(error.message), **error.headers}
    if error.code:
        headers["X-Error-Code"] = error.code
    body: dict[str, Any] = {"error": error.message, **error.body}
    return json_response(body, error.status, headers)


def _header_safe(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1").replace("\n", " ")


async def drain(request: Request) -> None:
    """Read what is left of the request body (a keep-alive connection must not see it)."""
    with contextlib.suppress(RuntimeError, ClientDisconnect):
        async for _ in request.stream():
            pass


def parse_range(header: str | None, total: int) -> tuple[int, int] | str | None:
    """One ``bytes=`` range: ``(start, end inclusive)``, ``None`` (all) or ``"416"``."""
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, sep, last = spec.strip().partition("-")
    if not sep:
        return None
    try:
        if not first:
            length = int(last)
            if length <= 0:
                return "416"
            return (max(0, total - length), total - 1) if total else "416"
        start = int(first)
        end = int(last) if last else total - 1
    except ValueError:
        return None
    if start >= total or end < start:
        return "416"
    return start, min(end, total - 1)


async def _read_file(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    # big bodies are read from a worker thread, so the event loop keeps serving others
    threaded = length >= 4 * 1024 * 1024
    with path.open("rb") as f:
        f.seek(start)
        remaining = length
        while remaining > 0:
            size = min(1024 * 1024, remaining)
            chunk = await anyio.to_thread.run_sync(f.read, size) if threaded else f.read(size)
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def file_response(
    request: Request, path: Path, size: int, headers: dict[str, str], media_type: str
) -> Response:
    """Serve a stored file: ``Accept-Ranges``, Range → 206/416, real ``Content-Length`` on HEAD."""
    headers = {**headers, "Accept-Ranges": "bytes"}
    wanted = parse_range(request.headers.get("range"), size)
    status, start, length = 200, 0, size
    if wanted == "416":
        headers["Content-Range"] = f"bytes */{size}"
        raise HubError(416, f"Range not satisfiable: {request.headers.get('range')}", None, headers)
    if isinstance(wanted, tuple):
        start, end = wanted
        status, length = 206, end - start + 1
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(length)
    if request.method == "HEAD" or length == 0:
        return Response(b"", status, headers=headers, media_type=media_type)
    return StreamingResponse(_read_file(path, start, length), status, headers, media_type)


async def serve_plain(
    scope: Scope,
    receive: Receive,
    send: Send,
    answer: Callable[[Request], Awaitable[Response]],
    name: str,
) -> None:
    """Run one HTTP request of an origin without redirects (storage, CAS) through `answer`:
    `HubError` becomes its answer, a bug a logged 500, the body is drained, and every answer
    gets an ``X-Request-Id``."""
    request = Request(scope, receive)
    try:
        response = await answer(request)
    except HubError as error:
        response = error_response(error)
    except ClientDisconnect:
        response = error_response(HubError(400, "Client disconnected"))
    except Exception:
        logging.getLogger("hubclient.testing").exception(
            "%s: unexpected error on %s %s", name, request.method, request.url
        )
        response = error_response(HubError(500, f"Internal Error ({name})"))
    finally:
        await drain(request)
    response.headers["X-Request-Id"] = uuid.uuid4().hex
    await response(scope, receive, send)
