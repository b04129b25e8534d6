"""Commit operations and how they change a file set (refusing what git would refuse)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hubclient.testing._errors import HubError
from hubclient.testing._gitobjects import git_blob_sha1, lfs_pointer
from hubclient.testing._snapshot import FileEntry

__all__ = ["Delete", "Operation", "Put", "Rename", "apply_operations"]


@dataclass(frozen=True)
class Put:
    """Add or replace a file whose content is already in the object store."""

    path: str
    sha256: str
    size: int
    lfs: bool
    content: bytes | None = None  # regular files: the bytes (for the git blob oid)


@dataclass(frozen=True)
class Delete:
    path: str
    folder: bool = False


@dataclass(frozen=True)
class Rename:
    path: str
    old_path: str


Operation = Put | Delete | Rename


def apply_operations(
    files: dict[str, FileEntry],
    operations: list[Operation],
    base: str,
    object_size: Callable[[str], int | None],
) -> set[str]:
    changed: set[str] = set()
    folders = _Folders(files)
    for op in operations:
        if isinstance(op, Put):
            if op.lfs:
                size = object_size(op.sha256)
                if size is None:
                    raise HubError(422, f"LFS object {op.sha256} for {op.path} was never uploaded")
                oid = git_blob_sha1(lfs_pointer(op.sha256, size))
                entry = FileEntry(size, oid, op.sha256, True)
            else:
                content = op.content if op.content is not None else b""
                entry = FileEntry(len(content), git_blob_sha1(content), op.sha256, False)
            folders.check(op.path)
            files[op.path] = entry
            changed.add(op.path)
        elif isinstance(op, Rename):
            source = files.pop(op.old_path, None)
            if source is None:
                raise HubError.entry_not_found(
                    op.old_path, base, f"A file with this name doesn't exist: {op.old_path}"
                )
            folders.dirty = True
            folders.check(op.path)
            files[op.path] = source
            changed.add(op.path)
        elif op.folder:
            prefix = op.path.rstrip("/") + "/"
            doomed = [p for p in files if p.startswith(prefix)]
            if not doomed:
                raise HubError.entry_not_found(
                    op.path, base, f"A folder with this name doesn't exist: {op.path}"
                )
            for p in doomed:
                del files[p]
            folders.dirty = True
        else:
            if op.path not in files:
                raise HubError.entry_not_found(
                    op.path, base, f"A file with this name doesn't exist: {op.path}"
                )
            del files[op.path]
            folders.dirty = True
    return changed


class _Folders:
    """The folder paths of a changing file set, to refuse a file where a folder is (and back)."""

    def __init__(self, files: dict[str, FileEntry]) -> None:
        self.files = files
        self.dirty = True
        self.folders: set[str] = set()

    def check(self, path: str) -> None:
        if self.dirty:
            self.folders = {
                p.rsplit("/", i)[0] for p in self.files for i in range(1, p.count("/") + 1)
            }
            self.dirty = False
        parts = path.split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if parent in self.files:
                raise HubError(400, f"Cannot create {path}: {parent} is a file")
            self.folders.add(parent)
        if path in self.folders:
            raise HubError(400, f"Cannot create file {path}: a folder with this name exists")
