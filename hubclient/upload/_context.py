"""What one upload call shares between its phases: the target, the HTTP door, limits, progress."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio

from hubclient._http import HubHttp
from hubclient._reporting import Reporter
from hubclient._urls import RepoType
from hubclient.models.commits import XetDedup
from hubclient.upload._budget import ByteBudget
from hubclient.upload._options import UploadOptions

__all__ = ["UploadContext"]


@dataclass
class UploadContext:
    """One upload's shared state (built by the public entry points, never by users)."""

    http: HubHttp
    repo_id: str
    repo_type: RepoType
    revision: str  # unquoted; the URL builders quote it
    create_pr: bool
    token: str | bool | None
    options: UploadOptions
    reporter: Reporter
    budget: ByteBudget = field(init=False)
    hash_limiter: anyio.CapacityLimiter = field(init=False)
    parts_limiter: anyio.Semaphore = field(init=False)
    xet: XetDedup | None = field(default=None, init=False)
    """The dedup figures once the LFS files went through Xet."""

    def __post_init__(self) -> None:
        self.budget = ByteBudget(self.options.memory_budget)
        self.hash_limiter = anyio.CapacityLimiter(self.options.hash_workers)
        self.parts_limiter = anyio.Semaphore(self.options.max_concurrent_parts)
