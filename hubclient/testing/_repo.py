"""One repository on disk: metadata, refs (branches, tags, PRs) and commits."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from hubclient.testing._errors import HubError
from hubclient.testing._gitobjects import DEFAULT_GITATTRIBUTES, commit_oid, git_blob_sha1
from hubclient.testing._objects import atomic_write_json, read_json
from hubclient.testing._operations import Operation, Put, Rename, apply_operations
from hubclient.testing._patterns import GitAttributes
from hubclient.testing._records import Commit, Refs, Resolved
from hubclient.testing._snapshot import FileEntry, Snapshot

__all__ = ["Repo"]

_HEX = re.compile(r"[0-9a-f]{7,40}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


class Repo:
    """A repo's folder: ``repo.json`` (settings), ``refs.json``, ``commits/<sha>.json``.

    Mutations hold `lock` (a thread lock: the store is shared by the in-process apps and the
    uvicorn thread) and never await while holding it.
    """

    def __init__(
        self,
        folder: Path,
        meta: dict[str, Any],
        snapshot_loader: Callable[[str], Snapshot],
        snapshot_saver: Callable[[str, Snapshot], None],
        read_object: Callable[[str], bytes],
    ) -> None:
        self.folder = folder
        self.meta = meta
        self.lock = threading.RLock()
        self._load_snapshot = snapshot_loader
        self._save_snapshot = snapshot_saver
        self._read_object = read_object
        self._commits: dict[str, Commit] = {}
        refs_path = folder / "refs.json"
        self.refs = Refs.from_json(read_json(refs_path)) if refs_path.exists() else Refs()
        commits_dir = folder / "commits"
        commits_dir.mkdir(parents=True, exist_ok=True)
        self._commit_ids = sorted(p.stem for p in commits_dir.glob("*.json"))
        self._commit_set = set(self._commit_ids)
        self._lfs_dir = folder / "lfs"
        if not self._lfs_dir.is_dir():
            self._adopt_lfs_of_history()

    # --- identity and settings ---

    @property
    def type(self) -> str:
        return str(self.meta["type"])

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def namespace(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def private(self) -> bool:
        return bool(self.meta.get("private", False))

    @property
    def gated(self) -> str | bool:
        value = self.meta.get("gated", False)
        return value if isinstance(value, str) else False

    def save_meta(self) -> None:
        atomic_write_json(self.folder / "repo.json", self.meta)

    def update_meta(self, **changes: Any) -> None:
        with self.lock:
            self.meta.update(changes)
            self.save_meta()

    @property
    def uid(self) -> str:
        return str(self.meta["uid"])

    # --- the LFS objects this repo holds ---

    def holds_lfs(self, sha256: str) -> bool:
        """Whether an LFS object was uploaded to this repo (or copied into it, or committed).

        The bytes live once in the shared object store; this is what makes them *this* repo's:
        the batch API, verify and commits only count objects the repo holds.
        """
        return _SHA256.match(sha256) is not None and (self._lfs_dir / sha256[:2] / sha256).exists()

    def add_lfs(self, sha256s: Iterable[str]) -> None:
        """Record that this repo holds these LFS objects (idempotent, safe across threads)."""
        for sha256 in sha256s:
            if _SHA256.match(sha256) is None:
                raise ValueError(f"not a sha256: {sha256!r}")
            marker = self._lfs_dir / sha256[:2] / sha256
            if not marker.exists():
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()

    def _adopt_lfs_of_history(self) -> None:
        """A data dir from before per-repo LFS: the repo holds what its commits point at."""
        held: set[str] = set()
        for commit_id in self._commit_ids:
            held.update(e.sha256 for e in self.snapshot(commit_id).files.values() if e.lfs)
        self._lfs_dir.mkdir(parents=True, exist_ok=True)
        self.add_lfs(held)

    # --- commits ---

    def commit(self, commit_id: str) -> Commit:
        found = self._commits.get(commit_id)
        if found is None:
            found = Commit.from_json(read_json(self.folder / "commits" / f"{commit_id}.json"))
            self._commits[commit_id] = found
        return found

    def snapshot(self, commit_id: str) -> Snapshot:
        return self._load_snapshot(commit_id)

    def history(self, commit_id: str) -> Iterator[Commit]:
        """The first-parent history from `commit_id`, newest first."""
        current: str | None = commit_id
        while current:
            found = self.commit(current)
            yield found
            current = found.parents[0] if found.parents else None

    def _expand_sha(self, prefix: str) -> str | None:
        if len(prefix) == 40:
            return prefix if prefix in self._commit_set else None
        matches = [c for c in self._commit_ids if c.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    @property
    def default_branch(self) -> str:
        return "main"

    def resolve(self, revision: str | None) -> Resolved:
        """Resolve a branch, tag, ``refs/pr/N``, ``refs/heads|tags/x``, ``HEAD`` or (short) sha."""
        rev = revision or self.default_branch
        refs = self.refs
        if rev == "HEAD":
            rev = self.default_branch
        if rev.startswith("refs/heads/"):
            rev = rev[len("refs/heads/") :]
            if rev in refs.heads:
                return Resolved(refs.heads[rev], "branch", rev)
        elif rev.startswith("refs/tags/"):
            rev = rev[len("refs/tags/") :]
            if rev in refs.tags:
                return Resolved(refs.tags[rev], "tag", rev)
        elif rev.startswith("refs/pr/"):
            number = rev[len("refs/pr/") :]
            if number.isdigit() and int(number) in refs.prs:
                return Resolved(refs.prs[int(number)], "pr", f"refs/pr/{int(number)}")
        elif rev in refs.heads:
            return Resolved(refs.heads[rev], "branch", rev)
        elif rev in refs.tags:
            return Resolved(refs.tags[rev], "tag", rev)
        elif _HEX.match(rev):
            sha = self._expand_sha(rev)
            if sha is not None:
                return Resolved(sha, "sha", sha)
        raise HubError.revision_not_found(revision or rev)

    def refs_copy(self) -> Refs:
        """A consistent copy of the refs (safe to iterate while another thread commits)."""
        with self.lock:
            refs = self.refs
            return Refs(dict(refs.heads), dict(refs.tags), dict(refs.prs), refs.next_pr)

    def _save_refs(self) -> None:
        atomic_write_json(self.folder / "refs.json", self.refs.to_json())

    # --- writing ---

    def _write_commit(
        self,
        files: dict[str, FileEntry],
        changed: set[str],
        parents: tuple[str, ...],
        title: str,
        message: str,
        author: str,
    ) -> Commit:
        snapshot = Snapshot(files)
        timestamp = time.time()
        full_message = title if not message else f"{title}\n\n{message}"
        cid = commit_oid(snapshot.tree_oid, parents, author, int(timestamp), full_message)
        while cid in self._commit_set:
            # identical commit object (same tree, parents, message, second): a later second
            # makes it unique, and the commit object stays exactly what the fields describe
            timestamp = float(int(timestamp) + 1)
            cid = commit_oid(snapshot.tree_oid, parents, author, int(timestamp), full_message)
        final = {
            path: (
                dataclasses.replace(e, last_commit=cid)
                if path in changed or not e.last_commit
                else e
            )
            for path, e in files.items()
        }
        self.add_lfs({e.sha256 for path, e in files.items() if e.lfs and path in changed})
        final_snapshot = Snapshot(final)
        final_snapshot.__dict__["dir_oids"] = snapshot.dir_oids
        self._save_snapshot(cid, final_snapshot)
        commit = Commit(cid, snapshot.tree_oid, parents, title, full_message, author, timestamp)
        atomic_write_json(self.folder / "commits" / f"{cid}.json", commit.to_json())
        self._commits[cid] = commit
        self._commit_ids.append(cid)
        self._commit_ids.sort()
        self._commit_set.add(cid)
        return commit

    def initial_commit(self, files: dict[str, FileEntry], author: str) -> Commit:
        with self.lock:
            commit = self._write_commit(files, set(files), (), "initial commit", "", author)
            self.refs.heads[self.default_branch] = commit.id
            self._save_refs()
            return commit

    def apply(
        self,
        revision: str,
        operations: list[Operation],
        *,
        title: str,
        description: str,
        author: str,
        parent_commit: str | None,
        create_pr: bool,
        object_size: Callable[[str], int | None],
        store_regular: Callable[[bytes], str],
    ) -> tuple[Commit, int | None]:
        """Apply a commit to a branch (or a PR ref, or a new PR); return it and the PR number."""
        with self.lock:
            if not self.refs.heads and revision == self.default_branch and not create_pr:
                return self._root_commit(
                    operations, title, description, author, object_size, store_regular
                ), None
            resolved = self.resolve(revision)
            if create_pr:
                base = resolved.commit
                if parent_commit:
                    base = self._check_known_parent(parent_commit)
            else:
                if resolved.kind not in ("branch", "pr"):
                    raise HubError(
                        400, f"Invalid rev id: {revision} is not a branch", "RevisionNotFound"
                    )
                base = resolved.commit
                if parent_commit and not _same_commit(base, parent_commit):
                    raise HubError(
                        412,
                        "A commit has happened since. Please refresh and try again. "
                        f"(parent commit {parent_commit} is not the head {base} of {revision})",
                    )
            files = dict(self.snapshot(base).files)
            changed = apply_operations(files, operations, base, object_size)
            new_lfs = [op.path for op in operations if isinstance(op, Put) and op.lfs]
            new_lfs += [
                op.path for op in operations if isinstance(op, Rename) and files[op.path].lfs
            ]
            if new_lfs:
                self._track_lfs(files, new_lfs, changed, store_regular)
            commit = self._write_commit(files, changed, (base,), title, description, author)
            number: int | None = None
            if create_pr:
                number = self.refs.next_pr
                self.refs.next_pr += 1
                self.refs.prs[number] = commit.id
            elif resolved.kind == "pr":
                self.refs.prs[int(resolved.name.rsplit("/", 1)[1])] = commit.id
            else:
                self.refs.heads[resolved.name] = commit.id
            self._save_refs()
            return commit, number

    def _root_commit(
        self,
        operations: list[Operation],
        title: str,
        description: str,
        author: str,
        object_size: Callable[[str], int | None],
        store_regular: Callable[[bytes], str],
    ) -> Commit:
        """The first commit of a repo created empty: default `.gitattributes` plus `operations`."""
        sha256 = store_regular(DEFAULT_GITATTRIBUTES)
        files = {
            ".gitattributes": FileEntry(
                len(DEFAULT_GITATTRIBUTES), git_blob_sha1(DEFAULT_GITATTRIBUTES), sha256, False
            )
        }
        changed = apply_operations(files, operations, "", object_size) | {".gitattributes"}
        new_lfs = [op.path for op in operations if isinstance(op, Put) and op.lfs]
        if new_lfs:
            self._track_lfs(files, new_lfs, changed, store_regular)
        commit = self._write_commit(files, changed, (), title, description, author)
        self.refs.heads[self.default_branch] = commit.id
        self._save_refs()
        return commit

    def _check_known_parent(self, parent: str) -> str:
        sha = self._expand_sha(parent.lower()) if _HEX.match(parent.lower()) else None
        if sha is None:
            raise HubError(412, f"Parent commit {parent} not found in this repo")
        return sha

    def _track_lfs(
        self,
        files: dict[str, FileEntry],
        paths: list[str],
        changed: set[str],
        store_regular: Callable[[bytes], str],
    ) -> None:
        current = files.get(".gitattributes")
        text = self._read_object(current.sha256).decode("utf-8", "replace") if current else ""
        rules = GitAttributes.parse(text)
        missing = [p for p in dict.fromkeys(paths) if not rules.is_lfs(p)]
        if not missing:
            return
        if text and not text.endswith("\n"):
            text += "\n"
        for path in missing:
            escaped = re.sub(r"([\\*?\[\] #!])", r"\\\1", path)
            text += f"{escaped} filter=lfs diff=lfs merge=lfs -text\n"
        content = text.encode()
        sha256 = store_regular(content)
        files[".gitattributes"] = FileEntry(len(content), git_blob_sha1(content), sha256, False)
        changed.add(".gitattributes")

    # --- commits pushed with git ---

    def add_pushed_commit(self, commit: Commit, files: dict[str, FileEntry]) -> None:
        """Record a commit that arrived through ``git push`` (no ref moves; see `update_ref`).

        `files` carry their last commits already; the commit keeps its raw git object, so the
        git side serves exactly what was pushed.
        """
        with self.lock:
            if commit.id in self._commit_set:
                return
            self.add_lfs({e.sha256 for e in files.values() if e.lfs})
            self._save_snapshot(commit.id, Snapshot(files))
            atomic_write_json(self.folder / "commits" / f"{commit.id}.json", commit.to_json())
            self._commits[commit.id] = commit
            self._commit_ids.append(commit.id)
            self._commit_ids.sort()
            self._commit_set.add(commit.id)

    def has_commit(self, commit_id: str) -> bool:
        return commit_id in self._commit_set

    def update_ref(self, ref: str, old: str | None, new: str | None, *, apply: bool = True) -> None:
        """Move, create (``old=None``) or delete (``new=None``) a git ref, if it is still `old`.

        ``refs/heads/*`` and ``refs/tags/*`` may be created and deleted (not the default
        branch); an existing ``refs/pr/N`` may be moved. Raises `HubError` (409 when the ref
        moved meanwhile). With ``apply=False`` it only checks.
        """
        with self.lock:
            refs = self.refs
            table: dict[Any, str]
            if ref.startswith("refs/heads/"):
                table, name = refs.heads, ref[len("refs/heads/") :]
            elif ref.startswith("refs/tags/"):
                table, name = refs.tags, ref[len("refs/tags/") :]
            elif ref.startswith("refs/pr/") and ref[len("refs/pr/") :].isdigit():
                table, name = refs.prs, ref[len("refs/pr/") :]
                if int(name) not in refs.prs or new is None:
                    raise HubError(403, f"{ref}: pull request refs can only be updated")
            else:
                raise HubError(403, f"{ref}: only branches, tags and pull requests can be pushed")
            key: Any = int(name) if table is refs.prs else name
            if table.get(key) != old:
                raise HubError(409, f"{ref} has moved meanwhile (fetch first)")
            if new is None:
                if table is refs.heads and name == self.default_branch:
                    raise HubError(403, "Cannot delete the default branch")
                if apply:
                    del table[key]
            else:
                if old is None and not _valid_ref_name(name):
                    raise HubError(400, f"Invalid ref name: {ref}")
                if apply and new not in self._commit_set:
                    raise HubError(400, f"{ref}: {new} is not a commit of this repo")
                if apply:
                    table[key] = new
            if apply:
                self._save_refs()

    # --- discussions and pull requests ---

    def allocate_number(self) -> int:
        """The next discussion number (discussions and pull requests share one sequence)."""
        with self.lock:
            number = self.refs.next_pr
            self.refs.next_pr += 1
            self._save_refs()
            return number

    def open_pr_ref(self, number: int, start: str | None) -> str:
        """Create ``refs/pr/<number>`` at the commit ``start`` resolves to; return it."""
        with self.lock:
            commit = self.resolve(start).commit
            self.refs.prs[number] = commit
            self._save_refs()
            return commit

    def ancestors(self, commit_id: str) -> set[str]:
        """Every commit reachable from ``commit_id`` (all parents), itself included."""
        seen: set[str] = set()
        todo = [commit_id]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.commit(current).parents)
        return seen

    def merge_base(self, one: str, other: str) -> str | None:
        """The nearest commit of ``other``'s history that ``one`` also reaches."""
        mine = self.ancestors(one)
        todo, seen = [other], set()
        while todo:
            current = todo.pop(0)
            if current in mine:
                return current
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.commit(current).parents)
        return None

    def merge_plan(self, head: str, target: str) -> tuple[dict[str, FileEntry], list[str]]:
        """The files of ``head`` merged into ``target`` (file by file, from their merge
        base), and the paths both sides changed differently (the conflicts)."""
        base_id = self.merge_base(target, head)
        base = self.snapshot(base_id).files if base_id else {}
        ours = self.snapshot(target).files
        theirs = self.snapshot(head).files
        merged: dict[str, FileEntry] = {}
        conflicts: list[str] = []
        for path in sorted(set(base) | set(ours) | set(theirs)):
            b, o, t = base.get(path), ours.get(path), theirs.get(path)
            if _same_entry(o, t) or _same_entry(b, t):
                chosen = o
            elif _same_entry(b, o):
                chosen = t
            else:
                conflicts.append(path)
                chosen = o
            if chosen is not None:
                merged[path] = chosen
        return merged, conflicts

    def merge_pr(
        self, number: int, branch: str, *, title: str, message: str, author: str
    ) -> Commit | list[str]:
        """Merge ``refs/pr/<number>`` into ``branch``: the merge commit, or the conflicting
        paths (then nothing changed)."""
        with self.lock:
            head = self.refs.prs[number]
            target = self.refs.heads[branch]
            files, conflicts = self.merge_plan(head, target)
            if conflicts:
                return conflicts
            changed = {
                path
                for path, entry in files.items()
                if not _same_entry(self.snapshot(target).files.get(path), entry)
            }
            commit = self._write_commit(files, changed, (target, head), title, message, author)
            self.refs.heads[branch] = commit.id
            self._save_refs()
            return commit

    def held_lfs(self) -> list[str]:
        """The sha256 of every LFS object this repo holds."""
        if not self._lfs_dir.is_dir():
            return []
        return sorted(p.name for p in self._lfs_dir.glob("*/*") if _SHA256.match(p.name))

    def commits_oldest_first(self) -> list[Commit]:
        """Every commit of the repo (reachable or not), oldest first."""
        return sorted((self.commit(c) for c in self._commit_ids), key=lambda c: (c.timestamp, c.id))

    def forget_lfs(self, sha256s: Iterable[str], *, rewrite_history: bool) -> None:
        """Stop holding these LFS objects; with `rewrite_history`, rewrite every ref's history
        without the files that point at them (new commit ids from the first changed commit)."""
        gone = {s for s in sha256s if _SHA256.match(s)}
        with self.lock:
            for sha256 in gone:
                (self._lfs_dir / sha256[:2] / sha256).unlink(missing_ok=True)
            if rewrite_history and gone:
                self._rewrite_without(gone)

    def _rewrite_without(self, gone: set[str]) -> None:
        refs = self.refs
        tips = [*refs.heads.values(), *refs.tags.values(), *refs.prs.values()]
        order: list[str] = []  # parents before children
        seen: set[str] = set()
        stack: list[tuple[str, bool]] = [(tip, False) for tip in tips]
        while stack:
            cid, expanded = stack.pop()
            if expanded:
                order.append(cid)
                continue
            if cid in seen:
                continue
            seen.add(cid)
            stack.append((cid, True))
            stack.extend((p, False) for p in self.commit(cid).parents if p not in seen)
        mapping: dict[str, str] = {}
        for cid in order:
            old = self.commit(cid)
            files = self.snapshot(cid).files
            parents = tuple(mapping[p] for p in old.parents)
            kept = {p: e for p, e in files.items() if not (e.lfs and e.sha256 in gone)}
            if len(kept) == len(files) and parents == old.parents:
                mapping[cid] = cid
                continue
            snapshot = Snapshot(kept)
            timestamp = old.timestamp
            new_id = commit_oid(snapshot.tree_oid, parents, old.author, int(timestamp), old.message)
            while new_id in self._commit_set and new_id != cid:
                timestamp = float(int(timestamp) + 1)
                new_id = commit_oid(
                    snapshot.tree_oid, parents, old.author, int(timestamp), old.message
                )
            mapping[cid] = new_id
            final = {
                p: dataclasses.replace(e, last_commit=mapping.get(e.last_commit, e.last_commit))
                for p, e in kept.items()
            }
            final_snapshot = Snapshot(final)
            final_snapshot.__dict__["dir_oids"] = snapshot.dir_oids
            self._save_snapshot(new_id, final_snapshot)
            commit = Commit(
                new_id, snapshot.tree_oid, parents, old.title, old.message, old.author, timestamp
            )
            atomic_write_json(self.folder / "commits" / f"{new_id}.json", commit.to_json())
            self._commits[new_id] = commit
            if new_id not in self._commit_set:
                self._commit_ids.append(new_id)
                self._commit_ids.sort()
                self._commit_set.add(new_id)
        for table in (refs.heads, refs.tags, refs.prs):
            for name, target in list(table.items()):
                table[name] = mapping.get(target, target)  # type: ignore[index]
        self._save_refs()

    def squash(self, branch: str, message: str, author: str) -> Commit:
        """Replace the history of `branch` by one root commit holding its current files."""
        with self.lock:
            resolved = self.resolve(branch)
            if resolved.kind != "branch":
                raise HubError(400, f"{branch} is not a branch")
            files = dict(self.snapshot(resolved.commit).files)
            commit = self._write_commit(files, set(files), (), message, "", author)
            self.refs.heads[resolved.name] = commit.id
            self._save_refs()
            return commit

    def create_branch(
        self,
        name: str,
        start: str | None,
        *,
        empty_by: str | None = None,
        overwrite: bool = False,
    ) -> None:
        """Create a branch at `start` (or, with `empty_by`, at a new root commit with no files)."""
        with self.lock:
            if name in self.refs.heads and not overwrite:
                raise HubError(409, f"Reference already exists: refs/heads/{name}")
            if not _valid_ref_name(name):
                raise HubError(400, f"Invalid branch name: {name}")
            if empty_by is not None:
                target = self._write_commit({}, set(), (), "Empty branch", "", empty_by).id
            else:
                target = self.resolve(start).commit
            self.refs.heads[name] = target
            self._save_refs()

    def delete_branch(self, name: str) -> None:
        with self.lock:
            if name not in self.refs.heads:
                raise HubError.revision_not_found(name)
            if name == self.default_branch:
                raise HubError(403, "Cannot delete the default branch")
            del self.refs.heads[name]
            self._save_refs()

    def create_tag(self, name: str, revision: str) -> None:
        with self.lock:
            if name in self.refs.tags:
                raise HubError(409, f"Tag already exists: {name}")
            if not _valid_ref_name(name):
                raise HubError(400, f"Invalid tag name: {name}")
            self.refs.tags[name] = self.resolve(revision).commit
            self._save_refs()

    def delete_tag(self, name: str) -> None:
        with self.lock:
            if name not in self.refs.tags:
                raise HubError.revision_not_found(name)
            del self.refs.tags[name]
            self._save_refs()


def _same_entry(one: FileEntry | None, other: FileEntry | None) -> bool:
    if one is None or other is None:
        return one is other
    return (one.oid, one.sha256, one.lfs) == (other.oid, other.sha256, other.lfs)


def _same_commit(head: str, parent: str) -> bool:
    parent = parent.lower()
    return len(parent) >= 7 and head.startswith(parent)


def _valid_ref_name(name: str) -> bool:
    return (
        bool(name)
        and ".." not in name
        and not name.startswith(("/", "refs/"))
        and (re.fullmatch(r"[A-Za-z0-9._/\-]+", name) is not None)
    )
