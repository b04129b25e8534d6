"""``/raw/``: a file's git blob as stored in the repo (an LFS file's pointer, not its content).

huggingface.js asks ``HEAD …/raw/{rev}/{path}`` in `fileExists`, and ``downloadFile({raw})``
reads it; the Hub answers the blob itself, with no redirect.
"""

from __future__ import annotations

from starlette.responses import Response

from hubclient.testing._api_files import resolve_file
from hubclient.testing._errors import HubError
from hubclient.testing._gitobjects import lfs_pointer
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, parse_range

__all__ = ["ROUTES", "raw_file"]


async def raw_file(ctx: Ctx, repo: Repo, revision: str, path: str) -> Response:
    ctx.check_gated(repo)
    resolved = repo.resolve(revision)
    entry = repo.snapshot(resolved.commit).files.get(path)
    if entry is None:
        raise HubError.entry_not_found(path, resolved.commit)
    if not entry.lfs:  # the blob is the content: served as resolve serves it (ranges too)
        return await resolve_file(ctx, repo, revision, path)
    pointer = lfs_pointer(entry.sha256, entry.size)
    headers = {"X-Repo-Commit": resolved.commit, "ETag": f'"{entry.oid}"', "Accept-Ranges": "bytes"}
    status, body = 200, pointer
    wanted = parse_range(ctx.request.headers.get("range"), len(pointer))
    if wanted == "416":
        headers["Content-Range"] = f"bytes */{len(pointer)}"
        raise HubError(416, "Range not satisfiable", None, headers)
    if isinstance(wanted, tuple):
        start, end = wanted
        status, body = 206, pointer[start : end + 1]
        headers["Content-Range"] = f"bytes {start}-{end}/{len(pointer)}"
    headers["Content-Length"] = str(len(body))
    if ctx.request.method == "HEAD":
        body = b""
    return Response(body, status, headers=headers, media_type="text/plain; charset=utf-8")


ROUTES = [Route(("GET", "HEAD"), "/{prefix?}/{repo}/raw/{rev}/{path+}", raw_file)]
