"""Hub handlers for refs: list refs, list commits, create/delete branches and tags."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from hubclient.testing._errors import HubError
from hubclient.testing._events import HubEvent
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = [
    "auth_check",
    "create_branch",
    "create_tag",
    "delete_branch",
    "delete_tag",
    "list_commits",
    "list_refs",
    "super_squash",
]


async def list_refs(ctx: Ctx, repo: Repo) -> Response:
    refs = repo.refs_copy()
    out: dict[str, Any] = {
        "branches": [
            {"name": name, "ref": f"refs/heads/{name}", "targetCommit": sha}
            for name, sha in sorted(refs.heads.items())
        ],
        "converts": [],
        "tags": [
            {"name": name, "ref": f"refs/tags/{name}", "targetCommit": sha}
            for name, sha in sorted(refs.tags.items())
        ],
    }
    if ctx.flag("include_prs"):
        out["pullRequests"] = [
            {"name": f"refs/pr/{n}", "ref": f"refs/pr/{n}", "targetCommit": sha}
            for n, sha in sorted(refs.prs.items())
        ]
    return json_response(out)


async def list_commits(ctx: Ctx, repo: Repo, revision: str) -> Response:
    resolved = repo.resolve(revision)
    history = list(repo.history(resolved.commit))
    page, headers = ctx.page(history, ctx.config.page_size)
    headers["X-Total-Count"] = str(len(history))  # huggingface.js countCommits reads it
    formatted = "formatted" in ctx.query_list("expand")
    out: list[dict[str, Any]] = []
    for commit in page:
        message = commit.message.partition("\n\n")[2]
        item: dict[str, Any] = {
            "id": commit.id,
            "title": commit.title,
            "message": message,
            "date": commit.date,
            "authors": [
                {"user": commit.author, "avatar": f"{ctx.hub_url}/avatars/{commit.author}.svg"}
            ],
            "parents": list(commit.parents),
        }
        if formatted:
            item["formatted"] = {"title": commit.title, "message": message}
        out.append(item)
    return json_response(out, headers=headers)


async def create_branch(ctx: Ctx, repo: Repo, name: str) -> Response:
    identity = ctx.check_write(repo.namespace)
    body = await ctx.json_body()
    body = body if isinstance(body, dict) else {}
    start = body.get("startingPoint")
    if start is not None and not isinstance(start, str):
        raise HubError.bad_request("startingPoint must be a revision")
    # huggingface.js: ``emptyBranch`` (a root commit with no files), ``overwrite``
    repo.create_branch(
        name,
        start,
        empty_by=identity.user if body.get("emptyBranch") is True else None,
        overwrite=body.get("overwrite") is True,
    )
    _ref_changed(ctx, repo, f"refs/heads/{name}", None, repo.refs_copy().heads.get(name))
    return json_response({})


def _ref_changed(ctx: Ctx, repo: Repo, ref: str, old: str | None, new: str | None) -> None:
    user = ctx.identity.user if ctx.identity else None
    ctx.state.events.publish(
        HubEvent("repo.content", "update", repo, ctx.hub_url, user, updated_refs=[(ref, old, new)])
    )


async def delete_branch(ctx: Ctx, repo: Repo, name: str) -> Response:
    ctx.check_write(repo.namespace)
    old = repo.refs_copy().heads.get(name)
    repo.delete_branch(name)
    _ref_changed(ctx, repo, f"refs/heads/{name}", old, None)
    return json_response({})


async def create_tag(ctx: Ctx, repo: Repo, revision: str) -> Response:
    ctx.check_write(repo.namespace)
    body = await ctx.json_body()
    tag = body.get("tag") if isinstance(body, dict) else None
    if not isinstance(tag, str) or not tag:
        raise HubError.bad_request("Missing 'tag'")
    repo.create_tag(tag, revision)
    _ref_changed(ctx, repo, f"refs/tags/{tag}", None, repo.refs_copy().tags.get(tag))
    return json_response({})


async def super_squash(ctx: Ctx, repo: Repo, branch: str) -> Response:
    identity = ctx.check_write(repo.namespace)
    body = await ctx.json_body()
    message = body.get("message") if isinstance(body, dict) else None
    commit = repo.squash(branch, str(message or f"Super-squash branch '{branch}'"), identity.user)
    return json_response({"commitId": commit.id})


async def auth_check(ctx: Ctx, repo: Repo, write: bool) -> Response:
    """200 when the caller may read (and with `write`, write) the repo, else the usual error."""
    if write:
        ctx.check_write(repo.namespace)
    else:
        ctx.check_gated(repo)
    return json_response({})


async def delete_tag(ctx: Ctx, repo: Repo, name: str) -> Response:
    ctx.check_write(repo.namespace)
    old = repo.refs_copy().tags.get(name)
    repo.delete_tag(name)
    _ref_changed(ctx, repo, f"refs/tags/{name}", old, None)
    return json_response({})


async def _auth_check_read(ctx: Ctx, repo: Repo) -> Response:
    return await auth_check(ctx, repo, False)


async def _auth_check_write(ctx: Ctx, repo: Repo) -> Response:
    return await auth_check(ctx, repo, True)


ROUTES = [
    Route("GET", "/api/{types}/{repo}/refs", list_refs),
    Route("GET", "/api/{types}/{repo}/commits/{rev}", list_commits),
    Route("POST", "/api/{types}/{repo}/branch/{name+}", create_branch),
    Route("DELETE", "/api/{types}/{repo}/branch/{name+}", delete_branch),
    Route("POST", "/api/{types}/{repo}/tag/{revision+}", create_tag),
    Route("DELETE", "/api/{types}/{repo}/tag/{name+}", delete_tag),
    Route("POST", "/api/{types}/{repo}/super-squash/{branch+}", super_squash),
    Route("GET", "/api/{types}/{repo}/auth-check", _auth_check_read),
    Route("GET", "/api/{types}/{repo}/auth-check/write", _auth_check_write),
]
