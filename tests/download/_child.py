"""A download in a separate process (for the multi-process and SIGKILL tests).

    python -m tests.download._child <endpoint> <token> <cache_dir> <repo_id> [<options json>]

Prints ``bytes <n>`` lines as data arrives (``slow`` in the options JSON also sleeps a little
per event, so that a test can kill the process in the middle of a file), then ``done <path>``.
"""

from __future__ import annotations

import json
import sys
import time

import anyio

from hubclient import AsyncHubClient
from hubclient.download import DownloadOptions
from hubclient.progress import ProgressEvent, TotalProgress


async def main(argv: list[str]) -> None:
    endpoint, token, cache_dir, repo_id = argv[:4]
    extra = json.loads(argv[4]) if len(argv) > 4 else {}
    slow = float(extra.pop("slow", 0.0))

    def progress(event: ProgressEvent) -> None:
        if isinstance(event, TotalProgress):
            print(f"bytes {event.bytes_done}", flush=True)
            if slow:
                time.sleep(slow)

    async with AsyncHubClient(endpoint=endpoint, token=token, cache_dir=cache_dir) as client:
        path = await client.snapshot_download(
            repo_id, options=DownloadOptions(**extra), progress=progress
        )
    print(f"done {path}", flush=True)


if __name__ == "__main__":
    anyio.run(main, sys.argv[1:])
