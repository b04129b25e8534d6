"""Paths of the filesystem, spelled as huggingface_hub's ``hf://`` paths are.

``[<type>/]<namespace>/<name>[@<revision>][/<path in repo>]``, where ``<type>`` is ``models``
(the default when absent), ``datasets`` or ``spaces``; the revision may be percent-encoded
(``@refs%2Fpr%2F1``) or, for the special refs, written out (``@refs/pr/1``); an ``@`` past the
repo id is part of a file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

__all__ = ["HubPath", "parse_path"]

PROTOCOL = "hubclient"
_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}
_SINGULAR = {"model", "dataset", "space"}
_SPECIAL_REF = re.compile(r"^refs/(?:convert/[\w.-]+|pr/\d+)(?=/|$)")


@dataclass(frozen=True)
class HubPath:
    """A parsed path: repo type, repo id, revision as written (None: the default branch) and
    the path inside the repo (``""`` for the repo's root)."""

    repo_type: str
    repo_id: str
    revision: str | None
    path_in_repo: str

    @property
    def root(self) -> str:
        """The path of the repo's root (with the revision as given)."""
        text = _PREFIXES[self.repo_type] + self.repo_id
        if self.revision is not None:
            revision = self.revision
            if not _SPECIAL_REF.match(revision):
                revision = quote(revision, safe="")
            text += "@" + revision
        return text

    def child(self, path_in_repo: str) -> str:
        """The filesystem path of ``path_in_repo`` in the same repo and revision."""
        return f"{self.root}/{path_in_repo}" if path_in_repo else self.root

    def __str__(self) -> str:
        return self.child(self.path_in_repo)


def parse_path(path: str) -> HubPath:
    """Parse a path (with or without ``hubclient://``); ``ValueError`` names what is wrong.

    >>> parse_path("datasets/acme/corpus@v1/train/0.parquet").path_in_repo
    'train/0.parquet'
    >>> parse_path("hubclient://acme/model@refs%2Fpr%2F2").revision
    'refs/pr/2'
    """
    text = path
    if text.startswith(f"{PROTOCOL}://"):
        text = text[len(PROTOCOL) + 3 :]
    text = text.strip("/")
    if not text:
        raise ValueError("a path names a repo: [datasets/|spaces/]namespace/name[@revision][/path]")
    first, _, rest = text.partition("/")
    repo_type = "model"
    if first in _TYPES:
        repo_type, text = _TYPES[first], rest
    elif first in _SINGULAR:
        raise ValueError(f"{path!r}: the type prefix is plural: {first}s/")
    at = text.find("@")
    if at == -1 or text[:at].count("/") > 1:
        parts = text.split("/", 2)
        if len(parts) < 2 or not all(parts[:2]):
            raise ValueError(f"{path!r}: the repo id must be 'namespace/name'")
        return HubPath(
            repo_type, f"{parts[0]}/{parts[1]}", None, parts[2] if len(parts) > 2 else ""
        )
    repo_id, after = text[:at], text[at + 1 :]
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise ValueError(f"{path!r}: the repo id must be 'namespace/name'")
    special = _SPECIAL_REF.match(after)
    if special is not None:
        revision, inside = special.group(), after[special.end() :].lstrip("/")
    else:
        raw, _, inside = after.partition("/")
        revision = unquote(raw)
    if not revision:
        raise ValueError(f"{path!r}: an empty revision after '@'")
    return HubPath(repo_type, repo_id, revision, inside)
