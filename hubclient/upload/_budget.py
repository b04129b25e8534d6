"""A byte budget: bounds how many bytes of file content are held in memory at once.

Every chunk read for an upload first takes its size from the budget and gives it back once the
HTTP layer has sent it, so memory stays bounded however large the files and however many parts
run at once. A request larger than the whole budget is let through alone (never deadlocks).
"""

from __future__ import annotations

import anyio

__all__ = ["ByteBudget"]


class ByteBudget:
    """Async counting limit on bytes (anyio, so it works under asyncio and trio).

    Example::

        budget = ByteBudget(64 * 2**20)
        await budget.acquire(len(chunk))
        try:
            ...
        finally:
            budget.release(len(chunk))
    """

    def __init__(self, limit: int) -> None:
        if limit <= 0:
            raise ValueError("the byte budget must be positive")
        self.limit = limit
        self.in_use = 0
        self.peak = 0
        self._changed = anyio.Event()

    async def acquire(self, amount: int) -> None:
        while self.in_use > 0 and self.in_use + amount > self.limit:
            event = self._changed
            await event.wait()
        self.in_use += amount
        self.peak = max(self.peak, self.in_use)

    def release(self, amount: int) -> None:
        self.in_use -= amount
        event, self._changed = self._changed, anyio.Event()
        event.set()
