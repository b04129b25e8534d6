"""Real processes: ``python -m hubclient.cli``, the ``hubclient`` script, ``serve``, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubclient.testing import ALICE_TOKEN, FaultRule, ServedHub
from tests.cli.conftest import Run

MODULE = [sys.executable, "-m", "hubclient.cli"]


def _env(hub: ServedHub | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUBCLIENT_"))}
    env["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"
    env["HF_HOME"] = os.environ["HF_HOME"]
    env["HF_HUB_CACHE"] = os.environ["HF_HUB_CACHE"]
    if hub is not None:
        env["HF_ENDPOINT"] = hub.hub_url
        env["HF_TOKEN"] = ALICE_TOKEN
    env.update(extra)
    return env


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_module_ls_json(hub: ServedHub) -> None:
    done = _run([*MODULE, "ls", "alice/model", "--json"], _env(hub))
    assert done.returncode == 0, done.stderr
    paths = {entry["path"] for entry in json.loads(done.stdout)["entries"]}
    assert paths >= {"config.json", "weights.bin", "docs"}
    assert done.stderr == ""


def test_script_on_path_not_found_is_3(hub: ServedHub) -> None:
    script = shutil.which("hubclient") or shutil.which(
        "hubclient", path=str(Path(sys.executable).parent)
    )
    if script is None:
        pytest.skip("the hubclient script is not installed")
    missing = _run([script, "info", "alice/missing"], _env(hub))
    assert missing.returncode == 3
    assert missing.stdout == ""
    assert missing.stderr.startswith("error: RepositoryNotFoundError: ")
    assert missing.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "stop", [signal.SIGTERM, pytest.param(signal.SIGINT, marks=pytest.mark.slow)]
)
def test_serve_ready_line_then_stops_cleanly(
    run: Run, tmp_path: Path, stop: signal.Signals
) -> None:
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "hello.txt").write_bytes(b"hello\n")
    proc = subprocess.Popen(
        [*MODULE, "serve", "--token", "carol=hf_carol", "--seed", f"carol/demo={seed}",
         "--data", str(tmp_path / "data")],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY hub=http://127.0.0.1:"), (
            proc.stderr.read() if proc.stderr else ""
        )
        hub_url = line.split()[1].removeprefix("hub=")
        ran = run("--endpoint", hub_url, "--token", "hf_carol", "-q", "ls", "carol/demo")
        assert ran.code == 0, ran.err
        assert ran.out.split() == [".gitattributes", "hello.txt"] or "hello.txt" in ran.out
        proc.send_signal(stop)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_ctrl_c_is_130(hub: ServedHub) -> None:
    rule = hub.hub.faults.add(
        FaultRule(action="delay", delay=2.0, method="GET", path=r"^/api/models/alice/model")
    )
    proc = subprocess.Popen(
        [*MODULE, "info", "alice/model"],
        env=_env(hub), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while hub.hub.faults.matched(rule) == 0:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the request never arrived"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 130, err
        assert out == ""
        assert err == "error: interrupted\n"
    finally:
        hub.hub.faults.remove(rule)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
