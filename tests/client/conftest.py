"""Fixtures for the client tests: a client wired to the in-process local Hub, a clean env."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN, LocalHub

_HF_VARS = (
    "HF_ENDPOINT",
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HF_TOKEN_PATH",
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN",
    "HF_HUB_ETAG_TIMEOUT",
    "HF_HUB_DOWNLOAD_TIMEOUT",
    "HF_HUB_DISABLE_PROGRESS_BARS",
    "XDG_CACHE_HOME",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No HF_* variable of the machine leaks into a test; HF_HOME is a fresh folder."""
    for name in _HF_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))


def make_client(hub: LocalHub, **kwargs: object) -> AsyncHubClient:
    """A client on the in-process hub with tiny retry waits (tests never sleep for long)."""
    options: dict[str, object] = {
        "token": ALICE_TOKEN,
        "retry_backoff_base": 0.01,
        "retry_backoff_max": 0.05,
    }
    options.update(kwargs)
    return AsyncHubClient(
        hub.hub_url,
        transport=hub.async_transport(),
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
async def client(local_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with make_client(local_hub) as c:
        yield c


MODEL_FILES: dict[str, bytes] = {
    "README.md": b"---\nlicense: mit\n---\n# A model\n",
    "config.json": b'{"hidden_size": 8}\n',
    "weights.bin": bytes(range(256)) * 64,  # binary, matches the default LFS patterns
    "sub/dir/notes.txt": b"deep file\n",
    "sub/top.txt": b"top of sub\n",
    "with space/é.txt": b"quoted path\n",
}


@pytest.fixture
def model_sha(local_hub: LocalHub) -> str:
    """alice/model seeded with regular, LFS and nested files; returns its commit sha."""
    return local_hub.seed_repo("alice/model", MODEL_FILES)
