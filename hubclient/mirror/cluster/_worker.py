"""What one task of a cluster job runs, on whatever worker the engine chose: our async engine,
with clients of its own, bounds and pauses shared through the job's coordinator.

:func:`run_task` is engine-neutral: it talks to the coordinator through a :class:`Link`
(a Ray actor handle on Ray, the object itself in process). A task attempt:

1. starts at the coordinator, in one round trip: joins as a new holder, gets the Hubs'
   credentials (never in the task's arguments) and the 429 pauses running now;
2. builds its own clients (connection pools, 429 gates) from the credential-free settings of
   the spec plus those credentials;
3. runs the work, with the job's byte budget held at the coordinator, and a heartbeat that
   renews its lease, carries its progress events and the 429 pauses its clients met, and
   brings back the pauses the other tasks met (applied to its own clients' gates);
4. leaves (what it still holds is given back).

A task killed half-way needs nothing of this: its lease expires, and the engine runs the
task again elsewhere, where the repo's mirror skips what already landed at the destination.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import anyio

from hubclient._http import HubHttp
from hubclient._refs import list_repo_refs
from hubclient._repos import create_repo, repo_info
from hubclient._settings import HubSettings
from hubclient._urls import resolve_path
from hubclient.mirror._limits import MirrorLimits
from hubclient.mirror._local import download_repos
from hubclient.mirror._progress import RepoProgress
from hubclient.mirror._refs import select_refs
from hubclient.mirror._repo import mirror_repo
from hubclient.mirror._stream import RemoteLfsFile
from hubclient.mirror._tree import Tree, list_files
from hubclient.mirror._types import MirrorProgress, MirrorStage
from hubclient.mirror.cluster._coordinator import Secrets
from hubclient.mirror.cluster._spec import (
    LfsObject,
    ObjectsDone,
    Split,
    TaskOutcome,
    TaskSpec,
)
from hubclient.models.repos import SpaceInfo
from hubclient.upload._prepared import PreparedFile, prepared_context, upload_prepared_lfs

__all__ = ["Link", "RemoteBudget", "run_task"]

#: Seconds one budget request may wait at the coordinator before it is asked again.
ACQUIRE_TIMEOUT = 10.0


class Link(Protocol):
    """How a task reaches the coordinator: ``call`` awaits a method's answer, ``send`` does
    not wait (a release, a goodbye)."""

    async def call(self, method: str, *args: Any) -> Any: ...

    def send(self, method: str, *args: Any) -> None: ...


class RemoteBudget:
    """The job's byte budget, held by the coordinator (the :class:`~hubclient.mirror._limits.
    Budget` of a cluster task)."""

    def __init__(self, link: Link, holder: str, limit: int) -> None:
        self._link = link
        self._holder = holder
        self._limit = limit

    @property
    def limit(self) -> int:
        return self._limit

    async def acquire(self, amount: int) -> None:
        while not await self._link.call("acquire_bytes", self._holder, amount, ACQUIRE_TIMEOUT):
            pass  # each call is bounded; cancellation ends the loop

    def release(self, amount: int) -> None:
        self._link.send("release_bytes", self._holder, amount)


class _Heartbeat:
    """Renews the task's lease; carries progress and 429 pauses both ways."""

    def __init__(self, link: Link, holder: str, https: list[HubHttp], interval: float) -> None:
        self._link = link
        self._holder = holder
        self._https = https
        self._interval = interval
        self._events: list[MirrorProgress] = []
        self._pauses: list[tuple[str, float]] = []
        self._wake = anyio.Event()
        for http in https:
            http.add_pause_listener(self._paused)

    def progress(self, event: MirrorProgress) -> None:
        self._events.append(event)

    def _paused(self, origin: str, seconds: float) -> None:
        self._pauses.append((origin, seconds))
        self._wake.set()  # tell the others at once, not at the next beat

    @property
    def pending(self) -> bool:
        """Whether events or pauses wait to be sent."""
        return bool(self._events or self._pauses)

    def hold(self, gates: dict[str, float]) -> None:
        """Hold this task's requests to each origin for the seconds the coordinator says."""
        for origin, seconds in gates.items():
            for http in self._https:
                http.pause(origin, seconds)

    async def beat(self) -> None:
        events, self._events = self._events, []
        pauses, self._pauses = self._pauses, []
        self.hold(await self._link.call("heartbeat", self._holder, events, pauses))

    async def run(self) -> None:
        while True:
            with anyio.move_on_after(self._interval):
                await self._wake.wait()
            self._wake = anyio.Event()
            await self.beat()


def _client(settings: HubSettings, secrets: Secrets, transport: Any) -> HubHttp:
    full = settings.model_copy(update={"token": secrets.token, "headers": dict(secrets.headers)})
    return HubHttp(full, transport=transport)


async def run_task(
    spec: TaskSpec,
    link: Link,
    *,
    heartbeat_seconds: float = 1.0,
    transports: dict[str, Any] | None = None,
) -> TaskOutcome:
    """Run one task of a cluster job (see the module doc). ``transports`` (endpoint ->
    httpx transport) is for in-process engines only: a real worker uses the network."""
    holder = f"{spec.kind}-{spec.index}-{uuid.uuid4().hex[:12]}"
    roles = ["source"] if spec.dest is None else ["source", "dest"]
    # one round trip: joined, the credentials, and the pauses running now
    secrets, gates = await link.call("start", holder, roles)
    try:
        return await _run_started(
            spec, link, holder, secrets, gates, heartbeat_seconds, transports or {}
        )
    finally:
        link.send("leave", holder)


async def _run_started(
    spec: TaskSpec,
    link: Link,
    holder: str,
    secrets: dict[str, Secrets],
    gates: dict[str, float],
    heartbeat_seconds: float,
    transports: dict[str, Any],
) -> TaskOutcome:
    source = _client(spec.source, secrets["source"], transports.get(spec.source.endpoint))
    dest: HubHttp | None = None
    try:
        if spec.dest is not None:
            dest = _client(spec.dest, secrets["dest"], transports.get(spec.dest.endpoint))
        https = [source] if dest is None else [source, dest]
        heart = _Heartbeat(link, holder, https, heartbeat_seconds)
        heart.hold(gates)  # a pause running now holds this task's first request already
        budget = RemoteBudget(link, holder, spec.options.max_bytes_in_flight)
        limits = MirrorLimits(spec.options, budget=budget)
        outcome: TaskOutcome
        async with anyio.create_task_group() as tg:
            tg.start_soon(heart.run)
            outcome = await _work(spec, source, dest, limits, heart)
            tg.cancel_scope.cancel()
        if heart.pending:  # the last events and pauses, before the outcome reaches the driver
            await heart.beat()
        return outcome
    finally:
        with anyio.CancelScope(shield=True):
            await source.aclose()
            if dest is not None:
                await dest.aclose()


async def _work(
    spec: TaskSpec,
    source: HubHttp,
    dest: HubHttp | None,
    limits: MirrorLimits,
    heart: _Heartbeat,
) -> TaskOutcome:
    item = spec.item
    callback = heart.progress if spec.progress else None
    if spec.kind == "download":
        report = await download_repos(
            source,
            [item],
            cache_dir=spec.cache_dir,
            local_dir=spec.local_dir,
            options=spec.options,
            progress=callback,
        )
        return report.results[0]
    assert dest is not None
    if spec.kind == "objects":
        return await _send_objects(spec, source, dest, limits, callback)
    trees: dict[str, Tree] = {}
    if spec.split_bytes is not None:
        split = await _survey(spec, source, dest, trees)
        if split is not None:
            return split
    return await mirror_repo(
        source,
        dest,
        item.repo_id,
        dest_repo_id=item.dest_repo_id,
        repo_type=item.repo_type,
        revision=item.revision,
        private=spec.private,
        options=spec.options,
        limits=limits,
        progress=callback,
        presend=spec.presend,
        source_trees=trees,
    )


async def _survey(
    spec: TaskSpec, source: HubHttp, dest: HubHttp, trees: dict[str, Tree]
) -> Split | None:
    """Whether the repo is too large for one task; its LFS objects in batches if so.

    Lists the refs and the tree of every mirrored commit (kept in ``trees`` for the mirror
    that follows when the repo is not split). A split repo's destination repo is created
    here, so that the objects can be sent to it by other tasks.
    """
    item = spec.item
    assert spec.split_bytes is not None
    try:
        with_prs = spec.options.include_prs or (item.revision or "").startswith("refs/pr/")
        refs = await list_repo_refs(
            source, item.repo_id, repo_type=item.repo_type, include_pull_requests=with_prs
        )
        wanted = select_refs(refs, item.revision)
        if wanted is None:  # a commit: one tree, mirrored whole
            return None
        objects: dict[str, LfsObject] = {}
        for ref in wanted:
            if ref.commit not in trees:
                trees[ref.commit] = await list_files(
                    source, item.repo_id, item.repo_type, ref.commit
                )
            for path, entry in trees[ref.commit].items():
                if entry.lfs_sha256 is not None and entry.lfs_sha256 not in objects:
                    objects[entry.lfs_sha256] = LfsObject(
                        path, ref.commit, entry.lfs_sha256, entry.size
                    )
        total = sum(o.size for o in objects.values())
        if total <= spec.split_bytes:
            return None
        batches = _batches(sorted(objects.values(), key=lambda o: -o.size), spec.split_bytes)
        if len(batches) < 2:
            return None
        info = await repo_info(source, item.repo_id, repo_type=item.repo_type)
        await create_repo(
            dest,
            item.dest_repo_id or item.repo_id,
            repo_type=item.repo_type,
            private=bool(info.private) if spec.private is None else spec.private,
            exist_ok=True,
            space_sdk=(info.sdk or "static") if isinstance(info, SpaceInfo) else None,
        )
    except Exception:  # the mirror itself meets (and records) whatever failed here
        trees.clear()
        return None
    return Split(batches=tuple(tuple(b) for b in batches), total_bytes=total)


def _batches(objects: list[LfsObject], batch_bytes: int) -> list[list[LfsObject]]:
    """Objects in batches of about ``batch_bytes`` (largest first; a larger one goes alone)."""
    batches: list[list[LfsObject]] = []
    sizes: list[int] = []
    for obj in objects:
        for index, size in enumerate(sizes):
            if size + obj.size <= batch_bytes:
                batches[index].append(obj)
                sizes[index] += obj.size
                break
        else:
            batches.append([obj])
            sizes.append(obj.size)
    return batches


async def _send_objects(
    spec: TaskSpec,
    source: HubHttp,
    dest: HubHttp,
    limits: MirrorLimits,
    callback: Any,
) -> ObjectsDone:
    """Upload a batch of a large repo's LFS objects to the destination (no commit)."""
    item = spec.item
    reporter = RepoProgress(callback, item.repo_id, item.repo_type)
    reporter.add_totals(len(spec.objects), sum(o.size for o in spec.objects))
    reporter.stage(MirrorStage.COPYING)
    chunk = spec.options.upload.read_chunk_size
    files = [
        PreparedFile(
            obj.path,
            obj.size,
            obj.oid,
            RemoteLfsFile(
                source,
                resolve_path(item.repo_type, item.repo_id, obj.path, obj.commit),
                obj.size,
                obj.oid,
                chunk_size=chunk,
            ),
        )
        for obj in spec.objects
    ]
    ctx = prepared_context(
        dest,
        item.dest_repo_id or item.repo_id,
        item.repo_type,
        "main",
        spec.options.upload,
        reporter.upload_listener(),
    )
    try:
        sent, _ = await upload_prepared_lfs(
            ctx, files, files_limit=limits.files, gate=limits.object_gate
        )
    except Exception as exc:  # the repo's own task sends what is missing, and records it
        return ObjectsDone(error=f"{type(exc).__name__}: {exc}")
    return ObjectsDone(
        sent=frozenset(f.lfs_sha256 for f in sent if f.lfs_sha256),
        bytes_sent=sum(f.size for f in sent),
        bytes_deduped=ctx.xet.deduped_bytes if ctx.xet is not None else 0,
    )
