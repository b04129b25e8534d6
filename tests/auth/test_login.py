"""The token store: login/logout/switch/list, the files huggingface_hub reads (checked by
huggingface_hub in another process), and the token never shown."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hubclient import UnauthorizedError, auth_list, auth_switch, get_token, login, logout
from hubclient.cli import main
from hubclient.testing import ALICE_READ_TOKEN, ALICE_TOKEN, BOB_TOKEN, ServedHub


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_hub: ServedHub) -> Path:
    folder = tmp_path / "hf-home"
    monkeypatch.setenv("HF_HOME", str(folder))
    monkeypatch.setenv("HF_ENDPOINT", served_hub.hub_url)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _hf_get_token(home: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "HF_TOKEN_PATH")}
    env["HF_HOME"] = str(home)
    out = subprocess.run(
        [sys.executable, "-c", "import huggingface_hub; print(huggingface_hub.get_token())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


def test_login_writes_the_files_huggingface_hub_reads(home: Path) -> None:
    result = login(ALICE_TOKEN)
    assert result is not None
    assert (result.user, result.role) == ("alice", "write")
    assert (home / "token").read_text() == ALICE_TOKEN
    assert stat.S_IMODE((home / "token").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "stored_tokens").stat().st_mode) == 0o600
    assert f"hf_token = {ALICE_TOKEN}" in (home / "stored_tokens").read_text()
    assert get_token() == ALICE_TOKEN
    assert _hf_get_token(home) == ALICE_TOKEN

    second = login(BOB_TOKEN)
    assert second is not None
    assert [(e.name, e.active) for e in auth_list()] == [
        (result.token_name, False),
        (second.token_name, True),
    ]
    assert all(ALICE_TOKEN not in e.masked and BOB_TOKEN not in e.masked for e in auth_list())
    auth_switch(result.token_name)
    assert _hf_get_token(home) == ALICE_TOKEN
    logout(result.token_name)
    assert get_token() is None  # the active one went with it
    assert [e.name for e in auth_list()] == [second.token_name]
    with pytest.raises(ValueError, match="not found"):
        auth_switch("nope")
    logout()
    assert not (home / "stored_tokens").exists()


def test_a_login_by_huggingface_hub_is_ours_too(home: Path, served_hub: ServedHub) -> None:
    env = {**os.environ, "HF_HOME": str(home), "HF_ENDPOINT": served_hub.hub_url}
    subprocess.run(
        [sys.executable, "-c", f"import huggingface_hub; huggingface_hub.login({ALICE_TOKEN!r})"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert get_token() == ALICE_TOKEN
    assert [e.active for e in auth_list()] == [True]


def test_a_refused_token_stores_nothing(home: Path) -> None:
    with pytest.raises(UnauthorizedError):
        login("hf_not_a_real_token")
    assert not (home / "token").exists()
    with pytest.raises(ValueError, match="organization"):
        login("api_org_x")


def test_the_auth_command_never_shows_the_token(
    home: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert main(["auth", "login", "--token", ALICE_READ_TOKEN, "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["user"] == "alice"
    assert done["role"] == "read"
    assert main(["auth", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert main(["auth", "whoami"]) == 0
    whoami = capsys.readouterr().out
    assert whoami.startswith("alice")
    for text in (json.dumps(done), listed, whoami, caplog.text):
        assert ALICE_READ_TOKEN not in text
    assert main(["auth", "logout"]) == 0
    assert main(["auth", "switch", "nope"]) == 2


def test_login_from_stdin_in_a_process(home: Path, served_hub: ServedHub) -> None:
    env = {**os.environ, "HF_HOME": str(home), "HF_ENDPOINT": served_hub.hub_url}
    done = subprocess.run(
        [sys.executable, "-m", "hubclient.cli", "auth", "login", "--stdin"],
        input=ALICE_TOKEN + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert ALICE_TOKEN not in done.stdout + done.stderr
    assert _hf_get_token(home) == ALICE_TOKEN
