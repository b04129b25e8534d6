"""Listing the files of a commit on either Hub, and comparing two listings path by path.

Two files are the same when their git blob ids are equal: for an LFS file the blob is the
pointer, which names the sha256 and the size, so equal ids mean equal content and mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hubclient._http import HubHttp
from hubclient.cache import TreeEntry
from hubclient.download._plan import list_tree

__all__ = [
    "GITATTRIBUTES",
    "Tree",
    "TreeDiff",
    "clashing_deletions",
    "diff_trees",
    "list_files",
    "mismatches",
]

GITATTRIBUTES = ".gitattributes"

Tree = dict[str, TreeEntry]
"""The files of one commit: path -> entry (size, blob id, LFS sha256)."""


async def list_files(http: HubHttp, repo_id: str, repo_type: str, revision: str) -> Tree:
    """Every file of ``revision`` (a commit sha, or a branch head), all pages."""
    return await list_tree(http, repo_id, repo_type, revision, None)


@dataclass
class TreeDiff:
    """What turns a destination tree into a source tree.

    ``copy``: source paths the destination lacks or holds with another blob (``.gitattributes``
    first); ``same``: paths already equal; ``delete``: destination paths the source does not
    have (only when extraneous files are deleted).
    """

    copy: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.copy and not self.delete


def diff_trees(source: Tree, dest: Tree, *, delete_extraneous: bool) -> TreeDiff:
    """Compare by path and blob id.

    Example::

        diff = diff_trees(src, dst, delete_extraneous=True)
        assert diff_trees(src, src, delete_extraneous=True).empty
    """
    diff = TreeDiff()
    for path in sorted(source, key=lambda p: (p != GITATTRIBUTES, p)):
        current = dest.get(path)
        if current is not None and current.blob_id == source[path].blob_id:
            diff.same.append(path)
        else:
            diff.copy.append(path)
    if delete_extraneous:
        diff.delete = sorted(path for path in dest if path not in source)
    return diff


def clashing_deletions(deletions: Sequence[str], additions: Sequence[str]) -> set[str]:
    """The ``deletions`` that must land before ``additions`` can: a deleted file whose path is a
    folder of an added path (file ``x`` gives way to ``x/y.txt``), or a deleted path inside a
    folder that an added file replaces (``x/y.txt`` gives way to file ``x``).

    Example::

        clashing_deletions(["x", "a.txt"], ["x/y.txt"]) == {"x"}
        clashing_deletions(["x/y.txt"], ["x"]) == {"x/y.txt"}
    """
    added = set(additions)
    folders = {path[:i] for path in additions for i, c in enumerate(path) if c == "/"}
    return {
        path
        for path in deletions
        if path in folders or any(c == "/" and path[:i] in added for i, c in enumerate(path))
    }


def mismatches(source: Tree, dest: Tree, *, exact: bool) -> list[str]:
    """Paths where ``dest`` differs from ``source`` (with ``exact``, extra files count too)."""
    diff = diff_trees(source, dest, delete_extraneous=exact)
    return diff.copy + diff.delete
