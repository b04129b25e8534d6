"""The git side of a repo: the git objects its commit ids describe, and commits pushed with git.

Every commit of the local Hub is a real git commit: its id is the sha1 of a commit object over
the tree of its files (regular blobs, LFS pointers), its parents, author and message. This
module writes those objects into a bare git object store per repo (``repos/<uid>/git``, made
with dulwich, filled lazily when git first asks and kept as a cache), so that ``git clone``
and ``git fetch`` get exactly the history the API shows; and it turns what ``git push`` sends
into commits of the repo, checked like API commits (LFS objects the repo holds, no big or
binary regular files), so that a commit made with git and one made through the API share one
history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from dulwich.objects import Blob, ObjectID, ShaFile, Tree
from dulwich.objects import Commit as GitCommit
from dulwich.objects import Tag as GitTag
from dulwich.refs import SYMREF, DictRefsContainer, Ref
from dulwich.repo import Repo as GitRepo

from hubclient.testing._api_commit import check_regular_content, clean_path, dangling_lfs_error
from hubclient.testing._errors import HubError
from hubclient.testing._gitobjects import commit_raw, lfs_pointer, parse_lfs_pointer
from hubclient.testing._objects import ObjectStore
from hubclient.testing._records import Commit
from hubclient.testing._repo import Repo
from hubclient.testing._snapshot import FileEntry, Snapshot

__all__ = ["ZERO", "GitSide", "git_commit_bytes"]

ZERO = "0" * 40
_MODES = {0o100644: "100644", 0o100755: "100755", 0o120000: "120000"}
_BATCH_BYTES = 64 * 1024 * 1024
#: At most this many new commits in one push (every loop a client drives is bounded).
MAX_PUSHED_COMMITS = 100_000


def _oid(hex_sha: str | bytes) -> ObjectID:
    return ObjectID(hex_sha.encode() if isinstance(hex_sha, str) else hex_sha)


def git_commit_bytes(commit: Commit) -> bytes:
    """The commit object (without its ``commit <len>\\0`` header) whose sha1 is `commit.id`."""
    if commit.raw:
        return commit.raw
    return commit_raw(
        commit.tree, commit.parents, commit.author, int(commit.timestamp), commit.message
    )


class GitSide:
    """One repo seen by git: a dulwich repo on its object cache, with the Hub's refs."""

    def __init__(self, repo: Repo, objects: ObjectStore, lfs_size_threshold: int) -> None:
        self.repo = repo
        self.objects = objects
        self.threshold = lfs_size_threshold
        folder = repo.folder / "git"
        self.git = GitRepo(str(folder)) if folder.is_dir() else _init_bare(folder)
        self.git.refs = _HubRefs(repo)  # the refs are the Hub's, never a copy

    # --- serving: the objects of every commit the refs reach ---

    def sync(self) -> None:
        """Write the objects of every commit reachable from a ref that the cache lacks.

        A commit is written after (in a later pack than) its trees and blobs, and a commit in
        the cache has all its ancestors there: checking the heads is enough next time.
        """
        store = self.git.object_store
        refs = self.repo.refs_copy()
        pending = [*refs.heads.values(), *refs.tags.values(), *refs.prs.values()]
        missing: list[str] = []
        seen: set[str] = set()
        while pending:
            cid = pending.pop()
            if cid in seen or _oid(cid) in store:
                continue
            seen.add(cid)
            missing.append(cid)
            pending.extend(self.repo.commit(cid).parents)
        if not missing:
            return
        batch: dict[bytes, ShaFile] = {}
        size = 0
        for cid in missing:
            for obj in self._tree_objects(self.repo.snapshot(cid), batch):
                batch[obj.id] = obj
                size += obj.raw_length()
                if size >= _BATCH_BYTES:
                    store.add_objects([(o, None) for o in batch.values()])
                    batch, size = {}, 0
        if batch:
            store.add_objects([(o, None) for o in batch.values()])
        commits: list[ShaFile] = []
        for cid in missing:
            obj = ShaFile.from_raw_string(
                GitCommit.type_num, git_commit_bytes(self.repo.commit(cid))
            )
            if obj.id.decode() != cid:  # never: it would mean the ids lie about the history
                raise RuntimeError(f"commit {cid} does not rebuild to itself (got {obj.id!r})")
            commits.append(obj)
        store.add_objects([(o, None) for o in commits])

    def _tree_objects(self, snapshot: Snapshot, batch: dict[bytes, ShaFile]) -> Iterator[ShaFile]:
        store = self.git.object_store
        dir_oids = snapshot.dir_oids
        children: dict[str, list[tuple[str, int, str]]] = {folder: [] for folder in dir_oids}
        for folder in dir_oids:
            if folder:
                parent, _, name = folder.rpartition("/")
                children[parent].append((name, 0o040000, dir_oids[folder]))
        for path, entry in snapshot.files.items():
            parent, _, name = path.rpartition("/")
            children[parent].append((name, int(entry.mode, 8), entry.oid))
            key = _oid(entry.oid)
            if key in batch or key in store:
                continue
            data = (
                lfs_pointer(entry.sha256, entry.size)
                if entry.lfs
                else self.objects.read_bytes(entry.sha256)
            )
            yield Blob.from_string(data)
        for folder, entries in children.items():
            key = _oid(dir_oids[folder])
            if key in batch or key in store:
                continue
            tree = Tree()
            for name, mode, oid in entries:
                tree.add(name.encode(), mode, _oid(oid))
            if tree.id != key:
                raise RuntimeError(f"tree {folder!r} does not rebuild to {dir_oids[folder]}")
            yield tree

    # --- pushing ---

    def import_pushed(self, new: str) -> None:
        """Turn the commits a push brings (up to `new`) into commits of the repo.

        Raises `HubError` with the reason the Hub would give (nothing is recorded then, except
        commits that were complete and valid before the bad one).
        """
        store = self.git.object_store
        try:
            obj = store[_oid(new)]
        except KeyError:
            raise HubError(400, f"{new} was not sent") from None
        if isinstance(obj, GitTag):
            raise HubError(
                400, "annotated tags are not supported by the local Hub: push a lightweight tag"
            )
        if not isinstance(obj, GitCommit):
            raise HubError(400, f"{new} is not a commit")
        for commit in self._new_commits(new):
            self._import_commit(commit)

    def _new_commits(self, head: str) -> list[GitCommit]:
        """The pushed commits the repo lacks, parents before children."""
        store = self.git.object_store
        order: list[GitCommit] = []
        done: set[str] = set()
        stack: list[tuple[str, bool]] = [(head, False)]
        while stack:
            cid, expanded = stack.pop()
            if cid in done or self.repo.has_commit(cid):
                continue
            try:
                commit = store[_oid(cid)]
            except KeyError:
                raise HubError(400, f"commit {cid} is missing from the push") from None
            if not isinstance(commit, GitCommit):
                raise HubError(400, f"{cid} is not a commit")
            if expanded:
                done.add(cid)
                order.append(commit)
                if len(order) > MAX_PUSHED_COMMITS:
                    raise HubError(400, f"more than {MAX_PUSHED_COMMITS} new commits in one push")
                continue
            stack.append((cid, True))
            stack.extend((p.decode(), False) for p in reversed(commit.parents))
        return order

    def _import_commit(self, commit: GitCommit) -> None:
        cid = commit.id.decode()
        parents = tuple(p.decode() for p in commit.parents)
        base = self.repo.snapshot(parents[0]) if parents else Snapshot({})
        files: dict[str, FileEntry] = {}
        dangling: list[str] = []
        self._read_tree(commit.tree, "", base, files, dangling)
        if dangling:
            raise dangling_lfs_error(dangling)
        final: dict[str, FileEntry] = {}
        for path, entry in files.items():
            before = base.files.get(path)
            same = before is not None and (before.oid, before.mode) == (entry.oid, entry.mode)
            final[path] = before if same and before is not None else _with_commit(entry, cid)
        snapshot = Snapshot(final)
        if snapshot.tree_oid != commit.tree.decode():
            raise HubError(
                400,
                f"commit {cid}: its tree holds entries the Hub cannot represent (empty folders?)",
            )
        message = commit.message.decode("utf-8", "replace").rstrip("\n")
        author = commit.author.decode("utf-8", "replace")
        name = author.split(" <", 1)[0].strip() or author
        record = Commit(
            cid,
            commit.tree.decode(),
            parents,
            message.split("\n", 1)[0],
            message,
            name,
            float(commit.commit_time),
            commit.as_raw_string(),
        )
        self.repo.add_pushed_commit(record, final)

    def _read_tree(
        self,
        tree_id: bytes,
        prefix: str,
        base: Snapshot,
        files: dict[str, FileEntry],
        dangling: list[str],
    ) -> None:
        """Fill `files` from a git tree; folders unchanged since `base` are taken from it."""
        folder = prefix.rstrip("/")
        if base.files and base.dir_oids.get(folder) == tree_id.decode():
            files.update({p: base.files[p] for p in base.folder_files(folder)})
            return
        tree = self.git.object_store[_oid(tree_id)]
        if not isinstance(tree, Tree):
            raise HubError(400, f"{tree_id.decode()} is not a tree")
        for item in tree.iteritems():
            name = item.path.decode("utf-8", "replace")
            path = prefix + name
            if item.mode == 0o040000:
                clean_path(path)
                self._read_tree(item.sha, path + "/", base, files, dangling)
                continue
            if item.mode == 0o160000:
                raise HubError(400, f"{path}: submodules are not supported")
            mode = _MODES.get(item.mode)
            if mode is None:
                raise HubError(400, f"{path}: unsupported file mode {item.mode:o}")
            if clean_path(path) != path:
                raise HubError(400, f"Invalid path: {path!r}")
            files[path] = self._entry(path, item.sha.decode(), mode, base, dangling)

    def _entry(
        self, path: str, oid: str, mode: str, base: Snapshot, dangling: list[str]
    ) -> FileEntry:
        before = base.files.get(path)
        if before is not None and before.oid == oid:
            return FileEntry(before.size, oid, before.sha256, before.lfs, "", mode)
        blob = self.git.object_store[_oid(oid)]
        if not isinstance(blob, Blob):
            raise HubError(400, f"{path}: {oid} is not a blob")
        data = blob.as_raw_string()
        pointer = parse_lfs_pointer(data)
        if pointer is not None:
            sha256, size = pointer
            if not self.repo.holds_lfs(sha256) or self.objects.size(sha256) != size:
                dangling.append(path)
            return FileEntry(size, oid, sha256, True, "", mode)
        check_regular_content(path, data, self.threshold)
        digest = self.objects.put_bytes(data)
        assert digest == hashlib.sha256(data).hexdigest()
        return FileEntry(len(data), oid, digest, False, "", mode)


def _with_commit(entry: FileEntry, cid: str) -> FileEntry:
    return FileEntry(entry.size, entry.oid, entry.sha256, entry.lfs, cid, entry.mode)


def _init_bare(folder: Path) -> GitRepo:
    folder.mkdir(parents=True, exist_ok=True)
    return GitRepo.init_bare(str(folder))


class _HubRefs(DictRefsContainer):
    """The repo's refs as git sees them; pushes move them through `Repo.update_ref`."""

    def __init__(self, repo: Repo) -> None:
        refs = repo.refs_copy()
        table: dict[Ref, bytes] = {
            Ref(b"HEAD"): SYMREF + b"refs/heads/" + repo.default_branch.encode()
        }
        table.update({Ref(f"refs/heads/{n}".encode()): s.encode() for n, s in refs.heads.items()})
        table.update({Ref(f"refs/tags/{n}".encode()): s.encode() for n, s in refs.tags.items()})
        table.update({Ref(f"refs/pr/{n}".encode()): s.encode() for n, s in refs.prs.items()})
        super().__init__(table)
        self.repo = repo

    def set_if_equals(self, name, old_ref, new_ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        old = None if old_ref in (None, ZERO.encode()) else old_ref.decode()
        try:
            self.repo.update_ref(name.decode(), old, new_ref.decode())
        except HubError as exc:
            raise OSError(exc.message) from exc
        return super().set_if_equals(name, None, new_ref)

    def remove_if_equals(self, name, old_ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        old = None if old_ref in (None, ZERO.encode()) else old_ref.decode()
        try:
            self.repo.update_ref(name.decode(), old, None)
        except HubError as exc:
            raise OSError(exc.message) from exc
        return super().remove_if_equals(name, None)
