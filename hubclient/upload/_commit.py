"""``create_commit`` and ``preupload_lfs_files``: the phases, in order, and the NDJSON commit.

plan → [validate README] → preupload (batches) → hash (threads) → LFS batch → transfers →
copies → drop no-ops → commit (one POST, never retried). Cancelling at any point stops every
transfer and sends no commit.
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from hubclient._answers import parse_json
from hubclient._http import HubHttp, error_from_response
from hubclient._reporting import Reporter
from hubclient._urls import (
    DEFAULT_REVISION,
    api_prefix,
    commit_path,
    normalize_repo_type,
    paths_info_path,
    repo_info_path,
    resolve_path,
    url_prefix,
    validate_repo_id,
)
from hubclient.errors import (
    EntryNotFoundError,
    FileDuplicationError,
    HfHubHTTPError,
    NothingToCommitWarning,
)
from hubclient.models.commits import (
    CommitHeaderLine,
    CommitHeaderValue,
    CommitInfo,
    CommitLfsFileLine,
    CommitLfsFileValue,
    CommitOperation,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    CommitPathLine,
    CommitPathValue,
    CommitResponse,
    ValidateYamlResponse,
)
from hubclient.progress import FileState, Phase, ProgressCallback
from hubclient.upload._context import UploadContext
from hubclient.upload._errors import CommitConflictError, hint_for_commit_error
from hubclient.upload._lfs import upload_lfs_additions
from hubclient.upload._options import UploadOptions
from hubclient.upload._plan import Addition, hash_additions, plan_additions
from hubclient.upload._source import SourceChangedError, source_for

__all__ = ["PreuploadedFile", "create_commit", "preupload_lfs_files"]

_COMMIT_OID = re.compile(r"[A-Fa-f0-9]{5,40}")
_B64_STEP = 3 * 1024 * 1024  # a multiple of 3, so chunk encodings concatenate
_SMALL_READ_GROUP = 1024 * 1024
_PATHS_INFO_BATCH = 500
_SMALL_COMMIT = 32 * 1024 * 1024  # NDJSON bodies up to this size are sent from one buffer
_FILE_LINE_PREFIX = b'{"key": "file", "value": {"content": "'


@dataclass(frozen=True, slots=True)
class PreuploadedFile:
    """One LFS file handled by ``preupload_lfs_files``.

    Attributes:
        path_in_repo: where it will be committed.
        sha256: its LFS oid.
        size: its size in bytes.
        uploaded: True if its content was sent now; False if the Hub already had it.
    """

    path_in_repo: str
    sha256: str
    size: int
    uploaded: bool


def _context(
    http: HubHttp,
    repo_id: str,
    repo_type: str | None,
    revision: str | None,
    create_pr: bool | None,
    token: str | bool | None,
    options: UploadOptions | None,
    progress: ProgressCallback | None,
) -> UploadContext:
    return UploadContext(
        http=http,
        repo_id=validate_repo_id(repo_id),
        repo_type=normalize_repo_type(repo_type),
        revision=revision or DEFAULT_REVISION,
        create_pr=bool(create_pr),
        token=token,
        options=options or UploadOptions(),
        reporter=Reporter(progress),
    )


def _parents(path: str) -> list[str]:
    """``"a/b/c.txt"`` → ``["a/b", "a"]`` (what ``PurePosixPath.parents`` gives, without ".")."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _warn_on_overwrites(operations: Sequence[CommitOperation]) -> None:
    additions_under: dict[str, int] = defaultdict(int)
    for op in operations:
        if isinstance(op, CommitOperationAdd):
            if additions_under[op.path_in_repo] > 0:
                warnings.warn(
                    f"About to update the same file twice in one commit: {op.path_in_repo!r}.",
                    stacklevel=4,
                )
            additions_under[op.path_in_repo] += 1
            for parent in _parents(op.path_in_repo):
                additions_under[parent] += 1
        elif (
            isinstance(op, CommitOperationDelete)
            and additions_under[op.path_in_repo.rstrip("/")] > 0
        ):
            what = "folder holding files" if op.is_folder else "file"
            warnings.warn(
                f"About to delete a {what} added earlier in the same commit: {op.path_in_repo!r}.",
                stacklevel=4,
            )


async def _validate_readme(ctx: UploadContext, content: bytes) -> None:
    response = await ctx.http.request(
        "POST",
        "/api/validate-yaml",
        json={"content": content.decode("utf-8", errors="replace"), "repoType": ctx.repo_type},
        token=ctx.token,
        raise_for_status=False,
    )
    try:
        answer = parse_json(response, ValidateYamlResponse.model_validate)
    except HfHubHTTPError:  # only warnings are read from it: an odd answer is no answer
        answer = ValidateYamlResponse()
    notes = "\n".join(f"- {w.get('message')}" for w in answer.warnings)
    if notes:
        warnings.warn(f"Warnings while validating metadata in README.md:\n{notes}", stacklevel=4)
    if response.status_code == 400:
        problems = "\n".join(f"- {e.get('message')}" for e in answer.errors)
        raise ValueError(
            f"Invalid metadata in README.md; fix its YAML header and retry.\n{problems}"
        )
    if response.status_code >= 400:
        raise error_from_response(response, method="POST")


def _read_op(op: CommitOperationAdd) -> bytes:
    return source_for(op.path_or_fileobj).read_all()


async def _plan_additions(
    ctx: UploadContext,
    ops: Sequence[CommitOperationAdd],
    gitignore_content: str | None,
    *,
    validate_readme: bool,
) -> list[Addition]:
    ctx.reporter.phase(Phase.PLANNING, files=len(ops))
    if validate_readme:
        readme = next((op for op in ops if op.path_in_repo == "README.md"), None)
        if readme is not None:
            await _validate_readme(ctx, await anyio.to_thread.run_sync(_read_op, readme))
    if gitignore_content is None:
        gitignore = next((op for op in ops if op.path_in_repo == ".gitignore"), None)
        if gitignore is not None:
            raw = await anyio.to_thread.run_sync(_read_op, gitignore)
            gitignore_content = raw.decode("utf-8", errors="replace")
    additions = await plan_additions(ctx, ops, gitignore_content)
    await hash_additions(ctx, additions)
    return additions


async def preupload_lfs_files(
    http: HubHttp,
    repo_id: str,
    additions: Iterable[CommitOperationAdd],
    *,
    token: str | bool | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    create_pr: bool | None = None,
    gitignore_content: str | None = None,
    options: UploadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> list[PreuploadedFile]:
    """Upload the LFS content of ``additions`` now, for a later ``create_commit``.

    The operations are not modified. Returns the LFS files handled (sent now or already held
    by the Hub); regular files and files ignored by ``.gitignore`` are left for the commit.
    """
    ops = list(additions)
    ctx = _context(http, repo_id, repo_type, revision, create_pr, token, options, progress)
    try:
        planned = await _plan_additions(ctx, ops, gitignore_content, validate_readme=False)
        results = await upload_lfs_additions(ctx, planned)
    except HfHubHTTPError as err:
        _add_hint(err, ctx.repo_id, deleting=False)
        raise
    ctx.reporter.phase(Phase.DONE)
    return [PreuploadedFile(a.path, a.sha256 or "", a.size, uploaded=sent) for a, sent in results]


def _add_hint(err: HfHubHTTPError, repo_id: str, *, deleting: bool) -> None:
    hint = hint_for_commit_error(err, repo_id, deleting=deleting)
    if hint and hint not in str(err):
        err.append_to_message(hint)


# ---------------------------------------------------------------------------- copies


@dataclass
class _CopySource:
    """What a copy puts in the commit: an LFS pointer (sha256) or regular content."""

    lfs_oid: str | None
    content: bytes | None
    blob_id: str | None
    xet_hash: str | None = None
    path: str = ""


#: A copy's source: (src_repo_id, src_repo_type, path, src_revision); the repo is None for a
#: copy within the repo committed to.
_SourceKey = tuple[str | None, str | None, str, str | None]


def _source_key(op: CommitOperationCopy) -> _SourceKey:
    return (op.src_repo_id, op.src_repo_type, op.src_path_in_repo, op.src_revision)


async def _paths_info(
    ctx: UploadContext,
    paths: Sequence[str],
    revision: str,
    repo: tuple[str, str] | None = None,
) -> list[Any]:
    repo_id, repo_type = repo if repo is not None else (ctx.repo_id, ctx.repo_type)
    out: list[Any] = []
    for start in range(0, len(paths), _PATHS_INFO_BATCH):
        response = await ctx.http.request(
            "POST",
            paths_info_path(repo_type, repo_id, revision),
            data={"paths": list(paths[start : start + _PATHS_INFO_BATCH]), "expand": "false"},
            token=ctx.token,
        )
        payload: Any = parse_json(response, expected="a JSON array of files")
        if isinstance(payload, list):
            out.extend(p for p in payload if isinstance(p, dict))
    return out


async def _fetch_copy_sources(
    ctx: UploadContext, copies: Sequence[CommitOperationCopy]
) -> tuple[dict[_SourceKey, _CopySource], dict[str, str]]:
    """Source facts per copy source, and the current blob ids of the destinations."""
    if not copies:
        return {}, {}
    dest_oids: dict[str, str] = {}
    for entry in await _paths_info(ctx, [c.path_in_repo for c in copies], ctx.revision):
        if entry.get("type") == "file" and isinstance(entry.get("oid"), str):
            dest_oids[entry["path"]] = entry["oid"]
    sources: dict[_SourceKey, _CopySource] = {}
    groups: dict[tuple[str | None, str | None, str | None], list[CommitOperationCopy]]
    groups = defaultdict(list)
    for copy in copies:
        groups[(copy.src_repo_id, copy.src_repo_type, copy.src_revision)].append(copy)
    for (src_repo_id, src_repo_type, src_revision), group in groups.items():
        other = (
            (src_repo_id, normalize_repo_type(src_repo_type)) if src_repo_id is not None else None
        )
        repo_id, repo_type = other if other is not None else (ctx.repo_id, ctx.repo_type)
        revision = src_revision or (DEFAULT_REVISION if other is not None else ctx.revision)
        wanted = sorted({c.src_path_in_repo for c in group})
        for entry in await _paths_info(ctx, wanted, revision, other):
            path = entry.get("path")
            if not isinstance(path, str):
                continue
            if entry.get("type") != "file":
                raise NotImplementedError(f"Copying a folder is not supported ({path!r}).")
            key = (src_repo_id, src_repo_type, path, src_revision)
            lfs = entry.get("lfs")
            blob_id = entry.get("oid") if isinstance(entry.get("oid"), str) else None
            if isinstance(lfs, dict) and isinstance(lfs.get("oid"), str):
                xet = entry.get("xetHash") if isinstance(entry.get("xetHash"), str) else None
                sources[key] = _CopySource(lfs["oid"], None, blob_id, xet, path)
            else:
                response = await ctx.http.request(
                    "GET",
                    resolve_path(repo_type, repo_id, path, revision),
                    token=ctx.token,
                    follow_redirects="any",
                )
                sources[key] = _CopySource(None, response.content, blob_id, None, path)
        for copy in group:
            if _source_key(copy) not in sources:
                where = f" of {repo_type} {repo_id}" if other is not None else ""
                raise EntryNotFoundError(
                    f"Cannot copy {copy.src_path_in_repo!r} at revision {revision!r}{where}: "
                    "the file is not in the repo at that revision."
                )
    return sources, dest_oids


async def _duplicate_lfs(
    ctx: UploadContext,
    copies: Sequence[CommitOperationCopy],
    sources: dict[_SourceKey, _CopySource],
) -> None:
    """Make the destination hold the LFS objects it copies from other repos: the source repo's
    ``lfs-files/duplicate`` copies them server side (a repo never gets an object by naming its
    sha256 alone)."""
    by_repo: dict[tuple[str, str], dict[str, _CopySource]] = defaultdict(dict)
    for copy in copies:
        source = sources[_source_key(copy)]
        if copy.src_repo_id is None or source.lfs_oid is None:
            continue
        by_repo[(copy.src_repo_id, normalize_repo_type(copy.src_repo_type))][source.lfs_oid] = (
            source
        )
    target = {"type": ctx.repo_type, "name": ctx.repo_id}
    for (repo_id, repo_type), objects in by_repo.items():
        files: list[dict[str, str]] = []
        for oid, source in objects.items():
            item = {"sha256": oid, "filename": source.path}
            if source.xet_hash is not None:
                item["xetHash"] = source.xet_hash
            files.append(item)
        for start in range(0, len(files), _PATHS_INFO_BATCH):
            response = await ctx.http.request(
                "POST",
                f"{api_prefix(repo_type, repo_id)}/lfs-files/duplicate",
                json={"target": target, "files": files[start : start + _PATHS_INFO_BATCH]},
                token=ctx.token,
            )
            answer: Any = parse_json(response, expected="the LFS files duplicated")
            failed = answer.get("failed") if isinstance(answer, dict) else None
            if failed:
                lines = [
                    f"  - {f.get('sha256')}: {f.get('error')}"
                    for f in failed
                    if isinstance(f, dict)
                ]
                raise FileDuplicationError(
                    f"Failed to copy LFS files from {repo_type}s/{repo_id} to "
                    f"{ctx.repo_type}s/{ctx.repo_id}:\n" + "\n".join(lines)
                )


# ---------------------------------------------------------------------------- NDJSON body


def _line(model: Any) -> bytes:
    return json.dumps(model.wire()).encode() + b"\n"


def _b64_len(size: int) -> int:
    return 4 * ((size + 2) // 3)


@dataclass
class _ContentLine:
    """A ``file`` line whose base64 content is streamed between ``prefix`` and ``suffix``."""

    prefix: bytes
    suffix: bytes
    addition: Addition | None
    inline: bytes | None

    @classmethod
    def build(cls, path: str, addition: Addition | None, inline: bytes | None) -> _ContentLine:
        # Exactly ``_line(CommitFileLine(value=CommitFileValue(content=..., path=path)))``
        # (Python's default JSON separators), split around the content; spelled out because
        # it runs once per file of the commit.
        suffix = b'", "path": ' + json.dumps(path).encode() + b', "encoding": "base64"}}\n'
        return cls(_FILE_LINE_PREFIX, suffix, addition, inline)

    @property
    def size(self) -> int:
        n = self.addition.size if self.addition is not None else len(self.inline or b"")
        return len(self.prefix) + _b64_len(n) + len(self.suffix)


_Line = bytes | _ContentLine


def _commit_lines(
    operations: Sequence[CommitOperation],
    additions: dict[int, Addition],
    copy_sources: dict[_SourceKey, _CopySource],
    header: CommitHeaderValue,
) -> list[_Line]:
    lines: list[_Line] = [_line(CommitHeaderLine(value=header))]
    for op in operations:
        if isinstance(op, CommitOperationAdd):
            addition = additions[id(op)]
            if addition.should_ignore:
                continue
            if addition.upload_mode == "lfs":
                value = CommitLfsFileValue(
                    path=op.path_in_repo, oid=addition.sha256 or "", size=addition.size
                )
                lines.append(_line(CommitLfsFileLine(value=value)))
            else:
                memory = addition.source.in_memory()
                if memory is not None:
                    lines.append(_ContentLine.build(op.path_in_repo, None, memory))
                else:
                    lines.append(_ContentLine.build(op.path_in_repo, addition, None))
        elif isinstance(op, CommitOperationDelete):
            key = "deletedFolder" if op.is_folder else "deletedFile"
            lines.append(
                _line(CommitPathLine(key=key, value=CommitPathValue(path=op.path_in_repo)))
            )
        else:
            source = copy_sources[_source_key(op)]
            if source.lfs_oid is not None:
                value = CommitLfsFileValue(path=op.path_in_repo, oid=source.lfs_oid)
                lines.append(_line(CommitLfsFileLine(value=value)))
            else:
                lines.append(_ContentLine.build(op.path_in_repo, None, source.content or b""))
    return lines


def _read_group(additions: Sequence[Addition]) -> list[bytes]:
    return [a.source.read_all() for a in additions]


async def _stream_lines(ctx: UploadContext, lines: Sequence[_Line]) -> AsyncIterator[bytes]:
    """The NDJSON body, reading regular files as it goes (small ones grouped per thread call)."""
    index = 0
    while index < len(lines):
        line = lines[index]
        if isinstance(line, bytes):
            yield line
            index += 1
            continue
        if line.inline is not None:
            yield line.prefix + base64.b64encode(line.inline) + line.suffix
            index += 1
            continue
        assert line.addition is not None
        if line.addition.size > _SMALL_READ_GROUP:
            yield line.prefix
            reader = await anyio.to_thread.run_sync(line.addition.source.open)
            try:
                done = 0
                while done < line.addition.size:
                    n = min(_B64_STEP, line.addition.size - done)
                    await ctx.budget.acquire(n)
                    try:
                        data = await anyio.to_thread.run_sync(reader.read_at, done, n)
                        if len(data) != n:
                            raise SourceChangedError(f"{line.addition.source.description} changed")
                        encoded = base64.b64encode(data)
                    finally:
                        ctx.budget.release(n)
                    done += n
                    yield encoded
            finally:
                reader.close()
            yield line.suffix
            index += 1
            continue
        group: list[_ContentLine] = []
        total = 0
        while index < len(lines):
            candidate = lines[index]
            if (
                isinstance(candidate, bytes)
                or candidate.addition is None
                or candidate.addition.size > _SMALL_READ_GROUP
                or (group and total + candidate.addition.size > _SMALL_READ_GROUP)
            ):
                break
            group.append(candidate)
            total += candidate.addition.size
            index += 1
        contents = await anyio.to_thread.run_sync(
            _read_group, [g.addition for g in group if g.addition is not None]
        )
        for item, content in zip(group, contents, strict=True):
            if item.addition is not None and len(content) != item.addition.size:
                raise SourceChangedError(f"{item.addition.source.description} changed")
            yield item.prefix + base64.b64encode(content) + item.suffix


async def _coalesce(chunks: AsyncIterator[bytes], size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    """Regroup many small pieces into writes of about ``size`` bytes (far cheaper for both
    ends than one write per NDJSON line)."""
    buffer = bytearray()
    async for chunk in chunks:
        buffer += chunk
        if len(buffer) >= size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


# ---------------------------------------------------------------------------- create_commit


def _repo_url_prefix(http: HubHttp, ctx: UploadContext) -> str:
    return f"{http.endpoint.rstrip('/')}/{url_prefix(ctx.repo_type)}{ctx.repo_id}"


async def create_commit(
    http: HubHttp,
    repo_id: str,
    operations: Iterable[CommitOperation],
    *,
    commit_message: str,
    commit_description: str | None = None,
    token: str | bool | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    create_pr: bool | None = None,
    parent_commit: str | None = None,
    options: UploadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> CommitInfo:
    """The engine behind ``AsyncHubClient.create_commit`` (see its docstring)."""
    if parent_commit is not None and not _COMMIT_OID.fullmatch(parent_commit):
        raise ValueError(
            f"parent_commit {parent_commit!r} is not a commit sha (5 to 40 hex characters)."
        )
    if not commit_message:
        raise ValueError("commit_message can't be empty, please pass a value.")
    description = commit_description or ""
    ops = list(operations)
    for op in ops:
        if not isinstance(op, (CommitOperationAdd, CommitOperationDelete, CommitOperationCopy)):
            raise TypeError(f"Not a commit operation: {op!r}")
    ctx = _context(http, repo_id, repo_type, revision, create_pr, token, options, progress)
    add_ops = [op for op in ops if isinstance(op, CommitOperationAdd)]
    copies = [op for op in ops if isinstance(op, CommitOperationCopy)]
    deleting = any(isinstance(op, CommitOperationDelete) for op in ops)
    if ctx.repo_type != "dataset":
        for op in add_ops:
            if op.path_in_repo.endswith((".arrow", ".parquet")):
                warnings.warn(
                    f"{op.path_in_repo!r} looks like a data file committed to a {ctx.repo_type} "
                    "repo; pass repo_type='dataset' if it is a dataset.",
                    stacklevel=3,
                )
    _warn_on_overwrites(ops)

    try:
        planned = await _plan_additions(ctx, add_ops, None, validate_readme=True)
        await upload_lfs_additions(ctx, planned)
        copy_sources, dest_oids = await _fetch_copy_sources(ctx, copies)
        by_op = {id(a.op): a for a in planned}
        skipped: set[int] = set()

        deleted = {
            op.path_in_repo.rstrip("/") for op in ops if isinstance(op, CommitOperationDelete)
        }

        def is_deleted(path: str) -> bool:
            return bool(deleted) and (path in deleted or any(p in deleted for p in _parents(path)))

        kept: list[CommitOperation] = []
        unchanged: list[Addition] = []
        for op in ops:
            if isinstance(op, CommitOperationAdd):
                addition = by_op[id(op)]
                if addition.unchanged and not is_deleted(op.path_in_repo):
                    unchanged.append(addition)
                    continue
            elif isinstance(op, CommitOperationCopy):
                source = copy_sources[_source_key(op)]
                dest = dest_oids.get(op.path_in_repo)
                if dest is not None and dest == source.blob_id and not is_deleted(op.path_in_repo):
                    skipped.add(id(op))
                    continue
            kept.append(op)

        # the regular files travel in the commit body: they count as bytes sent by it; the
        # unchanged ones need no transfer at all
        regular = [
            by_op[id(op)]
            for op in kept
            if isinstance(op, CommitOperationAdd) and by_op[id(op)].upload_mode == "regular"
        ]
        regular_bytes = sum(a.size for a in regular)
        ctx.reporter.expect_more(
            len(regular) + len(unchanged), regular_bytes + sum(a.size for a in unchanged)
        )
        for addition in unchanged:
            ctx.reporter.skipped(addition.path, addition.size)
        if not kept:
            return await _no_op_commit_info(ctx, commit_message, description)
        await _duplicate_lfs(ctx, [op for op in copies if id(op) not in skipped], copy_sources)

        header = CommitHeaderValue(
            summary=commit_message, description=description, parent_commit=parent_commit
        )
        lines = _commit_lines(kept, by_op, copy_sources, header)
        ctx.reporter.phase(Phase.COMMITTING, files=len(kept), total_bytes=regular_bytes)
        answer = await send_commit(ctx, lines, parent_commit)
    except HfHubHTTPError as err:
        _add_hint(err, ctx.repo_id, deleting=deleting)
        raise
    if ctx.reporter.enabled:
        for addition in regular:
            ctx.reporter.file(addition.path, FileState.DONE, addition.size, addition.size)
    ctx.reporter.finished_many(len(regular), regular_bytes)
    ctx.reporter.phase(Phase.DONE)
    info = CommitInfo(
        commit_url=answer.commit_url,
        commit_message=commit_message,
        commit_description=description,
        oid=answer.commit_oid,
        pr_url=answer.pull_request_url if ctx.create_pr else None,
    )
    info.xet = ctx.xet
    return info


async def send_commit(
    ctx: UploadContext, lines: Sequence[_Line], parent_commit: str | None
) -> CommitResponse:
    """POST the NDJSON commit made of ``lines`` (never retried: a commit is not idempotent).

    Raises :class:`CommitConflictError` on 409/412 and the typed HTTP errors otherwise.
    """
    length = sum(len(line) if isinstance(line, bytes) else line.size for line in lines)
    body: bytes | Callable[[], AsyncIterator[bytes]]
    if length <= _SMALL_COMMIT:  # one buffer: fewer, larger writes for both sides
        body = b"".join([chunk async for chunk in _stream_lines(ctx, lines)])
    else:  # streamed from disk, memory bounded; made again if a redirect (renamed repo) asks
        body = lambda: _coalesce(_stream_lines(ctx, lines))  # noqa: E731
    response = await ctx.http.request(
        "POST",
        commit_path(ctx.repo_type, ctx.repo_id, ctx.revision),
        content=body,
        headers={"content-type": "application/x-ndjson", "content-length": str(length)},
        params={"create_pr": "1"} if ctx.create_pr else None,
        token=ctx.token,
        retry=False,
        raise_for_status=False,
    )
    if response.status_code in (409, 412):
        raise _conflict(response, parent_commit)
    if response.status_code >= 400:
        raise error_from_response(response, method="POST")
    return parse_json(response, CommitResponse.model_validate, expected="a commit answer")


def _conflict(response: Any, parent_commit: str | None) -> CommitConflictError:
    base = error_from_response(response, method="POST")
    what = (
        f"the branch no longer points to parent_commit {parent_commit!r}"
        if parent_commit and response.status_code == 412
        else "another commit landed on the branch first"
    )
    message = (
        f"{base}\nNothing was committed: {what}. Read the branch head again "
        "(repo_info(...).sha), check your change against it, and retry with that parent_commit."
    )
    return CommitConflictError(
        message,
        status_code=base.status_code,
        url=base.url,
        method=base.method,
        request_id=base.request_id,
        server_message=base.server_message,
        error_code=base.error_code,
        headers=base.headers,
    )


async def _no_op_commit_info(ctx: UploadContext, message: str, description: str) -> CommitInfo:
    warnings.warn(
        "No files have been modified since the last commit; no commit was created.",
        NothingToCommitWarning,
        stacklevel=4,
    )
    response = await ctx.http.request(
        "GET", repo_info_path(ctx.repo_type, ctx.repo_id, ctx.revision), token=ctx.token
    )
    sha = parse_json(
        response, lambda info: str(info["sha"]), expected="a repo info with a commit sha"
    )
    ctx.reporter.phase(Phase.DONE)
    return CommitInfo(
        commit_url=f"{_repo_url_prefix(ctx.http, ctx)}/commit/{sha}",
        commit_message=message,
        commit_description=description,
        oid=sha,
    )
