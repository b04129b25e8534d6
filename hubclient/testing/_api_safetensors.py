"""Safetensors metadata the Hub parses itself: every shard's header of a sharded model."""

from __future__ import annotations

import json
import struct
from typing import Any

import anyio.to_thread
from starlette.responses import Response

from hubclient.testing._errors import HubError
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._snapshot import FileEntry
from hubclient.testing._store import Store
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES", "read_header"]

_MAX_HEADER = 25_000_000


def read_header(store: Store, entry: FileEntry, path: str) -> dict[str, Any]:
    """The JSON header of a stored safetensors file (only the header's bytes are read)."""
    with store.objects.path(entry.sha256).open("rb") as f:
        prefix = f.read(8)
        if len(prefix) < 8:
            raise HubError.bad_request(f"{path}: not a safetensors file (too small)")
        (size,) = struct.unpack("<Q", prefix)
        if size > _MAX_HEADER or 8 + size > entry.size:
            raise HubError.bad_request(f"{path}: invalid safetensors header length {size}")
        raw = f.read(size)
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise HubError.bad_request(f"{path}: the safetensors header is not JSON") from exc
    if not isinstance(header, dict):
        raise HubError.bad_request(f"{path}: the safetensors header is not an object")
    return header


async def sharded_metadata(ctx: Ctx, repo: Repo, filename: str) -> Response:
    """``GET /api/models/{repo}/safetensors-metadata/{index}``: the index (without its
    ``weight_map``) and the header of every shard it names, at ``main``."""
    ctx.check_gated(repo)
    resolved = repo.resolve(None)
    snapshot = repo.snapshot(resolved.commit)
    entry = snapshot.files.get(filename)
    if entry is None:
        raise HubError.entry_not_found(filename, resolved.commit)
    try:
        index = json.loads(ctx.store.objects.read_bytes(entry.sha256))
    except ValueError as exc:
        raise HubError.bad_request(f"{filename} is not JSON") from exc
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise HubError.bad_request(f"{filename} has no weight_map")
    folder = filename.rpartition("/")[0]
    headers: dict[str, Any] = {}
    for shard in sorted(set(map(str, weight_map.values()))):
        path = f"{folder}/{shard}" if folder else shard
        shard_entry = snapshot.files.get(path)
        if shard_entry is None:
            raise HubError.entry_not_found(path, resolved.commit)
        headers[shard] = await anyio.to_thread.run_sync(read_header, ctx.store, shard_entry, path)
    return json_response(
        {"index": {k: v for k, v in index.items() if k != "weight_map"}, "headers": headers},
        headers={"X-Repo-Commit": resolved.commit},
    )


ROUTES = [
    Route(
        "GET",
        "/api/{types}/{repo}/safetensors-metadata/{filename+}",
        sharded_metadata,
        types=("models",),
    ),
]
