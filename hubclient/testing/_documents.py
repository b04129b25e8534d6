"""Persistent JSON state of the local Hub's areas (discussions, collections, Spaces, webhooks, …).

An area keeps its state in documents: one per Hub (``<data>/state/<area>.json``) or one per repo
(``<repo folder>/state/<area>.json``, so it follows the repo through a move and goes with it on
delete). A document is loaded once and cached; change ``doc.data`` under ``doc.lock`` (a thread
lock: the store is shared by the in-process apps and the uvicorn thread; never await while
holding it) and call ``doc.save()``, which writes through a temp file and ``os.replace``.

Example::

    doc = ctx.state.documents.repo(repo, "discussions")
    with doc.lock:
        doc.data.setdefault("items", []).append({"num": 1, "title": "Hello"})
        doc.save()
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubclient.testing._objects import atomic_write_json, read_json
from hubclient.testing._repo import Repo

__all__ = ["Document", "Documents"]

_AREA = re.compile(r"[a-z][a-z0-9_-]{0,63}\Z")


@dataclass
class Document:
    """One JSON document: its data, the lock that guards it, and where it is saved."""

    path: Path
    data: dict[str, Any]
    lock: threading.RLock = field(default_factory=threading.RLock)

    def save(self) -> None:
        """Write the data atomically (call it holding ``lock``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(self.path, self.data)


class Documents:
    """The documents of one data dir, loaded on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._cache: dict[Path, Document] = {}

    def hub(self, area: str) -> Document:
        """The Hub-wide document of ``area`` (collections, webhooks, users' settings…)."""
        return self._load(self.root / "state" / f"{_checked(area)}.json")

    def repo(self, repo: Repo, area: str) -> Document:
        """The document of ``area`` for one repo (its discussions, its Space runtime…)."""
        return self._load(repo.folder / "state" / f"{_checked(area)}.json")

    def _load(self, path: Path) -> Document:
        with self._lock:
            doc = self._cache.get(path)
            if doc is None:
                data = read_json(path) if path.exists() else {}
                if not isinstance(data, dict):
                    raise ValueError(f"{path}: a state document holds a JSON object")
                doc = self._cache[path] = Document(path, data)
            return doc


def _checked(area: str) -> str:
    if not _AREA.match(area):
        raise ValueError(f"not an area name: {area!r}")
    return area
