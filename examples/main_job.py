"""The main job, end to end against the embedded local Hub.

It starts a local Hub on loopback (two origins: the Hub API and its storage), uploads a folder
holding many small files and one LFS file large enough to go up in parallel multipart parts,
then downloads the whole snapshot concurrently into a fresh cache and checks every byte.
Last, it mirrors the repo to a second local Hub (the LFS object streamed from one Hub's storage
into the other's multipart upload, nothing staged on disk), checks that both trees are the same,
and mirrors again: the second run finds nothing to send.

Run it with ``python examples/main_job.py`` (needs ``pip install -e '.[server]'``).
Options: ``--files N`` small files, ``--lfs-mib M`` size of the LFS file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import anyio

from hubclient import (
    AsyncHubClient,
    FileProgress,
    PhaseChanged,
    ProgressEvent,
    RepoFile,
    TotalProgress,
)
from hubclient.testing import LocalHub

TOKEN = "hf_main_job_token"
MIRROR_TOKEN = "hf_main_job_mirror_token"  # the second Hub's: never sent to the first
MiB = 1024 * 1024


class Reporter:
    """Prints phases and a throttled running total from progress events."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.last = 0.0
        self.files_done: set[str] = set()

    def __call__(self, event: ProgressEvent) -> None:
        if isinstance(event, PhaseChanged):
            print(
                f"  [{self.label}] {event.phase.value}: {event.files} files, "
                f"{event.total_bytes / MiB:.1f} MiB",
                flush=True,
            )
        elif isinstance(event, TotalProgress):
            now = time.monotonic()
            if now - self.last > 0.5 or event.files_done == event.files_total:
                self.last = now
                print(
                    f"  [{self.label}] {event.files_done}/{event.files_total} files, "
                    f"{event.bytes_done / MiB:.1f}/{event.bytes_total / MiB:.1f} MiB",
                    flush=True,
                )
        elif isinstance(event, FileProgress) and event.total and event.done == event.total:
            self.files_done.add(event.path)


def make_folder(root: Path, files: int, lfs_mib: int) -> dict[str, bytes]:
    """Writes the folder to upload and returns its content by repo path."""
    content: dict[str, bytes] = {}
    for i in range(files):
        content[f"data/part-{i:04d}.txt"] = f"row {i}\n".encode() * 64
    content["README.md"] = b"---\nlicense: apache-2.0\n---\n# A model made by the main job\n"
    content["config.json"] = b'{"hidden_size": 64, "layers": 2}\n'
    content["model.safetensors"] = os.urandom(lfs_mib * MiB)
    for path, data in content.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return content


async def run(files: int, lfs_mib: int) -> int:
    with tempfile.TemporaryDirectory(prefix="hubclient-main-job-") as tmp:
        work = Path(tmp)
        # Multipart from 8 MiB, 4 MiB parts: the LFS file goes up as several parallel parts.
        hub = LocalHub(
            data_dir=work / "hub",
            lfs_multipart_threshold=8 * MiB,
            lfs_chunk_size=4 * MiB,
        )
        hub.add_user("alice", orgs=["acme"])
        hub.add_token(TOKEN, user="alice", role="write")
        mirror_hub = LocalHub(
            data_dir=work / "mirror-hub", lfs_multipart_threshold=8 * MiB, lfs_chunk_size=4 * MiB
        )
        mirror_hub.add_user("alice", orgs=["acme"])
        mirror_hub.add_token(MIRROR_TOKEN, user="alice", role="write")
        content = make_folder(work / "folder", files, lfs_mib)
        total = sum(len(v) for v in content.values())
        try:
            with (
                hub.serve(host="127.0.0.1", port=0, storage_port=0) as served,
                mirror_hub.serve(host="127.0.0.1", port=0, storage_port=0) as mirror,
            ):
                print(f"local Hub: {served.hub_url} (storage {served.storage_url})")
                async with AsyncHubClient(
                    endpoint=served.hub_url, token=TOKEN, cache_dir=work / "cache"
                ) as client:
                    me = await client.whoami()
                    print(f"logged in as {me.name}")
                    repo = await client.create_repo("acme/main-job-model", exist_ok=True)
                    print(f"repo: {repo}")

                    started = time.perf_counter()
                    commit = await client.upload_folder(
                        repo_id="acme/main-job-model",
                        folder_path=work / "folder",
                        commit_message="Upload from the main job",
                        progress=Reporter("upload"),
                    )
                    up = time.perf_counter() - started
                    print(f"uploaded {len(content)} files ({total / MiB:.1f} MiB) in {up:.2f} s")
                    print(f"commit {commit.oid}")

                    started = time.perf_counter()
                    folder = await client.snapshot_download(
                        "acme/main-job-model", progress=Reporter("download")
                    )
                    down = time.perf_counter() - started
                    print(f"downloaded the snapshot in {down:.2f} s into {folder}")

                    bad = [
                        path
                        for path, data in content.items()
                        if hashlib.sha256((Path(folder) / path).read_bytes()).digest()
                        != hashlib.sha256(data).digest()
                    ]
                    if bad:
                        print(f"MISMATCH in {len(bad)} files: {bad[:5]}", file=sys.stderr)
                        return 1
                    print(f"verified {len(content)} files byte for byte")
                    parts = hub.log.filter(origin="storage", method="PUT")
                    print(
                        f"request log: {len(hub.log)} requests, {len(parts)} LFS PUTs to storage, "
                        f"at most {hub.log.max_in_flight(origin='storage', method='PUT')} at once"
                    )

                    started = time.perf_counter()
                    mirrored = await client.mirror_repo(
                        "acme/main-job-model", to=mirror.hub_url, to_token=MIRROR_TOKEN
                    )
                    took = time.perf_counter() - started
                    if not mirrored.ok:
                        print(f"MIRROR FAILED: {mirrored.errors}", file=sys.stderr)
                        return 1
                    print(
                        f"mirrored to {mirror.hub_url} in {took:.2f} s: "
                        f"{mirrored.files_copied} files, {mirrored.bytes_copied / MiB:.1f} MiB, "
                        f"{mirrored.commits} commit(s)"
                    )
                    async with AsyncHubClient(
                        endpoint=mirror.hub_url, token=MIRROR_TOKEN
                    ) as mirror_client:
                        ours = await tree(client, "acme/main-job-model")
                        theirs = await tree(mirror_client, "acme/main-job-model")
                    if ours != theirs:
                        print("MIRROR MISMATCH: the trees differ", file=sys.stderr)
                        return 1
                    print(f"mirror verified: {len(ours)} paths, same git oids and LFS sha256")
                    again = await client.mirror_repo(
                        "acme/main-job-model", to=mirror.hub_url, to_token=MIRROR_TOKEN
                    )
                    print(
                        f"mirrored again: {again.files_copied} files and {again.commits} commits "
                        f"to make, {again.files_skipped} files already there"
                    )
                    if again.files_copied or again.commits:
                        print("MIRROR RE-RUN SENT DATA", file=sys.stderr)
                        return 1
        finally:
            hub.close()
            mirror_hub.close()
    return 0


async def tree(client: AsyncHubClient, repo_id: str) -> dict[str, tuple[str, str | None]]:
    """Each file of the repo's main branch: its git oid and, for LFS files, its sha256."""
    out: dict[str, tuple[str, str | None]] = {}
    async for entry in client.list_repo_tree(repo_id, recursive=True):
        if isinstance(entry, RepoFile):
            out[entry.path] = (entry.blob_id, entry.lfs.sha256 if entry.lfs else None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300, help="small files to upload (300)")
    parser.add_argument("--lfs-mib", type=int, default=48, help="size of the LFS file in MiB (48)")
    args = parser.parse_args()
    sys.exit(anyio.run(run, args.files, args.lfs_mib))


if __name__ == "__main__":
    main()
