"""Hub handlers that read files: tree, paths-info and resolve (HEAD/GET, Range, LFS redirect)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.responses import Response

from hubclient.testing import _api_xet
from hubclient.testing._errors import HubError
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._snapshot import Snapshot
from hubclient.testing._web import Ctx, file_response, json_response, parse_bool

__all__ = ["paths_info", "resolve_file", "tree"]


def _last_commit(repo: Repo, commit_id: str) -> dict[str, Any]:
    commit = repo.commit(commit_id)
    return {"id": commit.id, "title": commit.title, "date": commit.date}


def _folder_last_commit(repo: Repo, snapshot: Snapshot, folder: str) -> dict[str, Any] | None:
    cache: dict[str, str] = snapshot.__dict__.setdefault("_folder_last", {})
    if folder not in cache:
        best: tuple[float, str] | None = None
        for path in snapshot.folder_files(folder):
            cid = snapshot.files[path].last_commit
            stamp = repo.commit(cid).timestamp
            if best is None or stamp > best[0]:
                best = (stamp, cid)
        cache[folder] = best[1] if best else ""
    return _last_commit(repo, cache[folder]) if cache[folder] else None


def entry_json(
    repo: Repo, snapshot: Snapshot, path: str, is_dir: bool, expand: bool, ctx: Ctx | None = None
) -> dict[str, Any]:
    """A tree / paths-info entry (``xetHash`` for a Xet-backed file when `ctx` is given)."""
    if is_dir:
        out: dict[str, Any] = {
            "type": "directory",
            "oid": snapshot.dir_oids[path],
            "size": 0,
            "path": path,
        }
        if expand:
            last = _folder_last_commit(repo, snapshot, path)
            if last is not None:
                out["lastCommit"] = last
        return out
    entry = snapshot.files[path]
    out = {"type": "file", "oid": entry.oid, "size": entry.size, "path": path}
    if entry.lfs:
        out["lfs"] = {"oid": entry.sha256, "size": entry.size, "pointerSize": entry.pointer_size}
        xet_hash = _api_xet.xet_hash(ctx, repo, entry) if ctx is not None else None
        if xet_hash is not None:
            out["xetHash"] = xet_hash
    if expand and entry.last_commit:
        out["lastCommit"] = _last_commit(repo, entry.last_commit)
    return out


async def tree(ctx: Ctx, repo: Repo, revision: str, path: str) -> Response:
    resolved = repo.resolve(revision)
    snapshot = repo.snapshot(resolved.commit)
    folder = path.strip("/")
    if not snapshot.is_dir(folder):
        raise HubError.entry_not_found(
            folder, resolved.commit, f"Entry not found: {folder!r} is not a folder at {revision}"
        )
    expand = ctx.flag("expand")
    listing = snapshot.listing(folder, ctx.flag("recursive"))
    page_size = ctx.config.page_size
    if expand:
        page_size = min(page_size, ctx.config.expand_page_size)
    page, headers = ctx.page(listing, page_size)
    body = [entry_json(repo, snapshot, p, d, expand, ctx) for p, d in page]
    headers["X-Repo-Commit"] = resolved.commit
    return json_response(body, headers=headers)


async def paths_info(ctx: Ctx, repo: Repo, revision: str) -> Response:
    resolved = repo.resolve(revision)
    snapshot = repo.snapshot(resolved.commit)
    content_type = ctx.request.headers.get("content-type", "")
    raw = await ctx.request.body()
    paths: list[str]
    if "json" in content_type:
        body = await ctx.json_body()
        if not isinstance(body, dict):
            raise HubError.bad_request("Expected a JSON object")
        paths = [str(p) for p in body.get("paths", [])]
        expand_value = body.get("expand", False)
        expand = expand_value is True or parse_bool(str(expand_value))
    else:
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        paths = form.get("paths", []) + form.get("paths[]", [])
        expand = parse_bool((form.get("expand") or ["false"])[0])
    if len(paths) > 1000:
        raise HubError.bad_request("Too many paths (at most 1000 per request)")
    out: list[dict[str, Any]] = []
    for path in dict.fromkeys(p.strip("/") for p in paths):
        if path in snapshot.files:
            out.append(entry_json(repo, snapshot, path, False, expand, ctx))
        elif path and snapshot.is_dir(path):
            out.append(entry_json(repo, snapshot, path, True, expand))
    return json_response(out, headers={"X-Repo-Commit": resolved.commit})


async def resolve_file(ctx: Ctx, repo: Repo, revision: str, path: str) -> Response:
    ctx.check_gated(repo)
    resolved = repo.resolve(revision)
    snapshot = repo.snapshot(resolved.commit)
    entry = snapshot.files.get(path)
    if entry is None:
        raise HubError.entry_not_found(path, resolved.commit)
    headers = {"X-Repo-Commit": resolved.commit}
    if entry.lfs and not repo.holds_lfs(entry.sha256):
        # its LFS object was deleted for good (permanently_delete_lfs_files, history kept)
        raise HubError.entry_not_found(path, resolved.commit)
    if entry.lfs:
        fileinfo = _api_xet.fileinfo_response(ctx, repo, resolved.commit, entry, headers)
        if fileinfo is not None:
            return fileinfo
        headers.update(_api_xet.advertise(ctx, repo, resolved.commit, entry))
        signed = f"/lfs/{entry.sha256}"
        # the commit rides in the signed URL: huggingface_hub 1.2x-1.33 follows a redirect to
        # the same host name (the served storage is 127.0.0.1 on another port) and reads the
        # metadata from the storage's answer, which then carries X-Repo-Commit
        params = {"filename": path.rsplit("/", 1)[-1], "commit": resolved.commit}
        query = ctx.state.signer.query("GET", signed, params)
        location = f"{ctx.storage_url}{signed}?{query}"
        body = f"Found. Redirecting to {location}".encode()
        headers.update(
            {
                "Location": location,
                "X-Linked-Etag": f'"{entry.sha256}"',
                "X-Linked-Size": str(entry.size),
                "ETag": f'"{entry.oid}"',
                "Content-Length": str(len(body)),
            }
        )
        return Response(
            b"" if ctx.request.method == "HEAD" else body,
            302,
            headers=headers,
            media_type="text/plain; charset=utf-8",
        )
    headers["ETag"] = f'"{entry.oid}"'
    return file_response(
        ctx.request,
        ctx.store.objects.path(entry.sha256),
        entry.size,
        headers,
        "text/plain; charset=utf-8"
        if path.endswith((".txt", ".md", ".json"))
        else "application/octet-stream",
    )


ROUTES = [
    Route("GET", "/api/{types}/{repo}/tree/{rev}/{path*}", tree),
    Route("POST", "/api/{types}/{repo}/paths-info/{rev}", paths_info),
    Route(("GET", "HEAD"), "/{prefix?}/{repo}/resolve/{rev}/{path+}", resolve_file),
]
