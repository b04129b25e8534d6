"""The Hub app: an ASGI app that routes on the raw (still percent-encoded) path.

Routing on the raw path keeps ``refs%2Fpr%2F1`` one segment, as the Python client means it; the
huggingface.js spelling (``refs/pr/1`` as three raw segments) is accepted too.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from hubclient.testing import _api_commit, _api_files, _api_lfs, _api_refs, _api_repos
from hubclient.testing._errors import HubError, Redirect
from hubclient.testing._web import TYPES_PLURAL, Ctx, HubState, drain, error_response

__all__ = ["HubApp", "lifespan"]

_log = logging.getLogger("hubclient.testing")
_REF_KINDS = ("pr", "convert", "heads", "tags")
_REVISION_ACTIONS = ("revision", "tree", "paths-info", "commits", "preupload", "commit")


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer the ASGI lifespan protocol (nothing to start or stop)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _take_revision(rest: list[str]) -> tuple[str, list[str]]:
    """Split ``[rev, *path]``; ``refs/<kind>/<x>`` in raw form takes three segments."""
    if not rest:
        raise HubError(404, "Missing revision")
    if rest[0] == "refs" and len(rest) >= 3 and rest[1] in _REF_KINDS:
        return "/".join(rest[:3]), rest[3:]
    return rest[0], rest[1:]


class HubApp:
    """Routes Hub API, resolve and LFS requests to the handlers, and turns errors into answers."""

    def __init__(self, state: HubState, hub_url: str, storage_url: str) -> None:
        self.state = state
        self.hub_url = hub_url.rstrip("/")
        self.storage_url = storage_url.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        request_id = uuid.uuid4().hex
        try:
            response = await self._answer(request)
        except Redirect as moved:
            response = self._redirect(request, moved)
        except HubError as error:
            response = error_response(error)
        except ClientDisconnect:
            response = error_response(HubError(400, "Client disconnected"))
        except Exception:  # a bug: answer 500 like a real server, and say it in the log
            _log.exception("local hub: unexpected error on %s %s", request.method, request.url)
            response = error_response(HubError(500, "Internal Error (local hub)"))
        finally:
            await drain(request)
        response.headers["X-Request-Id"] = request_id
        await response(scope, receive, send)

    def _origin(self, request: Request) -> str:
        host = request.headers.get("host")
        if not host:
            return self.hub_url
        scheme = request.url.scheme or "http"
        return f"{scheme}://{host}"

    @staticmethod
    def _raw_segments(request: Request) -> list[str]:
        raw = request.scope.get("raw_path")
        text = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
        return text.split("?", 1)[0].split("/")[1:]

    def _redirect(self, request: Request, moved: Redirect) -> Response:
        raw = self._raw_segments(request)
        old_ns, old_name = moved.old_id.split("/", 1)
        new_ns, new_name = moved.new_id.split("/", 1)
        for i in range(len(raw) - 1):
            if unquote(raw[i]) == old_ns and unquote(raw[i + 1]) in (old_name, old_name + ".git"):
                suffix = (
                    ".git"
                    if unquote(raw[i + 1]).endswith(".git") and not old_name.endswith(".git")
                    else ""
                )
                raw[i : i + 2] = [new_ns, new_name + suffix]
                break
        location = "/" + "/".join(raw)
        if request.url.query:
            location += "?" + request.url.query
        message = f"Repository {moved.old_id} was moved to {moved.new_id}"
        return Response(
            message.encode() if request.method != "HEAD" else b"",
            307,
            headers={"Location": location, "Content-Length": str(len(message.encode()))},
            media_type="text/plain; charset=utf-8",
        )

    async def _answer(self, request: Request) -> Response:
        identity = self.state.accounts.identify(request.headers.get("authorization"))
        ctx = Ctx(request, self.state, self._origin(request), self.storage_url, identity)
        segments = [unquote(s) for s in self._raw_segments(request)]
        method = request.method
        if segments and segments[0] == "api":
            # HEAD on an API route answers like GET (the body is dropped on the way out)
            return await self._api(ctx, "GET" if method == "HEAD" else method, segments[1:])
        return await self._files(ctx, method, segments)

    async def _api(self, ctx: Ctx, method: str, seg: list[str]) -> Response:
        route: Callable[[], Awaitable[Response]] | None = None
        if seg == ["whoami-v2"] and method == "GET":
            route = lambda: _api_repos.whoami(ctx)  # noqa: E731
        elif seg == ["repos", "create"] and method == "POST":
            route = lambda: _api_repos.create_repo(ctx)  # noqa: E731
        elif seg == ["repos", "delete"] and method == "DELETE":
            route = lambda: _api_repos.delete_repo(ctx)  # noqa: E731
        elif seg == ["repos", "move"] and method == "POST":
            route = lambda: _api_repos.move_repo(ctx)  # noqa: E731
        elif seg == ["validate-yaml"] and method == "POST":
            route = lambda: _api_repos.validate_yaml(ctx)  # noqa: E731
        elif len(seg) == 3 and seg[:2] == ["lfs", "complete"] and method == "POST":
            return await _api_lfs.complete_multipart(ctx, seg[2])
        elif seg and seg[0] in TYPES_PLURAL:
            repo_type = TYPES_PLURAL[seg[0]]
            if len(seg) == 1 and method == "GET":
                return await _api_repos.list_repos(ctx, repo_type)
            if len(seg) >= 3:
                return await self._repo_api(ctx, method, repo_type, seg[1] + "/" + seg[2], seg[3:])
        if route is None:
            raise HubError(404, f"Not found: {method} {ctx.request.url.path}")
        return await route()

    async def _repo_api(
        self, ctx: Ctx, method: str, repo_type: str, repo_id: str, rest: list[str]
    ) -> Response:
        if not rest or rest == [""]:
            if method != "GET":
                raise HubError(405, f"Method {method} not allowed")
            return await _api_repos.repo_info(ctx, ctx.find_repo(repo_type, repo_id), None)
        action, rest = rest[0], rest[1:]
        if action in ("xet-read-token", "xet-write-token"):
            raise HubError(404, "Xet storage is not enabled on this Hub")
        repo = ctx.find_repo(repo_type, repo_id)
        if action in _REVISION_ACTIONS:
            revision, rest = _take_revision(rest)
            path = "/".join(rest)
            if action == "revision" and method == "GET" and not path:
                return await _api_repos.repo_info(ctx, repo, revision)
            if action == "tree" and method == "GET":
                return await _api_files.tree(ctx, repo, revision, path)
            if action == "paths-info" and method == "POST" and not path:
                return await _api_files.paths_info(ctx, repo, revision)
            if action == "commits" and method == "GET" and not path:
                return await _api_refs.list_commits(ctx, repo, revision)
            if action == "preupload" and method == "POST" and not path:
                return await _api_commit.preupload(ctx, repo, revision)
            if action == "commit" and method == "POST" and not path:
                return await _api_commit.commit(ctx, repo, revision)
        elif action == "refs" and method == "GET" and not rest:
            return await _api_refs.list_refs(ctx, repo)
        elif action == "runtime" and method == "GET" and not rest:
            return await _api_repos.get_space_runtime(ctx, repo)
        elif action == "super-squash" and method == "POST" and rest:
            return await _api_refs.super_squash(ctx, repo, "/".join(rest))
        elif action == "auth-check" and method == "GET" and rest in ([], ["write"]):
            return await _api_refs.auth_check(ctx, repo, rest == ["write"])
        elif action == "settings" and method == "PUT" and not rest:
            return await _api_repos.update_settings(ctx, repo)
        elif action == "branch" and rest:
            name = "/".join(rest)
            if method == "POST":
                return await _api_refs.create_branch(ctx, repo, name)
            if method == "DELETE":
                return await _api_refs.delete_branch(ctx, repo, name)
        elif action == "tag" and rest:
            name = "/".join(rest)
            if method == "POST":
                return await _api_refs.create_tag(ctx, repo, name)
            if method == "DELETE":
                return await _api_refs.delete_tag(ctx, repo, name)
        raise HubError(404, f"Not found: {method} {ctx.request.url.path}")

    async def _files(self, ctx: Ctx, method: str, seg: list[str]) -> Response:
        repo_type = "model"
        if seg and seg[0] in ("datasets", "spaces") and len(seg) >= 3:
            repo_type = seg[0][:-1]
            seg = seg[1:]
        if len(seg) >= 2 and seg[1].endswith(".git") and seg[2:5] == ["info", "lfs", "objects"]:
            repo_id = f"{seg[0]}/{seg[1][:-4]}"
            tail = seg[5:]
            if tail == ["batch"] and method == "POST":
                return await _api_lfs.batch(ctx, ctx.find_repo(repo_type, repo_id))
            if tail == ["verify"] and method == "POST":
                return await _api_lfs.verify(ctx, ctx.find_repo(repo_type, repo_id))
        if len(seg) >= 5 and seg[2] == "resolve" and method in ("GET", "HEAD"):
            repo = ctx.find_repo(repo_type, f"{seg[0]}/{seg[1]}")
            revision, rest = _take_revision(seg[3:])
            return await _api_files.resolve_file(ctx, repo, revision, "/".join(rest))
        raise HubError(404, f"Not found: {method} {ctx.request.url.path}")
