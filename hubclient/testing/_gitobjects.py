"""Git object identities the Hub exposes: blob sha1, LFS pointers, tree and commit oids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

__all__ = [
    "DEFAULT_GITATTRIBUTES",
    "commit_oid",
    "commit_raw",
    "git_blob_sha1",
    "lfs_pointer",
    "parse_lfs_pointer",
    "tree_oids",
]

_LFS_EXTENSIONS = [
    "*.7z",
    "*.arrow",
    "*.bin",
    "*.bz2",
    "*.ckpt",
    "*.ftz",
    "*.gz",
    "*.h5",
    "*.joblib",
    "*.lfs.*",
    "*.mlmodel",
    "*.model",
    "*.msgpack",
    "*.npy",
    "*.npz",
    "*.onnx",
    "*.ot",
    "*.parquet",
    "*.pb",
    "*.pickle",
    "*.pkl",
    "*.pt",
    "*.pth",
    "*.rar",
    "*.safetensors",
    "saved_model/**/*",
    "*.tar.*",
    "*.tar",
    "*.tflite",
    "*.tgz",
    "*.wasm",
    "*.xz",
    "*.zip",
    "*.zst",
    "*tfevents*",
]

#: The `.gitattributes` every new repo starts with (the Hub's usual LFS patterns).
DEFAULT_GITATTRIBUTES: bytes = "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n" for pattern in _LFS_EXTENSIONS
).encode()


def git_blob_sha1(content: bytes) -> str:
    """The git blob oid of `content`: ``sha1(b"blob <len>\\0" + content)``."""
    digest = hashlib.sha1(b"blob %d\0" % len(content))
    digest.update(content)
    return digest.hexdigest()


def parse_lfs_pointer(data: bytes) -> tuple[str, int] | None:
    """``(sha256, size)`` when `data` is exactly the pointer `lfs_pointer` writes, else ``None``."""
    if len(data) > 200 or not data.startswith(b"version https://git-lfs.github.com/spec/v1\n"):
        return None
    lines = data.decode("ascii", "replace").split("\n")
    if len(lines) != 4 or lines[3] or not lines[1].startswith("oid sha256:"):
        return None
    sha256, size = lines[1][len("oid sha256:") :], lines[2].removeprefix("size ")
    if not size.isdigit() or lfs_pointer(sha256, int(size)) != data:
        return None
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return None
    return sha256, int(size)


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The git-lfs pointer file that stands for an LFS object in the git tree."""
    return (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()
    )


def tree_oids(files: Mapping[str, str], modes: Mapping[str, str] | None = None) -> dict[str, str]:
    """Git tree oids of every folder ("" is the root) of a tree given as ``{path: blob oid}``.

    `modes` gives the git mode of the files that are not plain ``100644`` blobs (``100755``
    executables, ``120000`` symlinks).
    """
    children: dict[str, dict[str, tuple[bool, str]]] = {"": {}}
    for path in files:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in children:
                children[folder] = {}
                parent = "/".join(parts[: depth - 1])
                children[parent][parts[depth - 1]] = (True, folder)
        children["/".join(parts[:-1])][parts[-1]] = (False, path)
    oids: dict[str, str] = {}
    for folder in sorted(children, key=lambda f: f.count("/") + (1 if f else 0), reverse=True):
        entries = children[folder]
        body = bytearray()

        def sort_key(name: str, entries: dict[str, tuple[bool, str]] = entries) -> str:
            return name + "/" if entries[name][0] else name

        for name in sorted(entries, key=sort_key):
            is_dir, target = entries[name]
            oid = oids[target] if is_dir else files[target]
            mode = b"40000" if is_dir else (modes or {}).get(target, "100644").encode()
            body += mode + b" " + name.encode() + b"\0" + bytes.fromhex(oid)
        oids[folder] = hashlib.sha1(b"tree %d\0" % len(body) + bytes(body)).hexdigest()
    return oids


def commit_raw(
    tree: str, parents: Iterable[str], author: str, timestamp: int, message: str
) -> bytes:
    """The git commit object (without its header) of a commit made through the API."""
    lines = [f"tree {tree}"]
    lines += [f"parent {p}" for p in parents]
    who = f"{author} <{author}@users.noreply.local> {timestamp} +0000"
    lines += [f"author {who}", f"committer {who}", "", message]
    return "\n".join(lines).encode()


def commit_oid(tree: str, parents: Iterable[str], author: str, timestamp: int, message: str) -> str:
    """A git commit oid over the tree, the parents, the author line and the message."""
    body = commit_raw(tree, parents, author, timestamp, message)
    return hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
