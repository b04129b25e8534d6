"""``hf://`` URIs, as huggingface_hub spells a location on the Hub.

``hf://[<type>/]<namespace>/<name>[@<revision>][/<path>]``: ``<type>`` is ``models`` (the
default), ``datasets``, ``spaces``, ``kernels`` or ``buckets``; a revision holding ``/`` is
percent-encoded (``@refs%2Fheads%2Fdev``) unless it is a special ref written out
(``@refs/pr/1``, ``@refs/convert/parquet``). Buckets have no revision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from hubclient._urls import validate_repo_id
from hubclient.errors import HFValidationError

__all__ = ["HfUri", "parse_hf_uri"]

_PREFIX = "hf://"
_TYPES = {
    "models": "model",
    "datasets": "dataset",
    "spaces": "space",
    "kernels": "kernel",
    "buckets": "bucket",
}
_SPECIAL_REF = re.compile(r"refs/(?:convert/[\w.-]+|pr/\d+)(?=/|$)")


@dataclass(frozen=True)
class HfUri:
    """A parsed ``hf://`` URI: the type (``model``…, ``bucket``), the id, the revision (None:
    the default branch) and the path inside (``""``: the root)."""

    type: str
    id: str
    revision: str | None = None
    path_in_repo: str = ""

    @property
    def is_bucket(self) -> bool:
        return self.type == "bucket"


def parse_hf_uri(uri: str) -> HfUri:
    """Parse ``uri``; ``HFValidationError`` says what is wrong with it.

    >>> parse_hf_uri("hf://datasets/acme/corpus@v1/train/").path_in_repo
    'train'
    >>> parse_hf_uri("hf://acme/model@refs/pr/2/config.json").revision
    'refs/pr/2'
    """
    if not uri.startswith(_PREFIX):
        raise HFValidationError(f"{uri!r} is not an hf:// URI (hf://[type/]namespace/name/path)")
    text = uri[len(_PREFIX) :]
    first, _, rest = text.partition("/")
    kind = "model"
    if first in _TYPES:
        kind, text = _TYPES[first], rest
    at = text.find("@")
    revision: str | None = None
    if at != -1 and text[:at].count("/") == 1:
        repo_id, after = text[:at], text[at + 1 :]
        special = _SPECIAL_REF.match(after)
        if special is not None:
            revision, inside = special.group(), after[special.end() :]
        else:
            raw, _, inside = after.partition("/")
            revision = unquote(raw)
        if not revision:
            raise HFValidationError(f"{uri!r}: an empty revision after '@'")
    else:
        parts = text.split("/", 2)
        repo_id = "/".join(parts[:2])
        inside = parts[2] if len(parts) > 2 else ""
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise HFValidationError(f"{uri!r}: the id must be 'namespace/name'")
    if kind == "bucket" and revision is not None:
        raise HFValidationError(f"{uri!r}: bucket URIs have no revision")
    if kind != "bucket":
        validate_repo_id(repo_id)
    path = inside.strip("/")
    if "//" in path:
        raise HFValidationError(f"{uri!r}: the path has an empty segment")
    return HfUri(kind, repo_id, revision, path)
