"""Storage buckets of the local Hub: their index, their files, and how their trees list.

A bucket is not a git repo: it is a flat, mutable map ``path -> file`` whose bytes live in the
Xet CAS, in the bucket's own scope (``bucket-<uid>``; the uid survives a rename). State is kept
in documents (``_documents.py``): the Hub-wide index ``buckets`` (id → uid, visibility, dates)
and one document per bucket (``bucket-<uid>``: its files). Each file is::

    {"xetHash": "<64 hex>", "size": N, "mtime": <ms>, "uploadedAt": <ms>, "contentType": "…"}

Folders are implied by the paths under them, as in S3. Listings are S3-like too: the prefix
matches lexically (``logs`` also finds ``logs.json`` and ``logs_backup/``), which is what
huggingface_hub's filesystem expects of the Hub.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from hubclient.testing._documents import Document, Documents
from hubclient.testing._records import iso_date

__all__ = ["MAX_PATH_BYTES", "Bucket", "Buckets", "file_json", "path_problem", "tree"]

MAX_PATH_BYTES = 1024
"""The longest path a bucket accepts, in UTF-8 bytes (S3's key limit)."""


def path_problem(path: object) -> str | None:
    """Why `path` cannot name a file of a bucket (``None`` when it can): it must be a relative
    ``/``-separated path without empty, ``.`` or ``..`` segments, backslashes or control
    characters, at most `MAX_PATH_BYTES` long."""
    if not isinstance(path, str) or not path:
        return "the path must be a non-empty string"
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        return f"the path is longer than {MAX_PATH_BYTES} bytes"
    if path.startswith("/") or path.endswith("/"):
        return "the path must be relative and name a file (no leading or trailing '/')"
    if "\\" in path or any(ord(c) < 32 or c == "\x7f" for c in path):
        return "the path contains a backslash or a control character"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "the path has an empty, '.' or '..' segment (it would leave the bucket)"
    return None


def file_json(path: str, entry: dict[str, Any]) -> dict[str, Any]:
    """A file as the tree and paths-info answer it."""
    out: dict[str, Any] = {
        "type": "file",
        "path": path,
        "size": entry["size"],
        "xetHash": entry["xetHash"],
        "mtime": iso_date(entry["mtime"] / 1000),
        "uploadedAt": iso_date(entry["uploadedAt"] / 1000),
    }
    if entry.get("contentType"):
        out["contentType"] = entry["contentType"]
    return out


def tree(files: dict[str, dict[str, Any]], prefix: str, recursive: bool) -> list[dict[str, Any]]:
    """The entries a tree listing answers, in path order.

    ``recursive``: every file whose path starts with `prefix`. Otherwise one level: the file
    `prefix` itself, what is directly under the folder `prefix`, and the files and folders
    beside it whose name starts with it (the lexical match).
    """
    prefix = prefix.strip("/")
    if recursive:
        return [file_json(p, files[p]) for p in sorted(files) if p.startswith(prefix)]
    folders: dict[str, int] = {}
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(files):
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        if not prefix or rest.startswith("/"):
            base = f"{prefix}/" if prefix else ""
            child = rest[1:] if prefix else rest
        else:
            base, child = prefix, rest
        name, slash, _ = child.partition("/")
        entry = files[path]
        if not slash:
            out[path] = file_json(path, entry)
            continue
        folder = base + name
        folders[folder] = max(folders.get(folder, 0), int(entry["uploadedAt"]))
    for folder, uploaded in folders.items():
        out.setdefault(
            folder,
            {"type": "directory", "path": folder, "uploadedAt": iso_date(uploaded / 1000)},
        )
    return [out[key] for key in sorted(out)]


@dataclass
class Bucket:
    """One bucket: its id, its meta (in the index) and the document of its files."""

    id: str
    meta: dict[str, Any]
    doc: Document

    @property
    def namespace(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def private(self) -> bool:
        return bool(self.meta.get("private"))

    @property
    def scope(self) -> str:
        """Its Xet scope: tokens for it reach only its files."""
        return f"bucket-{self.meta['uid']}"

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """``path -> file`` (change it under ``doc.lock``, then ``doc.save()``)."""
        files: dict[str, dict[str, Any]] = self.doc.data.setdefault("files", {})
        return files

    def info(self) -> dict[str, Any]:
        """The bucket as ``GET /api/buckets/{id}`` answers it."""
        with self.doc.lock:
            sizes = [int(f["size"]) for f in self.files.values()]
        return {
            "id": self.id,
            "name": self.id,
            "type": "bucket",
            "private": self.private,
            "createdAt": iso_date(self.meta["createdAt"]),
            "updatedAt": iso_date(self.meta["updatedAt"]),
            "size": sum(sizes),
            "totalFiles": len(sizes),
        }


class Buckets:
    """The buckets of one local Hub (thread-safe: the documents' locks)."""

    def __init__(self, documents: Documents) -> None:
        self._documents = documents

    @property
    def _index(self) -> Document:
        return self._documents.hub("buckets")

    def _entries(self) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = self._index.data.setdefault("buckets", {})
        return entries

    def _bucket(self, bucket_id: str, meta: dict[str, Any]) -> Bucket:
        return Bucket(bucket_id, meta, self._documents.hub(f"bucket-{meta['uid']}"))

    def find(self, bucket_id: str) -> Bucket | None:
        """The bucket named `bucket_id` (names compare case-insensitively, as repos')."""
        with self._index.lock:
            for name, meta in self._entries().items():
                if name.lower() == bucket_id.lower():
                    return self._bucket(name, meta)
        return None

    def create(self, bucket_id: str, *, private: bool, now: float) -> tuple[Bucket, bool]:
        """The new bucket (``True``), or the existing one of that name (``False``)."""
        index = self._index
        with index.lock:
            found = self.find(bucket_id)
            if found is not None:
                return found, False
            meta = {"uid": uuid.uuid4().hex, "private": private, "createdAt": now, "updatedAt": now}
            self._entries()[bucket_id] = meta
            index.save()
            return self._bucket(bucket_id, meta), True

    def delete(self, bucket: Bucket) -> None:
        """Forget the bucket and its files (its Xet scope is never reused: a new bucket of the
        same name gets a new uid)."""
        index = self._index
        with index.lock:
            self._entries().pop(bucket.id, None)
            index.save()
        with bucket.doc.lock:
            bucket.doc.data.clear()
            bucket.doc.save()

    def move(self, bucket: Bucket, target: str) -> Bucket:
        index = self._index
        with index.lock:
            entries = self._entries()
            meta = entries.pop(bucket.id)
            entries[target] = meta
            index.save()
            return self._bucket(target, meta)

    def update(self, bucket: Bucket, **changes: Any) -> None:
        """Change the bucket's meta (``private``, ``updatedAt``…)."""
        index = self._index
        with index.lock:
            bucket.meta.update(changes)
            index.save()

    def of_namespace(self, namespace: str) -> list[Bucket]:
        with self._index.lock:
            return [
                self._bucket(name, meta)
                for name, meta in sorted(self._entries().items())
                if name.split("/", 1)[0].lower() == namespace.lower()
            ]


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}\Z")


def name_problem(bucket_id: str) -> str | None:
    """Why `bucket_id` is not a valid ``namespace/name`` for a bucket, or ``None``."""
    namespace, _, name = bucket_id.partition("/")
    if not (_NAME.match(namespace) and _NAME.match(name)) or "--" in name or ".." in name:
        return f"Invalid bucket name: {bucket_id}"
    if name.endswith((".git", ".")):
        return f"Invalid bucket name: {bucket_id}"
    return None


def now_ms() -> int:
    return int(time.time() * 1000)
