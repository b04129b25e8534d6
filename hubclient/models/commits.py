"""Commit operations, the commit result, and the wire bodies of the upload protocol.

The operations and :class:`CommitInfo` keep ``huggingface_hub``'s names and meaning, so that code
written for ``HfApi.create_commit`` ports by adding ``await``. Unlike ``HfApi``, hubclient never
mutates an operation: the upload engine keeps its own state beside them, so one list of operations
can be passed to ``preupload_lfs_files`` and then to ``create_commit``.

Example::

    ops = [
        CommitOperationAdd("weights.bin", "./out/weights.bin"),
        CommitOperationDelete("old/", is_folder=True),
        CommitOperationCopy("config.json", "config.backup.json"),
    ]
    info = await client.create_commit("alice/model", ops, commit_message="Refresh")
    print(info.oid, info.commit_url)

The pydantic models at the end describe the JSON bodies exchanged with the Hub (preupload, LFS
batch, multipart completion, verify, the NDJSON commit lines and the commit answer); they use the
wire names as aliases and accept unknown fields.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field

from hubclient.errors import HFValidationError

__all__ = [
    "CommitFileLine",
    "CommitFileValue",
    "CommitHeaderLine",
    "CommitHeaderValue",
    "CommitInfo",
    "CommitLfsFileLine",
    "CommitLfsFileValue",
    "CommitOperation",
    "CommitOperationAdd",
    "CommitOperationCopy",
    "CommitOperationDelete",
    "CommitPathLine",
    "CommitPathValue",
    "CommitResponse",
    "InvalidPathInRepoError",
    "LfsAction",
    "LfsActions",
    "LfsBatchObject",
    "LfsBatchRequest",
    "LfsBatchResponse",
    "LfsCompletionPart",
    "LfsCompletionRequest",
    "LfsObjectError",
    "LfsObjectSpec",
    "LfsRef",
    "LfsVerifyRequest",
    "PreuploadFile",
    "PreuploadFileResult",
    "PreuploadRequest",
    "PreuploadResponse",
    "UploadMode",
    "ValidateYamlResponse",
    "XetDedup",
    "validate_path_in_repo",
]

UploadMode = Literal["lfs", "regular"]

# Folders that can never be written to through a commit (git's and the cache's own folders).
_FORBIDDEN_COMPONENTS = (".git", ".cache")
_REPO_TYPES = ("model", "dataset", "space", "kernel")
_DISCUSSION_URL = re.compile(r".*/discussions/(\d+)")


class InvalidPathInRepoError(HFValidationError):
    """A ``path_in_repo`` would escape the repo or write into a forbidden folder.

    Raised before anything is sent. It is a ``ValueError`` like ``huggingface_hub``'s (and an
    :class:`~hubclient.errors.HFValidationError`).

    Attributes:
        path: the path as given.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


def validate_path_in_repo(path_in_repo: str) -> str:
    """Return ``path_in_repo`` normalised (no leading ``/``, no leading ``./``) or raise.

    Rejects empty paths, ``.``, any ``..`` component, and any ``.git`` or ``.cache`` component,
    with :class:`InvalidPathInRepoError`. A trailing ``/`` is kept (it marks a folder in deletions).

    Example::

        >>> validate_path_in_repo("/./data/train.csv")
        'data/train.csv'
    """
    if not isinstance(path_in_repo, str):
        raise InvalidPathInRepoError(
            f"path_in_repo must be a str, got {type(path_in_repo).__name__}", str(path_in_repo)
        )
    original = path_in_repo
    path = path_in_repo.lstrip("/")
    while path.startswith("./"):
        path = path[2:].lstrip("/")
    parts = path.split("/")
    if path in ("", ".") or any(part == ".." for part in parts):
        raise InvalidPathInRepoError(
            f"Invalid path_in_repo {original!r}: it must be a relative path inside the repo, "
            "without '..' components (for example 'data/train.csv').",
            original,
        )
    why = _refused_by_git(path)
    if why:
        raise InvalidPathInRepoError(
            f"Invalid path_in_repo {original!r}: {why}, which the Hub refuses (git could not "
            "check the file out); rename the path.",
            original,
        )
    for forbidden in _FORBIDDEN_COMPONENTS:
        if forbidden in [part.lower().rstrip(". ") for part in parts]:
            raise InvalidPathInRepoError(
                f"Invalid path_in_repo {original!r}: files under a '{forbidden}/' folder cannot be "
                "committed; rename the path.",
                original,
            )
    return path


def _refused_by_git(path: str) -> str:
    """Why git (and so the Hub) cannot hold ``path`` as a file path, or ``""``."""
    if "\x00" in path:
        return "it contains a NUL character"
    if "\\" in path:
        return "it contains a backslash (use '/' between folders)"
    body = path[:-1] if path.endswith("/") else path  # a trailing '/' marks a folder deletion
    if any(part in ("", ".") for part in body.split("/")):
        return "it has an empty or '.' segment"
    return ""


def _is_binary_fileobj(obj: object) -> bool:
    if isinstance(obj, io.TextIOBase):
        return False
    return all(callable(getattr(obj, name, None)) for name in ("read", "seek", "tell"))


@dataclass(frozen=True)
class CommitOperationAdd:
    """Upload a file to ``path_in_repo``.

    ``path_or_fileobj`` is a local path (``str`` or ``Path``, which must be an existing file), the
    content as ``bytes``, or a binary file object supporting ``seek()`` and ``tell()`` (its whole
    content, from offset 0, is uploaded; its position is left as it was). A path is read when the
    upload runs, never loaded in memory at once.

    Example::

        CommitOperationAdd(path_in_repo="model.bin", path_or_fileobj="out/model.bin")
    """

    path_in_repo: str
    path_or_fileobj: str | Path | bytes | BinaryIO

    def __post_init__(self) -> None:
        object.__setattr__(self, "path_in_repo", validate_path_in_repo(self.path_in_repo))
        source = self.path_or_fileobj
        if isinstance(source, (str, Path)):
            normalised = os.path.normpath(os.path.expanduser(os.fspath(source)))
            if not os.path.isfile(normalised):
                raise ValueError(
                    f"Provided path: {normalised!r} is not a file on the local file system"
                )
            object.__setattr__(self, "path_or_fileobj", normalised)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            object.__setattr__(self, "path_or_fileobj", bytes(source))
        elif _is_binary_fileobj(source):
            try:
                source.tell()
                source.seek(0, os.SEEK_CUR)
            except (OSError, AttributeError, ValueError) as exc:
                raise ValueError(
                    "path_or_fileobj is a file-like object but does not implement seek() and tell()"
                ) from exc
        else:
            raise ValueError(
                "path_or_fileobj must be a str or Path to a local file, bytes, or a binary file "
                "object (opened with 'rb') that supports seek() and tell()."
            )

    @classmethod
    def _from_listed_file(cls, path_in_repo: str, local_path: str) -> CommitOperationAdd:
        """For ``upload_folder``, which has just listed ``local_path`` (absolute, normalised) as a
        file: the same operation without a second ``stat``."""
        op = object.__new__(cls)
        object.__setattr__(op, "path_in_repo", validate_path_in_repo(path_in_repo))
        object.__setattr__(op, "path_or_fileobj", local_path)
        return op


@dataclass(frozen=True)
class CommitOperationDelete:
    """Delete a file, or a folder and everything under it.

    ``is_folder="auto"`` (the default) treats a path ending with ``/`` as a folder.

    Example::

        CommitOperationDelete("checkpoints/", is_folder=True)
    """

    path_in_repo: str
    is_folder: bool | Literal["auto"] = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path_in_repo", validate_path_in_repo(self.path_in_repo))
        if self.is_folder == "auto":
            object.__setattr__(self, "is_folder", self.path_in_repo.endswith("/"))
        if not isinstance(self.is_folder, bool):
            raise ValueError(
                f"Wrong value for is_folder: must be True, False or 'auto', got {self.is_folder!r}."
            )


@dataclass(frozen=True)
class CommitOperationCopy:
    """Copy a file of this repo, or of another repo on the same Hub, to ``path_in_repo``.

    LFS files are copied server-side (from another repo, the Hub first makes the destination
    hold the object: nothing is downloaded); regular files are downloaded and committed again.
    ``src_revision`` defaults to the revision the commit is made on (``main`` for another
    repo). ``src_repo_id`` and ``src_repo_type`` name the other repo (both, or neither).
    Copy + Delete renames a file.

    Example::

        CommitOperationCopy(src_path_in_repo="w.bin", path_in_repo="archive/w.bin")
        CommitOperationCopy("w.bin", "w.bin", src_repo_id="acme/base", src_repo_type="model")
    """

    src_path_in_repo: str
    path_in_repo: str
    src_revision: str | None = None
    src_repo_id: str | None = None
    src_repo_type: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "src_path_in_repo", validate_path_in_repo(self.src_path_in_repo))
        object.__setattr__(self, "path_in_repo", validate_path_in_repo(self.path_in_repo))
        if self.src_repo_id is not None and self.src_repo_type is None:
            raise ValueError("`src_repo_type` is required when `src_repo_id` is set.")
        if self.src_repo_type is not None and self.src_repo_id is None:
            raise ValueError("`src_repo_id` is required when `src_repo_type` is set.")
        if self.src_repo_type is not None and self.src_repo_type not in _REPO_TYPES:
            raise ValueError(
                f"Invalid src_repo_type {self.src_repo_type!r}: one of {', '.join(_REPO_TYPES)}"
            )


CommitOperation = CommitOperationAdd | CommitOperationCopy | CommitOperationDelete


def _pr_revision(pr_url: str) -> str:
    match = _DISCUSSION_URL.fullmatch(pr_url)
    if match is None:
        raise ValueError(f"Unexpected answer from the Hub: {pr_url!r} is not a pull request URL")
    return f"refs/pr/{match[1]}"


@dataclass(frozen=True)
class XetDedup:
    """What Xet's chunk dedup saved on an upload (bytes); on `CommitInfo.xet` when the LFS
    files went through Xet (the ``xet`` extra, a Hub that offers it), else None.

    Attributes:
        total_bytes: the size of the files handed to Xet.
        deduped_bytes: bytes whose chunks the Hub (or this upload) already held: not sent.
        new_bytes: bytes of new chunks.
        xorb_bytes_uploaded: bytes sent in xorbs (the new chunks, compressed).
        shard_bytes_uploaded: bytes of file descriptions sent.
    """

    total_bytes: int
    deduped_bytes: int
    new_bytes: int
    xorb_bytes_uploaded: int
    shard_bytes_uploaded: int


class CommitInfo(str):
    """What a commit produced. A ``str`` (the commit URL), like ``huggingface_hub``'s.

    Attributes:
        commit_url: the commit's page, ``<endpoint>/[datasets/|spaces/]<ns>/<name>/commit/<sha>``.
        commit_message: the summary line sent.
        commit_description: the description sent (may be empty).
        oid: the commit sha (40 hex).
        pr_url: the pull request URL when ``create_pr=True``, else None.
        pr_revision: ``"refs/pr/<N>"`` when a PR was opened, else None.
        pr_num: ``N`` when a PR was opened, else None.
        repo_url: the repo's URL (``commit_url`` up to ``/commit/``).
        xet: the dedup figures when the LFS files went through Xet, else None.

    Example::

        info = await client.upload_file(path_or_fileobj=b"hi", path_in_repo="a.txt",
                                        repo_id="alice/model", create_pr=True)
        info.pr_revision  # 'refs/pr/1'
    """

    commit_url: str
    commit_message: str
    commit_description: str
    oid: str
    pr_url: str | None
    pr_revision: str | None
    pr_num: int | None
    repo_url: str
    xet: XetDedup | None = None

    def __new__(
        cls,
        commit_url: str,
        commit_message: str,
        commit_description: str,
        oid: str,
        pr_url: str | None = None,
    ) -> CommitInfo:
        self = super().__new__(cls, commit_url)
        self.commit_url = commit_url
        self.commit_message = commit_message
        self.commit_description = commit_description
        self.oid = oid
        self.pr_url = pr_url
        self.repo_url = commit_url.split("/commit/")[0]
        if pr_url is not None:
            self.pr_revision = _pr_revision(pr_url)
            self.pr_num = int(self.pr_revision.rsplit("/", 1)[-1])
        else:
            self.pr_revision = None
            self.pr_num = None
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.commit_url, self.commit_message, self.commit_description, self.oid, self.pr_url),
        )

    def __repr__(self) -> str:
        return (
            f"CommitInfo(commit_url={self.commit_url!r}, commit_message={self.commit_message!r}, "
            f"commit_description={self.commit_description!r}, oid={self.oid!r}, "
            f"pr_url={self.pr_url!r}, pr_revision={self.pr_revision!r}, pr_num={self.pr_num!r})"
        )


# --------------------------------------------------------------------------------------------
# Wire bodies
# --------------------------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True)

    def wire(self) -> dict[str, Any]:
        """The JSON-ready dict with wire names, unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class PreuploadFile(_Wire):
    """One file in a preupload request: its path, base64 of its first 512 bytes, its size."""

    path: str
    sample: str
    size: int


class PreuploadRequest(_Wire):
    """``POST /api/{types}/{repo}/preupload/{rev}`` body."""

    files: list[PreuploadFile]
    git_ignore: str | None = Field(default=None, alias="gitIgnore")


class PreuploadFileResult(_Wire):
    """The Hub's decision for one file: regular or LFS, ignored or not, and its current oid."""

    path: str
    upload_mode: UploadMode = Field(alias="uploadMode")
    should_ignore: bool = Field(alias="shouldIgnore")
    oid: str | None = None


class PreuploadResponse(_Wire):
    """The preupload answer."""

    files: list[PreuploadFileResult]
    commit_oid: str | None = Field(default=None, alias="commitOid")


class LfsObjectSpec(_Wire):
    """An LFS object named by its sha256 and size."""

    oid: str
    size: int


class LfsRef(_Wire):
    """The branch an LFS batch is for."""

    name: str


class LfsBatchRequest(_Wire):
    """``POST /{prefix}{repo}.git/info/lfs/objects/batch`` body (git-lfs batch API)."""

    operation: Literal["upload", "download"] = "upload"
    transfers: list[str] = Field(default_factory=lambda: ["basic", "multipart"])
    objects: list[LfsObjectSpec]
    hash_algo: str = "sha256"
    ref: LfsRef | None = None


class LfsAction(_Wire):
    """An action of the batch answer: a URL and headers (multipart part URLs live in headers)."""

    href: str
    header: dict[str, str] | None = None
    expires_in: int | None = None
    expires_at: str | None = None


class LfsActions(_Wire):
    """The actions for one object; none at all means the object is already stored."""

    upload: LfsAction | None = None
    verify: LfsAction | None = None


class LfsObjectError(_Wire):
    """A per-object error of the batch answer."""

    code: int
    message: str


class LfsBatchObject(_Wire):
    """One object of the batch answer."""

    oid: str
    size: int
    authenticated: bool | None = None
    actions: LfsActions | None = None
    error: LfsObjectError | None = None


class LfsBatchResponse(_Wire):
    """The batch answer."""

    transfer: str | None = None
    objects: list[LfsBatchObject]


class LfsCompletionPart(_Wire):
    """One uploaded part: its 1-based number and its ETag exactly as the storage returned it."""

    part_number: int = Field(alias="partNumber")
    etag: str


class LfsCompletionRequest(_Wire):
    """Body of the multipart completion ``POST``."""

    oid: str
    parts: list[LfsCompletionPart]


class LfsVerifyRequest(_Wire):
    """Body of the verify ``POST``."""

    oid: str
    size: int


class ValidateYamlResponse(_Wire):
    """``POST /api/validate-yaml`` answer."""

    errors: list[dict[str, Any]] = Field(default_factory=list)
    warnings: list[dict[str, Any]] = Field(default_factory=list)


class CommitHeaderValue(_Wire):
    """The header line's value: summary, description and the optional parent commit."""

    summary: str
    description: str = ""
    parent_commit: str | None = Field(default=None, alias="parentCommit")


class CommitHeaderLine(_Wire):
    """First NDJSON line of a commit."""

    key: Literal["header"] = "header"
    value: CommitHeaderValue


class CommitFileValue(_Wire):
    """Regular file content, inline."""

    content: str
    path: str
    encoding: Literal["base64", "utf-8"] = "base64"


class CommitFileLine(_Wire):
    """``file`` line: a regular file added or replaced."""

    key: Literal["file"] = "file"
    value: CommitFileValue


class CommitLfsFileValue(_Wire):
    """Pointer to an LFS object; ``size`` is left out for server-side copies."""

    path: str
    algo: str = "sha256"
    oid: str
    size: int | None = None


class CommitLfsFileLine(_Wire):
    """``lfsFile`` line: an LFS file added, replaced or copied."""

    key: Literal["lfsFile"] = "lfsFile"
    value: CommitLfsFileValue


class CommitPathValue(_Wire):
    """A path (for deletions)."""

    path: str


class CommitPathLine(_Wire):
    """``deletedFile`` or ``deletedFolder`` line."""

    key: Literal["deletedFile", "deletedFolder"]
    value: CommitPathValue


class CommitResponse(_Wire):
    """The commit answer."""

    commit_oid: str = Field(alias="commitOid")
    commit_url: str = Field(alias="commitUrl")
    pull_request_url: str | None = Field(default=None, alias="pullRequestUrl")
    success: bool | None = None
    hook_output: str | None = Field(default=None, alias="hookOutput")
