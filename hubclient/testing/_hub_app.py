"""The Hub app: an ASGI app that routes on the raw (still percent-encoded) path.

Routing on the raw path keeps ``refs%2Fpr%2F1`` one segment, as the Python client means it; the
huggingface.js spelling (``refs/pr/1`` as three raw segments) is accepted too. The routes are
declared by the area modules (``_api_<area>.py``, see ``_routes.py``); adding an area is adding
its module's ``ROUTES`` to the table below.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from urllib.parse import unquote

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from hubclient.testing import (
    _api_access_requests,
    _api_buckets,
    _api_cards,
    _api_collections,
    _api_commit,
    _api_datasets,
    _api_discover,
    _api_discussions,
    _api_files,
    _api_jobs,
    _api_lfs,
    _api_oauth,
    _api_papers,
    _api_raw,
    _api_refs,
    _api_repos,
    _api_safetensors,
    _api_spaces,
    _api_storage,
    _api_users,
    _api_webhooks,
    _api_xet,
    _git_http,
)
from hubclient.testing._errors import HubError, Redirect
from hubclient.testing._routes import Route, Router
from hubclient.testing._web import Ctx, HubState, drain, error_response

__all__ = ["HubApp", "lifespan"]

_log = logging.getLogger("hubclient.testing")

#: Every route of the Hub app, area by area (each ``_api_<area>.py`` declares its ``ROUTES``);
#: the first route whose pattern and method match a request answers it.
ROUTES: tuple[Route, ...] = (
    *_api_spaces.ROUTES,  # first: /api/spaces/zero-gpu/quota is not a repo
    *_api_jobs.ROUTES,
    *_api_buckets.ROUTES,  # before repos: /api/repos/move of type "bucket"
    *_api_repos.ROUTES,
    *_api_files.ROUTES,
    *_api_refs.ROUTES,
    *_api_commit.ROUTES,
    *_api_lfs.ROUTES,
    *_api_safetensors.ROUTES,
    *_api_cards.ROUTES,
    *_api_raw.ROUTES,
    *_git_http.ROUTES,
    *_api_xet.ROUTES,
    *_api_discussions.ROUTES,
    *_api_access_requests.ROUTES,
    *_api_collections.ROUTES,
    *_api_users.ROUTES,
    *_api_webhooks.ROUTES,
    *_api_oauth.ROUTES,
    *_api_discover.ROUTES,
    *_api_papers.ROUTES,
    *_api_datasets.ROUTES,
    *_api_storage.ROUTES,
)


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer the ASGI lifespan protocol (nothing to start or stop)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class HubApp:
    """Routes Hub API, resolve and LFS requests (the route table ``ROUTES``) to their handlers,
    and turns errors into answers.

    ``origins``: the URL of every origin of the local Hub by name (``hub``, ``storage`` and the
    extra ones), handed to the handlers as ``ctx.origins``. ``routes``: another route table, for
    an extra origin answered the same way (its own API on its own origin).
    """

    def __init__(
        self,
        state: HubState,
        hub_url: str,
        storage_url: str,
        origins: Mapping[str, str] | None = None,
        *,
        routes: Sequence[Route] = ROUTES,
    ) -> None:
        self.state = state
        self.hub_url = hub_url.rstrip("/")
        self.storage_url = storage_url.rstrip("/")
        self.origins = {"hub": self.hub_url, "storage": self.storage_url, **(origins or {})}
        self.router = Router(routes)

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
        authorization = request.headers.get("authorization")
        if request.url.path == "/oauth/token":
            authorization = None  # an OAuth app's client credentials: the endpoint checks them
        identity = self.state.accounts.identify(authorization)
        ctx = Ctx(
            request, self.state, self._origin(request), self.storage_url, identity, self.origins
        )
        segments = [unquote(s) for s in self._raw_segments(request)]
        method = request.method
        if method == "HEAD" and segments[:1] == ["api"]:
            method = "GET"  # HEAD on an API route answers like GET (the body is dropped)
        return await self.router.dispatch(ctx, method, segments)
