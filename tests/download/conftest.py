"""Fixtures of the download tests: a client on the in-process local Hub, small repos."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload(n: int, seed: int = 0) -> bytes:
    """``n`` pseudo-random bytes (fast, deterministic, incompressible enough)."""
    block = hashlib.sha256(b"seed%d" % seed).digest() * 2048  # 64 KiB
    reps = n // len(block) + 1
    return (block * reps)[:n]


SMALL_FILES: dict[str, bytes] = {
    "README.md": b"# a model\n",
    "config.json": b'{"hidden": 4}',
    "sub/dir/notes.txt": b"notes " * 100,
    "same-a.txt": b"same content",
    "same-b.txt": b"same content",
    "weights.bin": payload(300_000, 1),
    "model.safetensors": payload(2_500_000, 2),
}


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    path = tmp_path / "cache"
    path.mkdir()
    return path


@pytest.fixture
def seeded(local_hub: LocalHub) -> tuple[str, str]:
    """(repo_id, commit) of a repo with regular and LFS files."""
    commit = local_hub.seed_repo("alice/model", SMALL_FILES)
    return "alice/model", commit


@pytest.fixture
async def client(local_hub: LocalHub, cache_dir: Path) -> AsyncIterator[AsyncHubClient]:
    async with AsyncHubClient(
        endpoint=local_hub.hub_url,
        token=ALICE_TOKEN,
        transport=local_hub.async_transport(),
        cache_dir=cache_dir,
        retry_backoff_base=0.01,
        retry_backoff_max=0.05,
    ) as c:
        yield c


def files_under(folder: Path) -> dict[str, bytes]:
    out = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".cache"]
        for name in names:
            path = Path(root) / name
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out
