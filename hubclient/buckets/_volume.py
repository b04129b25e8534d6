"""A local folder as a Job volume: synced to a folder of the private ``jobs-artifacts`` bucket
of a namespace, mounted from there (``sync_job_volume``).

The remote folder is ``{dirname}-{8 hex}``, a fingerprint of the machine and the folder's
absolute path (huggingface_hub's name for it), so that syncing the same folder again reuses
the folder and sends only what changed. An empty folder gets a ``.keep`` file: a bucket has no
empty folders, and a Job cannot mount one that does not exist.
"""

from __future__ import annotations

import hashlib
import platform
import warnings
from pathlib import Path

import anyio.to_thread

from hubclient._answers import parse_json
from hubclient._http import HubHttp
from hubclient.buckets._batch import batch_files
from hubclient.buckets._ids import api_path, check_path
from hubclient.buckets._sync import SyncRequest, sync
from hubclient.errors import HfHubHTTPError
from hubclient.models.spaces import Volume

__all__ = ["ARTIFACTS_BUCKET", "folder_name", "sync_volume"]

ARTIFACTS_BUCKET = "jobs-artifacts"
"""The bucket (in the Job's namespace) that holds the folders synced for Jobs."""


def folder_name(source: Path) -> str:
    """``{dirname}-{hash}``: the same for the same folder on the same machine."""
    resolved = source.expanduser().resolve()
    digest = hashlib.sha256(f"{platform.node()}:{resolved}".encode()).hexdigest()[:8]
    return f"{resolved.name.replace(' ', '_') or 'root'}-{digest}"


def _has_files(root: Path) -> bool:
    return any(p.is_file() for p in root.rglob("*"))


async def sync_volume(
    http: HubHttp,
    source: Path,
    mount_path: str,
    *,
    namespace: str,
    remote_name: str | None,
    read_only: bool,
    token: str | bool | None,
) -> Volume:
    """Sync `source` to its folder of ``{namespace}/jobs-artifacts``; the volume mounting it."""
    bucket_id = f"{namespace}/{ARTIFACTS_BUCKET}"
    folder = check_path(remote_name, "remote_name") if remote_name else folder_name(source)
    try:  # private when new; an existing one keeps its visibility (warned below)
        await http.request("POST", api_path(bucket_id), json={"visibility": "private"}, token=token)
    except HfHubHTTPError as err:
        if err.status_code != 409:
            raise
    response = await http.request("GET", api_path(bucket_id), token=token)
    info: object = parse_json(response, expected="a bucket's info")
    if not (isinstance(info, dict) and info.get("private") is True):
        warnings.warn(
            f"Bucket '{bucket_id}' already exists and is public: data synced for the Job will be "
            f"publicly accessible. Make it private from {http.endpoint}/buckets/{bucket_id}.",
            UserWarning,
            stacklevel=3,
        )
    request = SyncRequest(source=str(source), dest=f"hf://buckets/{bucket_id}/{folder}", quiet=True)
    await sync(http, request, token=token)
    if not await anyio.to_thread.run_sync(_has_files, source):
        await batch_files(
            http, bucket_id, add=[(b"", f"{folder}/.keep")], copy=None, delete=None, token=token
        )
    return Volume(
        type="bucket", source=bucket_id, mount_path=mount_path, path=folder, read_only=read_only
    )
