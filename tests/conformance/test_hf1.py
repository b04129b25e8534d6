"""huggingface_hub's last 1.x release, in a venv of its own, against the served local Hub.

The 1.x line is what many pinned projects still run. The venv is made once per version (in a
cache folder outside the repository, from PyPI) and each scenario runs in it as a subprocess
(tests/conformance/hf1/scenarios.py), with Xet disabled as §8.4 of the protocol notes asks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hubclient.testing import ServedHub
from tests.conformance._support import ALICE_READ_TOKEN, ALICE_TOKEN, BOB_TOKEN

pytestmark = pytest.mark.conformance

#: The last release of the 1.x line.
HF1_VERSION = "1.33.0"
SCENARIOS = Path(__file__).parent / "hf1" / "scenarios.py"


@pytest.fixture(scope="session")
def hf1_python() -> Path:
    cache = Path(
        os.environ.get("HUBCLIENT_HF1_CACHE", Path.home() / ".cache" / "hubclient" / "hf1")
    )
    venv = cache / HF1_VERSION
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import huggingface_hub; print(huggingface_hub.__version__)"]
    if python.exists():
        done = subprocess.run(probe, capture_output=True, text=True, check=False)
        if done.stdout.strip() == HF1_VERSION:
            return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"huggingface_hub=={HF1_VERSION}"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if install.returncode != 0:
        raise RuntimeError(f"pip install huggingface_hub=={HF1_VERSION} failed:\n{install.stderr}")
    return python


def _run(python: Path, served: ServedHub, tmp_path: Path, name: str) -> dict[str, Any]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))},
        "HUB_URL": served.hub_url,
        "ALICE": ALICE_TOKEN,
        "ALICE_READ": ALICE_READ_TOKEN,
        "BOB": BOB_TOKEN,
        "WORK": str(tmp_path),
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_DISABLE_XET": "1",
    }
    done = subprocess.run(
        [str(python), str(SCENARIOS), name],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"scenario {name} printed nothing:\n{done.stdout}\n{done.stderr}"
    answer: dict[str, Any] = json.loads(lines[-1])
    assert answer.pop("ok"), answer.get("trace")
    return answer


def test_the_venv_runs_the_last_1x_release(
    hf1_python: Path, served_hub: ServedHub, tmp_path: Path
) -> None:
    assert _run(hf1_python, served_hub, tmp_path, "version") == {"version": HF1_VERSION}


def test_whoami(hf1_python: Path, served_hub: ServedHub, tmp_path: Path) -> None:
    assert _run(hf1_python, served_hub, tmp_path, "whoami") == {"name": "alice", "orgs": ["acme"]}


def test_uploads_and_downloads(hf1_python: Path, served_hub: ServedHub, tmp_path: Path) -> None:
    served_hub.hub.log.clear()
    got = _run(hf1_python, served_hub, tmp_path, "upload_and_download")
    assert got["a"] == "hello"
    assert got["big_ok"] is True
    assert got["snapshot"] == [".gitattributes", "a.txt", "f/m.safetensors", "f/sub/x.txt", "w.bin"]
    assert got["lfs"] == ["f/m.safetensors", "w.bin"]
    assert got["commits"][0] == "Upload folder using huggingface_hub"
    # w.bin went multipart (300 kB in 64 KiB parts), through the completion URL
    assert served_hub.hub.log.count(origin="storage", method="PUT", path=r"^/parts/") >= 5
    assert served_hub.hub.log.count(origin="hub", method="POST", path=r"^/api/lfs/complete/") >= 1
    repo = served_hub.hub.store.find("model", "alice/hf1-upload")
    assert repo is not None
    assert got["sha"] == repo.refs.heads["main"]


def test_commit_operations(hf1_python: Path, served_hub: ServedHub, tmp_path: Path) -> None:
    got = _run(hf1_python, served_hub, tmp_path, "commit_ops")
    assert got["files"] == [".gitattributes", "copy.bin", "d/w.bin"]
    assert got["copy_ok"] is True
    assert got["pr"] == "refs/pr/1"
    assert "pr.txt" in got["pr_files"]
    assert got["stale"] == "412"


def test_refs(hf1_python: Path, served_hub: ServedHub, tmp_path: Path) -> None:
    got = _run(hf1_python, served_hub, tmp_path, "refs")
    assert got == {
        "branches": ["dev", "main"],
        "tags": ["v1"],
        "tree_at_tag": [".gitattributes", "d.txt"],
        "after_delete": ["main"],
        "d_at_tag": "d",
    }


def test_infos_and_listings(hf1_python: Path, served_hub: ServedHub, tmp_path: Path) -> None:
    got = _run(hf1_python, served_hub, tmp_path, "infos")
    assert got == {
        "models": ["alice/hf1-info"],
        "dataset": "alice/hf1-ds",
        "space": "alice/hf1-sp",
        "exists": True,
        "file_exists": True,
    }


def test_errors(hf1_python: Path, served_hub: ServedHub, tmp_path: Path) -> None:
    got = _run(hf1_python, served_hub, tmp_path, "errors")
    assert got == {
        "bob_private": "RepositoryNotFoundError",
        "revision": "RevisionNotFoundError",
        "entry": "EntryNotFoundError",
        "read_token_write": 403,
    }
