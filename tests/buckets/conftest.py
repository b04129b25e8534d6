"""Fixtures of the bucket tests: a served local Hub (hf_xet needs real sockets for uploads),
an in-process one for what needs no Xet transfer, and clients on either."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient import AsyncHubClient, HubSettings
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

PAGE_SIZE = 3
"""Small pages, so that every bucket listing walks its pagination."""


@pytest.fixture(autouse=True)
def _xet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # hf_xet keeps the shards it uploaded per CAS URL: a fresh cache per test, so that a port
    # reused by a later hub never finds the xorbs of an earlier one there
    monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "xet-cache"))
    monkeypatch.setenv("HF_XET_TELEMETRY_ENABLED", "false")
    monkeypatch.delenv("HF_HUB_DISABLE_XET", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_TOKEN", raising=False)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    """An in-process local Hub (with its Xet CAS) and the standard users."""
    local = standard_hub(LocalHub(tmp_path / "bucket-hub", page_size=PAGE_SIZE))
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedHub]:
    """The same, served on loopback sockets (what hf_xet can reach)."""
    local = standard_hub(LocalHub(tmp_path / "served-bucket-hub", page_size=PAGE_SIZE))
    try:
        with local.serve() as running:
            yield running
    finally:
        local.close()


def in_process(hub: LocalHub, token: str | None = ALICE_TOKEN) -> AsyncHubClient:
    """A client on the in-process hub (no hf_xet: its requests never leave the process)."""
    return AsyncHubClient(
        hub.hub_url,
        token=token if token is not None else False,
        transport=hub.async_transport(),
        retry_backoff_base=0.01,
        retry_backoff_max=0.05,
    )


def on_socket(
    served: ServedHub, tmp_path: Path, *, token: str = ALICE_TOKEN, xet: bool = True
) -> AsyncHubClient:
    """A client of the served hub; ``xet=False``: no hf_xet for downloads."""
    settings = HubSettings.from_env(
        endpoint=served.hub_url,
        token=token,
        hub_cache=tmp_path / "cache",
        retry_backoff_base=0.01,
        xet=xet,
    )
    return AsyncHubClient(settings=settings)


def data(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)
