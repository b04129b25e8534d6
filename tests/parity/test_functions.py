"""The module-level functions take what huggingface_hub's take, and use it.

`hubclient.hf_hub_download(..., endpoint=, headers=, user_agent=, library_name=, ...)` sends the
call to that endpoint with those headers; `tqdm_class=` draws bars; `try_to_load_from_cache`
finds the environment's cache by itself; `get_hf_file_metadata(url)` takes its URL positionally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import hubclient
from hubclient._functions import _default
from hubclient.errors import HfHubHTTPError
from hubclient.testing import ALICE_TOKEN, FaultRule, ServedHub

FILES = {"config.json": b'{"a": 1}', "weights.bin": bytes(range(256)) * 64, "n/b.txt": b"b"}


class Bar:
    """A tqdm stand-in that records how it was made and used."""

    made: ClassVar[list[Bar]] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.n = 0
        self.closed = False
        Bar.made.append(self)

    def update(self, n: int = 1) -> None:
        self.n += n

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def env(served_hub: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The module-level functions' default client, on the served Hub; yields the cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # unused: each call says endpoint=
    monkeypatch.setenv("HF_TOKEN", ALICE_TOKEN)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    served_hub.hub.seed_repo("alice/fn", FILES)
    Bar.made = []
    _default._default.clear()
    try:
        yield cache
    finally:
        for client in _default._default:
            client.close()
        _default._default.clear()


def test_hf_hub_download_takes_huggingface_hubs_arguments(env: Path, served_hub: ServedHub) -> None:
    path = hubclient.hf_hub_download(
        "alice/fn",
        "weights.bin",
        endpoint=served_hub.hub_url,
        headers={"X-Trace": "t-1"},
        user_agent={"caller": "tests"},
        library_name="mylib",
        library_version="1.2",
        etag_timeout=5,
        tqdm_class=Bar,
    )
    assert Path(path).read_bytes() == FILES["weights.bin"]
    assert Path(path).is_relative_to(env)
    (head,) = served_hub.hub.log.filter(origin="hub", method="HEAD")
    assert head.headers.get("x-trace") == "t-1"
    agent = head.headers.get("user-agent", "")
    assert "hubclient/" in agent
    assert "mylib/1.2" in agent
    assert "caller/tests" in agent
    (bar,) = Bar.made
    assert bar.kwargs["total"] == len(FILES["weights.bin"])
    assert bar.kwargs["unit"] == "B"
    assert bar.n == len(FILES["weights.bin"])
    assert bar.closed
    # cached now: no second bar, no transfer
    again = hubclient.hf_hub_download("alice/fn", "weights.bin", endpoint=served_hub.hub_url)
    assert again == path
    assert len(Bar.made) == 1


def test_snapshot_download_draws_a_bar_of_files_and_one_of_bytes(
    env: Path, served_hub: ServedHub
) -> None:
    folder = hubclient.snapshot_download(
        "alice/fn", endpoint=served_hub.hub_url, tqdm_class=Bar, max_workers=2
    )
    assert sorted(
        p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()
    ) == sorted([*FILES, ".gitattributes"])
    files, data = Bar.made
    assert files.kwargs["total"] == len(FILES) + 1
    assert files.n == len(FILES) + 1
    assert data.kwargs["unit"] == "B"
    assert data.n == data.kwargs["total"] > 0
    assert files.closed
    assert data.closed


def test_try_to_load_from_cache_finds_the_environments_cache(
    env: Path, served_hub: ServedHub
) -> None:
    assert hubclient.try_to_load_from_cache("alice/fn", "config.json") is None
    path = hubclient.hf_hub_download("alice/fn", "config.json", endpoint=served_hub.hub_url)
    assert hubclient.try_to_load_from_cache("alice/fn", "config.json") == path
    assert hubclient.try_to_load_from_cache("alice/fn", "config.json", cache_dir=env) == path


def test_get_hf_file_metadata_takes_its_url_positionally_and_can_send_one_request(
    env: Path, served_hub: ServedHub
) -> None:
    url = hubclient.hf_hub_url("alice/fn", "config.json", endpoint=served_hub.hub_url)
    meta = hubclient.get_hf_file_metadata(url, endpoint=served_hub.hub_url)
    assert meta.size == len(FILES["config.json"])
    assert meta.commit_hash
    served_hub.hub.faults.add(FaultRule(status=503, path=r"/resolve/", times=None))
    before = len(served_hub.hub.log.filter(origin="hub", method="HEAD"))
    with pytest.raises(HfHubHTTPError):
        hubclient.get_hf_file_metadata(
            url, None, 5, endpoint=served_hub.hub_url, retry_on_errors=False
        )
    assert len(served_hub.hub.log.filter(origin="hub", method="HEAD")) == before + 1


def test_a_call_without_endpoint_uses_the_environment(env: Path, served_hub: ServedHub) -> None:
    os.environ["HF_ENDPOINT"] = served_hub.hub_url  # read when the default client is built
    assert hubclient.model_info("alice/fn").sha
    assert Path(hubclient.hf_hub_download("alice/fn", "n/b.txt")).read_bytes() == b"b"


def test_the_functions_left_to_the_generator_are_hand_written() -> None:
    from hubclient._generate_sync import NOT_MODULE_FUNCTIONS

    for name in NOT_MODULE_FUNCTIONS:
        assert getattr(hubclient, name).__module__ == "hubclient._file_functions", name


def test_a_real_tqdm_class_draws_the_bar(env: Path, served_hub: ServedHub) -> None:
    import importlib
    import io
    from functools import partial

    tqdm = importlib.import_module("tqdm").tqdm  # tqdm comes with huggingface_hub (test extra)
    out = io.StringIO()
    hubclient.hf_hub_download(
        "alice/fn",
        "weights.bin",
        endpoint=served_hub.hub_url,
        tqdm_class=partial(tqdm, file=out, mininterval=0),
    )
    text = out.getvalue()
    assert "weights.bin" in text
    assert "100%" in text
