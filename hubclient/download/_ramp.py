"""How many byte ranges of one big file are in flight: as many as still raise its rate.

One connection moves about a window per round trip, and a CDN often caps each connection: then
every range added adds its share, and the file wants many. On loopback the client's CPU is the
bound and every range added costs more than it brings. Neither is known before the bytes flow,
so :class:`Ramp` measures: it starts at ``start`` ranges and, after each addition, looks at the
file's rate over a short window (once the new ranges had time to connect and start); it adds
half as many again (4, 6, 8, 12, ...) while the last addition raised the rate by at least a
quarter of the new ranges' share (from ``k0`` to ``k`` ranges, ``rate >= rate0 × (1 + 0.25 ×
(k - k0) / k0)``: where the machine is part of the bound, an addition brings less than its
share and still pays), and steps back to ``k0`` when the last addition did not pay. It never
grows past ``ceiling`` nor while no range waits to start, and stops for good after its first
step back (a window that shrinks and grows again costs more than it saves).
"""

from __future__ import annotations

from collections.abc import Callable

import anyio

__all__ = ["Ramp"]

_GAIN = 0.25  # the part of its share an addition must bring to be kept


class Ramp:
    """The ranges-in-flight limiter of one file and the task that sizes it.

    Example::

        ramp = Ramp(start=4, ceiling=8, waiting=lambda: parts_left)
        async with anyio.create_task_group() as tg:
            tg.start_soon(ramp.run)  # cancel it when the parts are done
            ...  # each part: async with ramp.limiter: ...; ramp.count(n) for every n bytes
    """

    def __init__(
        self,
        *,
        start: int,
        ceiling: int,
        waiting: Callable[[], int],
        settle: float = 0.2,
        window: float = 0.3,
    ) -> None:
        self.ceiling = max(1, ceiling)
        self.limiter = anyio.CapacityLimiter(max(1, min(start, self.ceiling)))
        self._waiting = waiting
        self._settle = settle
        self._window = window
        self._received = 0
        self.rates: list[tuple[int, float]] = []
        """(ranges in flight, bytes/s) of every window measured, for tests and logs."""

    @property
    def in_flight(self) -> int:
        """The ranges allowed in flight now."""
        return int(self.limiter.total_tokens)

    def count(self, n: int) -> None:
        """``n`` more bytes of the file arrived (negative: bytes thrown away)."""
        self._received += n

    def _may_grow(self) -> bool:
        return self.in_flight < self.ceiling and self._waiting() > 0

    async def run(self) -> None:
        """Size the limiter until it settles (or the caller cancels it when the file is done)."""
        if not self._may_grow():
            return
        last: tuple[int, float] | None = None  # (ranges, rate) before the latest addition
        while True:
            await anyio.sleep(self._settle)  # the newest ranges connect and start
            got, since = self._received, anyio.current_time()
            await anyio.sleep(self._window)
            elapsed = anyio.current_time() - since
            rate = (self._received - got) / elapsed if elapsed > 0 else 0.0
            k = self.in_flight
            self.rates.append((k, rate))
            if last is not None:
                k0, rate0 = last
                if rate < rate0 * (1 + _GAIN * (k - k0) / k0):
                    self.limiter.total_tokens = k0  # the last addition did not pay
                    return
            if not self._may_grow():
                return
            last = (k, rate)
            self.limiter.total_tokens = min(self.ceiling, k + max(1, k // 2))
