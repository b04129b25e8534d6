"""Bucket ids, ``hf://buckets/`` paths and paths inside a bucket, checked before anything is sent.

A bucket path is relative and ``/``-separated, with no empty, ``.`` or ``..`` segment, no
backslash or control character, at most 1024 bytes: a path that would leave the bucket (or,
downloaded, the folder it lands in) is refused with :class:`HFValidationError`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from hubclient.errors import HFValidationError
from hubclient.models.buckets import BUCKET_PREFIX, BucketUri

__all__ = [
    "BUCKET_PATH_BYTES",
    "api_path",
    "check_bucket_id",
    "check_path",
    "check_xet_hash",
    "is_bucket_uri",
    "parse_bucket_uri",
    "resolve_path",
    "token_path",
]

BUCKET_PATH_BYTES = 1024
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}\Z")
_XET_HASH = re.compile(r"[0-9a-f]{64}\Z")


def _segment_ok(text: str) -> bool:
    return bool(_SEGMENT.match(text)) and ".." not in text and "--" not in text


def check_bucket_id(bucket_id: str) -> str:
    """``namespace/name`` checked (huggingface_hub's repo-name rules); returns it."""
    if not isinstance(bucket_id, str) or bucket_id.count("/") != 1:
        raise HFValidationError(f"Invalid bucket id {bucket_id!r}: expected 'namespace/name'")
    namespace, name = bucket_id.split("/")
    if not (_segment_ok(namespace) and _segment_ok(name)) or name.endswith((".git", ".")):
        raise HFValidationError(
            f"Invalid bucket id {bucket_id!r}: names use letters, digits, '-', '_' and '.', "
            "at most 96 characters, without '--' or '..'"
        )
    return bucket_id


def check_path(path: str, what: str = "bucket path") -> str:
    """A path inside a bucket, or `HFValidationError` (nothing is sent)."""
    if not isinstance(path, str) or not path:
        raise HFValidationError(f"Invalid {what} {path!r}: must be a non-empty string")
    problem = None
    if len(path.encode("utf-8", "surrogatepass")) > BUCKET_PATH_BYTES:
        problem = f"longer than {BUCKET_PATH_BYTES} bytes"
    elif path.startswith("/") or path.endswith("/"):
        problem = "it must be relative and name a file (no leading or trailing '/')"
    elif "\\" in path or any(ord(c) < 32 or c == "\x7f" for c in path):
        problem = "it contains a backslash or a control character"
    elif any(part in ("", ".", "..") for part in path.split("/")):
        problem = "an empty, '.' or '..' segment would leave the bucket"
    if problem:
        raise HFValidationError(f"Invalid {what} {path!r}: {problem}")
    return path


def check_xet_hash(value: object, what: str) -> str:
    """A Xet hash (64 lower-case hex), or `HFValidationError`."""
    if not isinstance(value, str) or not _XET_HASH.match(value):
        raise HFValidationError(f"Invalid Xet hash for {what}: {value!r} (64 hex characters)")
    return value


def is_bucket_uri(text: str) -> bool:
    """Whether `text` is an ``hf://buckets/…`` path; another ``hf://`` path is refused."""
    if text.startswith(BUCKET_PREFIX):
        return True
    if text.startswith("hf://"):
        raise HFValidationError(f"Invalid bucket path {text!r}: must start with {BUCKET_PREFIX}")
    return False


def parse_bucket_uri(text: str) -> BucketUri:
    """``hf://buckets/ns/name[/prefix]`` (or ``ns/name[/prefix]``) as a `BucketUri`."""
    rest = text[len(BUCKET_PREFIX) :] if text.startswith(BUCKET_PREFIX) else text
    parts = rest.split("/", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise HFValidationError(f"Invalid bucket path {text!r}: expected {BUCKET_PREFIX}ns/name")
    bucket_id = check_bucket_id(f"{parts[0]}/{parts[1]}")
    prefix = parts[2].strip("/") if len(parts) == 3 else ""
    if prefix:
        check_path(prefix, "bucket prefix")
    return BucketUri(id=bucket_id, path_in_repo=prefix)


def api_path(bucket_id: str, tail: str = "") -> str:
    """``/api/buckets/{id}[/{tail}]``."""
    return f"/api/buckets/{bucket_id}" + (f"/{tail}" if tail else "")


def token_path(bucket_id: str, mode: str) -> str:
    """The bucket's Xet token route (no revision: buckets have none)."""
    return api_path(bucket_id, f"xet-{mode}-token")


def resolve_path(bucket_id: str, path: str) -> str:
    """``/buckets/{id}/resolve/{path}``, the path as one quoted segment (huggingface_hub's)."""
    return f"/buckets/{bucket_id}/resolve/{quote(path, safe='')}"
