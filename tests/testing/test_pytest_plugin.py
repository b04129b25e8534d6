"""The pytest fixtures keep a user's test away from the machine's cache and token (the
first-hour report, item 5): run as a user would, in a pytest of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

USER_TEST = """
import pytest

from hubclient import AsyncHubClient
from hubclient.testing import ALICE_TOKEN

pytest_plugins = ["hubclient.testing.pytest_plugin"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_my_service(local_hub, tmp_path):
    local_hub.seed_repo("acme/model", {"config.json": b"{}"})
    async with AsyncHubClient(
        local_hub.hub_url, transport=local_hub.async_transport()
    ) as anonymous:
        assert anonymous.settings.token is None  # not the machine's HF_TOKEN
    async with AsyncHubClient(
        local_hub.hub_url, token=ALICE_TOKEN, transport=local_hub.async_transport()
    ) as client:
        path = await client.hf_hub_download("acme/model", "config.json")
    assert path.startswith(str(tmp_path))


def test_served(served_hub, isolated_hf_home):
    import os

    assert os.environ["HF_HUB_CACHE"].startswith(str(isolated_hf_home))
"""


def test_fixtures_write_nothing_into_the_users_cache(tmp_path: Path) -> None:
    home = tmp_path / "user-home"
    (home / ".cache" / "huggingface").mkdir(parents=True)
    (home / ".cache" / "huggingface" / "token").write_text("hf_the_users_own_token")
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_user.py").write_text(USER_TEST)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HF_", "HUGGING", "PYTEST_", "XDG_"))
    }
    env.update(HOME=str(home), HF_TOKEN="hf_from_the_environment")
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout
    leftovers = sorted(p.name for p in (home / ".cache" / "huggingface").iterdir())
    assert leftovers == ["token"]  # no hub/ cache written next to it
