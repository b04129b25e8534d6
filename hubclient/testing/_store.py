"""The local Hub's on-disk store: an index of repos, their folders, objects and snapshots.

Layout under the data dir::

    index.json                 {"repos": {"model:alice/x": uid}, "redirects": {"model:old": "new"}}
    repos/<uid>/repo.json      settings; refs.json; commits/<sha>.json
    snapshots/<commit>.json     {path: [size, git oid, sha256, lfs, last commit]}
    objects/<2 hex>/<sha256>   content (regular and LFS files alike)
    uploads/<id>/              multipart parts in progress

Everything is written through temp files and ``os.replace``; the same data dir after a restart
gives the same repos, commits, refs and blobs.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

from hubclient.testing._errors import HubError, Redirect
from hubclient.testing._gitobjects import DEFAULT_GITATTRIBUTES, git_blob_sha1
from hubclient.testing._objects import ObjectStore, atomic_write_json, read_json
from hubclient.testing._repo import Repo
from hubclient.testing._snapshot import FileEntry, Snapshot

__all__ = ["REPO_TYPES", "Store"]

REPO_TYPES = ("model", "dataset", "space", "kernel")
_SNAPSHOT_CACHE = 256


def _key(repo_type: str, repo_id: str) -> str:
    return f"{repo_type}:{repo_id}"


class Store:
    """Thread-safe access to every repo of one data dir."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.objects = ObjectStore(root)
        self._snapshots_dir = root / "snapshots"
        self._snapshots_dir.mkdir(exist_ok=True)
        (root / "repos").mkdir(exist_ok=True)
        self._lock = threading.RLock()
        index_path = root / "index.json"
        index: dict[str, Any] = (
            read_json(index_path) if index_path.exists() else {"repos": {}, "redirects": {}}
        )
        self._index: dict[str, str] = dict(index["repos"])
        self._redirects: dict[str, str] = dict(index["redirects"])
        self._repos: dict[str, Repo] = {}
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()

    # --- snapshots ---

    def load_snapshot(self, key: str) -> Snapshot:
        """The snapshot of a commit (by commit id)."""
        tree = key
        with self._lock:
            found = self._snapshots.get(tree)
            if found is not None:
                self._snapshots.move_to_end(tree)
                return found
        data = read_json(self._snapshots_dir / f"{tree}.json")
        snapshot = Snapshot({path: FileEntry.from_json(v) for path, v in data.items()})
        self._remember(tree, snapshot)
        return snapshot

    def _remember(self, tree: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._snapshots[tree] = snapshot
            self._snapshots.move_to_end(tree)
            while len(self._snapshots) > _SNAPSHOT_CACHE:
                self._snapshots.popitem(last=False)

    def save_snapshot(self, key: str, snapshot: Snapshot) -> None:
        """Store the snapshot of a commit (its files and their last commits)."""
        atomic_write_json(
            self._snapshots_dir / f"{key}.json",
            {path: e.to_json() for path, e in snapshot.files.items()},
        )
        self._remember(key, snapshot)

    # --- index ---

    def _save_index(self) -> None:
        atomic_write_json(
            self.root / "index.json", {"repos": self._index, "redirects": self._redirects}
        )

    def _open(self, uid: str) -> Repo:
        repo = self._repos.get(uid)
        if repo is None:
            folder = self.root / "repos" / uid
            repo = Repo(
                folder,
                read_json(folder / "repo.json"),
                self.load_snapshot,
                self.save_snapshot,
                self.objects.read_bytes,
            )
            self._repos[uid] = repo
        return repo

    def find(self, repo_type: str, repo_id: str) -> Repo | None:
        """The repo, or ``None``; raises `Redirect` for the old id of a moved repo."""
        with self._lock:
            uid = self._index.get(_key(repo_type, repo_id))
            if uid is not None:
                return self._open(uid)
            target = self._redirects.get(_key(repo_type, repo_id))
            if target is not None and _key(repo_type, target) in self._index:
                raise Redirect(repo_id, target)
            return None

    def by_uid(self, uid: str) -> Repo | None:
        """The repo with this uid while it exists (renames keep the uid; deletion ends it)."""
        with self._lock:
            if not uid.isalnum() or uid not in self._index.values():
                return None
            return self._open(uid)

    def repos(self, repo_type: str) -> list[Repo]:
        with self._lock:
            prefix = f"{repo_type}:"
            return [self._open(uid) for key, uid in self._index.items() if key.startswith(prefix)]

    def create(
        self, repo_type: str, repo_id: str, *, author: str, initial: bool = True, **meta: Any
    ) -> tuple[Repo, bool]:
        """Create a repo with its initial commit; return ``(repo, created)``.

        With ``initial=False`` the repo has no commit yet: its first `Repo.apply` on ``main``
        makes the root commit (the default ``.gitattributes`` plus the operations).
        """
        with self._lock:
            existing = self._index.get(_key(repo_type, repo_id))
            if existing is not None:
                return self._open(existing), False
            uid = uuid.uuid4().hex
            folder = self.root / "repos" / uid
            folder.mkdir(parents=True)
            now = time.time()
            record = {
                "type": repo_type,
                "id": repo_id,
                "uid": uid,
                "created_at": now,
                "private": False,
                "gated": False,
                "disabled": False,
                **meta,
            }
            atomic_write_json(folder / "repo.json", record)
            repo = self._open(uid)
            if initial:
                sha256 = self.objects.put_bytes(DEFAULT_GITATTRIBUTES)
                entry = FileEntry(
                    len(DEFAULT_GITATTRIBUTES), git_blob_sha1(DEFAULT_GITATTRIBUTES), sha256, False
                )
                repo.initial_commit({".gitattributes": entry}, author)
            self._index[_key(repo_type, repo_id)] = uid
            self._redirects.pop(_key(repo_type, repo_id), None)
            self._save_index()
            return repo, True

    def duplicate(self, source: Repo, repo_id: str, *, author: str, **meta: Any) -> Repo:
        """A new repo of the same type with the history, refs and LFS objects of ``source``
        (the Hub's server-side copy: commit ids are kept). 409 if ``repo_id`` exists."""
        with self._lock, source.lock:
            if _key(source.type, repo_id) in self._index:
                raise HubError(409, f"Repository {repo_id} already exists")
            uid = uuid.uuid4().hex
            folder = self.root / "repos" / uid
            folder.mkdir(parents=True)
            for part in ("commits", "lfs"):
                if (source.folder / part).is_dir():
                    shutil.copytree(source.folder / part, folder / part)
            if (source.folder / "refs.json").exists():
                shutil.copy2(source.folder / "refs.json", folder / "refs.json")
            record = {
                **{k: v for k, v in source.meta.items() if k not in ("id", "uid", "created_at")},
                "id": repo_id,
                "uid": uid,
                "created_at": time.time(),
                "author": author,
                **meta,
            }
            atomic_write_json(folder / "repo.json", record)
            self._index[_key(source.type, repo_id)] = uid
            self._redirects.pop(_key(source.type, repo_id), None)
            self._save_index()
            return self._open(uid)

    def delete(self, repo: Repo) -> None:
        with self._lock:
            uid = self._index.pop(_key(repo.type, repo.id), None)
            if uid is None:
                return
            self._redirects = {
                k: v
                for k, v in self._redirects.items()
                if _key(repo.type, v) != _key(repo.type, repo.id)
            }
            self._save_index()
            self._repos.pop(uid, None)
            shutil.rmtree(self.root / "repos" / uid, ignore_errors=True)

    def move(self, repo: Repo, new_id: str) -> None:
        with self._lock:
            new_key = _key(repo.type, new_id)
            if new_key in self._index:
                raise HubError(409, f"Repository {new_id} already exists")
            old_key = _key(repo.type, repo.id)
            uid = self._index.pop(old_key)
            self._index[new_key] = uid
            self._redirects = {
                k: (new_id if v == repo.id and k.startswith(f"{repo.type}:") else v)
                for k, v in self._redirects.items()
            }
            self._redirects[old_key] = new_id
            self._redirects.pop(new_key, None)
            repo.update_meta(id=new_id)
            self._save_index()
