"""``HubFileSystem``: an fsspec ``AsyncFileSystem`` over the Hub, on :class:`AsyncHubClient`.

Listings come from the tree API (one recursive listing for ``find``/``glob``/``walk``), reads
are ranged GETs of the resolved storage location (``cat_file``/``cat_ranges``/``open``, ranges
fetched concurrently), writes go through the commit engine (``put`` of many files is one commit
per repo). A path's revision is resolved to a commit once and kept (``invalidate_cache()``
forgets it), so one listing and its reads see one snapshot of a moving branch.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import anyio
from fsspec.asyn import AsyncFileSystem, sync
from fsspec.callbacks import DEFAULT_CALLBACK
from fsspec.implementations.local import LocalFileSystem, make_path_posix
from fsspec.spec import AbstractBufferedFile
from fsspec.utils import other_paths

from hubclient import (
    AsyncHubClient,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    EntryNotFoundError,
    RepoFile,
    RepoFolder,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    SeekableRemoteFile,
)
from hubclient.fs._paths import PROTOCOL, HubPath, parse_path

__all__ = ["HubFile", "HubFileSystem"]

DEFAULT_BLOCK_SIZE = 2**20
_HEX40 = frozenset("0123456789abcdef")


def _is_commit(revision: str | None) -> bool:
    return revision is not None and len(revision) == 40 and set(revision) <= _HEX40


def _has_magic(path: str) -> bool:
    return any(c in path for c in "*?[")


def _trailing_sep(path: str) -> bool:
    return path.endswith("/")


async def _is_file(path: str) -> bool:
    return await anyio.Path(path).is_file()


def _not_found(path: str, err: BaseException) -> FileNotFoundError:
    out = FileNotFoundError(2, f"No such file or directory on the Hub: {path} ({err})", path)
    out.__cause__ = err
    return out


class HubFileSystem(AsyncFileSystem):  # type: ignore[misc]
    """The Hub as an fsspec filesystem (protocol ``hubclient://``).

    Paths are spelled as huggingface_hub's ``hf://`` paths:
    ``hubclient://[datasets/|spaces/]namespace/name[@revision]/path``.

    Args:
        endpoint, token: for the client this filesystem makes (default: the environment, as
            :class:`AsyncHubClient` reads it).
        client: an :class:`AsyncHubClient` to use instead (its pool and settings).
        block_size: read-ahead of files opened with ``open`` (default 1 MiB: small, because
            columnar readers jump around and every byte read ahead may be wasted).
        asynchronous, loop: as for every fsspec ``AsyncFileSystem``.

    Example::

        import pandas as pd
        df = pd.read_parquet("hubclient://datasets/acme/corpus/train.parquet", columns=["text"])

    The protocol is ``hubclient``, not ``hf``: ``hf`` is huggingface_hub's ``HfFileSystem`` in
    fsspec's registry, and code written for it must keep getting it.
    """

    protocol = PROTOCOL
    root_marker = ""
    async_impl = True

    def __init__(
        self,
        *args: Any,
        endpoint: str | None = None,
        token: str | bool | None = None,
        client: AsyncHubClient | None = None,
        block_size: int | None = None,
        asynchronous: bool = False,
        loop: Any = None,
        **storage_options: Any,
    ) -> None:
        super().__init__(*args, asynchronous=asynchronous, loop=loop, **storage_options)
        self._owns_client = client is None
        self.client = client or AsyncHubClient(endpoint, token=token)
        self.block_size = block_size or DEFAULT_BLOCK_SIZE
        self._commits: dict[tuple[str, str, str | None], str] = {}
        self._readers: dict[tuple[str, str, str, str], SeekableRemoteFile] = {}
        self._stack = contextlib.AsyncExitStack()

    # ------------------------------------------------------------------ paths and state

    @classmethod
    def _strip_protocol(cls, path: str | list[str]) -> Any:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        if path.startswith(f"{PROTOCOL}://"):
            path = path[len(PROTOCOL) + 3 :]
        return path.rstrip("/")

    def unstrip_protocol(self, name: str) -> str:
        return f"{PROTOCOL}://{name}"

    async def _commit(self, hp: HubPath) -> str:
        """The commit the path's revision points to (resolved once, then kept)."""
        if _is_commit(hp.revision):
            assert hp.revision is not None
            return hp.revision
        key = (hp.repo_type, hp.repo_id, hp.revision)
        found = self._commits.get(key)
        if found is None:
            try:
                info = await self.client.repo_info(
                    hp.repo_id, repo_type=hp.repo_type, revision=hp.revision
                )
            except (RepositoryNotFoundError, RevisionNotFoundError) as err:
                raise _not_found(str(hp), err) from err
            if info.sha is None:
                raise FileNotFoundError(f"{hp}: the Hub gave no commit for this revision")
            found = self._commits[key] = info.sha
        return found

    def invalidate_cache(self, path: str | None = None) -> None:
        """Forget listings, resolved revisions and open readers (all of them, or one repo's)."""
        if path is None:
            self.dircache.clear()
            self._commits.clear()
            self._readers.clear()
            return
        hp = parse_path(path)
        for key in [k for k in self.dircache if k.startswith(hp.root)]:
            self.dircache.pop(key, None)
        for commit_key in [k for k in self._commits if k[:2] == (hp.repo_type, hp.repo_id)]:
            self._commits.pop(commit_key, None)
        for reader_key in [k for k in self._readers if k[:2] == (hp.repo_type, hp.repo_id)]:
            self._readers.pop(reader_key, None)

    async def _close(self) -> None:
        """Close the readers and, when this filesystem made it, the client."""
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self._readers.clear()
        if self._owns_client:
            await self.client.aclose()

    def close(self) -> None:
        """Close the readers and the client this filesystem made (sync)."""
        sync(self.loop, self._close)

    @staticmethod
    def _entry(hp: HubPath, item: RepoFile | RepoFolder) -> dict[str, Any]:
        if isinstance(item, RepoFile):
            return {
                "name": hp.child(item.path),
                "size": item.size,
                "type": "file",
                "blob_id": item.blob_id,
                "lfs": item.lfs.model_dump() if item.lfs else None,
                "last_commit": item.last_commit.model_dump() if item.last_commit else None,
            }
        return {
            "name": hp.child(item.path),
            "size": 0,
            "type": "directory",
            "tree_id": item.tree_id,
        }

    def _root_entry(self, hp: HubPath) -> dict[str, Any]:
        return {"name": hp.root, "size": 0, "type": "directory"}

    # ------------------------------------------------------------------ listing

    async def _ls(
        self, path: str, detail: bool = True, refresh: bool = False, **kwargs: Any
    ) -> Any:
        hp = parse_path(path)
        key = str(hp)
        entries = None if refresh else self.dircache.get(key)
        if entries is None:
            commit = await self._commit(hp)
            try:
                entries = [
                    self._entry(hp, item)
                    async for item in self.client.list_repo_tree(
                        hp.repo_id,
                        hp.path_in_repo or None,
                        revision=commit,
                        repo_type=hp.repo_type,
                    )
                ]
            except EntryNotFoundError as err:
                info = await self._info(path)
                if info["type"] == "file":
                    entries = [info]
                else:
                    raise _not_found(path, err) from err
            else:
                self.dircache[key] = entries
        return entries if detail else [e["name"] for e in entries]

    async def _info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        hp = parse_path(path)
        if not hp.path_in_repo:
            await self._commit(hp)  # the repo and revision must exist
            return self._root_entry(hp)
        parent = hp.child(posixpath.dirname(hp.path_in_repo))
        for entry in self.dircache.get(parent, []):
            if entry["name"] == str(hp):
                return dict(entry)
        commit = await self._commit(hp)
        found = await self.client.get_paths_info(
            hp.repo_id, [hp.path_in_repo], revision=commit, repo_type=hp.repo_type
        )
        if not found:
            raise FileNotFoundError(2, f"No such file or directory on the Hub: {path}", path)
        return self._entry(hp, found[0])

    async def _find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        **kwargs: Any,
    ) -> Any:
        hp = parse_path(path)
        if hp.path_in_repo:
            info = await self._info(path)
            if info["type"] == "file":
                return {info["name"]: info} if detail else [info["name"]]
        commit = await self._commit(hp)
        found: dict[str, dict[str, Any]] = {}
        by_dir: dict[str, list[dict[str, Any]]] = defaultdict(list)
        base_depth = hp.path_in_repo.count("/") + 1 if hp.path_in_repo else 0
        async for item in self.client.list_repo_tree(
            hp.repo_id,
            hp.path_in_repo or None,
            recursive=True,
            revision=commit,
            repo_type=hp.repo_type,
        ):
            entry = self._entry(hp, item)
            by_dir[hp.child(posixpath.dirname(item.path))].append(entry)
            depth = item.path.count("/") + 1 - base_depth
            if maxdepth is not None and depth > maxdepth:
                continue
            if entry["type"] == "file" or withdirs:
                found[entry["name"]] = entry
        for directory, entries in by_dir.items():  # later ls/info calls cost nothing
            self.dircache[directory] = entries
        if withdirs and hp.path_in_repo:
            found[str(hp)] = {"name": str(hp), "size": 0, "type": "directory"}
        names = sorted(found)
        return {name: found[name] for name in names} if detail else names

    # ------------------------------------------------------------------ reading

    async def _reader(self, hp: HubPath) -> SeekableRemoteFile:
        commit = await self._commit(hp)
        key = (hp.repo_type, hp.repo_id, commit, hp.path_in_repo)
        reader = self._readers.get(key)
        if reader is None:
            try:
                opened = await self._stack.enter_async_context(
                    self.client.open_seekable(
                        hp.repo_id,
                        hp.path_in_repo,
                        repo_type=hp.repo_type,
                        revision=commit,
                        block_size=self.block_size,
                    )
                )
            except EntryNotFoundError as err:
                raise _not_found(str(hp), err) from err
            reader = self._readers.setdefault(key, opened)
        return reader

    async def _cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes:
        hp = parse_path(path)
        if not hp.path_in_repo:
            raise IsADirectoryError(path)
        reader = await self._reader(hp)
        size = reader.size
        begin = 0 if start is None else (max(0, size + start) if start < 0 else start)
        stop = size if end is None else (max(0, size + end) if end < 0 else min(end, size))
        return await reader.read_range(begin, stop) if stop > begin else b""

    async def _get_file(self, rpath: str, lpath: str, **kwargs: Any) -> None:
        hp = parse_path(rpath)
        if await anyio.Path(lpath).is_dir():
            return
        commit = await self._commit(hp)
        tmp = anyio.Path(f"{lpath}.{os.getpid()}.incomplete")
        try:
            async with await anyio.open_file(tmp, "wb") as out:
                async for chunk in self.client.iter_file(
                    hp.repo_id, hp.path_in_repo, repo_type=hp.repo_type, revision=commit
                ):
                    await out.write(chunk)
            await tmp.replace(lpath)
        except EntryNotFoundError as err:
            raise _not_found(rpath, err) from err
        finally:
            with contextlib.suppress(FileNotFoundError):
                await tmp.unlink()

    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> HubFile:
        if "a" in mode or "+" in mode:
            raise NotImplementedError(f"mode {mode!r}: files on the Hub are read or replaced")
        return HubFile(
            self,
            path,
            mode=mode,
            block_size=block_size or self.block_size,
            autocommit=autocommit,
            cache_options=cache_options,
            **kwargs,
        )

    # ------------------------------------------------------------------ writing

    def _message(self, verb: str, paths: Iterable[str]) -> str:
        listed = sorted(paths)
        what = listed[0] if len(listed) == 1 else f"{len(listed)} files"
        return f"{verb} {what} with hubclient"

    async def _commit_ops(self, hp: HubPath, operations: list[Any], message: str) -> None:
        await self.client.create_commit(
            hp.repo_id,
            operations,
            commit_message=message,
            repo_type=hp.repo_type,
            revision=hp.revision,
        )
        self.invalidate_cache(hp.root)

    async def _pipe_file(
        self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any
    ) -> None:
        hp = parse_path(path)
        op = CommitOperationAdd(hp.path_in_repo, bytes(value))
        await self._commit_ops(hp, [op], self._message("Upload", [hp.path_in_repo]))

    async def _upload_fileobj(self, path: str, fileobj: Any) -> None:
        hp = parse_path(path)
        op = CommitOperationAdd(hp.path_in_repo, fileobj)
        await self._commit_ops(hp, [op], self._message("Upload", [hp.path_in_repo]))

    async def _put_file(
        self, lpath: str, rpath: str, mode: str = "overwrite", **kwargs: Any
    ) -> None:
        if await anyio.Path(lpath).is_dir():
            return
        hp = parse_path(rpath)
        op = CommitOperationAdd(hp.path_in_repo, lpath)
        await self._commit_ops(hp, [op], self._message("Upload", [hp.path_in_repo]))

    async def _put(
        self,
        lpath: str | list[str],
        rpath: str | list[str],
        recursive: bool = False,
        callback: Any = DEFAULT_CALLBACK,
        batch_size: int | None = None,
        maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Upload local files: one commit per repo, whatever their number."""
        pairs = await self._local_pairs(lpath, rpath, recursive=recursive, maxdepth=maxdepth)
        groups: dict[tuple[str, str, str | None], list[tuple[HubPath, str]]] = defaultdict(list)
        for local, remote in pairs:
            hp = parse_path(remote)
            groups[(hp.repo_type, hp.repo_id, hp.revision)].append((hp, local))
        callback.set_size(len(pairs))
        for items in groups.values():
            ops = [CommitOperationAdd(hp.path_in_repo, local) for hp, local in items]
            await self._commit_ops(
                items[0][0], ops, self._message("Upload", [hp.path_in_repo for hp, _ in items])
            )
            callback.relative_update(len(items))

    async def _local_pairs(
        self,
        lpath: str | list[str],
        rpath: str | list[str],
        *,
        recursive: bool,
        maxdepth: int | None,
    ) -> list[tuple[str, str]]:
        """(local file, remote path) pairs, by the rules of fsspec's ``put``: a trailing ``/``
        on ``rpath``, or an existing folder there, means "into this folder"."""
        if isinstance(lpath, list) and isinstance(rpath, list):
            pairs = list(zip(lpath, rpath, strict=True))
        else:
            local = LocalFileSystem()
            source_is_str = isinstance(lpath, str)
            if isinstance(lpath, str):
                lpath = make_path_posix(lpath)
            lpaths = local.expand_path(lpath, recursive=recursive, maxdepth=maxdepth)
            if source_is_str and (not recursive or maxdepth is not None):
                lpaths = [p for p in lpaths if not (_trailing_sep(p) or local.isdir(p))]
            if not lpaths:
                return []
            if not isinstance(rpath, str):
                raise TypeError("put: rpath is a list only when lpath is one too")
            dest_is_dir = _trailing_sep(rpath) or await self._isdir(rpath)
            exists = isinstance(lpath, str) and (
                (_has_magic(lpath) and len(lpaths) == 1)
                or (not _has_magic(lpath) and dest_is_dir and not _trailing_sep(lpath))
            )
            remote = other_paths(
                lpaths, self._strip_protocol(rpath), exists=exists, flatten=not source_is_str
            )
            pairs = list(zip(lpaths, remote, strict=True))
        return [(local_file, remote) for local_file, remote in pairs if await _is_file(local_file)]

    async def _rm_file(self, path: str, **kwargs: Any) -> None:
        hp = parse_path(path)
        op = CommitOperationDelete(hp.path_in_repo)
        await self._commit_ops(hp, [op], self._message("Delete", [hp.path_in_repo]))

    async def _rm(
        self,
        path: str | list[str],
        recursive: bool = False,
        batch_size: int | None = None,
        maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Delete files (and with ``recursive`` whole folders): one commit per repo."""
        paths = await self._expand_path(path, recursive=recursive, maxdepth=maxdepth)
        groups: dict[tuple[str, str, str | None], list[HubPath]] = defaultdict(list)
        for name in paths:
            hp = parse_path(name)
            if hp.path_in_repo and await self._isfile(name):
                groups[(hp.repo_type, hp.repo_id, hp.revision)].append(hp)
        for items in groups.values():
            ops = [CommitOperationDelete(hp.path_in_repo) for hp in items]
            await self._commit_ops(
                items[0], ops, self._message("Delete", [hp.path_in_repo for hp in items])
            )

    async def _cp_file(self, path1: str, path2: str, **kwargs: Any) -> None:
        src, dst = parse_path(path1), parse_path(path2)
        if (src.repo_type, src.repo_id) != (dst.repo_type, dst.repo_id):
            data = await self._cat_file(path1)
            await self._pipe_file(path2, data)
            return
        commit = await self._commit(src)
        op = CommitOperationCopy(src.path_in_repo, dst.path_in_repo, src_revision=commit)
        await self._commit_ops(dst, [op], f"Copy {src.path_in_repo} to {dst.path_in_repo}")

    async def _mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        """Folders exist on the Hub only through their files: nothing to do."""

    async def _makedirs(self, path: str, exist_ok: bool = False) -> None:
        """Folders exist on the Hub only through their files: nothing to do."""


class HubFile(AbstractBufferedFile):  # type: ignore[misc]
    """A file of :class:`HubFileSystem` opened with ``fs.open``.

    Reading: byte ranges fetched as the reader asks (with fsspec's read-ahead cache of
    ``block_size``). Writing (``"wb"``): bytes are spooled locally (memory, then a temp file)
    and committed when the file is closed.
    """

    fs: HubFileSystem

    def _fetch_range(self, start: int, end: int) -> bytes:
        data = sync(self.fs.loop, self.fs._cat_file, self.path, start, end)
        assert isinstance(data, bytes)
        return data

    def _initiate_upload(self) -> None:
        # open until the file is closed (committed) or discarded
        self._spool: Any = tempfile.SpooledTemporaryFile(max_size=64 * 2**20)  # noqa: SIM115

    def _upload_chunk(self, final: bool = False) -> bool:
        self.buffer.seek(0)
        self._spool.write(self.buffer.read())
        if final:
            self._spool.seek(0)
            try:
                sync(self.fs.loop, self.fs._upload_fileobj, self.path, self._spool)
            finally:
                self._spool.close()
        return True

    def discard(self) -> None:
        spool = getattr(self, "_spool", None)
        if spool is not None:
            spool.close()
