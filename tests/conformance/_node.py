"""Drive huggingface.js (`@huggingface/hub`, installed from npm by the suite itself) with node."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["JsClient", "JsError", "install_hub_js", "pinned_version"]

HERE = Path(__file__).parent / "js"


def pinned_version() -> str:
    data = json.loads((HERE / "package.json").read_text())
    return str(data["dependencies"]["@huggingface/hub"])


def install_hub_js() -> Path:
    """The folder holding ``node_modules/@huggingface/hub`` at the pinned version.

    Installed with npm into a cache folder outside the repository (reused while the version
    stays the same); skips only where node itself is missing.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: the huggingface.js suite needs them")
    cache = Path(
        os.environ.get("HUBCLIENT_NODE_CACHE", Path.home() / ".cache" / "hubclient" / "hub-js")
    )
    version = pinned_version()
    target = cache / version
    installed = target / "node_modules" / "@huggingface" / "hub" / "package.json"
    if installed.is_file() and json.loads(installed.read_text()).get("version") == version:
        return target
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "package.json", target / "package.json")
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm install of @huggingface/hub@{version} failed:\n{done.stderr}")
    return target


class JsError(Exception):
    """A call of huggingface.js threw (its HubApiError carries the status code)."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data.get("message"))
        self.name = data.get("name")
        self.message = str(data.get("message"))
        self.status = data.get("statusCode")


@dataclass
class JsClient:
    """One huggingface.js user: ``run(scenario, **args)`` calls it in a fresh node process."""

    modules: Path
    hub_url: str
    token: str | None

    def run(self, scenario: str, **args: Any) -> Any:
        payload = {
            "modules": str(self.modules),
            "hubUrl": self.hub_url,
            "token": self.token,
            "scenario": scenario,
            "args": args,
        }
        done = subprocess.run(
            ["node", str(HERE / "driver.cjs")],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise AssertionError(f"node failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        answer = json.loads(lines[-1])
        if not answer["ok"]:
            raise JsError(answer)
        return answer["result"]

    def as_user(self, token: str | None) -> JsClient:
        return JsClient(self.modules, self.hub_url, token)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
