"""Terminal escape sequences from the server never reach the terminal (``hubclient ls``,
``info``, and the error line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient.cli import main
from tests.hostile._server import FakeHub, Reply, git_sha1

_ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m"  # set the title, clear the screen, go red
_EVIL = f"evil{_ESC}\nfake line\u202etxt.exe"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _clean(text: str) -> None:
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "fake line" not in text.splitlines()


@pytest.mark.parametrize("quiet", [False, True])
def test_ls_escapes_control_characters(
    hub: FakeHub, capsys: pytest.CaptureFixture[str], quiet: bool
) -> None:
    """Terminal escape sequences from the server reached the terminal in ``hubclient ls``."""
    tree = [{"type": "file", "path": _EVIL, "size": 3, "oid": git_sha1(b"abc")}]
    hub.server.on("GET", r"/api/models/acme/m/tree/.*", lambda r: Reply.json(tree))
    argv = ["ls", "acme/m", "--endpoint", hub.server.url, *(["-q"] if quiet else [])]
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    _clean(out)
    assert "\\x1b" in out  # shown, escaped


def test_info_escapes_control_characters(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    info = {**hub.info(), "id": _EVIL}
    refs = hub.refs()
    refs["branches"][0]["name"] = _EVIL
    hub.server.on("GET", r"/api/models/acme/m/revision/.+", lambda r: Reply.json(info))
    hub.server.on("GET", r"/api/models/acme/m", lambda r: Reply.json(info))
    hub.server.on("GET", r"/api/models/acme/m/refs", lambda r: Reply.json(refs))
    code, out, err = _run(capsys, "info", "acme/m", "--endpoint", hub.server.url)
    assert code == 0, err
    _clean(out)


def test_error_line_escapes_server_messages(
    hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.server.on(
        "GET",
        r"/api/models/acme/m/tree/.*",
        lambda r: Reply.json({"error": _EVIL}, 500, [("x-error-message", _EVIL)]),
    )
    code, out, err = _run(
        capsys, "ls", "acme/m", "--endpoint", hub.server.url, "--max-retries", "0"
    )
    assert code != 0
    _clean(out + err)
