"""Fixtures of the CLI tests: a served local Hub with one seeded repo, an isolated
environment, and ``run`` (``main([...])`` in-process, capturing stdout and stderr)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hubclient.cli import main
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

#: Seeded as alice/model: a small file, a file in a folder and an LFS file (binary).
FILES: dict[str, bytes] = {
    "config.json": b'{"hidden": 8}\n',
    "docs/readme.txt": b"hello\n",
    "weights.bin": bytes(range(256)) * 1024,
}


@dataclass
class Ran:
    """What one ``main([...])`` call did."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Ran]


@pytest.fixture(autouse=True)
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token, endpoint or cache of the machine leaks into a test."""
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_ENDPOINT", "HUBCLIENT_TO_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("HUBCLIENT_DEBUG", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHub]:
    """A local Hub served by uvicorn (as the ``served_hub`` fixture, but one for the whole
    run: starting and stopping uvicorn per test would double the run time), with
    ``alice/model``: :data:`FILES` on ``main``, plus ``extra.txt`` on branch ``dev``.

    Tests only read ``alice/model``; a test that writes uses a repo of its own.
    """
    local = standard_hub(LocalHub(tmp_path_factory.mktemp("cli-hub"), page_size=10))
    local.seed_repo("alice/model", dict(FILES))
    local.seed_repo("alice/model", {"extra.txt": b"dev\n"}, revision="dev")
    try:
        with local.serve() as served:
            yield served
    finally:
        local.close()


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(*argv)`` -> :class:`Ran` (the output of earlier calls is dropped)."""

    def call(*argv: str) -> Ran:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return call


@pytest.fixture
def alice(hub: ServedHub) -> list[str]:
    """Global options for alice on the served Hub."""
    return ["--endpoint", hub.hub_url, "--token", ALICE_TOKEN]


@pytest.fixture
def closed_port() -> str:
    """The URL of a port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
