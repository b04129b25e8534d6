"""The git-lfs batch API (basic and multipart), multipart completion, and verify."""

from __future__ import annotations

import re
from typing import Any

import anyio
from starlette.responses import Response

from hubclient.testing import _api_xet
from hubclient.testing._errors import HubError
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["batch", "complete_multipart", "verify"]

_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
LFS_JSON = "application/vnd.git-lfs+json"


def _object_answer(
    ctx: Ctx, repo: Repo, item: Any, operation: str, transfers: list[str]
) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"oid": "", "size": 0, "error": {"code": 422, "message": "Invalid object"}}
    oid, size = item.get("oid"), item.get("size")
    answer: dict[str, Any] = {"oid": oid, "size": size}
    if not isinstance(oid, str) or not _SHA256.match(oid):
        answer["error"] = {"code": 422, "message": f"Invalid oid {oid!r}: expected a sha256 hex"}
        return answer
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        answer["error"] = {"code": 422, "message": f"Invalid size {size!r}"}
        return answer
    objects = ctx.store.objects
    # an object counts as stored only for a repo that holds it: the bytes of another repo
    # (maybe a private one) are never "already there" for this one
    stored = objects.size(oid) if repo.holds_lfs(oid) else None
    signer = ctx.state.signer
    if operation == "download":
        if stored is None:
            answer["error"] = {"code": 404, "message": f"Object {oid} does not exist"}
            return answer
        path = f"/lfs/{oid}"
        answer["authenticated"] = True
        answer["actions"] = {
            "download": {
                "href": f"{ctx.storage_url}{path}?{signer.query('GET', path)}",
                "expires_in": int(signer.ttl),
            }
        }
        return answer
    if stored is not None:
        if stored != size:
            answer["error"] = {
                "code": 422,
                "message": f"Object {oid} already exists with size {stored}, not {size}",
            }
        return answer  # already stored: no actions
    answer["authenticated"] = True
    config = ctx.config
    # git-lfs sends the action's headers and nothing else: the credentials of the batch
    # request go along (huggingface_hub ignores them and sends its own)
    authorization = ctx.request.headers.get("authorization")
    verify = {
        "href": f"{ctx.repo_url(repo)}.git/info/lfs/objects/verify",
        "header": {"Authorization": authorization} if authorization else {},
    }
    if size >= config.lfs_multipart_threshold and "multipart" in transfers:
        session = objects.start_upload(oid, size, config.lfs_chunk_size, repo.uid)
        header: dict[str, str] = {"chunk_size": str(session.chunk_size)}
        for number in range(1, session.parts + 1):
            path = f"/parts/{session.id}/{number}"
            header[f"{number:05d}"] = f"{ctx.storage_url}{path}?{signer.query('PUT', path)}"
        done = f"/api/lfs/complete/{session.id}"
        answer["actions"] = {
            "upload": {
                "href": f"{ctx.hub_url}{done}?{signer.query('POST', done)}",
                "header": header,
                "expires_in": int(signer.ttl),
            },
            "verify": verify,
        }
    else:
        path = f"/lfs/{oid}"
        # the signed URL names the repo: the storage records that it holds the object
        query = signer.query("PUT", path, {"repo": repo.uid})
        answer["actions"] = {
            "upload": {
                "href": f"{ctx.storage_url}{path}?{query}",
                "expires_in": int(signer.ttl),
            },
            "verify": verify,
        }
    return answer


_CHALLENGE = {
    "LFS-Authenticate": 'Basic realm="Git LFS"',
    "WWW-Authenticate": 'Basic realm="Git LFS"',
}


async def batch(ctx: Ctx, repo: Repo) -> Response:
    try:
        return await _batch(ctx, repo)
    except HubError as error:
        if error.status == 401:  # git-lfs asks its credential helper on this challenge
            error.headers.update(_CHALLENGE)
        raise


async def _batch(ctx: Ctx, repo: Repo) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("objects"), list):
        raise HubError(422, "Expected a git-lfs batch request with 'objects'")
    operation = body.get("operation", "upload")
    if operation == "upload":
        ctx.check_contribute(repo)  # community pull requests upload too
    elif operation == "download":
        ctx.check_gated(repo)
    else:
        raise HubError(422, f"Unknown operation {operation!r}")
    hash_algo = str(body.get("hash_algo", "sha256")).lower()
    if hash_algo not in ("sha256", "sha_256"):
        raise HubError(409, f"Unsupported hash algorithm {hash_algo!r}")
    if operation == "upload":
        xet = _api_xet.batch_answer(ctx, repo, body)
        if xet is not None:
            return json_response(xet, media_type=LFS_JSON)
    transfers = body.get("transfers") or ["basic"]
    if not isinstance(transfers, list):
        transfers = ["basic"]
    objects = [_object_answer(ctx, repo, item, operation, transfers) for item in body["objects"]]
    return json_response(
        {"transfer": "basic", "objects": objects, "hash_algo": "sha256"}, media_type=LFS_JSON
    )


def _strip_etag(value: Any) -> str:
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    return text.strip('"')


async def complete_multipart(ctx: Ctx, upload_id: str) -> Response:
    request = ctx.request
    problem = ctx.state.signer.check("POST", request.url.path, request.query_params.multi_items())
    if problem:
        raise HubError(403, f"Invalid completion URL: {problem}")
    objects = ctx.store.objects
    session = objects.upload(upload_id)
    if session is None:
        raise HubError(404, f"Unknown upload {upload_id}")
    body = await ctx.json_body()
    if not isinstance(body, dict) or body.get("oid") != session.oid:
        raise HubError.bad_request(f"The completion must name the object {session.oid}")
    parts = body.get("parts")
    if not isinstance(parts, list):
        raise HubError.bad_request("Missing 'parts'")
    repo = ctx.store.by_uid(session.repo)
    if repo is None:
        raise HubError(404, f"The repo of upload {upload_id} no longer exists")
    if objects.has(session.oid) and repo.holds_lfs(session.oid):
        objects.drop_upload(session)
        return json_response({}, media_type=LFS_JSON)  # already complete (a retried completion)
    given: dict[int, str] = {}
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get("partNumber"), int):
            raise HubError.bad_request("Each part needs 'partNumber' and 'etag'")
        given[part["partNumber"]] = _strip_etag(part.get("etag", ""))
    if sorted(given) != list(range(1, session.parts + 1)):
        raise HubError.bad_request(f"Expected parts 1..{session.parts}, got {sorted(given)}")
    for number, etag in given.items():
        stored = objects.part_etag(session, number)
        if stored is None:
            raise HubError.bad_request(f"Part {number} was never uploaded")
        if _strip_etag(stored) != etag:
            raise HubError.bad_request(f"Part {number}: etag {etag} does not match {stored}")
    try:
        await anyio.to_thread.run_sync(objects.finish_upload, session)
    except ValueError as exc:
        raise HubError.bad_request(f"Multipart upload does not match its oid: {exc}") from exc
    repo.add_lfs([session.oid])
    objects.drop_upload(session)
    return json_response({}, media_type=LFS_JSON)


async def verify(ctx: Ctx, repo: Repo) -> Response:
    ctx.check_contribute(repo)  # unlike the presigned URLs, verify is authenticated
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError(422, "Expected {oid, size}")
    oid, size = body.get("oid"), body.get("size")
    held = isinstance(oid, str) and _SHA256.match(oid) is not None and repo.holds_lfs(oid)
    stored = ctx.store.objects.size(str(oid)) if held else None
    if stored is None:
        raise HubError(404, f"Object {oid} not found")
    if size is not None and size != stored:
        raise HubError(422, f"Object {oid} has size {stored}, not {size}")
    return json_response({}, media_type=LFS_JSON)


ROUTES = [
    Route("POST", "/{prefix?}/{repo.git}/info/lfs/objects/batch", batch),
    Route("POST", "/{prefix?}/{repo.git}/info/lfs/objects/verify", verify),
    Route("POST", "/api/lfs/complete/{upload_id}", complete_multipart),
]
