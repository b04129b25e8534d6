"""Pytest fixtures of the local Hub.

Load them with ``pytest_plugins = ["hubclient.testing.pytest_plugin"]``. Both use pages of
`FIXTURE_PAGE_SIZE` entries (lists, tree, commits).

* ``local_hub``: an in-process `LocalHub` with alice (org acme; ``ALICE_TOKEN`` write,
  ``ALICE_READ_TOKEN`` read) and bob (``BOB_TOKEN`` write), its data in ``tmp_path``;
* ``served_hub``: the same, served by uvicorn on 127.0.0.1 with free ports; it has ``hub_url``,
  ``storage_url`` and ``hub`` (the `LocalHub`: faults, log, seed_repo).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient.testing import LocalHub, ServedHub, standard_hub

#: Small pages, so that every listing in a test walks its ``Link`` pagination.
FIXTURE_PAGE_SIZE = 10


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = standard_hub(LocalHub(tmp_path / "local-hub", page_size=FIXTURE_PAGE_SIZE))
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def served_hub(tmp_path: Path) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / "served-hub", page_size=FIXTURE_PAGE_SIZE))
    try:
        with hub.serve() as served:
            yield served
    finally:
        hub.close()
