"""A simulation of a cluster job at scale: many machines, many small repos, a destination Hub
that rate-limits with 429, in virtual time (trio's MockClock).

What is real: the driver (:func:`hubclient.mirror.cluster._driver.run_job`: the plan
streamed into at most ``window`` tasks, results in plan order) and the coordinator
(:class:`~hubclient.mirror.cluster._coordinator.Coordinator`: the byte budget with leases,
the 429 pauses, the heartbeats). What is simulated: the engine (tasks placed on machines
with a free slot, run again elsewhere when their machine dies), and each task's mirror of a
small repo: ``requests`` calls to the destination Hub, one LFS object under the job's byte
budget, each call held at the task's machine gate as :class:`~hubclient._http.HubHttp` holds
requests behind a 429 (each task has clients of its own, hence a gate of its own), and a
heartbeat, once before the first call and then every second, that carries the pauses both
ways as the real task's does.

The destination limits requests per fixed window (the Hub's policy: ``N`` requests per
``W`` seconds, 429 with ``Retry-After`` = the time left in the window). With the shared
pause (the design), one 429 closes every machine's gate within a heartbeat; with
``shared=False`` each task learns the limit by its own 429s.

``python -m tests.mirror.scale_sim --machines 100 --slots 8 --repos 1000000`` prints the
figures of the design note (docs/mirroring.md, "Scaling").
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.abc

from hubclient._settings import HubSettings
from hubclient.mirror import MirrorOptions, MirrorPlanItem, MirrorProgress, MirrorResult
from hubclient.mirror.cluster._coordinator import Coordinator
from hubclient.mirror.cluster._driver import run_job
from hubclient.mirror.cluster._spec import TaskOutcome, TaskSpec

__all__ = ["SimConfig", "SimResult", "simulate"]

DEST = "http://dest.sim"


@dataclass(frozen=True)
class SimConfig:
    machines: int = 100
    slots: int = 8  # tasks at once per machine
    repos: int = 20_000
    requests: int = 6  # destination calls per small repo
    latency: float = 0.05  # seconds per call
    object_bytes: int = 8 * 2**20  # one LFS object per repo
    machine_rate: float = 100 * 2**20  # bytes/s a machine sends
    budget: int = 4 * 2**30  # the job's bytes in flight
    window_requests: int = 3000  # the destination's limit: requests per window...
    window_seconds: float = 10.0  # ...of this many seconds
    heartbeat: float = 1.0
    lease: float = 10.0
    shared: bool = True  # the 429 pause shared through the coordinator
    kill_machine_at: float | None = None  # virtual seconds: one machine dies then


@dataclass
class SimResult:
    seconds: float  # virtual
    ideal_seconds: float  # what the destination's limit allows at best
    responses_429: int
    requests: int
    pauses: int
    bytes_peak: int
    max_pending: int
    retried: int
    results: int
    ok: bool
    wall_seconds: float = 0.0


class _Destination:
    """Fixed windows of ``window_requests`` requests; past that, 429 until the window ends."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.window_start = 0.0
        self.count = 0
        self.requests = 0
        self.refused = 0

    def ask(self, now: float) -> float | None:
        """None: served; else the Retry-After (seconds left in the window)."""
        cfg = self.config
        if now >= self.window_start + cfg.window_seconds:
            self.window_start = now - (now - self.window_start) % cfg.window_seconds
            self.count = 0
        self.requests += 1
        if self.count < cfg.window_requests:
            self.count += 1
            return None
        self.refused += 1
        return self.window_start + cfg.window_seconds - now


@dataclass
class _Machine:
    index: int
    free: int
    alive: bool = True
    scopes: set[anyio.CancelScope] = field(default_factory=set)


class _SimEngine:
    """Places tasks on machines with a free slot; a dead machine's tasks run again elsewhere."""

    def __init__(
        self,
        config: SimConfig,
        coordinator: Coordinator,
        tg: anyio.abc.TaskGroup,
        dest: _Destination,
    ) -> None:
        self.config = config
        self.coordinator = coordinator
        self.tg = tg
        self.dest = dest
        self.machines = [_Machine(i, config.slots) for i in range(config.machines)]
        self.queue: list[tuple[int, TaskSpec]] = []
        self.done: dict[int, TaskOutcome | BaseException] = {}
        self.changed = anyio.Event()
        self.next = 0
        self.outstanding = 0
        self.max_pending = 0
        self.retried = 0
        self.slot_free = anyio.Event()

    def submit(self, spec: TaskSpec) -> int:
        handle = self.next
        self.next += 1
        self.outstanding += 1
        self.max_pending = max(self.max_pending, self.outstanding)
        self.queue.append((handle, spec))
        self.slot_free.set()
        return handle

    async def scheduler(self) -> None:
        while True:
            while self.queue:
                machine = next((m for m in self.machines if m.alive and m.free > 0), None)
                if machine is None:
                    break
                handle, spec = self.queue.pop(0)
                machine.free -= 1
                self.tg.start_soon(self._run_on, machine, handle, spec)
            await self.slot_free.wait()
            self.slot_free = anyio.Event()

    async def _run_on(self, machine: _Machine, handle: int, spec: TaskSpec) -> None:
        outcome: TaskOutcome | None = None
        with anyio.CancelScope() as scope:  # cancelled when the machine dies
            machine.scopes.add(scope)
            outcome = await _repo_task(self, machine, spec)
        machine.scopes.discard(scope)
        machine.free += 1
        if outcome is None:  # the machine died under it: the engine runs it again
            self.retried += 1
            self.queue.append((handle, spec))
        else:
            self.done[handle] = outcome
            self.outstanding -= 1
            self.changed.set()
        self.slot_free.set()

    def kill(self, index: int) -> None:
        machine = self.machines[index]
        machine.alive = False
        for scope in machine.scopes:
            scope.cancel()

    async def wait(
        self, handles: Sequence[Any], seconds: float
    ) -> list[tuple[Any, TaskOutcome | BaseException]]:
        with anyio.move_on_after(seconds):
            while not any(h in self.done for h in handles):
                event = self.changed
                await event.wait()
                self.changed = anyio.Event()
        return [(h, self.done.pop(h)) for h in handles if h in self.done]

    async def drain_progress(self) -> list[MirrorProgress]:
        return self.coordinator.drain_progress()


async def _repo_task(engine: _SimEngine, machine: _Machine, spec: TaskSpec) -> MirrorResult:
    """One small repo, as a task mirrors it: calls held at the gate, the object under the
    budget, a heartbeat that shares the pauses."""
    cfg, coordinator, dest = engine.config, engine.coordinator, engine.dest
    holder = f"{spec.index}-{machine.index}-{engine.next}"
    _, running = await coordinator.start(holder, [])  # as a real task starts
    pauses: list[tuple[str, float]] = []
    wake = anyio.Event()
    gate = 0.0  # the task's clients' 429 gate to the destination (clock time)
    if cfg.shared and DEST in running:  # a pause running now holds the first call already
        gate = anyio.current_time() + running[DEST]

    async def beat() -> None:
        nonlocal gate
        sent, pauses[:] = list(pauses), []
        gates = await coordinator.heartbeat(holder, [], sent if cfg.shared else [])
        if cfg.shared and DEST in gates:
            gate = max(gate, anyio.current_time() + gates[DEST])

    async def heartbeat() -> None:
        nonlocal wake
        while True:
            with anyio.move_on_after(cfg.heartbeat):
                await wake.wait()
            wake = anyio.Event()
            await beat()

    async def call() -> None:
        nonlocal gate
        while True:
            now = anyio.current_time()
            if gate > now:
                await anyio.sleep(gate - now)
                continue
            await anyio.sleep(cfg.latency / 2)
            retry_after = dest.ask(anyio.current_time())
            await anyio.sleep(cfg.latency / 2)
            if retry_after is None:
                return
            gate = max(gate, anyio.current_time() + retry_after)
            pauses.append((DEST, retry_after))
            wake.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(heartbeat)
        for _ in range(cfg.requests - 1):
            await call()
        while not await coordinator.acquire_bytes(holder, cfg.object_bytes, 10.0):
            pass
        await anyio.sleep(cfg.object_bytes / (cfg.machine_rate / cfg.slots))
        coordinator.release_bytes(holder, cfg.object_bytes)
        await call()  # the commit
        tg.cancel_scope.cancel()
    coordinator.leave(holder)
    item = spec.item
    return MirrorResult(
        repo_id=item.repo_id,
        repo_type=item.repo_type,
        dest_repo_id=item.repo_id,
        source="http://source.sim",
        destination=DEST,
        files_copied=1,
        bytes_copied=cfg.object_bytes,
        commits=1,
    )


async def _simulate(config: SimConfig) -> SimResult:
    coordinator = Coordinator(max_bytes=config.budget, lease_seconds=config.lease)
    dest = _Destination(config)
    items = [MirrorPlanItem(repo_id=f"org{i // 1000}/repo-{i}") for i in range(config.repos)]
    settings = HubSettings(endpoint=DEST)
    options = MirrorOptions(max_concurrent_repos=config.machines * config.slots)
    started = anyio.current_time()
    async with anyio.create_task_group() as tg:
        engine = _SimEngine(config, coordinator, tg, dest)
        tg.start_soon(engine.scheduler)
        if config.kill_machine_at is not None:

            async def killer() -> None:
                await anyio.sleep(config.kill_machine_at or 0.0)
                engine.kill(0)

            tg.start_soon(killer)
        report = await run_job(
            items,
            engine=engine,
            make_spec=lambda i, item: TaskSpec(
                kind="repo", index=i, item=item, source=settings, dest=settings, options=options
            ),
            window=options.max_concurrent_repos,
            progress=None,
            source="http://source.sim",
            destination=lambda item: DEST,
        )
        tg.cancel_scope.cancel()
    seconds = anyio.current_time() - started
    calls = config.repos * config.requests
    ideal = math.ceil(calls / config.window_requests - 1) * config.window_seconds
    ideal = max(ideal, calls * config.latency / (config.machines * config.slots))
    return SimResult(
        seconds=seconds,
        ideal_seconds=ideal,
        responses_429=dest.refused,
        requests=dest.requests,
        pauses=coordinator.stats.pauses,
        bytes_peak=coordinator.stats.bytes_peak,
        max_pending=engine.max_pending,
        retried=engine.retried,
        results=len(report.results),
        ok=report.ok and [r.repo_id for r in report.results] == [item.repo_id for item in items],
    )


def simulate(config: SimConfig) -> SimResult:
    """Run the simulation in virtual time (trio's MockClock; seconds of the result are
    virtual, ``wall_seconds`` real)."""
    import trio.testing

    wall = time.perf_counter()
    result = anyio.run(
        _simulate,
        config,
        backend="trio",
        backend_options={"clock": trio.testing.MockClock(autojump_threshold=0)},
    )
    result.wall_seconds = time.perf_counter() - wall
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--machines", type=int, default=100)
    parser.add_argument("--slots", type=int, default=8)
    parser.add_argument("--repos", type=int, default=20_000)
    parser.add_argument("--window-requests", type=int, default=3000)
    parser.add_argument("--object-mib", type=float, default=8.0)
    parser.add_argument("--no-share", action="store_true")
    parser.add_argument("--kill-at", type=float, default=None)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run with the shared pause and without it; print the design note's table",
    )
    args = parser.parse_args()
    config = SimConfig(
        machines=args.machines,
        slots=args.slots,
        repos=args.repos,
        window_requests=args.window_requests,
        object_bytes=int(args.object_mib * 2**20),
        shared=not args.no_share,
        kill_machine_at=args.kill_at,
    )
    print(config)
    if not args.compare:
        print(simulate(config))
        return
    runs = {
        "429 pause shared (the design)": simulate(dataclasses.replace(config, shared=True)),
        "each task alone": simulate(dataclasses.replace(config, shared=False)),
    }
    print(table(config, runs))


def table(config: SimConfig, runs: dict[str, SimResult]) -> str:
    """The runs as a markdown table (the design note's)."""
    rows = [
        "| | " + " | ".join(runs) + " |",
        "|---" * (len(runs) + 1) + "|",
    ]

    def row(label: str, cell: Any) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in runs.values()) + " |")

    row("job duration (virtual)", lambda r: f"{r.seconds:,.0f} s")
    row("the limit's best (calls / limit)", lambda r: f"{r.ideal_seconds:,.0f} s")
    row("repos mirrored, in plan order", lambda r: f"{r.results:,} ({'ok' if r.ok else 'NOT ok'})")
    row("calls to the destination", lambda r: f"{r.requests:,}")
    row("429 answers", lambda r: f"{r.responses_429:,}")
    row("pauses shared by the coordinator", lambda r: f"{r.pauses:,}")
    row("tasks pending at most (window)", lambda r: f"{r.max_pending:,}")
    row(
        "LFS bytes in flight at most (budget)",
        lambda r: f"{r.bytes_peak / 2**30:.2f} GiB ({config.budget / 2**30:.0f})",
    )
    row("tasks run again (lost machine)", lambda r: f"{r.retried:,}")
    row("wall time of the simulation", lambda r: f"{r.wall_seconds:,.0f} s")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
