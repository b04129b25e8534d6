"""Shared helpers of the conformance suite (imported by its conftest before anything else).

The suite runs twice in CI: as huggingface_hub runs with ``HF_HUB_DISABLE_XET=1`` (classic LFS
transfers), and with ``HUBCLIENT_CONFORMANCE_XET=1``, as it runs by default with `hf_xet`
installed: uploads and downloads of LFS files then go through the local Hub's Xet CAS.

huggingface_hub reads most settings once, when it is imported, and uploads through Xet whenever
`hf_xet` is importable unless `HF_HUB_DISABLE_XET` is set. So the environment is set here, before
huggingface_hub is first imported, and put back right after, so that no other suite of the same run
sees it; the constants are patched again for every test by the conftest (another suite may have
imported huggingface_hub first in the same process).
"""

from __future__ import annotations

import os

#: huggingface_hub transfers LFS files through Xet in this run (``HUBCLIENT_CONFORMANCE_XET=1``).
XET = os.environ.get("HUBCLIENT_CONFORMANCE_XET", "").strip().lower() in ("1", "true", "yes")

_HF_ENV = {
    "HF_HUB_DISABLE_XET": None if XET else "1",
    "HF_XET_TELEMETRY_ENABLED": "false",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "HF_HUB_OFFLINE": None,
    "TRANSFORMERS_OFFLINE": None,
}
_saved_env = {name: os.environ.get(name) for name in _HF_ENV}
for _name, _value in _HF_ENV.items():
    if _value is None:
        os.environ.pop(_name, None)
    else:
        os.environ[_name] = _value

import hashlib  # noqa: E402
import itertools  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from huggingface_hub import HfApi  # noqa: E402

from hubclient.testing import ALICE_READ_TOKEN, ALICE_TOKEN, BOB_TOKEN  # noqa: E402

for _name, _saved in _saved_env.items():
    if _saved is None:
        os.environ.pop(_name, None)
    else:
        os.environ[_name] = _saved

__all__ = [
    "ALICE_READ_TOKEN",
    "ALICE_TOKEN",
    "BOB_TOKEN",
    "CHUNK_SIZE",
    "MULTIPART_THRESHOLD",
    "PAGE_SIZE",
    "XET",
    "Conformance",
    "classic_only",
    "git_blob_sha1",
    "payload",
]

# Small enough that the suite walks every path: several pages, several multipart parts.
PAGE_SIZE = 2
CHUNK_SIZE = 64 * 1024
MULTIPART_THRESHOLD = 128 * 1024

_names = itertools.count(1)

#: A test of the classic LFS wire itself (storage PUTs and GETs, multipart parts, their faults):
#: with Xet on, hf_xet moves those bytes through the CAS instead (test_xet.py covers that path).
classic_only = pytest.mark.skipif(
    XET, reason="asserts the classic LFS wire; with Xet on the bytes go through the CAS"
)


def payload(size: int, seed: int = 0) -> bytes:
    """Deterministic binary content (with NUL bytes, so the hub stores it with LFS)."""
    block = hashlib.sha256(f"seed-{seed}".encode()).digest() + b"\0"
    return (block * (size // len(block) + 1))[:size]


def git_blob_sha1(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


@dataclass
class Conformance:
    """What a conformance test needs: the served hub, clients for alice and bob, a cache dir."""

    endpoint: str
    storage_url: str
    hub: Any  # hubclient.testing.LocalHub: faults, log, seed_repo
    cache_dir: Path
    tmp: Path
    api: HfApi = field(init=False)
    bob: HfApi = field(init=False)
    anon: HfApi = field(init=False)

    def __post_init__(self) -> None:
        self.api = HfApi(endpoint=self.endpoint, token=ALICE_TOKEN)
        self.bob = HfApi(endpoint=self.endpoint, token=BOB_TOKEN)
        self.anon = HfApi(endpoint=self.endpoint, token=False)

    def repo_id(self, stem: str = "repo", namespace: str = "alice") -> str:
        return f"{namespace}/{stem}-{next(_names)}"

    def new_repo(self, stem: str = "repo", *, repo_type: str | None = None, **kw: Any) -> str:
        """Create a repo through huggingface_hub and return its id."""
        repo_id = self.repo_id(stem)
        self.api.create_repo(repo_id, repo_type=repo_type, **kw)
        return repo_id

    def download_kwargs(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "token": ALICE_TOKEN, "cache_dir": self.cache_dir}
