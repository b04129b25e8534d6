"""The files of one commit, with the per-file metadata the Hub answers from (no re-hashing)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from hubclient.testing._gitobjects import lfs_pointer, tree_oids

__all__ = ["FileEntry", "Snapshot"]


@dataclass(frozen=True)
class FileEntry:
    """One file: real size, git oid (of the content, or of the LFS pointer), content sha256."""

    size: int
    oid: str
    sha256: str
    lfs: bool
    last_commit: str = ""
    mode: str = "100644"  # the git mode: 100644, or 100755 / 120000 for files pushed with git

    @property
    def pointer_size(self) -> int:
        return len(lfs_pointer(self.sha256, self.size))

    @property
    def etag(self) -> str:
        """The identity clients cache by: sha256 for LFS files, the git blob sha1 otherwise."""
        return self.sha256 if self.lfs else self.oid

    def to_json(self) -> list[object]:
        out: list[object] = [self.size, self.oid, self.sha256, self.lfs, self.last_commit]
        if self.mode != "100644":
            out.append(self.mode)
        return out

    @classmethod
    def from_json(cls, data: list[object]) -> FileEntry:
        size, oid, sha256, lfs, last = data[:5]
        assert isinstance(size, int)
        mode = str(data[5]) if len(data) > 5 else "100644"
        return cls(size, str(oid), str(sha256), bool(lfs), str(last), mode)


class Snapshot:
    """An immutable tree: ``{path: FileEntry}`` plus lazily built folder indexes."""

    def __init__(self, files: dict[str, FileEntry]) -> None:
        self.files = files

    @cached_property
    def sorted_paths(self) -> list[str]:
        return sorted(self.files)

    @cached_property
    def dir_oids(self) -> dict[str, str]:
        modes = {p: e.mode for p, e in self.files.items() if e.mode != "100644"}
        return tree_oids({path: entry.oid for path, entry in self.files.items()}, modes)

    @property
    def tree_oid(self) -> str:
        return self.dir_oids[""]

    @cached_property
    def _children(self) -> dict[str, tuple[list[str], list[str]]]:
        """folder -> (sub-folder paths, file paths), both sorted."""
        index: dict[str, tuple[list[str], list[str]]] = {"": ([], [])}
        for path in sorted(self.files):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder not in index:
                    index[folder] = ([], [])
                    index["/".join(parts[: depth - 1])][0].append(folder)
            index["/".join(parts[:-1])][1].append(path)
        for dirs, files in index.values():
            dirs.sort()
            files.sort()
        return index

    def is_dir(self, path: str) -> bool:
        return path in self._children

    def folder_files(self, folder: str) -> list[str]:
        """Every file path under `folder` (recursively)."""
        prefix = folder + "/" if folder else ""
        return [p for p in self.files if p.startswith(prefix)]

    def listing(self, folder: str, recursive: bool) -> list[tuple[str, bool]]:
        """(path, is_dir) entries under `folder`: folders first, then files, depth-first."""
        dirs, files = self._children[folder]
        out: list[tuple[str, bool]] = []
        for sub in dirs:
            out.append((sub, True))
            if recursive:
                out.extend(self.listing(sub, True))
        out.extend((f, False) for f in files)
        return out
