"""Mirror one repo from one Hub to another: branches, tags, files, LFS objects.

The steps (the details of a branch are in ``_branch``, the ref choices in ``_refs``):

1. read the source: its visibility, its refs (branches, tags, PRs if asked);
2. create the destination repo if missing (``private`` given, else the source's visibility);
3. each branch, default branch first: create the destination branch from the destination's
   default head when missing (files shared with it are not sent again), then converge it to
   the tree of the source head *commit*;
4. each tag at commit C: if C is the head of a mirrored branch, tag the destination commit of
   that branch (or the one of a tag on C handled before: tags on one commit share it); else
   build the tree of C on a temporary branch ``hubclient-mirror-tmp/<tag>`` (made from the
   destination default head; a leftover from a crashed run is reused), tag its head and
   delete it. A destination tag whose tree already equals C's is left as is
   ("unchanged"); one that differs is deleted and made again ("updated"). A temporary branch
   left by a run that died after tagging is deleted whatever the tag's status; a deletion that
   fails is recorded as an error of that tag, whose status stays what it was (the tag is
   right), and the next run deletes the branch.

History is not replayed (see :data:`HISTORY_NOTE`): each ref gets new commits with the same
files. Re-running a finished mirror sends nothing and commits nothing.

Failures of the Hubs (unknown repo, 401/403, network errors after retries, LFS refusals,
commit conflicts, a destination that does not converge) are recorded in
``MirrorResult.errors`` (one per failed ref, or one for the repo) and the function returns;
bad arguments raise ``ValueError``/``HFValidationError``; cancellation always propagates,
and since every commit is a single request a cancelled mirror leaves no commit half-made.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable

from hubclient._http import HubHttp
from hubclient._refs import create_branch, create_tag, delete_branch, delete_tag, list_repo_refs
from hubclient._repos import create_repo, repo_info
from hubclient._urls import normalize_repo_type, validate_repo_id
from hubclient.mirror._branch import RepoJob
from hubclient.mirror._jobs import mirror_error
from hubclient.mirror._limits import MirrorLimits
from hubclient.mirror._progress import RepoProgress
from hubclient.mirror._refs import DEFAULT_BRANCH, RefToMirror, select_refs, temp_branch
from hubclient.mirror._tree import Tree, mismatches
from hubclient.mirror._types import (
    MirrorOptions,
    MirrorProgressCallback,
    MirrorResult,
    MirrorStage,
    RefResult,
)
from hubclient.models.repos import SpaceInfo

__all__ = ["mirror_repo"]


async def mirror_repo(
    source: HubHttp,
    dest: HubHttp,
    repo_id: str,
    *,
    dest_repo_id: str | None = None,
    repo_type: str | None = None,
    revision: str | None = None,
    private: bool | None = None,
    options: MirrorOptions | None = None,
    limits: MirrorLimits | None = None,
    progress: MirrorProgressCallback | None = None,
    presend: frozenset[str] = frozenset(),
    source_trees: dict[str, Tree] | None = None,
) -> MirrorResult:
    """Mirror ``repo_id`` of the ``source`` Hub to ``dest_repo_id`` (default: the same id) on
    the ``dest`` Hub. See :meth:`hubclient.AsyncHubClient.mirror_repo` and this module's doc.

    ``revision``: None mirrors every branch and tag; a branch or tag name mirrors that ref
    only; a commit sha (or any other revision the source resolves) is mirrored onto the
    destination's ``main``. ``limits`` are the job's shared bounds (one is made from
    ``options`` when None): ``limits.files`` bounds files in flight, ``limits.bytes`` is
    taken per LFS object (``min(size, budget)`` while it moves). A cluster job passes the LFS
    oids its other tasks sent for this repo (``presend``: counted as copied when found stored)
    and the source trees it already listed (``source_trees``: commit -> files).

    Example::

        result = await mirror_repo(src._http, dst._http, "acme/model")
        assert result.ok, result.errors
    """
    rtype = normalize_repo_type(repo_type)
    validate_repo_id(repo_id)
    target = repo_id if dest_repo_id is None else dest_repo_id
    validate_repo_id(target)
    if revision is not None and (not isinstance(revision, str) or not revision.strip()):
        raise ValueError(f"revision must be a non-empty string or None, not {revision!r}")
    options = options or MirrorOptions()
    limits = limits or MirrorLimits(options)
    result = MirrorResult(
        repo_id=repo_id,
        repo_type=rtype,
        dest_repo_id=target,
        source=source.endpoint,
        destination=dest.endpoint,
        revision=revision,
    )
    reporter = RepoProgress(progress, repo_id, rtype)
    job = RepoJob(source, dest, repo_id, target, rtype, options, limits, result, reporter)
    job.presend = presend
    job.seed_trees(source_trees or {})
    started = time.monotonic()
    try:
        await _run(job, revision, private)
    except Exception as exc:  # recorded; BaseException (cancellation, Ctrl-C) propagates
        result.errors.append(mirror_error(exc))
    finally:
        result.duration_seconds = time.monotonic() - started
    reporter.stage(MirrorStage.DONE if result.ok else MirrorStage.FAILED)
    return result


async def _run(job: RepoJob, revision: str | None, private: bool | None) -> None:
    job.progress.stage(MirrorStage.PLANNING)
    info = await repo_info(job.source, job.repo_id, repo_type=job.repo_type)
    with_prs = job.options.include_prs or (revision or "").startswith("refs/pr/")
    refs = await list_repo_refs(
        job.source, job.repo_id, repo_type=job.repo_type, include_pull_requests=with_prs
    )
    wanted = select_refs(refs, revision)
    if wanted is None:
        assert revision is not None
        pinned = await repo_info(
            job.source, job.repo_id, repo_type=job.repo_type, revision=revision
        )
        if not pinned.sha:
            raise ValueError(f"The source Hub gave no commit for revision {revision!r}")
        wanted = [RefToMirror("branch", DEFAULT_BRANCH, pinned.sha)]

    await create_repo(
        job.dest,
        job.dest_repo_id,
        repo_type=job.repo_type,
        private=bool(info.private) if private is None else private,
        exist_ok=True,
        space_sdk=(info.sdk or "static") if isinstance(info, SpaceInfo) else None,
    )
    dest_refs = await list_repo_refs(job.dest, job.dest_repo_id, repo_type=job.repo_type)
    heads = {b.name: b.target_commit for b in dest_refs.branches}
    dest_tags = {t.name: t.target_commit for t in dest_refs.tags}

    job.progress.stage(MirrorStage.COPYING)
    mirrored: dict[str, str] = {}  # source commit -> destination commit (branch heads, tags)
    for ref in (r for r in wanted if r.kind == "branch"):
        outcome = await _guarded(job, ref, _branch(job, ref, heads))
        if outcome.dest_commit is not None and outcome.status != "failed":
            mirrored.setdefault(ref.commit, outcome.dest_commit)
    job.progress.stage(MirrorStage.REFS)
    for ref in (r for r in wanted if r.kind == "tag"):
        await _guarded(job, ref, _tag(job, ref, heads, dest_tags, mirrored))


async def _guarded(job: RepoJob, ref: RefToMirror, work: Awaitable[RefResult]) -> RefResult:
    """Run one ref's work; a failure is recorded for that ref and the others go on."""
    try:
        outcome = await work
    except Exception as exc:
        job.result.errors.append(mirror_error(exc, ref=ref.name))
        outcome = RefResult(kind=ref.kind, name=ref.name, source_commit=ref.commit, status="failed")
    job.result.refs.append(outcome)
    return outcome


async def _branch(job: RepoJob, ref: RefToMirror, heads: dict[str, str]) -> RefResult:
    created = False
    head = heads.get(ref.name)
    if head is None and DEFAULT_BRANCH in heads and ref.name != DEFAULT_BRANCH:
        await create_branch(
            job.dest,
            job.dest_repo_id,
            branch=ref.name,
            revision=heads[DEFAULT_BRANCH],
            repo_type=job.repo_type,
            exist_ok=True,
        )
        head, created = heads[DEFAULT_BRANCH], True
    new_head, commits = await job.converge(ref.name, ref.commit, head)
    if new_head is not None:
        heads[ref.name] = new_head
    status = "created" if created or head is None else ("updated" if commits else "unchanged")
    return RefResult(
        kind="branch", name=ref.name, source_commit=ref.commit, dest_commit=new_head, status=status
    )


async def _tag(
    job: RepoJob,
    ref: RefToMirror,
    heads: dict[str, str],
    dest_tags: dict[str, str],
    mirrored: dict[str, str],
) -> RefResult:
    outcome = await _make_tag(job, ref, heads, dest_tags, mirrored)
    temp = temp_branch(ref.name)
    if temp in heads:  # used for this tag, or left by a run that died before deleting it
        try:
            await delete_branch(job.dest, job.dest_repo_id, branch=temp, repo_type=job.repo_type)
        except Exception as exc:  # the tag is right all the same; the next run deletes it
            job.result.errors.append(mirror_error(exc, ref=ref.name))
        else:
            heads.pop(temp)
    return outcome


async def _make_tag(
    job: RepoJob,
    ref: RefToMirror,
    heads: dict[str, str],
    dest_tags: dict[str, str],
    mirrored: dict[str, str],
) -> RefResult:
    exact = job.options.delete_extraneous
    existing = dest_tags.get(ref.name)
    if existing is not None:
        source = await job.source_tree(ref.commit)
        if not mismatches(source, await job.dest_tree(existing), exact=exact):
            mirrored.setdefault(ref.commit, existing)
            return RefResult(
                kind="tag",
                name=ref.name,
                source_commit=ref.commit,
                dest_commit=existing,
                status="unchanged",
            )
    target = mirrored.get(ref.commit)
    if target is None:
        temp = temp_branch(ref.name)
        start = heads.get(temp)
        if start is None:
            start = heads.get(DEFAULT_BRANCH)
            await create_branch(
                job.dest,
                job.dest_repo_id,
                branch=temp,
                revision=start,
                repo_type=job.repo_type,
                exist_ok=True,
            )
            if start is not None:
                heads[temp] = start
        target, _ = await job.converge(temp, ref.commit, start)
        if target is None:
            raise ValueError(f"The destination gave no commit for the temporary branch {temp!r}")
        heads[temp] = target
        mirrored[ref.commit] = target  # another tag on this commit gets the same commit
    if existing is not None:
        await delete_tag(job.dest, job.dest_repo_id, tag=ref.name, repo_type=job.repo_type)
    await create_tag(
        job.dest, job.dest_repo_id, tag=ref.name, revision=target, repo_type=job.repo_type
    )
    dest_tags[ref.name] = target
    return RefResult(
        kind="tag",
        name=ref.name,
        source_commit=ref.commit,
        dest_commit=target,
        status="created" if existing is None else "updated",
    )
