"""Fixtures of the conformance suite: huggingface_hub against the uvicorn-served local Hub."""

from __future__ import annotations

# _support sets the HF_HUB_* environment before huggingface_hub is imported: keep it first.
from tests.conformance._support import (  # isort: skip
    CHUNK_SIZE,
    MULTIPART_THRESHOLD,
    PAGE_SIZE,
    XET,
    Conformance,
)

from collections.abc import Iterator
from pathlib import Path

import pytest
from huggingface_hub import constants

from hubclient.testing import LocalHub, ServedHub, standard_hub


@pytest.fixture(autouse=True)
def _hf_constants(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", not XET)
    # hf_xet keeps shards it uploaded per CAS URL: a port reused by a later hub must not find
    # xorbs of an earlier one there
    monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "xet-cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "hub_without_xet: the served Hub has no Xet (a client that offers Xet gets classic LFS)",
    )
    config.addinivalue_line(
        "markers", "dataset_viewer: the served Hub serves the Dataset Viewer (datasets-server)"
    )


@pytest.fixture
def served_hub(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServedHub]:
    """The plugin's `served_hub`, with pages and multipart chunks small enough for every path
    (without Xet for a test marked ``hub_without_xet``)."""
    hub = LocalHub(
        tmp_path / "conformance-hub",
        page_size=PAGE_SIZE,
        expand_page_size=PAGE_SIZE,
        lfs_multipart_threshold=MULTIPART_THRESHOLD,
        lfs_chunk_size=CHUNK_SIZE,
        xet=request.node.get_closest_marker("hub_without_xet") is None,
        dataset_viewer=request.node.get_closest_marker("dataset_viewer") is not None,
    )
    standard_hub(hub)
    try:
        with hub.serve() as served:
            yield served
    finally:
        hub.close()


@pytest.fixture
def conf(served_hub: ServedHub, tmp_path: Path) -> Conformance:
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    return Conformance(
        endpoint=served_hub.hub_url,
        storage_url=served_hub.storage_url,
        hub=served_hub.hub,
        cache_dir=cache,
        tmp=tmp_path,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # huggingface_hub 2.4 passes raw bytes as `data=` to httpx2, which warns on every LFS PUT
    quiet = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(quiet)
