"""Hub handlers for storage: a repo's LFS objects (list, delete for good, copy to another repo),
server-side repo duplication, and the storage each repo of a namespace uses.

An LFS object is listed once, under the path and branch of the first commit that points at it
(the Hub lists what was pushed, not every path). Deleting with ``rewriteHistory`` rewrites every
branch, tag and pull request without the files that pointed at it (new commit ids from the
first commit that changes); without it the files stay and no longer download.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from hubclient.testing._api_repos import _check_name, _hex_id, _visibility
from hubclient.testing._errors import HubError
from hubclient.testing._records import iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._store import REPO_TYPES
from hubclient.testing._web import PREFIXES, Ctx, json_response

__all__ = ["delete_lfs_files", "duplicate_lfs_files", "duplicate_repo", "list_lfs_files"]

_MAX_BATCH = 1000


def _lfs_files(repo: Repo) -> list[dict[str, Any]]:
    held = set(repo.held_lfs())
    refs = repo.refs_copy()
    branch_of: dict[str, str] = {}  # commit -> the first branch (main first) whose history has it
    for name in sorted(refs.heads, key=lambda n: (n != repo.default_branch, n)):
        for commit in repo.history(refs.heads[name]):
            branch_of.setdefault(commit.id, name)
    found: dict[str, dict[str, Any]] = {}
    for commit in repo.commits_oldest_first():
        for path, entry in sorted(repo.snapshot(commit.id).files.items()):
            if not entry.lfs or entry.sha256 not in held or entry.sha256 in found:
                continue
            found[entry.sha256] = {
                "fileOid": entry.sha256,
                "oid": entry.sha256,
                "filename": path,
                "size": entry.size,
                "pushedAt": commit.date,
                "ref": branch_of.get(commit.id),
            }
    return list(found.values())


async def list_lfs_files(ctx: Ctx, repo: Repo) -> Response:
    ctx.check_write(repo.namespace)  # a settings page: the repo's writers see it
    page, headers = ctx.page(_lfs_files(repo), ctx.config.page_size)
    return json_response(page, headers=headers)


async def delete_lfs_files(ctx: Ctx, repo: Repo) -> Response:
    ctx.check_write(repo.namespace)
    body = await ctx.json_body()
    deletions = body.get("deletions") if isinstance(body, dict) else None
    if not isinstance(deletions, dict):
        raise HubError.bad_request("Expected {'deletions': {'sha': [...], 'rewriteHistory': bool}}")
    shas = deletions.get("sha")
    if not isinstance(shas, list) or not all(isinstance(s, str) for s in shas):
        raise HubError.bad_request("Expected {'deletions': {'sha': [...], 'rewriteHistory': bool}}")
    if len(shas) > _MAX_BATCH:
        raise HubError.bad_request(f"At most {_MAX_BATCH} LFS files per request")
    rewrite = deletions.get("rewriteHistory", True) is not False
    repo.forget_lfs(shas, rewrite_history=rewrite)
    return json_response({})


async def duplicate_lfs_files(ctx: Ctx, repo: Repo) -> Response:
    """Copy LFS objects of this repo to ``target`` (which the caller may write), server side."""
    body = await ctx.json_body()
    target = body.get("target") if isinstance(body, dict) else None
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(target, dict) or not isinstance(files, list):
        raise HubError.bad_request("Expected {'target': {'type', 'name'}, 'files': [...]}")
    kind, name = target.get("type") or "model", target.get("name")
    if kind not in REPO_TYPES or not isinstance(name, str):
        raise HubError.bad_request("Invalid target repo")
    destination = ctx.writable_repo(str(kind), name)
    ctx.check_gated(repo)
    copied: list[str] = []
    failed: list[dict[str, str]] = []
    for item in files:
        sha = item.get("sha256") if isinstance(item, dict) else None
        if not isinstance(sha, str) or not repo.holds_lfs(sha):
            failed.append({"sha256": str(sha), "error": f"Object not found in {repo.id}"})
            continue
        copied.append(sha)
    destination.add_lfs(copied)
    return json_response({"duplicated": len(copied), "failed": failed})


async def duplicate_repo(ctx: Ctx, repo: Repo) -> Response:
    """``POST /api/{models|datasets}/{repo}/duplicate``: a copy with the whole history, server
    side (Spaces have their own route, with their settings)."""
    ctx.check_gated(repo)
    body = await ctx.json_body()
    target = body.get("repository") if isinstance(body, dict) else None
    if not isinstance(target, str) or target.count("/") != 1:
        raise HubError.bad_request("Expected 'repository' as namespace/name")
    _check_name(target)
    identity = ctx.check_write(target.split("/", 1)[0])
    url = f"{ctx.hub_url}/{PREFIXES[repo.type]}{target}"
    if ctx.store.find(repo.type, target) is not None:
        raise HubError(409, f"You already created this {repo.type} repo", body={"url": url})
    private = _visibility(body)
    copy = ctx.store.duplicate(
        repo,
        target,
        author=identity.user,
        private=repo.private if private is None else private,
    )
    return json_response(
        {"url": url, "name": target, "id": _hex_id(copy.uid), "filesCopyPending": False}
    )


def _storage(repo: Repo) -> int:
    sizes: dict[str, int] = {}
    for commit in repo.commits_oldest_first():
        for entry in repo.snapshot(commit.id).files.values():
            sizes.setdefault(entry.sha256, entry.size)
    return sum(sizes.values())


async def _namespace_repos(ctx: Ctx, namespace: str) -> Response:
    rows: list[dict[str, Any]] = []
    for repo_type in REPO_TYPES:
        for repo in ctx.store.repos(repo_type):
            if repo.namespace != namespace:
                continue
            commits = repo.commits_oldest_first()
            updated = commits[-1].timestamp if commits else float(repo.meta.get("created_at", 0))
            rows.append(
                {
                    "id": repo.id,
                    "type": repo.type,
                    "updatedAt": iso_date(updated),
                    "visibility": "private" if repo.private else "public",
                    "storage": _storage(repo),
                }
            )
    total = sum(r["storage"] for r in rows) or 1
    for row in rows:
        row["storagePercent"] = round(100.0 * row["storage"] / total, 4)
    rows.sort(key=lambda r: (-r["storage"], r["id"]))
    page, headers = ctx.page(rows, ctx.config.page_size)
    return json_response(page, headers=headers)


async def user_repos(ctx: Ctx) -> Response:
    return await _namespace_repos(ctx, ctx.require_identity().user)


async def org_repos(ctx: Ctx, org: str) -> Response:
    identity = ctx.require_identity()
    if org not in ctx.state.accounts.orgs():
        raise HubError(404, f"Organization {org} not found")
    if not identity.member_of(org):
        raise HubError(403, f"You are not a member of {org}")
    return await _namespace_repos(ctx, org)


ROUTES = [
    Route("GET", "/api/{types}/{repo}/lfs-files", list_lfs_files),
    Route("POST", "/api/{types}/{repo}/lfs-files/batch", delete_lfs_files),
    Route("POST", "/api/{types}/{repo}/lfs-files/duplicate", duplicate_lfs_files),
    Route("POST", "/api/{types}/{repo}/duplicate", duplicate_repo, types=("models", "datasets")),
    Route("GET", "/api/settings/repositories", user_repos),
    Route("GET", "/api/organizations/{org}/settings/repositories", org_repos),
]
