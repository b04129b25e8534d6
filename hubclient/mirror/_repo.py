"""PLACEHOLDER (helper M1 replaces this module): mirror one repo between two Hubs."""

from __future__ import annotations

from hubclient._http import HubHttp
from hubclient.mirror._limits import MirrorLimits
from hubclient.mirror._types import MirrorOptions, MirrorProgressCallback, MirrorResult

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
) -> MirrorResult:
    raise NotImplementedError
