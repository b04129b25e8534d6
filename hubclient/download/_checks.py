"""Values from the server that will name files, checked where they enter, before they name
anything (in every mode: cache, local dir, ``download_repos``).

The Hub's own rules (hub-protocol §8.3) make the checks strict without refusing anything a
Hub sends: commits are 40-hex, git oids 40-hex, LFS oids 64-hex, ETags one of those (weak or
quoted); repo paths are relative and stay inside their folder. Each check raises
:class:`~hubclient._answers.BadValue`, which the HTTP layer turns into
:class:`~hubclient.errors.UnsafeServerValueError` carrying the answer's URL and status.
"""

from __future__ import annotations

import re

from hubclient._answers import BadValue
from hubclient.cache import validate_relative_filename
from hubclient.errors import HFValidationError

__all__ = [
    "MAX_FILE_SIZE",
    "commit_sha",
    "etag_name",
    "file_size",
    "git_oid",
    "lfs_oid",
    "local_dir_problem",
    "repo_path",
]

_SHA1 = re.compile(r"[0-9a-f]{40}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+=-]*(?:\.[A-Za-z0-9_+=-]+)*")
MAX_FILE_SIZE = 2**48
"""256 TiB: larger than any file a Hub stores (a bigger size is a lie, and would be
preallocated)."""


def commit_sha(value: object) -> str:
    """A commit id as the Hub sends it: 40 lower-case hex digits."""
    if isinstance(value, str) and _SHA1.fullmatch(value):
        return value
    raise BadValue("commit sha", value, "is not a 40-hex commit id")


def git_oid(value: object) -> str:
    if isinstance(value, str) and _SHA1.fullmatch(value):
        return value
    raise BadValue("blob oid", value, "is not a 40-hex git object id")


def lfs_oid(value: object) -> str:
    if isinstance(value, str) and _SHA256.fullmatch(value):
        return value
    raise BadValue("LFS oid", value, "is not a 64-hex sha256")


def etag_name(value: str, *, verify: bool) -> str:
    """An ETag about to name a blob and a temp file.

    A git sha1 or a sha256 (what the Hub sends, and what can be verified) always passes;
    with ``verify=False`` any plain name (letters, digits, ``_+=-``, inner dots) does too.
    """
    if _SHA1.fullmatch(value) or _SHA256.fullmatch(value):
        return value
    if not verify and len(value) <= 128 and _SAFE_NAME.fullmatch(value):
        return value
    if verify and _SAFE_NAME.fullmatch(value) and len(value) <= 128:
        raise BadValue(
            "ETag",
            value,
            "is neither a git sha1 nor a sha256, so the content could not be verified "
            "(DownloadOptions(verify=False) accepts it)",
        )
    raise BadValue("ETag", value, "cannot name a file")


def file_size(value: object, field: str = "size") -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_FILE_SIZE:
        return value
    raise BadValue(field, value, f"is not a file size (an integer from 0 to {MAX_FILE_SIZE})")


def repo_path(value: object) -> str:
    """A repo path from a listing: relative, inside its folder (see
    :func:`hubclient.cache.validate_relative_filename`)."""
    if not isinstance(value, str):
        raise BadValue("path", value, "is not a string")
    if any(part in ("", ".") for part in value.split("/")):
        raise BadValue("path", value, "has an empty or '.' segment, which no Hub path has")
    try:
        return validate_relative_filename(value)
    except HFValidationError as err:
        raise BadValue("path", value, f"cannot name a file inside the target ({err})") from None


def _is_git_dir(part: str) -> bool:
    # case-insensitive file systems, and Windows dropping trailing dots and spaces
    lowered = part.lower()
    return lowered.rstrip(". ") == ".git" or lowered == "git~1"


def local_dir_problem(path: str, *, allow_git: bool) -> str | None:
    """Why ``path`` may not be written into a local dir, or None.

    Refused: paths under ``.git/`` (a local dir is often a git checkout: a file there would
    be a hook or a config git runs) unless ``allow_git``, and paths under
    ``.cache/huggingface/``, where the local dir keeps its own bookkeeping.
    """
    parts = path.split("/")
    if len(parts[-1].encode("utf-8", "surrogatepass")) > 255 - len(".metadata"):
        return "has a last segment too long for its download record (<name>.metadata)"
    if not allow_git and any(_is_git_dir(part) for part in parts):
        return (
            "is under .git/, which a local dir that is a git checkout would run "
            "(DownloadOptions(allow_git_paths=True) allows it)"
        )
    if [p.lower() for p in parts[:2]] == [".cache", "huggingface"]:
        return "is under .cache/huggingface/, where the local dir keeps its download records"
    return None
