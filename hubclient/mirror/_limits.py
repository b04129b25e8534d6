"""The global bounds of one mirroring job, shared by every repo it moves at once."""

from __future__ import annotations

import anyio

from hubclient.mirror._types import MirrorOptions
from hubclient.upload._budget import ByteBudget

__all__ = ["MirrorLimits"]


class MirrorLimits:
    """Files and LFS bytes in flight, over all repos of a job (anyio: asyncio and trio).

    ``files`` bounds files in flight; ``bytes`` bounds LFS bytes being streamed (a file larger
    than the whole budget goes alone). Build one per job and pass it to every repo.
    """

    def __init__(self, options: MirrorOptions) -> None:
        self.files = anyio.Semaphore(options.max_concurrent_files)
        self.bytes = ByteBudget(options.max_bytes_in_flight)
