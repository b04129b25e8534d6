"""`python -m hubclient.testing`: serve (READY line, clean stop on signals), seed, --help."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hubclient.testing import LocalHub

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hubclient.testing", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    line = b""
    deadline = time.monotonic() + timeout
    try:
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            if selector.select(max(0.0, deadline - time.monotonic())):
                chunk = os.read(process.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
    finally:
        selector.close()
    return line.decode()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, str]]]:
    seed = tmp_path / "seed"
    (seed / "sub").mkdir(parents=True)
    (seed / "sub" / "a.txt").write_text("from a folder")
    stderr = (tmp_path / "stderr.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "hubclient.testing", "serve",
            "--port", "0", "--storage-port", "0", "--data", str(tmp_path / "data"),
            "--token", "carol=hf_carol", "--read-token", "carol=hf_carol_read",
            "--seed", f"carol/seeded={seed}",
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=stderr,
    )  # fmt: skip
    try:
        line = read_line(process, 60)
        assert line.startswith("READY "), line
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        yield process, fields
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        if process.stdout is not None:
            process.stdout.close()
        stderr.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_ready_and_stops_cleanly(
    serve: tuple[subprocess.Popen[bytes], dict[str, str]], stop: signal.Signals
) -> None:
    process, fields = serve
    assert set(fields) == {
        "hub",
        "storage",
        "bound-hub",
        "bound-storage",
        "loop",
        "http",
        "cas",  # the Xet CAS origin, an extra origin
        "endpoints",  # the Inference Endpoints origin, another one
    }
    assert fields["hub"] == fields["bound-hub"]  # no --public-url: clients use where it listens
    assert fields["loop"] in ("asyncio", "uvloop")
    assert fields["http"] in ("h11", "httptools")
    with httpx.Client(headers={"authorization": "Bearer hf_carol"}) as http:
        assert http.get(f"{fields['hub']}/api/whoami-v2").json()["name"] == "carol"
        text = http.get(f"{fields['hub']}/carol/seeded/resolve/main/sub/a.txt").text
        assert text == "from a folder"
        created = http.post(f"{fields['hub']}/api/repos/create", json={"name": "x"})
        assert created.status_code == 200
    with httpx.Client(headers={"authorization": "Bearer hf_carol_read"}) as http:
        refused = http.post(f"{fields['hub']}/api/repos/create", json={"name": "y"})
        assert refused.status_code == 403
    process.send_signal(stop)
    assert process.wait(timeout=30) == 0
    assert process.stdout is not None
    assert process.stdout.read() == b""  # exactly one line on stdout


def test_seed_then_serve_the_same_data(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "w.bin").write_bytes(b"\0" * 100)
    seeded = run(
        "seed", "carol/data", str(folder), "--repo-type", "dataset", "--data", str(tmp_path / "d")
    )
    assert seeded.returncode == 0, seeded.stderr
    sha = seeded.stdout.strip()
    with LocalHub(tmp_path / "d") as hub:
        repo = hub.store.find("dataset", "carol/data")
        assert repo is not None
        assert repo.resolve("main").commit == sha
        assert repo.snapshot(sha).files["w.bin"].lfs
    again = run("seed", "carol/data", str(tmp_path / "nope"), "--data", str(tmp_path / "d"))
    assert again.returncode == 2
    assert "not a folder" in again.stderr


def test_help_documents_every_flag() -> None:
    serve = run("serve", "--help")
    assert serve.returncode == 0
    flags = "--host --port --storage-port --data --token --read-token --org --seed --page-size"
    flags += " --lfs-chunk-size --lfs-multipart-threshold --signed-url-ttl --log-level"
    flags += " --public-url --storage-public-url --loop --http"
    for flag in flags.split():
        assert flag in serve.stdout
    top = run("--help")
    assert "serve" in top.stdout
    assert "seed" in top.stdout


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("serve", "--port", port, "--data", str(tmp_path / "d"), timeout=60)
    assert result.returncode == 1
    assert "cannot serve" in result.stderr
    assert result.stdout == ""


def test_a_public_url_with_a_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("serve", "--public-url", "http://proxy.local:8/prefix", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "without a path" in result.stderr


def test_serve_is_quiet_by_default_and_says_each_thing_once_at_info(tmp_path: Path) -> None:
    """The first-hour report, item 11: no INFO lines unless asked; at info, no doubled
    uvicorn lines ("Started server process" once per origin)."""
    for extra, expect_info in (([], False), (["--log-level", "info"], True)):
        stderr = tmp_path / f"stderr{len(extra)}.log"
        with stderr.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "hubclient.testing", "serve", "--port", "0",
                 "--storage-port", "0", *extra],
                cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=err,
            )  # fmt: skip
            try:
                assert read_line(process, 60).startswith("READY ")
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=30) == 0
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait(30)
                if process.stdout is not None:
                    process.stdout.close()
        lines = stderr.read_text().splitlines()
        assert "Started server process" not in stderr.read_text()
        if expect_info:
            messages = [line.split(" hubclient.testing: ", 1)[1] for line in lines]
            assert len(messages) == 3, lines
            assert messages[0].startswith("hub http://127.0.0.1:")
            assert messages[1:] == ["signal SIGTERM: stopping", "stopped"]
        else:
            assert lines == []


def test_without_the_server_extra_the_import_says_which_extra(tmp_path: Path) -> None:
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('starlette', 'uvicorn'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    ran = subprocess.run(
        [sys.executable, "-c", "import hubclient.testing"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert ran.returncode == 1
    last = ran.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: hubclient.testing (the local Hub) needs the server extra")
    assert "pip install 'hubclient[server]'" in last
    assert "No module named 'starlette'" in last
    assert (
        subprocess.run(
            [sys.executable, "-c", "import hubclient"], cwd=ROOT, env=env, timeout=60
        ).returncode
        == 0
    )  # the client itself needs no server
