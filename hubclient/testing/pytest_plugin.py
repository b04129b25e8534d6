"""Pytest fixtures of the local Hub.

Load them with ``pytest_plugins = ["hubclient.testing.pytest_plugin"]``. Both hubs use pages of
`FIXTURE_PAGE_SIZE` entries (lists, tree, commits), so that every listing walks its pagination.

* ``local_hub``: an in-process `LocalHub` with alice (org acme; ``ALICE_TOKEN`` write,
  ``ALICE_READ_TOKEN`` read) and bob (``BOB_TOKEN`` write), its data in ``tmp_path``;
* ``served_hub``: the same, served by uvicorn on 127.0.0.1 with free ports; it has ``hub_url``,
  ``storage_url`` and ``hub`` (the `LocalHub`: faults, log, seed_repo);
* ``isolated_hf_home``: what both use first: ``HF_HOME`` and ``HF_HUB_CACHE`` point into
  ``tmp_path`` and no token of the machine is visible (``HF_TOKEN``, the token file), so a
  client built in the test with the defaults never writes into your real
  ``~/.cache/huggingface`` nor sends your own token to the local Hub. It returns the folder.

Example::

    from hubclient import AsyncHubClient
    from hubclient.testing import ALICE_TOKEN

    async def test_my_service(local_hub):
        local_hub.seed_repo("acme/model", {"config.json": b"{}"})
        async with AsyncHubClient(
            local_hub.hub_url, token=ALICE_TOKEN, transport=local_hub.async_transport()
        ) as client:
            path = await client.hf_hub_download("acme/model", "config.json")  # under tmp_path
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient.testing import LocalHub, ServedHub, standard_hub

__all__ = ["FIXTURE_PAGE_SIZE", "isolated_hf_home", "local_hub", "served_hub"]

#: Small pages, so that every listing in a test walks its ``Link`` pagination.
FIXTURE_PAGE_SIZE = 10

#: Variables that would point a client of the test at the machine's own cache or token.
_MACHINE_VARIABLES = (
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HF_TOKEN_PATH",
    "HUGGINGFACE_HUB_CACHE",
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
)


@pytest.fixture
def isolated_hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``HF_HOME`` (and ``HF_HUB_CACHE`` under it) in ``tmp_path``; no token of the machine.

    Read when a client is built: hubclient's clients pick it up; huggingface_hub reads its
    cache path at import, so give it ``cache_dir=`` explicitly.
    """
    home = tmp_path / "hf-home"
    home.mkdir(exist_ok=True)
    for name in _MACHINE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
    return home


@pytest.fixture
def local_hub(tmp_path: Path, isolated_hf_home: Path) -> Iterator[LocalHub]:
    hub = standard_hub(LocalHub(tmp_path / "local-hub", page_size=FIXTURE_PAGE_SIZE))
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def served_hub(tmp_path: Path, isolated_hf_home: Path) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / "served-hub", page_size=FIXTURE_PAGE_SIZE))
    try:
        with hub.serve() as served:
            yield served
    finally:
        hub.close()
