"""The global bounds of one mirroring job, shared by every repo it moves at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import anyio

from hubclient.mirror._types import MirrorOptions
from hubclient.upload._budget import ByteBudget
from hubclient.upload._prepared import PreparedFile

__all__ = ["Budget", "MirrorLimits"]


class Budget(Protocol):
    """A byte budget: :class:`ByteBudget` on one machine, the coordinator's on a cluster."""

    @property
    def limit(self) -> int: ...

    async def acquire(self, amount: int) -> None: ...

    def release(self, amount: int) -> None: ...


class MirrorLimits:
    """Files and LFS bytes in flight, over all repos of a job (anyio: asyncio and trio).

    ``files`` bounds files in flight; ``bytes`` bounds LFS bytes being streamed (a file larger
    than the whole budget goes alone). Build one per job and pass it to every repo; a cluster
    job passes the budget its coordinator holds for the whole cluster.
    """

    def __init__(self, options: MirrorOptions, *, budget: Budget | None = None) -> None:
        self.files = anyio.Semaphore(options.max_concurrent_files)
        self.bytes: Budget = budget or ByteBudget(options.max_bytes_in_flight)

    @asynccontextmanager
    async def object_gate(self, file: PreparedFile) -> AsyncIterator[None]:
        """Holds ``min(size, budget)`` of the byte budget while one LFS object moves."""
        amount = min(file.size, self.bytes.limit)
        await self.bytes.acquire(amount)
        try:
            yield
        finally:
            self.bytes.release(amount)
