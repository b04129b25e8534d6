"""The `serve` command in a subprocess: huggingface_hub uploads 50 MB (multipart), reads it back."""

from __future__ import annotations

import hashlib
import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from huggingface_hub import HfApi, RepoFile

pytestmark = pytest.mark.conformance

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "hf_cli_alice"


@dataclass
class Server:
    hub_url: str
    storage_url: str
    process: subprocess.Popen[bytes]


def read_ready_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    line = b""
    deadline = time.monotonic() + timeout
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            break
        if selector.select(remaining):
            chunk = os.read(process.stdout.fileno(), 1)
            if not chunk:
                break
            line += chunk
    selector.close()
    return line.decode()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    stderr = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "hubclient.testing", "serve", "--host", "127.0.0.1"]
    command += ["--port", "0", "--storage-port", "0", "--data", str(tmp_path / "data")]
    command += ["--token", f"alice={TOKEN}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr)
    try:
        line = read_ready_line(process, timeout=60)
        assert line.startswith("READY "), f"no READY line: {line!r}, see {stderr.name}"
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        assert {"hub", "storage", "cas"} <= set(fields)
        yield Server(fields["hub"], fields["storage"], process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stdout is not None
        assert process.stdout.read() == b""  # exactly one line on stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
        stderr.close()


def test_help_documents_every_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hubclient.testing", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=True,
    )
    text = result.stdout.decode()
    for flag in (
        "--host",
        "--port",
        "--storage-port",
        "--origin-port",
        "--no-xet",
        "--data",
        "--token",
    ):
        assert flag in text


def test_serve_upload_and_download_50_mb(server: Server, tmp_path: Path) -> None:
    assert server.hub_url.startswith("http://127.0.0.1:")
    assert server.storage_url.startswith("http://127.0.0.1:")
    assert server.hub_url != server.storage_url
    content = random.Random(0).randbytes(50 * 1024 * 1024)
    sha256 = hashlib.sha256(content).hexdigest()
    source = tmp_path / "big.bin"
    source.write_bytes(content)

    api = HfApi(endpoint=server.hub_url, token=TOKEN)
    assert api.whoami()["name"] == "alice"
    api.create_repo("alice/big")

    # the hub answers multipart for an object this size
    batch = httpx.post(
        f"{server.hub_url}/alice/big.git/info/lfs/objects/batch",
        headers={"authorization": f"Bearer {TOKEN}", "accept": "application/vnd.git-lfs+json"},
        json={
            "operation": "upload",
            "transfers": ["basic", "multipart"],
            "objects": [{"oid": sha256, "size": len(content)}],
            "hash_algo": "sha256",
            "ref": {"name": "main"},
        },
        timeout=30,
    )
    assert batch.status_code == 200
    header = batch.json()["objects"][0]["actions"]["upload"]["header"]
    parts = [key for key in header if key.isdigit()]
    assert int(header["chunk_size"]) * len(parts) >= len(content)
    assert len(parts) >= 2

    # huggingface_hub configured only by the environment, as a user would
    env = dict(os.environ)
    env.update(
        HF_ENDPOINT=server.hub_url,
        HF_TOKEN=TOKEN,
        HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HOME=str(tmp_path / "hf-home"),
        HF_HUB_DISABLE_IMPLICIT_TOKEN="",
    )
    env.pop("HF_HUB_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT, str(source)],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    downloaded_sha256, downloaded_size, path = result.stdout.decode().split()
    assert downloaded_sha256 == sha256
    assert int(downloaded_size) == len(content)
    assert path.startswith(str(tmp_path / "hf-home"))
    entry = api.get_paths_info("alice/big", "big.bin")[0]
    assert isinstance(entry, RepoFile)
    assert entry.lfs is not None
    assert entry.lfs.sha256 == sha256


CLIENT_SCRIPT = """
import hashlib, os, sys
from huggingface_hub import HfApi, hf_hub_download
HfApi().upload_file(path_or_fileobj=sys.argv[1], path_in_repo="big.bin", repo_id="alice/big")
path = hf_hub_download("alice/big", "big.bin")
digest = hashlib.sha256()
with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
print(digest.hexdigest(), os.path.getsize(path), path)
"""
