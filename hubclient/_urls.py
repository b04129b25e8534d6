"""URL builders for the Hub API, with the quoting rules huggingface_hub puts on the wire.

* repo ids are never percent-encoded (two literal segments, ``namespace/name``);
* revisions, branch and tag names: ``quote(rev, safe="")`` so ``refs/pr/1`` is one segment;
* file paths in ``/resolve/``: ``quote(path)``, ``/`` kept;
* folder paths in ``/tree/``: ``quote(path, safe="")``, one segment.

API builders return paths relative to the endpoint (``/api/models/acme/m``); the HTTP layer
joins them to the endpoint, which may carry a path prefix. ``resolve_url`` is absolute.
"""

from __future__ import annotations

import os
import re
from typing import Literal
from urllib.parse import quote, urlsplit

from hubclient.errors import HFValidationError

__all__ = [
    "DEFAULT_REVISION",
    "REPO_TYPES",
    "RepoType",
    "api_prefix",
    "branch_path",
    "commit_path",
    "commits_path",
    "hf_hub_url",
    "lfs_batch_path",
    "list_repos_path",
    "normalize_repo_type",
    "origin_of",
    "paths_info_path",
    "preupload_path",
    "quote_path",
    "quote_revision",
    "refs_path",
    "repo_info_path",
    "resolve_path",
    "resolve_url",
    "settings_path",
    "tag_path",
    "tree_path",
    "url_prefix",
    "validate_repo_id",
]

RepoType = Literal["model", "dataset", "space", "kernel"]
#: The repo types: ``kernel`` repos (compute kernels) are repos like the others, under
#: ``/api/kernels/`` and ``kernels/`` URLs (huggingface_hub 2.x's ``REPO_TYPES_WITH_KERNEL``).
REPO_TYPES: tuple[RepoType, ...] = ("model", "dataset", "space", "kernel")
DEFAULT_REVISION = "main"

_API_PLURAL = {"model": "models", "dataset": "datasets", "space": "spaces", "kernel": "kernels"}
_URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/", "kernel": "kernels/"}
_REPO_ID_RE = re.compile(r"(\b[A-Za-z0-9_\-.]{1,96}\b/)?\b[A-Za-z0-9_\-.]{1,96}\b")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_repo_type(repo_type: str | None) -> RepoType:
    """``None`` → ``"model"``; anything but model/dataset/space/kernel → ``HFValidationError``."""
    if repo_type is None:
        return "model"
    if repo_type == "model":
        return "model"
    if repo_type == "dataset":
        return "dataset"
    if repo_type == "space":
        return "space"
    if repo_type == "kernel":
        return "kernel"
    raise HFValidationError(f"Invalid repo type {repo_type!r}: must be one of {REPO_TYPES}")


_VALID_REPO_IDS: set[str] = set()  # ids already checked (a client asks about a few, often)
_VALID_REPO_IDS_KEPT = 1024


def validate_repo_id(repo_id: str) -> str:
    """Check ``repo_id`` is ``name`` or ``namespace/name`` (huggingface_hub's rules)."""
    if type(repo_id) is str and repo_id in _VALID_REPO_IDS:
        return repo_id
    if not isinstance(repo_id, str):
        raise HFValidationError(f"Repo id must be a string, not {type(repo_id).__name__}")
    if repo_id.count("/") > 1:
        raise HFValidationError(
            f"Repo id must be 'name' or 'namespace/name': {repo_id!r}. "
            "Use the repo_type argument for datasets and spaces."
        )
    if not _REPO_ID_RE.fullmatch(repo_id):
        raise HFValidationError(
            "Repo id must use alphanumeric chars, '-', '_' or '.'; the name cannot start or "
            f"end with '-' or '.' and is at most 96 chars: {repo_id!r}"
        )
    if "--" in repo_id or ".." in repo_id:
        raise HFValidationError(f"Cannot have -- or .. in repo_id: {repo_id!r}")
    if repo_id.endswith(".git"):
        raise HFValidationError(f"Repo id cannot end with '.git': {repo_id!r}")
    if type(repo_id) is str:  # not a str subclass, whose == could say anything
        if len(_VALID_REPO_IDS) >= _VALID_REPO_IDS_KEPT:
            _VALID_REPO_IDS.clear()
        _VALID_REPO_IDS.add(repo_id)
    return repo_id


def quote_revision(revision: str) -> str:
    """One path segment: ``refs/pr/1`` → ``refs%2Fpr%2F1``."""
    if not revision:
        raise HFValidationError("revision must be a non-empty string")
    return quote(revision, safe="")


def quote_path(path: str) -> str:
    """A file path in a resolve URL: ``/`` kept, everything else percent-encoded."""
    return quote(path)


def api_prefix(repo_type: str | None, repo_id: str) -> str:
    """``/api/{models|datasets|spaces|kernels}/{repo_id}``."""
    return f"/api/{_API_PLURAL[normalize_repo_type(repo_type)]}/{validate_repo_id(repo_id)}"


def url_prefix(repo_type: str | None) -> str:
    """``""``, ``"datasets/"``, ``"spaces/"`` or ``"kernels/"``: the prefix of non-API repo URLs."""
    return _URL_PREFIX[normalize_repo_type(repo_type)]


def repo_info_path(repo_type: str | None, repo_id: str, revision: str | None = None) -> str:
    base = api_prefix(repo_type, repo_id)
    return base if revision is None else f"{base}/revision/{quote_revision(revision)}"


def list_repos_path(repo_type: str | None) -> str:
    return f"/api/{_API_PLURAL[normalize_repo_type(repo_type)]}"


def tree_path(
    repo_type: str | None, repo_id: str, revision: str | None, path_in_repo: str | None = None
) -> str:
    base = f"{api_prefix(repo_type, repo_id)}/tree/{quote_revision(revision or DEFAULT_REVISION)}"
    path_in_repo = (path_in_repo or "").strip("/")
    return f"{base}/{quote(path_in_repo, safe='')}" if path_in_repo else base


def paths_info_path(repo_type: str | None, repo_id: str, revision: str | None) -> str:
    rev = quote_revision(revision or DEFAULT_REVISION)
    return f"{api_prefix(repo_type, repo_id)}/paths-info/{rev}"


def refs_path(repo_type: str | None, repo_id: str) -> str:
    return f"{api_prefix(repo_type, repo_id)}/refs"


def commits_path(repo_type: str | None, repo_id: str, revision: str | None) -> str:
    rev = quote_revision(revision or DEFAULT_REVISION)
    return f"{api_prefix(repo_type, repo_id)}/commits/{rev}"


def branch_path(repo_type: str | None, repo_id: str, branch: str) -> str:
    return f"{api_prefix(repo_type, repo_id)}/branch/{quote_revision(branch)}"


def tag_path(repo_type: str | None, repo_id: str, revision_or_tag: str) -> str:
    """``POST`` holds the revision to tag; ``DELETE`` holds the tag name."""
    return f"{api_prefix(repo_type, repo_id)}/tag/{quote_revision(revision_or_tag)}"


def settings_path(repo_type: str | None, repo_id: str) -> str:
    return f"{api_prefix(repo_type, repo_id)}/settings"


def preupload_path(repo_type: str | None, repo_id: str, revision: str | None) -> str:
    rev = quote_revision(revision or DEFAULT_REVISION)
    return f"{api_prefix(repo_type, repo_id)}/preupload/{rev}"


def commit_path(repo_type: str | None, repo_id: str, revision: str | None) -> str:
    rev = quote_revision(revision or DEFAULT_REVISION)
    return f"{api_prefix(repo_type, repo_id)}/commit/{rev}"


def lfs_batch_path(repo_type: str | None, repo_id: str) -> str:
    """``/{prefix}{repo}.git/info/lfs/objects/batch``."""
    return f"/{url_prefix(repo_type)}{validate_repo_id(repo_id)}.git/info/lfs/objects/batch"


def resolve_path(
    repo_type: str | None, repo_id: str, filename: str, revision: str | None = None
) -> str:
    """``/{prefix}{repo}/resolve/{quoted rev}/{quoted path}``, relative to the endpoint."""
    if not filename:
        raise HFValidationError("filename must be a non-empty string")
    rev = quote_revision(revision or DEFAULT_REVISION)
    return (
        f"/{url_prefix(repo_type)}{validate_repo_id(repo_id)}/resolve/{rev}/{quote_path(filename)}"
    )


def resolve_url(
    endpoint: str,
    repo_id: str,
    filename: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    subfolder: str | None = None,
) -> str:
    """Absolute resolve URL, like ``huggingface_hub.hf_hub_url``.

    Example::

        resolve_url("https://huggingface.co", "acme/m", "w.bin", revision="refs/pr/1")
        # 'https://huggingface.co/acme/m/resolve/refs%2Fpr%2F1/w.bin'
    """
    if subfolder:
        filename = f"{subfolder.strip('/')}/{filename}"
    return endpoint.rstrip("/") + resolve_path(repo_type, repo_id, filename, revision)


def hf_hub_url(
    repo_id: str,
    filename: str,
    *,
    subfolder: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    endpoint: str | None = None,
) -> str:
    """The resolve URL of a file, like ``huggingface_hub.hf_hub_url``.

    ``endpoint`` defaults to ``HF_ENDPOINT`` (read now) or ``https://huggingface.co``.

    Example::

        hf_hub_url("acme/model", "config.json", revision="v1.0", endpoint=client.endpoint)
    """
    if endpoint is None:
        endpoint = os.environ.get("HF_ENDPOINT") or "https://huggingface.co"
    return resolve_url(
        endpoint, repo_id, filename, repo_type=repo_type, revision=revision, subfolder=subfolder
    )


_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
"""``scheme://host[:port]`` at the start of a URL: all that its origin depends on."""
_ORIGINS: dict[str, str] = {}
_ORIGINS_KEPT = 512


def origin_of(url: str) -> str:
    """Normalised origin of an absolute URL: lower-case scheme and host, default port dropped.

    Remembered per ``scheme://authority`` (a client talks to a handful of origins, and every
    request asks)."""
    head = _AUTHORITY.match(url)
    if head is None:
        return _origin(url)
    key = head.group()
    origin = _ORIGINS.get(key)
    if origin is None:
        origin = _origin(key)
        if len(_ORIGINS) >= _ORIGINS_KEPT:
            _ORIGINS.clear()
        _ORIGINS[key] = origin
    return origin


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
