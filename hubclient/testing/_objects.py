"""Content-addressed objects on disk (by sha256), streamed in and out, never whole in memory.

A multipart upload is checked against its sha256 at completion. So that completing a big object
does not cost a read and a hash of all of it at the end (the benchmark would then measure the
local Hub, not the client), a follower hashes the upload's data file part by part, in one
background thread, as soon as the parts before it are complete; completion hashes only what is
left. The follower's digest is used only when the parts it hashed are exactly the parts the
completion names (their ETags are per-write tokens); otherwise the whole file is hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubclient.testing._direct import hash_range, open_direct

_SHA256 = re.compile(r"[0-9a-f]{64}")

__all__ = ["ObjectStore", "ObjectWriter", "UploadSession", "atomic_write_json", "read_json"]


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON to `path` through a temp file and `os.replace` (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"))
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


class ObjectWriter:
    """Streams bytes to a temp file while hashing; `finish` moves it into the store."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._tmp = store.tmp_dir / f"obj-{uuid.uuid4().hex}"
        self._file = self._tmp.open("wb")
        self._sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._sha256.update(data)
        self.size += len(data)

    def write_many(self, chunks: Sequence[bytes]) -> None:
        """Write and hash ``chunks`` in order, without joining them (no copy)."""
        self._file.writelines(chunks)
        for chunk in chunks:
            self._sha256.update(chunk)
            self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def finish(self, expected_sha256: str | None = None, expected_size: int | None = None) -> str:
        """Close and store the object; raise `ValueError` (and keep nothing) on a mismatch."""
        self._file.close()
        digest = self.sha256
        if (expected_sha256 is not None and digest != expected_sha256.lower()) or (
            expected_size is not None and self.size != expected_size
        ):
            self._tmp.unlink(missing_ok=True)
            raise ValueError(
                f"content mismatch: got sha256 {digest} ({self.size} bytes), expected "
                f"{expected_sha256} ({expected_size} bytes)"
            )
        target = self._store.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._tmp, target)
        return digest

    def abort(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class UploadSession:
    """A multipart upload in progress: the object it builds and how it is cut."""

    id: str
    oid: str
    size: int
    chunk_size: int
    repo: str = ""  # uid of the repo the object is uploaded to (it holds it once complete)

    @property
    def parts(self) -> int:
        return max(1, -(-self.size // self.chunk_size))

    def part_size(self, number: int) -> int:
        start = (number - 1) * self.chunk_size
        return max(0, min(self.chunk_size, self.size - start))


_HASH_READ = 4 * 1024 * 1024


class _Follower:
    """The sha256 of an upload's data file over its first complete parts, in order."""

    def __init__(self, session: UploadSession) -> None:
        self.session = session
        self.sha256 = hashlib.sha256()
        self.next = 1  # the first part not hashed yet
        self.hashed: dict[int, str] = {}  # part -> the ETag of the write that was hashed
        self.complete: dict[int, str] = {}  # part -> ETag of its last complete write
        self.state = threading.Lock()  # short: guards the two dicts and `next`
        self.hashing = threading.Lock()  # long: held while reading and hashing

    def advance(self, path: Path, fd: int | None = None) -> None:
        """Hash every complete part from ``next`` on (call from a worker thread)."""
        with self.hashing:
            own = fd is None
            direct: int | None = None
            try:
                while True:
                    with self.state:
                        etag = self.complete.get(self.next)
                    if etag is None:
                        return
                    if fd is None:
                        fd = os.open(path, os.O_RDONLY)
                        direct = open_direct(path, os.O_RDONLY)
                    start = (self.next - 1) * self.session.chunk_size
                    end = start + self.session.part_size(self.next)
                    if not hash_range(fd, direct, start, end, self.sha256):
                        return  # shorter than its parts: completion will say so
                    with self.state:
                        self.hashed[self.next] = etag
                        self.next += 1
            except OSError:
                return  # the data file went away (a dropped upload): nothing to follow
            finally:
                if own and fd is not None:
                    os.close(fd)
                if direct is not None:
                    os.close(direct)


class ObjectStore:
    """Objects under ``objects/<2 hex>/<sha256>``; multipart parts under ``uploads/<id>/``."""

    def __init__(self, root: Path) -> None:
        self.root = root / "objects"
        self.tmp_dir = root / "tmp"
        self.uploads_dir = root / "uploads"
        for folder in (self.root, self.tmp_dir, self.uploads_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self._followers: dict[str, _Follower] = {}
        self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="localhub-sha256")

    def close(self) -> None:
        """Stop the background hashing (pending work is dropped; completion re-hashes)."""
        self._hasher.shutdown(wait=True, cancel_futures=True)

    def path(self, sha256: str) -> Path:
        if _SHA256.fullmatch(sha256) is None:
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return _SHA256.fullmatch(sha256) is not None and self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except (OSError, ValueError):
            return None

    def writer(self) -> ObjectWriter:
        return ObjectWriter(self)

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.has(digest):
            writer = self.writer()
            writer.write(data)
            writer.finish()
        return digest

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    # --- multipart uploads ---

    def start_upload(self, oid: str, size: int, chunk_size: int, repo: str) -> UploadSession:
        session = UploadSession(uuid.uuid4().hex, oid, size, chunk_size, repo)
        folder = self.uploads_dir / session.id
        folder.mkdir(parents=True)
        atomic_write_json(
            folder / "session.json",
            {"oid": oid, "size": size, "chunk_size": chunk_size, "repo": repo},
        )
        return session

    def upload(self, upload_id: str) -> UploadSession | None:
        if not upload_id.isalnum():
            return None
        try:
            data = read_json(self.uploads_dir / upload_id / "session.json")
        except OSError:
            return None
        return UploadSession(
            upload_id, data["oid"], data["size"], data["chunk_size"], str(data.get("repo", ""))
        )

    def data_path(self, session: UploadSession) -> Path:
        """The file the parts are written into, each at its own offset (no join step)."""
        return self.uploads_dir / session.id / "data"

    def open_data(self, session: UploadSession) -> tuple[int, int | None]:
        """Descriptors on the upload's data file, for `os.pwrite`: an ordinary one and, where
        the platform and file system allow, one with ``O_DIRECT`` (see ``_direct``); close
        them after use."""
        path = self.data_path(session)
        plain = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        return plain, open_direct(path, os.O_RDWR)

    def set_part_etag(self, session: UploadSession, number: int, etag: str | None) -> None:
        """Record a complete part (or, with ``None``, forget it while it is rewritten).

        A complete part also moves the background sha256 follower on, off the event loop.
        """
        path = self.uploads_dir / session.id / f"{number}.etag"
        follower = self._followers.get(session.id)
        if follower is None:
            follower = self._followers.setdefault(session.id, _Follower(session))
        with follower.state:
            if etag is None:
                follower.complete.pop(number, None)
            else:
                follower.complete[number] = etag
        if etag is None:
            path.unlink(missing_ok=True)
            return
        path.write_text(etag)
        if number == follower.next:
            with contextlib.suppress(RuntimeError):  # closed: completion hashes it all
                self._hasher.submit(follower.advance, self.data_path(session))

    def part_etag(self, session: UploadSession, number: int) -> str | None:
        try:
            return (self.uploads_dir / session.id / f"{number}.etag").read_text()
        except OSError:
            return None

    def finish_upload(self, session: UploadSession) -> None:
        """Check the joined parts against the session's sha256 and size, then store the object.

        Blocking (it reads the whole object): run it in a worker thread.
        """
        data = self.data_path(session)
        digest = self._followed_digest(session)
        if digest is None:
            whole = hashlib.sha256()
            with data.open("rb") as f:
                while chunk := f.read(_HASH_READ):
                    whole.update(chunk)
            digest = whole.hexdigest()
        size = data.stat().st_size
        if digest != session.oid or size != session.size:
            raise ValueError(
                f"got sha256 {digest} ({size} bytes), expected {session.oid} ({session.size} bytes)"
            )
        target = self.path(session.oid)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(data, target)

    def _followed_digest(self, session: UploadSession) -> str | None:
        """The follower's sha256 when it hashed exactly the parts now on record, else None."""
        follower = self._followers.get(session.id)
        if follower is None:
            return None
        follower.advance(self.data_path(session))  # the tail, in the caller's thread
        with follower.hashing, follower.state:
            recorded = {n: self.part_etag(session, n) for n in range(1, session.parts + 1)}
            if follower.next != session.parts + 1 or follower.hashed != recorded:
                return None
            return follower.sha256.copy().hexdigest()

    def drop_upload(self, session: UploadSession) -> None:
        """Remove the parts (the session record stays, so a retried completion still succeeds)."""
        self._followers.pop(session.id, None)
        folder = self.uploads_dir / session.id
        for child in folder.iterdir():
            if child.name != "session.json":
                with contextlib.suppress(OSError):
                    child.unlink()
