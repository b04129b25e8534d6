"""The Hub side of Xet: token routes, how files advertise Xet, the batch's ``xet`` answer, and
the link from a committed ``lfsFile`` (by sha256) to the Xet file a shard registered.

A repo is one Xet scope (``repo-<uid>``: it survives a rename). A file of a commit is Xet-backed
when the repo's scope holds a Xet file with the file's sha256 (a shard gave it); such a file is
also stored as a plain LFS object when it is committed, so ``/resolve``, the LFS batch download
and every classic client read the same bytes. Files that came in over classic LFS stay classic.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote

import anyio
from starlette.responses import Response

from hubclient.testing._errors import HubError
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._snapshot import FileEntry
from hubclient.testing._web import Ctx, json_response
from hubclient.testing._xet_format import XetFormatError, hash_hex
from hubclient.testing._xet_service import XetService

__all__ = [
    "ROUTES",
    "advertise",
    "batch_answer",
    "fileinfo_response",
    "link_lfs_objects",
    "scope_of",
    "service_of",
    "token",
    "token_response",
    "xet_hash",
]

FILEINFO_TYPE = "application/vnd.xet-fileinfo+json"


def scope_of(repo: Repo) -> str:
    return f"repo-{repo.uid}"


def _cas_url(ctx: Ctx) -> str:
    """The CAS origin as clients reach it ("" without Xet)."""
    return ctx.origins.get("cas", "")


def _service(ctx: Ctx) -> XetService | None:
    service = ctx.state.xet
    return service if isinstance(service, XetService) and _cas_url(ctx) else None


def _token_url(ctx: Ctx, repo: Repo, mode: str, revision: str) -> str:
    return f"{ctx.hub_url}/api/{repo.type}s/{repo.id}/xet-{mode}-token/{quote(revision, safe='')}"


def _connection(ctx: Ctx, service: XetService, repo: Repo, mode: str) -> dict[str, str]:
    return _scope_connection(ctx, service, scope_of(repo), mode)


def _scope_connection(ctx: Ctx, service: XetService, scope: str, mode: str) -> dict[str, str]:
    access, expires = service.issue(scope, mode)
    return {
        "X-Xet-Cas-Url": _cas_url(ctx),
        "X-Xet-Access-Token": access,
        "X-Xet-Token-Expiration": str(expires),
    }


def service_of(ctx: Ctx) -> XetService | None:
    """The Xet service, when this Hub serves Xet (and its CAS origin)."""
    return _service(ctx)


def token_response(ctx: Ctx, scope: str, mode: str) -> Response:
    """A Xet token for `scope` as the token routes answer it: JSON body and headers (the
    caller checked the access). 404 on a Hub without Xet."""
    service = _service(ctx)
    if service is None:
        raise HubError(404, "Xet storage is not enabled on this Hub")
    headers = _scope_connection(ctx, service, scope, mode)
    body = {
        "accessToken": headers["X-Xet-Access-Token"],
        "exp": int(headers["X-Xet-Token-Expiration"]),
        "casUrl": _cas_url(ctx),
    }
    return json_response(body, headers=headers)


async def token(ctx: Ctx, repo: Repo, mode: str, revision: str) -> Response:
    """``GET …/xet-{read,write}-token/{rev}``: the token as JSON and as headers."""
    service = _service(ctx)
    if service is None:
        raise HubError(404, "Xet storage is not enabled on this Hub")
    if mode == "write":
        if ctx.flag("create_pr") or revision.startswith("refs/pr/"):
            ctx.check_contribute(repo)  # community pull requests upload too
        else:
            ctx.check_write(repo.namespace)
        if revision != "None" or not ctx.flag("create_pr"):
            repo.resolve(revision)  # RevisionNotFound for a branch that does not exist
    else:
        ctx.check_gated(repo)
        repo.resolve(revision)
    return token_response(ctx, scope_of(repo), mode)


async def read_token(ctx: Ctx, repo: Repo, revision: str) -> Response:
    return await token(ctx, repo, "read", revision)


async def write_token(ctx: Ctx, repo: Repo, revision: str) -> Response:
    return await token(ctx, repo, "write", revision)


def xet_hash(ctx: Ctx, repo: Repo, entry: FileEntry) -> str | None:
    """The Xet file id of a committed file, or ``None`` for a regular or classic LFS file."""
    service = _service(ctx)
    if service is None or not entry.lfs:
        return None
    stored = service.store.file_by_sha256(scope_of(repo), entry.sha256)
    return None if stored is None else hash_hex(stored.hash)


def advertise(ctx: Ctx, repo: Repo, commit: str, entry: FileEntry) -> dict[str, str]:
    """The headers a ``/resolve`` answer carries for a Xet-backed file (else none)."""
    file_id = xet_hash(ctx, repo, entry)
    if file_id is None:
        return {}
    link = f'<{_token_url(ctx, repo, "read", commit)}>; rel="xet-auth"'
    return {"X-Xet-Hash": file_id, "Link": link}


def fileinfo_response(
    ctx: Ctx, repo: Repo, commit: str, entry: FileEntry, headers: dict[str, str]
) -> Response | None:
    """huggingface.js's ``Accept: application/vnd.xet-fileinfo+json`` probe of a Xet file."""
    if FILEINFO_TYPE not in ctx.request.headers.get("accept", ""):
        return None
    file_id = xet_hash(ctx, repo, entry)
    if file_id is None:
        return None
    refresh = _token_url(ctx, repo, "read", commit)
    reconstruction = f"{_cas_url(ctx)}/v1/reconstructions/{file_id}"
    answer = {
        **headers,
        "X-Xet-Hash": file_id,
        "X-Linked-Size": str(entry.size),
        "X-Linked-Etag": f'"{entry.sha256}"',
        "ETag": f'"{entry.oid}"',
        "Link": f'<{refresh}>; rel="xet-auth", <{reconstruction}>; rel="xet-reconstruction-info"',
    }
    body = {"hash": file_id, "size": entry.size, "refreshUrl": refresh}
    return json_response(body, headers=answer, media_type=FILEINFO_TYPE)


def batch_answer(ctx: Ctx, repo: Repo, body: dict[str, Any]) -> dict[str, Any] | None:
    """The LFS batch answer ``"transfer": "xet"`` for an upload that offers it, else ``None``.

    Each object not yet held gets ``actions.upload``: the write-token URL as ``href`` and the
    token itself in ``header`` (huggingface.js reads both).
    """
    service = _service(ctx)
    transfers = body.get("transfers")
    if service is None or not isinstance(transfers, list) or "xet" not in transfers:
        return None
    ref = body.get("ref")
    name = ref.get("name") if isinstance(ref, dict) else None
    revision = name if isinstance(name, str) and name else "main"
    revision = revision.removeprefix("refs/heads/")
    href = _token_url(ctx, repo, "write", revision)
    header = {**_connection(ctx, service, repo, "write"), "X-Xet-Session-Id": uuid.uuid4().hex}
    scope = scope_of(repo)
    objects: list[dict[str, Any]] = []
    for item in body.get("objects", []):
        if not isinstance(item, dict) or not isinstance(item.get("oid"), str):
            objects.append({"oid": "", "size": 0, "error": {"code": 422, "message": "Invalid"}})
            continue
        oid, size = item["oid"].lower(), item.get("size")
        answer: dict[str, Any] = {"oid": item["oid"], "size": size}
        held = repo.holds_lfs(oid) or service.store.file_by_sha256(scope, oid) is not None
        if not held:
            answer["authenticated"] = True
            answer["actions"] = {
                "upload": {
                    "href": href,
                    "header": header,
                    "expires_at": time.strftime(
                        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(header["X-Xet-Token-Expiration"]))
                    ),
                }
            }
        objects.append(answer)
    return {"transfer": "xet", "objects": objects, "hash_algo": "sha256"}


async def link_lfs_objects(ctx: Ctx, repo: Repo, oids: list[str]) -> None:
    """Store, as plain LFS objects, the Xet files of this repo that a commit names by sha256.

    The bytes are rebuilt from the xorbs and checked against the sha256 before anything is
    stored; a Xet file whose content does not match refuses the commit (422).
    """
    service = _service(ctx)
    if service is None:
        return
    objects = ctx.store.objects
    scope = scope_of(repo)
    for oid in dict.fromkeys(o.lower() for o in oids):
        if repo.holds_lfs(oid):
            continue
        stored = service.store.file_by_sha256(scope, oid)
        if stored is None:
            continue
        if not objects.has(oid):
            writer = objects.writer()

            def build(writer: Any = writer, stored: Any = stored) -> None:
                service.store.materialize(stored, writer.write)

            try:
                await anyio.to_thread.run_sync(build)
                await anyio.to_thread.run_sync(writer.finish, oid, stored.size)
            except (ValueError, XetFormatError, OSError) as exc:
                writer.abort()
                raise HubError(
                    422, f"The Xet file uploaded for {oid} does not match that sha256: {exc}"
                ) from None
        repo.add_lfs([oid])  # the repo uploaded it (through Xet): it holds the object


async def _other_token_url(ctx: Ctx, **_: str) -> Response:
    raise HubError(404, "Not found: no Xet token for this URL")


ROUTES = [
    Route("GET", "/api/{types}/{repo}/xet-read-token/{rev}", read_token),
    Route("GET", "/api/{types}/{repo}/xet-write-token/{rev}", write_token),
    Route(("GET", "POST"), "/api/{types}/{repo_id}/xet-read-token/{rest*}", _other_token_url),
    Route(("GET", "POST"), "/api/{types}/{repo_id}/xet-write-token/{rest*}", _other_token_url),
]
