"""The job's shared state on the driver: the bytes in flight, the 429 pauses, progress, secrets.

One :class:`Coordinator` per cluster job. The engine hosts it next to the driver (on Ray, an
async actor pinned to the driver's node) and every task of the job talks to it:

* **bytes in flight**: a task takes ``min(size, budget)`` before it streams an LFS object and
  gives it back after, so the job's LFS bytes in flight stay under ``max_bytes_in_flight``
  whatever the number of machines (a request larger than the budget goes alone, as on one
  machine);
* **leases**: every task attempt is a *holder* that renews itself (the heartbeat); a holder
  silent for ``lease_seconds`` is dead (its process was killed, its machine lost) and what it
  held is given back, so a dead worker never leaks budget;
* **429 pauses**: a task whose client got a 429 from a Hub reports the pause; every heartbeat
  answer carries the pauses still running, and the tasks hold their requests to that Hub
  until then: the destination's 429 throttles the whole cluster, not one process;
* **progress**: tasks send their :class:`MirrorProgress` events with the heartbeat; the
  driver drains them and calls the user's callback;
* **secrets**: the tokens of both Hubs, set by the driver with a method call and handed to
  tasks on request, so they are never part of a task's arguments (which an engine logs,
  shows in its dashboard, or persists to retry them).

Engine-neutral (anyio only: asyncio in a Ray actor, trio or asyncio in tests and in the
scaling simulation). Times are the loop's clock: pauses travel as *seconds left*, never as
timestamps, so clocks of different machines need not agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import anyio

from hubclient.mirror._types import MirrorProgress

__all__ = ["Coordinator", "CoordinatorStats", "Secrets"]

#: Most progress events kept for the driver (the oldest are dropped past it).
MAX_PENDING_EVENTS = 100_000


@dataclass(frozen=True, slots=True)
class Secrets:
    """The credentials of one Hub: its token and extra headers (which may carry credentials)."""

    token: str | None = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class CoordinatorStats:
    """What the coordinator saw: for reports, tests and the scaling simulation."""

    bytes_peak: int = 0
    holders_peak: int = 0
    holders_expired: int = 0
    pauses: int = 0
    grants: int = 0


@dataclass
class _Holder:
    seen: float
    held: int = 0


class Coordinator:
    """Shared bounds, pauses, progress and secrets of one cluster job (see the module doc).

    Example::

        coordinator = Coordinator(max_bytes=256 * 2**20, lease_seconds=30)
        await coordinator.join("task-1")
        assert await coordinator.acquire_bytes("task-1", 10 * 2**20, 5.0)
        coordinator.release_bytes("task-1", 10 * 2**20)
        coordinator.leave("task-1")
    """

    def __init__(
        self,
        *,
        max_bytes: int,
        lease_seconds: float = 30.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if max_bytes < 1 or lease_seconds <= 0:
            raise ValueError("max_bytes must be at least 1 and lease_seconds positive")
        self.max_bytes = max_bytes
        self.lease_seconds = lease_seconds
        self._clock = clock or anyio.current_time
        self._holders: dict[str, _Holder] = {}
        self._in_use = 0
        self._changed = anyio.Event()
        self._gates: dict[str, float] = {}  # origin -> clock time until which to wait
        self._events: list[MirrorProgress] = []
        self._secrets: dict[str, Secrets] = {}
        self.stats = CoordinatorStats()
        self._reaped = float("-inf")  # when the holders were last looked over

    # ------------------------------------------------------------------ holders

    async def join(self, holder: str) -> None:
        """Register a task attempt (a new holder, holding nothing)."""
        self._reap()
        self._holders[holder] = _Holder(seen=self._clock())
        self.stats.holders_peak = max(self.stats.holders_peak, len(self._holders))

    async def start(
        self, holder: str, roles: list[str]
    ) -> tuple[dict[str, Secrets], dict[str, float]]:
        """A task attempt starts, in one call: :meth:`join` as ``holder``, the credentials
        of the Hubs it talks to (by role) and the pauses running now (origin -> seconds
        left), which hold its first request already."""
        await self.join(holder)
        return {role: self.secrets(role) for role in roles}, self.gates()

    async def heartbeat(
        self,
        holder: str,
        events: list[MirrorProgress],
        pauses: list[tuple[str, float]],
    ) -> dict[str, float]:
        """Renew ``holder``, take its progress events and the 429 pauses it met; answer the
        pauses running now (origin -> seconds left)."""
        now = self._clock()
        current = self._holders.get(holder)
        if current is not None:
            current.seen = now
        for origin, seconds in pauses:
            self.pause(origin, seconds)
        self._events.extend(events)
        if len(self._events) > MAX_PENDING_EVENTS:
            del self._events[: len(self._events) - MAX_PENDING_EVENTS]
        self._reap()
        return self.gates()

    def leave(self, holder: str) -> None:
        """The task attempt ended: whatever it still holds is given back."""
        gone = self._holders.pop(holder, None)
        if gone is not None and gone.held:
            self._give_back(gone.held)

    # ------------------------------------------------------------------ bytes in flight

    async def acquire_bytes(self, holder: str, amount: int, within: float) -> bool:
        """Take ``amount`` bytes of the job's budget for ``holder``; False if it could not
        within ``within`` seconds (the caller asks again: every call is bounded).

        As on one machine, the budget lets a request through when nothing else is in flight,
        so an object larger than the whole budget moves alone instead of never.
        """
        if amount < 0:
            raise ValueError("amount must be >= 0")
        deadline = self._clock() + max(0.0, within)
        while True:
            self._reap()
            current = self._holders.get(holder)
            if current is None:  # expired while it waited, or never joined
                current = self._holders[holder] = _Holder(seen=self._clock())
            if self._in_use == 0 or self._in_use + amount <= self.max_bytes:
                self._in_use += amount
                current.held += amount
                current.seen = self._clock()
                self.stats.grants += 1
                self.stats.bytes_peak = max(self.stats.bytes_peak, self._in_use)
                return True
            left = deadline - self._clock()
            if left <= 0:
                return False
            event = self._changed
            # wake up at least every quarter lease: a dead holder's bytes come back by expiry
            with anyio.move_on_after(min(left, self.lease_seconds / 4)):
                await event.wait()

    def release_bytes(self, holder: str, amount: int) -> None:
        """Give back ``amount`` bytes taken by ``holder`` (ignored past what it holds: a
        holder that expired was already refunded)."""
        current = self._holders.get(holder)
        if current is None:
            return
        amount = min(amount, current.held)
        current.held -= amount
        self._give_back(amount)

    @property
    def bytes_in_use(self) -> int:
        """LFS bytes held now; a holder silent for a whole lease holds nothing any more."""
        self._reap()
        return self._in_use

    # ------------------------------------------------------------------ 429 pauses

    def pause(self, origin: str, seconds: float) -> None:
        """A Hub answered 429: hold every task's requests to ``origin`` for ``seconds``."""
        until = self._clock() + max(0.0, seconds)
        if until > self._gates.get(origin, 0.0):
            self._gates[origin] = until
            self.stats.pauses += 1

    def gates(self) -> dict[str, float]:
        """The pauses running now: origin -> seconds left."""
        now = self._clock()
        for origin in [o for o, until in self._gates.items() if until <= now]:
            del self._gates[origin]
        return {origin: until - now for origin, until in self._gates.items()}

    # ------------------------------------------------------------------ progress, secrets

    def drain_progress(self) -> list[MirrorProgress]:
        """The progress events received since the last call, in order."""
        events, self._events = self._events, []
        return events

    def set_secrets(self, secrets: dict[str, Secrets]) -> None:
        """The credentials of the job's Hubs, by role (``"source"``, ``"dest"``)."""
        self._secrets = dict(secrets)

    def secrets(self, role: str) -> Secrets:
        """The credentials a task needs for one Hub (none when the job has none)."""
        return self._secrets.get(role, Secrets())

    def snapshot(self) -> CoordinatorStats:
        return CoordinatorStats(**vars(self.stats))

    # ------------------------------------------------------------------ internals

    def _give_back(self, amount: int) -> None:
        self._in_use = max(0, self._in_use - amount)
        event, self._changed = self._changed, anyio.Event()
        event.set()

    def _reap(self) -> None:
        """Holders silent for a whole lease are dead: give back what they held.

        Looked over at most every eighth of a lease, not at every call: with thousands of
        tasks beating each second, a scan per call would make each call O(tasks).
        """
        now = self._clock()
        if now - self._reaped < self.lease_seconds / 8:
            return
        self._reaped = now
        limit = now - self.lease_seconds
        dead = [name for name, h in self._holders.items() if h.seen < limit]
        for name in dead:
            held = self._holders.pop(name).held
            self.stats.holders_expired += 1
            if held:
                self._give_back(held)
