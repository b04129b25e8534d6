"""A small async web service on top of hubclient: one shared AsyncHubClient, awaited per request.

Run it (Starlette and uvicorn come with the ``server`` extra)::

    HF_TOKEN=hf_... uvicorn examples.web_service:app --port 8080
    curl localhost:8080/models/openai-community/gpt2
    curl localhost:8080/models/openai-community/gpt2/exists/config.json
    curl -H "Authorization: Bearer hf_..." localhost:8080/me

The client is created once in the app's lifespan (one connection pool, one 429 gate for the
whole process) and closed on shutdown. Handlers never block the event loop; Hub errors map to
HTTP answers (404 for a missing repo, 403 for a gated one, 429 with Retry-After when the Hub
rate-limits us, 502 for anything else the Hub gets wrong).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hubclient import (
    AsyncHubClient,
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RateLimitedError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

__all__ = ["app", "create_app"]

ClientFactory = Callable[[], AsyncHubClient]


def _client(request: Request) -> AsyncHubClient:
    client: AsyncHubClient = request.app.state.hub
    return client


def _repo_id(request: Request) -> str:
    return f"{request.path_params['namespace']}/{request.path_params['name']}"


def _user_token(request: Request) -> str | bool:
    """The caller's own token, if it sent one (never the service's token on their behalf)."""
    auth = request.headers.get("authorization", "")
    return auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else False


def _error(err: HfHubHTTPError) -> JSONResponse:
    body = {
        "error": type(err).__name__,
        "message": err.server_message,
        "request_id": err.request_id,
    }
    if isinstance(err, GatedRepoError):
        return JSONResponse(body, status_code=403)
    if isinstance(err, (RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError)):
        return JSONResponse(body, status_code=404)
    if isinstance(err, RateLimitedError):
        headers = {"Retry-After": str(int(err.retry_after or 1))}
        return JSONResponse(body, status_code=429, headers=headers)
    if err.status_code in (401, 403):
        return JSONResponse(body, status_code=err.status_code)
    return JSONResponse(body, status_code=502)


async def model_summary(request: Request) -> JSONResponse:
    """``GET /models/{ns}/{name}?revision=``: sha, dates and files of a model, in one Hub call."""
    client = _client(request)
    try:
        info = await client.model_info(
            _repo_id(request),
            revision=request.query_params.get("revision"),
            files_metadata=True,
            timeout=5,
        )
    except HfHubHTTPError as err:
        return _error(err)
    files = [
        {"path": s.rfilename, "size": s.size, "lfs": s.lfs is not None} for s in info.siblings or []
    ]
    return JSONResponse(
        {
            "id": info.id,
            "sha": info.sha,
            "private": info.private,
            "last_modified": info.last_modified.isoformat() if info.last_modified else None,
            "files": files,
        }
    )


async def file_exists(request: Request) -> JSONResponse:
    """``GET /models/{ns}/{name}/exists/{path}``: does the file exist on the default branch?"""
    try:
        exists = await _client(request).file_exists(_repo_id(request), request.path_params["path"])
    except HfHubHTTPError as err:
        return _error(err)
    return JSONResponse({"exists": exists})


async def compare(request: Request) -> JSONResponse:
    """``GET /compare?repo=a/b&repo=c/d``: several Hub calls at once, in one task group.

    A missing repo is ``null``; any other Hub error answers for the whole request. A task
    group raises what its tasks raise wrapped in an exception group, which an ``except
    HfHubHTTPError`` around it never catches: each task catches its own error, keeps it and
    cancels the others, and the handler answers from the first error kept.
    """
    repo_ids = request.query_params.getlist("repo")[:20]
    shas: dict[str, str | None] = {}
    errors: list[HfHubHTTPError] = []

    async with anyio.create_task_group() as tg:

        async def fetch(repo_id: str) -> None:
            try:
                shas[repo_id] = (await _client(request).model_info(repo_id, timeout=5)).sha
            except GatedRepoError as err:  # a RepositoryNotFoundError, but it exists
                errors.append(err)
                tg.cancel_scope.cancel()
            except RepositoryNotFoundError:
                shas[repo_id] = None
            except HfHubHTTPError as err:
                errors.append(err)
                tg.cancel_scope.cancel()

        for repo_id in repo_ids:
            tg.start_soon(fetch, repo_id)
    if errors:
        return _error(errors[0])
    return JSONResponse({"shas": shas})


async def me(request: Request) -> JSONResponse:
    """``GET /me``: who the caller's own token (``Authorization: Bearer``) belongs to."""
    token = _user_token(request)
    if token is False:
        return JSONResponse({"error": "send your Hub token as a Bearer token"}, status_code=401)
    try:
        who = await _client(request).whoami(token=token)
    except HfHubHTTPError as err:
        return _error(err)
    return JSONResponse({"name": who.name, "orgs": [org.name for org in who.orgs]})


def create_app(client_factory: ClientFactory = AsyncHubClient) -> Starlette:
    """The ASGI app; ``client_factory`` builds the shared client (env settings by default)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with client_factory() as client:
            app.state.hub = client
            yield

    return Starlette(
        routes=[
            Route("/models/{namespace}/{name}", model_summary),
            Route("/models/{namespace}/{name}/exists/{path:path}", file_exists),
            Route("/compare", compare),
            Route("/me", me),
        ],
        lifespan=lifespan,
    )


app = create_app()
