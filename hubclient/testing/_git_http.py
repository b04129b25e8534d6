"""git's smart HTTP protocol on the Hub origin: clone, fetch and push of a repo's URL.

``GET {repo}[.git]/info/refs?service=git-upload-pack|git-receive-pack`` advertises the refs;
``POST {repo}[.git]/git-upload-pack`` sends a pack, ``POST …/git-receive-pack`` takes one. The
pack protocol is dulwich's (stateless RPC, as its own WSGI server uses it); the objects and the
refs are the Hub's (see `_gitstore`). Credentials are git's Basic ``user:token`` (or a Bearer
token); anonymous requests that need more get a 401 with ``WWW-Authenticate``, so git asks its
credential helper, as with the Hub.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import AsyncIterator
from functools import partial
from typing import IO, Any, cast

import anyio
from dulwich.errors import GitProtocolError, HangupException, HookError
from dulwich.hooks import Hook
from dulwich.protocol import Protocol, pkt_line
from dulwich.server import BackendRepo, DictBackend, ReceivePackHandler, UploadPackHandler
from starlette.responses import Response, StreamingResponse

from hubclient.testing._errors import HubError
from hubclient.testing._gitstore import ZERO, GitSide
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, HubState

__all__ = ["ROUTES", "info_refs", "receive_pack", "upload_pack"]

UPLOAD, RECEIVE = "git-upload-pack", "git-receive-pack"
_SPOOL = 8 * 1024 * 1024
_CHUNK = 256 * 1024
#: The largest request body (after gzip) a push or fetch negotiation may send.
MAX_BODY = 4 * 1024 * 1024 * 1024
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Authentication required", charset="UTF-8"'}


async def info_refs(ctx: Ctx, repo_type: str, repo_id: str) -> Response:
    service = ctx.request.query_params.get("service")
    if service not in (UPLOAD, RECEIVE):
        raise HubError(403, "Only git's smart HTTP protocol is served (git >= 1.6.6)")
    return await _answer(ctx, repo_type, repo_id, service, advertise=True)


async def upload_pack(ctx: Ctx, repo_type: str, repo_id: str) -> Response:
    return await _answer(ctx, repo_type, repo_id, UPLOAD, advertise=False)


async def receive_pack(ctx: Ctx, repo_type: str, repo_id: str) -> Response:
    return await _answer(ctx, repo_type, repo_id, RECEIVE, advertise=False)


async def _answer(
    ctx: Ctx, repo_type: str, repo_id: str, service: str, *, advertise: bool
) -> Response:
    namespace, _, name = repo_id.partition("/")
    repo = _access(ctx, repo_type, f"{namespace}/{name.removesuffix('.git')}", service == RECEIVE)
    body: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115
    try:
        if not advertise:
            await _read_body(ctx, body)
        out = await anyio.to_thread.run_sync(
            partial(_serve, ctx.state, repo, service, body, advertise=advertise)
        )
    finally:
        body.close()
    kind = "advertisement" if advertise else "result"
    headers = {
        "Cache-Control": "no-cache, max-age=0, must-revalidate",
        "Expires": "Fri, 01 Jan 1980 00:00:00 GMT",
        "Pragma": "no-cache",
    }
    return StreamingResponse(
        _stream(out), 200, headers, media_type=f"application/x-{service}-{kind}"
    )


def _access(ctx: Ctx, repo_type: str, repo_id: str, write: bool) -> Repo:
    """The repo, or the Hub's error; a 401 carries the challenge git needs to send credentials."""
    try:
        repo = ctx.find_repo(repo_type, repo_id)
        if write:
            ctx.check_write(repo.namespace)
        else:
            ctx.check_gated(repo)
    except HubError as error:
        if error.status == 401:
            error.headers.update(_CHALLENGE)
        raise
    return repo


async def _read_body(ctx: Ctx, sink: IO[bytes]) -> None:
    encoding = ctx.request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise HubError(415, f"Unsupported Content-Encoding: {encoding}")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in encoding else None
    total = 0
    async for chunk in ctx.request.stream():
        try:
            data = inflate.decompress(chunk, MAX_BODY + 1 - total) if inflate else chunk
        except zlib.error as exc:
            raise HubError(400, f"Invalid gzip body: {exc}") from exc
        total += len(data)
        if total > MAX_BODY:
            raise HubError(413, f"Request body larger than {MAX_BODY} bytes")
        sink.write(data)
    if inflate is not None:
        sink.write(inflate.flush())
    sink.seek(0)


class _ImportHook(Hook):
    """git's ``update`` hook: the pushed commits become the repo's, or the ref is refused."""

    def __init__(self, side: GitSide) -> None:
        self.side = side

    def execute(self, *args: Any) -> tuple[bytes, bytes]:
        ref, old, new = (a.decode() if isinstance(a, bytes) else str(a) for a in args)
        try:
            self.side.repo.update_ref(
                ref,
                None if old == ZERO else old,
                None if new == ZERO else new,
                apply=False,
            )
            if new != ZERO:
                self.side.import_pushed(new)
        except HubError as error:
            raise HookError(error.message) from error
        return b"", b""  # (stdout, stderr) for the client's sideband


def _serve(
    state: HubState, repo: Repo, service: str, body: IO[bytes], *, advertise: bool
) -> IO[bytes]:
    """Run dulwich's upload-pack or receive-pack over the request body (in a worker thread)."""
    side = GitSide(repo, state.store.objects, state.config.lfs_size_threshold)
    side.sync()
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115
    try:
        if advertise:
            out.write(pkt_line(f"# service={service}\n".encode()) + b"0000")
        handler_class = UploadPackHandler if service == UPLOAD else ReceivePackHandler
        if service == RECEIVE:
            side.git.hooks["update"] = _ImportHook(side)
        handler = handler_class(
            DictBackend({"/": cast("BackendRepo", side.git)}),
            ["/"],
            Protocol(body.read, out.write),
            stateless_rpc=True,
            advertise_refs=advertise,
        )
        handler.handle()
    except (GitProtocolError, HangupException) as exc:
        out.close()
        raise HubError(400, f"git protocol error: {exc}") from exc
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


async def _stream(out: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := out.read(_CHUNK):
            yield chunk
    finally:
        out.close()


# ``{repo_id}``, not ``{repo}``: the handlers find the repo themselves, so that a 401 carries the
# challenge git needs; the name may end in ``.git``
ROUTES = [
    Route("GET", "/{prefix?}/{repo_id}/info/refs", info_refs),
    Route("POST", "/{prefix?}/{repo_id}/git-upload-pack", upload_pack),
    Route("POST", "/{prefix?}/{repo_id}/git-receive-pack", receive_pack),
]
