"""A script using the sync HubClient, for the Ctrl-C tests (run in a subprocess).

    python -m tests.sync._sigint_child <mode> <endpoint> <token> <cache_dir> <repo_id>

mode "info": one model_info call; "snapshot": snapshot_download printing ``bytes <n>`` lines.
Prints ``ready`` just before the long call and ``finished`` if it returns.
"""

from __future__ import annotations

import sys

from hubclient import HubClient
from hubclient.progress import ProgressEvent, TotalProgress


def main(argv: list[str]) -> None:
    mode, endpoint, token, cache_dir, repo_id = argv[:5]

    def progress(event: ProgressEvent) -> None:
        if isinstance(event, TotalProgress):
            print(f"bytes {event.bytes_done}", flush=True)

    client = HubClient(endpoint=endpoint, token=token, cache_dir=cache_dir, max_retries=0)
    client.whoami()  # the loop thread and the connection are up
    print("ready", flush=True)
    if mode == "info":
        client.model_info(repo_id)
    else:
        client.snapshot_download(repo_id, progress=progress)
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
