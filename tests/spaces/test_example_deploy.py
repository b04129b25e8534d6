"""examples/deploy_spaces.py deploys 5 Spaces at once against the served local Hub."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "deploy_spaces.py"


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("hubclient_example_deploy_spaces", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedHub]:
    hub = standard_hub(LocalHub(tmp_path / "hub"))
    hub.spaces.plan(build_seconds=0.6, start_seconds=0.3, build_logs=("step 1", "step 2"))
    try:
        with hub.serve() as served_hub:
            monkeypatch.setenv("HF_ENDPOINT", served_hub.hub_url)
            monkeypatch.setenv("HF_TOKEN", ALICE_TOKEN)
            monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
            yield served_hub
    finally:
        hub.close()


def test_five_spaces_deploy_at_once(
    served: ServedHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("import gradio as gr\n")
    (app / "requirements.txt").write_text("gradio\n")
    status = load_example().main(
        [
            "--namespace", "acme", "--app", str(app), "--hardware", "cpu-upgrade",
            "--secret", "API_KEY=s3cr3t", "--variable", "MODEL_ID=acme/model",
            "--poll-interval", "0.1", "--timeout", "60",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    assert "5 of 5 Spaces running" in out
    hub = served.hub
    for i in range(5):
        space = f"acme/demo-{i}"
        runtime = hub.spaces.runtime(space)
        assert runtime["stage"] == "RUNNING"
        assert runtime["hardware"] == {"current": "cpu-upgrade", "requested": "cpu-upgrade"}
        assert hub.spaces.secrets(space) == {"API_KEY": "s3cr3t"}
        assert f"[{space} build] step 2" in out  # its build logs streamed while it was waited on
        assert f"[{space}] ===== Application Startup at" in out
    # the five waits overlapped: their runtime looks interleave instead of running one by one
    looks = [r.path.split("/")[4] for r in hub.log.filter(method="GET", path=r"/runtime$")]
    assert len(set(looks[:10])) > 1
    assert "s3cr3t" not in out


def test_a_space_that_fails_is_reported_and_the_others_go_on(
    served: ServedHub, capsys: pytest.CaptureFixture[str]
) -> None:
    served.hub.spaces.plan("alice/demo-1", outcome="BUILD_ERROR", error="No module named torch")
    args = ["--namespace", "alice", "--count", "3", "--poll-interval", "0.1", "--timeout", "60"]
    status = load_example().main(args)
    out = capsys.readouterr().out
    assert status == 1
    assert "2 of 3 Spaces running" in out
    assert "BUILD_ERROR" in out
    assert "ERROR: failed to build: No module named torch" in out
