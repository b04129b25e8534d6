"""Files the Hub stores in Xet, downloaded through hf_xet (into the engine's temp file).

hf_xet rebuilds the file from the chunks it fetches by presigned byte ranges (it skips the
chunks its cache holds), writing the temp file itself; the engine then checks size and sha256
as for any LFS file before the blob is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread

from hubclient._http import HubHttp
from hubclient.xet._auth import XetConnection, connection_at
from hubclient.xet._runtime import ProgressSlot, hf_xet, run_blocking, session

__all__ = ["download_to_file"]


def _group_kwargs(connection: XetConnection) -> dict[str, Any]:
    return {
        "endpoint": connection.cas_url,
        "token": connection.token,
        "token_expiry_unix_secs": connection.expires,
        "token_refresh_url": connection.refresh_url,
        "token_refresh_headers": connection.refresh_headers,
        "custom_headers": connection.custom_headers,
    }


async def download_to_file(
    http: HubHttp,
    *,
    xet_hash: str,
    token_url: str,
    token: str | bool | None,
    size: int | None,
    dest: Path,
    on_bytes: Callable[[int], None],
) -> None:
    """Write the Xet file `xet_hash` to `dest` (replaced); `XetUnavailable` before anything
    is written when the Hub gives no Xet connection for it."""
    module = hf_xet()
    assert module is not None
    connection = await connection_at(http, token_url, token)
    slot = ProgressSlot()

    def open_group() -> Any:
        return session().new_file_download_group(
            **_group_kwargs(connection), progress_callback=slot, progress_interval_ms=100
        )

    group = await anyio.to_thread.run_sync(open_group)
    reported = 0
    done = anyio.Event()

    def report() -> None:
        nonlocal reported
        latest = slot.take()
        if latest is None:
            return
        completed = int(getattr(latest[0], "total_bytes_completed", 0) or 0)
        if size is not None:
            completed = min(completed, size)
        if completed > reported:
            on_bytes(completed - reported)
            reported = completed

    async def poll() -> None:
        while not done.is_set():
            with anyio.move_on_after(0.1):
                await done.wait()
            report()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(poll)
            group.start_download_file(module.XetFileInfo(xet_hash, size), str(dest))
            await run_blocking(group.wait_to_finish, group.abort)
            done.set()
    except BaseException:
        done.set()
        group.abort()
        raise
    report()
    if size is not None and size > reported:
        on_bytes(size - reported)
