"""Hub handlers that write: preupload (regular or LFS, ignored or not) and the NDJSON commit."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from hubclient.testing import _api_discussions, _api_xet
from hubclient.testing._errors import HubError
from hubclient.testing._events import HubEvent
from hubclient.testing._operations import Delete, Operation, Put, Rename
from hubclient.testing._patterns import GitAttributes, GitIgnore
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._snapshot import Snapshot
from hubclient.testing._web import PREFIXES, Ctx, json_response

__all__ = [
    "check_regular_content",
    "clean_path",
    "commit",
    "dangling_lfs_error",
    "decide_lfs",
    "looks_binary",
    "preupload",
    "regular_put",
]

_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def looks_binary(sample: bytes) -> bool:
    """The Hub's rule: a NUL byte, or bytes that are not UTF-8 (a cut last character is fine)."""
    if b"\0" in sample:
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not (exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3)
    return False


def decide_lfs(
    path: str, size: int, sample: bytes, attributes: GitAttributes, threshold: int
) -> bool:
    return attributes.is_lfs(path) or size >= threshold or looks_binary(sample)


def check_regular_content(path: str, data: bytes, threshold: int) -> None:
    """The Hub's pre-receive checks (API commits and git pushes): big or binary content must
    go through LFS."""
    if len(data) >= threshold:
        raise HubError.bad_request(
            f"Your push was rejected because it contains files larger than "
            f"{threshold} bytes ({path}). Please use LFS."
        )
    if looks_binary(data[:512]):
        raise HubError.bad_request(
            f"Your push was rejected because it contains binary files ({path}). Please use LFS."
        )


def _text_at(ctx: Ctx, snapshot: Snapshot, path: str) -> str:
    entry = snapshot.files.get(path)
    if entry is None or entry.lfs:
        return ""
    return ctx.store.objects.read_bytes(entry.sha256).decode("utf-8", "replace")


def clean_path(path: Any) -> str:
    """A repo path as the Hub accepts it: no leading ``/`` or ``./``; no empty, ``.`` or
    ``..`` segment; no NUL (git cannot store it); no backslash and no ``.git`` segment in any
    case (git refuses to check those out, ``core.protectNTFS`` being on by default)."""
    if not isinstance(path, str) or not path:
        raise HubError.bad_request(f"Invalid path: {path!r}")
    text: str = path
    text = text.lstrip("/")
    while text.startswith("./"):
        text = text[2:]
    parts = text.split("/")
    if (
        not text
        or "\x00" in text
        or "\\" in text
        or any(p in ("", ".", "..") for p in parts)
        or any(p.lower().rstrip(". ") == ".git" or p.lower() == "git~1" for p in parts)
    ):
        raise HubError.bad_request(f"Invalid path: {text!r}")
    return text


async def preupload(ctx: Ctx, repo: Repo, revision: str) -> Response:
    ctx.check_contribute(repo)  # community pull requests upload too
    body = await ctx.json_body()
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, list):
        raise HubError.bad_request("Expected a JSON object with 'files'")
    resolved = repo.resolve(revision)
    snapshot = repo.snapshot(resolved.commit)
    attributes_text = body.get("gitAttributes")
    if not isinstance(attributes_text, str):
        attributes_text = _text_at(ctx, snapshot, ".gitattributes")
    attributes = GitAttributes.parse(attributes_text)
    ignore_text = body.get("gitIgnore")
    if not isinstance(ignore_text, str):
        ignore_text = _text_at(ctx, snapshot, ".gitignore")
    ignore = GitIgnore.parse(ignore_text)
    out: list[dict[str, Any]] = []
    for item in files:
        if not isinstance(item, dict):
            raise HubError.bad_request("Each file must be an object")
        path = clean_path(item.get("path"))
        size = item.get("size", 0)
        if not isinstance(size, int) or size < 0:
            raise HubError.bad_request(f"Invalid size for {path}")
        try:
            sample = base64.b64decode(item.get("sample") or "", validate=False)
        except (binascii.Error, ValueError) as exc:
            raise HubError.bad_request(f"Invalid sample for {path}") from exc
        lfs = decide_lfs(path, size, sample, attributes, ctx.config.lfs_size_threshold)
        answer: dict[str, Any] = {
            "path": path,
            "uploadMode": "lfs" if lfs else "regular",
            "shouldIgnore": ignore.ignores(path),
        }
        current = snapshot.files.get(path)
        if current is not None:
            answer["oid"] = current.sha256 if current.lfs else current.oid
        out.append(answer)
    return json_response({"files": out, "commitOid": resolved.commit})


def _parse_lines(raw: bytes) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    header: dict[str, Any] | None = None
    operations: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise HubError.bad_request(f"Invalid JSON on line {number}: {exc}") from exc
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise HubError.bad_request(f"Line {number} must be {{'key': ..., 'value': {{...}}}}")
        key, value = item.get("key"), item["value"]
        if key == "header":
            if header is not None or operations:
                raise HubError.bad_request("The header must be the first line, and only once")
            header = value
        else:
            operations.append((str(key), value))
    if header is None:
        raise HubError.bad_request("Missing the header line")
    return header, operations


@dataclass(frozen=True)
class Dangling:
    """An ``lfsFile`` whose object this repo does not hold (never uploaded to it)."""

    path: str


def regular_put(ctx: Ctx, path: str, value: dict[str, Any]) -> Put:
    """A regular file of a commit (``{"content", "encoding"}``: base64 or utf-8), stored."""
    content = value.get("content")
    if not isinstance(content, str):
        raise HubError.bad_request(f"Missing content for {path}")
    encoding = str(value.get("encoding", "base64")).lower()
    if encoding == "base64":
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise HubError.bad_request(f"Invalid base64 content for {path}") from exc
    elif encoding in ("utf-8", "utf8"):
        data = content.encode("utf-8")
    else:
        raise HubError.bad_request(f"Unknown encoding {encoding!r} for {path}")
    check_regular_content(path, data, ctx.config.lfs_size_threshold)
    return Put(path, ctx.store.objects.put_bytes(data), len(data), False, data)


def dangling_lfs_error(paths: list[str]) -> HubError:
    """The Hub's refusal of pointers to objects the repo does not hold (400, as on the Hub)."""
    return HubError.bad_request(
        "Your push was rejected because an LFS pointer pointed to a file that does not exist. "
        "For instance, this can happen if you used git push --no-verify to push your changes. "
        "Offending file: " + " ".join(f"- {p}" for p in paths)
    )


def _operation(ctx: Ctx, repo: Repo, key: str, value: dict[str, Any]) -> Operation | Dangling:
    raw_path = value.get("path")
    if key == "deletedFolder" and isinstance(raw_path, str):
        raw_path = raw_path.rstrip("/")
    path = clean_path(raw_path)
    if key == "file":
        content = value.get("content")
        if content is None and value.get("oldPath"):
            return Rename(path, clean_path(value["oldPath"]))
        return regular_put(ctx, path, value)
    if key == "lfsFile":
        oid = value.get("oid")
        if oid is None and value.get("oldPath"):
            return Rename(path, clean_path(value["oldPath"]))
        algo = str(value.get("algo", "sha256")).lower()
        if algo not in ("sha256", "sha_256") or not isinstance(oid, str):
            raise HubError.bad_request(f"Invalid LFS pointer for {path}")
        oid = oid.lower()
        if not _SHA256.match(oid):
            raise HubError.bad_request(f"Invalid LFS oid for {path}: {oid}")
        stored = ctx.store.objects.size(oid) if repo.holds_lfs(oid) else None
        if stored is None:
            return Dangling(path)
        size = value.get("size")
        if size is not None and size != stored:
            raise HubError.bad_request(f"Wrong size for {path}: {size}, the object has {stored}")
        return Put(path, oid, stored, True)
    if key == "deletedFile":
        return Delete(path)
    if key == "deletedFolder":
        return Delete(path, folder=True)
    raise HubError.bad_request(f"Unknown operation {key!r}")


async def commit(ctx: Ctx, repo: Repo, revision: str) -> Response:
    create_pr = ctx.flag("create_pr")
    pr_number = _api_discussions.pr_number_of(revision)
    if pr_number is not None:
        identity = _api_discussions.check_pr_push(ctx, repo, pr_number)
    elif create_pr:
        identity = ctx.check_contribute(repo)  # anyone may open a pull request
    else:
        identity = ctx.check_write(repo.namespace)
    raw = await ctx.request.body()
    header, lines = _parse_lines(raw)
    await _api_xet.link_lfs_objects(
        ctx, repo, [v["oid"] for k, v in lines if k == "lfsFile" and isinstance(v.get("oid"), str)]
    )
    parsed = [_operation(ctx, repo, key, value) for key, value in lines]
    dangling = [op.path for op in parsed if isinstance(op, Dangling)]
    if dangling:
        raise dangling_lfs_error(dangling)
    operations = [op for op in parsed if not isinstance(op, Dangling)]
    summary = str(header.get("summary") or "").strip() or "Commit"
    description = str(header.get("description") or "")
    parent = header.get("parentCommit") or None
    old_head = _head_or_none(repo, revision)
    new_commit, number = repo.apply(
        revision,
        operations,
        title=summary,
        description=description,
        author=identity.user,
        parent_commit=str(parent) if parent else None,
        create_pr=create_pr,
        object_size=ctx.store.objects.size,
        store_regular=ctx.store.objects.put_bytes,
    )
    base = f"{ctx.hub_url}/{PREFIXES[repo.type]}{repo.id}"
    answer: dict[str, Any] = {
        "success": True,
        "commitOid": new_commit.id,
        "commitUrl": f"{base}/commit/{new_commit.id}",
        "hookOutput": "",
    }
    if number is not None:
        answer["pullRequestUrl"] = f"{base}/discussions/{number}"
        branch = _branch_name(repo, revision) if old_head else repo.default_branch
        _api_discussions.pr_created_by_commit(ctx, repo, number, new_commit, branch, identity.user)
    elif pr_number is not None:
        _api_discussions.pr_commit_landed(ctx, repo, pr_number, new_commit, identity.user)
    ref = f"refs/pr/{number if number is not None else pr_number}"
    if number is None and pr_number is None:
        ref = f"refs/heads/{_branch_name(repo, revision) if old_head else repo.default_branch}"
    ctx.state.events.publish(
        HubEvent(
            "repo.content",
            "update",
            repo,
            ctx.hub_url,
            actor=identity.user,
            updated_refs=[(ref, None if number is not None else old_head, new_commit.id)],
        )
    )
    return json_response(answer)


def _branch_name(repo: Repo, revision: str) -> str:
    resolved = repo.resolve(revision)
    return resolved.name if resolved.kind == "branch" else repo.default_branch


def _head_or_none(repo: Repo, revision: str) -> str | None:
    try:
        return repo.resolve(revision).commit
    except HubError:
        return None


ROUTES = [
    Route("POST", "/api/{types}/{repo}/preupload/{rev}", preupload),
    Route("POST", "/api/{types}/{repo}/commit/{rev}", commit),
]
