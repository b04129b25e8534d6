"""Bringing one destination branch to the tree of one source commit, in batched commits.

:meth:`RepoJob.converge` is the heart of a mirror:

1. list the source tree at the commit sha (never a branch name: a branch that moves while we
   copy cannot mix two states) and the destination tree at the branch head;
2. diff by path and git blob id: equal blobs are skipped; with ``delete_extraneous`` the
   destination files the source lacks are deleted;
3. commit the rest in batches of ``commit_every_files`` files / ``commit_every_bytes`` bytes /
   ``REGULAR_BATCH_BYTES`` of regular contents, held in memory until their commit
   (``.gitattributes`` in the first batch, the deletions with the last, except those an
   addition clashes with, a file replaced by a folder or a folder by a file, which go with
   the first; in a commit the deletions come before the additions), each commit naming
   the head it expects as ``parent_commit`` (a branch that moved under us is a conflict,
   recorded, never overwritten);
4. list the destination again: the Hub may have rewritten ``.gitattributes`` for LFS paths it
   did not track, so one fix-up round follows; then the trees must match (else an error).

Per file, the mode follows the source: an LFS file is committed as an LFS pointer (same
sha256 and size, hence the same pointer blob id); a regular file is fetched from the source,
its git blob sha1 checked against the source's, and committed as content. There is no
preupload: modes and hashes are known. LFS objects go through the destination's LFS batch
endpoint (objects already stored are not sent, so a re-run after a crash resends nothing that
landed) and stream from the source (``_stream``), each under the job's file and byte bounds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from hubclient._http import HubHttp
from hubclient._urls import RepoType, resolve_path
from hubclient.cache import TreeEntry
from hubclient.download._options import DownloadIntegrityError
from hubclient.mirror._limits import MirrorLimits
from hubclient.mirror._progress import RepoProgress
from hubclient.mirror._stream import CachedLfsFile, RemoteLfsFile
from hubclient.mirror._tree import (
    Tree,
    TreeDiff,
    clashing_deletions,
    diff_trees,
    list_files,
    mismatches,
)
from hubclient.mirror._types import MirrorOptions, MirrorResult
from hubclient.upload._prepared import (
    PreparedFile,
    commit_prepared,
    failing_file,
    prepared_context,
    upload_prepared_lfs,
)
from hubclient.upload._source import AsyncRangeSource, BytesSource
from hubclient.upload._tasks import run_concurrently

__all__ = ["REGULAR_BATCH_BYTES", "MirrorMismatchError", "RepoJob"]

#: Regular (non-LFS) contents are fetched into memory and sent inline with their commit: a batch
#: closes before it would hold more than this much of them, whatever ``commit_every_bytes`` says.
#: They wait in memory while the batch's LFS objects are uploaded, then the commit body is
#: built from them in base64 (a third larger), so a batch needs more than this bound in memory.
REGULAR_BATCH_BYTES = 64 * 1024 * 1024


class MirrorMismatchError(Exception):
    """The destination tree still differs from the source after the fix-up commit."""


@dataclass
class RepoJob:
    """The state of one repo being mirrored: both Hubs, the bounds, the result being filled."""

    source: HubHttp
    dest: HubHttp
    repo_id: str
    dest_repo_id: str
    repo_type: RepoType
    options: MirrorOptions
    limits: MirrorLimits
    result: MirrorResult
    progress: RepoProgress
    _trees: dict[str, Tree] = field(default_factory=dict)
    #: (path, git blob id) already counted in this run, as copied or as skipped
    _counted: set[tuple[str, str]] = field(default_factory=set)
    #: LFS oids uploaded in this run, and oids found stored before it (counted as skipped)
    _sent: set[str] = field(default_factory=set)
    _found: set[str] = field(default_factory=set)
    #: LFS oids this job sent ahead of the repo (a cluster job's batches of a large repo):
    #: found stored, they count as copied, as if this task had sent them
    presend: frozenset[str] = frozenset()

    def seed_trees(self, trees: dict[str, Tree]) -> None:
        """Source trees listed already (commit -> files), so they are not listed again."""
        self._trees.update(trees)

    async def source_tree(self, commit: str) -> Tree:
        """The files of a source commit (listed once per commit)."""
        if commit not in self._trees:
            self._trees[commit] = await list_files(
                self.source, self.repo_id, self.repo_type, commit
            )
        return self._trees[commit]

    async def dest_tree(self, revision: str) -> Tree:
        return await list_files(self.dest, self.dest_repo_id, self.repo_type, revision)

    # ------------------------------------------------------------------ converge

    async def converge(self, branch: str, commit: str, head: str | None) -> tuple[str | None, int]:
        """Make destination ``branch`` (now at ``head``) hold the tree of source ``commit``.

        Returns the new head and the number of commits made (0: it already matched).
        """
        source = await self.source_tree(commit)
        current = await self.dest_tree(head) if head is not None else {}
        exact = self.options.delete_extraneous
        commits = 0
        for round_ in range(2):
            diff = diff_trees(source, current, delete_extraneous=exact)
            if round_ == 0:
                for path in diff.same:
                    if self._first_count(path, source[path]):
                        self.result.files_skipped += 1
                        self.result.bytes_skipped += source[path].size
            if diff.empty:
                return head, commits
            head, made = await self._apply(branch, commit, source, diff, head)
            commits += made
            current = await self.dest_tree(head or branch)
            if not mismatches(source, current, exact=exact):
                return head, commits
        wrong = mismatches(source, current, exact=exact)
        raise MirrorMismatchError(
            f"The destination branch {branch!r} still differs from source commit {commit} "
            f"after a fix-up commit, at {len(wrong)} path(s), e.g. {wrong[:5]}."
        )

    def _batches(self, diff: TreeDiff, source: Tree) -> list[tuple[list[str], list[str]]]:
        """The commits to make: (paths to copy, paths to delete) each.

        Deletions go with the last batch, except those an addition clashes with (a file
        replaced by a folder of the same name, or a folder by a file): they go with the first.
        """
        batches: list[list[str]] = []
        batch: list[str] = []
        size = regular = 0
        for path in diff.copy:  # .gitattributes comes first
            entry = source[path]
            if batch and entry.lfs_sha256 is None and regular + entry.size > REGULAR_BATCH_BYTES:
                batches.append(batch)  # regular contents are held in memory until the commit
                batch, size, regular = [], 0, 0
            batch.append(path)
            size += entry.size
            if entry.lfs_sha256 is None:
                regular += entry.size
            if (
                len(batch) >= self.options.commit_every_files
                or size >= self.options.commit_every_bytes
            ):
                batches.append(batch)
                batch, size, regular = [], 0, 0
        if batch or not batches:
            batches.append(batch)  # the last batch (maybe only deletions)
        first = clashing_deletions(diff.delete, diff.copy)
        deletions: list[list[str]] = [[] for _ in batches]
        deletions[0] += [path for path in diff.delete if path in first]
        deletions[-1] += [path for path in diff.delete if path not in first]
        return list(zip(batches, deletions, strict=True))

    async def _apply(
        self, branch: str, commit: str, source: Tree, diff: TreeDiff, head: str | None
    ) -> tuple[str | None, int]:
        batches = self._batches(diff, source)
        self.progress.add_totals(len(diff.copy), sum(source[p].size for p in diff.copy))
        ctx = prepared_context(
            self.dest,
            self.dest_repo_id,
            self.repo_type,
            branch,
            self.options.upload,
            self.progress.upload_listener(),
        )
        commits = 0
        for index, (paths, deletions) in enumerate(batches):
            files = await self._prepare(paths, source, commit)
            lfs = [f for f in files if f.is_lfs]
            if lfs:
                sent, stored = await upload_prepared_lfs(
                    ctx, lfs, files_limit=self.limits.files, gate=self.limits.object_gate
                )
                self._sent.update(f.lfs_sha256 for f in sent if f.lfs_sha256)
                self.result.bytes_copied += sum(f.size for f in sent)
                if ctx.xet is not None:  # the destination speaks Xet: what dedup saved
                    self.result.bytes_deduped += ctx.xet.deduped_bytes
                    ctx.xet = None
                for file in stored:  # stored before this run (not by an earlier batch or ref)
                    oid = file.lfs_sha256
                    if oid is not None and oid in self.presend and oid not in self._sent:
                        self._sent.add(oid)  # sent by this job, ahead of the repo
                        self.result.bytes_copied += file.size
                    elif oid is not None and oid not in self._sent and oid not in self._found:
                        self._found.add(oid)
                        self.result.bytes_skipped += file.size
                # objects already stored, and paths sharing an object sent once, are done too
                self.progress.add_bytes(sum(f.size for f in lfs) - sum(f.size for f in sent))
            regular_bytes = sum(f.size for f in files if not f.is_lfs)
            if not files and not deletions:
                continue
            part = f" ({index + 1}/{len(batches)})" if len(batches) > 1 else ""
            head = await commit_prepared(
                ctx,
                files,
                deletions,
                message=f"Mirror {self.repo_id}@{commit[:12]}{part}",
                description=(
                    f"Mirrored from {self.source.endpoint} ({self.repo_type} {self.repo_id}, "
                    f"commit {commit}) by hubclient."
                ),
                parent_commit=head,
            )
            commits += 1
            self.result.commits += 1
            self.result.files_deleted += len(deletions)
            for file in files:
                if self._first_count(file.path, source[file.path]):
                    self.result.files_copied += 1
                    if not file.is_lfs:
                        self.result.bytes_copied += file.size
            self.progress.add_bytes(regular_bytes)
            self.progress.files_finished(len(files))
        return head, commits

    def _first_count(self, path: str, entry: TreeEntry) -> bool:
        """True the first time this run meets ``path`` with this content: each file of the
        repo counts once, as copied or as skipped, however many refs hold it."""
        key = (path, entry.blob_id)
        if key in self._counted:
            return False
        self._counted.add(key)
        return True

    # ------------------------------------------------------------------ files

    async def _prepare(self, paths: Sequence[str], source: Tree, commit: str) -> list[PreparedFile]:
        """LFS files as remote (or cached) sources; regular files fetched and checked."""
        out: dict[str, PreparedFile] = {}
        jobs = []
        for path in paths:
            entry = source[path]
            if entry.lfs_sha256 is not None:
                out[path] = PreparedFile(
                    path, entry.size, entry.lfs_sha256, self._lfs_source(path, entry, commit)
                )
            else:
                jobs.append(partial(self._fetch_regular, path, entry, commit, out))
        await run_concurrently(jobs)
        return [out[path] for path in paths]

    def _lfs_source(self, path: str, entry: TreeEntry, commit: str) -> AsyncRangeSource:
        chunk = self.options.upload.read_chunk_size
        if self.options.via_cache:
            return CachedLfsFile(
                self.source,
                self.repo_id,
                self.repo_type,
                path,
                commit,
                entry.size,
                chunk_size=chunk,
            )
        url = resolve_path(self.repo_type, self.repo_id, path, commit)
        return RemoteLfsFile(self.source, url, entry.size, entry.lfs_sha256, chunk_size=chunk)

    async def _fetch_regular(
        self, path: str, entry: TreeEntry, commit: str, out: dict[str, PreparedFile]
    ) -> None:
        with failing_file(path):
            async with self.limits.files:
                response = await self.source.request(
                    "GET",
                    resolve_path(self.repo_type, self.repo_id, path, commit),
                    headers={"accept-encoding": "identity"},
                    follow_redirects="any",
                )
            content = response.content
            digest = hashlib.sha1(f"blob {len(content)}\0".encode() + content).hexdigest()
            if len(content) != entry.size or digest != entry.blob_id:
                raise DownloadIntegrityError(
                    f"{self.repo_id}/{path}@{commit[:12]}: got {len(content)} bytes with git "
                    f"blob {digest}, the source tree says {entry.size} bytes and {entry.blob_id}"
                )
        out[path] = PreparedFile(path, entry.size, None, BytesSource(content))
