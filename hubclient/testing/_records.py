"""The records a repo keeps: commits, refs, and what a revision resolves to."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["Commit", "Refs", "Resolved", "iso_date"]


def iso_date(timestamp: float) -> str:
    """``YYYY-MM-DDTHH:MM:SS.fffZ``: the only shape the Python client parses."""
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Commit:
    id: str
    tree: str
    parents: tuple[str, ...]
    title: str
    message: str
    author: str
    timestamp: float
    raw: bytes = b""  # the git commit object as pushed (empty: it is rebuilt from the fields)

    @property
    def date(self) -> str:
        return iso_date(self.timestamp)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tree": self.tree,
            "parents": list(self.parents),
            "title": self.title,
            "message": self.message,
            "author": self.author,
            "timestamp": self.timestamp,
            **({"raw": base64.b64encode(self.raw).decode()} if self.raw else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commit:
        return cls(
            data["id"],
            data["tree"],
            tuple(data["parents"]),
            data["title"],
            data["message"],
            data["author"],
            float(data["timestamp"]),
            base64.b64decode(data["raw"]) if data.get("raw") else b"",
        )


@dataclass
class Refs:
    heads: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    prs: dict[int, str] = field(default_factory=dict)
    next_pr: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "heads": self.heads,
            "tags": self.tags,
            "prs": {str(k): v for k, v in self.prs.items()},
            "next_pr": self.next_pr,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Refs:
        prs = {int(k): v for k, v in data.get("prs", {}).items()}
        return cls(dict(data["heads"]), dict(data["tags"]), prs, int(data.get("next_pr", 1)))


@dataclass(frozen=True)
class Resolved:
    """A revision resolved to a commit; `kind` is ``branch``, ``tag``, ``pr`` or ``sha``."""

    commit: str
    kind: str
    name: str
