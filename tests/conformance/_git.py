"""Drive the real `git` and `git-lfs` (Debian's) against the served local Hub."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Git", "need_git"]


def need_git() -> None:
    """Skip (with the reason) where git or git-lfs is not installed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (CI installs it: apt-get install git git-lfs)")
    probe = subprocess.run(["git", "lfs", "version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip("git-lfs is not installed (CI installs it: apt-get install git-lfs)")


@dataclass
class Git:
    """git with a home of its own (no user config, no prompts), git-lfs filters installed."""

    home: Path

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "/bin/false",
            "GIT_LFS_SKIP_PUSH": "",
        }
        self.run("config", "--global", "user.name", "Git User")
        self.run("config", "--global", "user.email", "git-user@example.com")
        self.run("config", "--global", "init.defaultBranch", "main")
        self.run("lfs", "install")

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd or self.home,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"git {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done

    def out(self, *args: str, cwd: Path) -> str:
        return self.run(*args, cwd=cwd).stdout.strip()


def url_with_token(hub_url: str, path: str, token: str | None) -> str:
    """The repo URL git is given; credentials ride in it as ``user:token``, as users do."""
    if token is None:
        return f"{hub_url}/{path}"
    scheme, rest = hub_url.split("://", 1)
    return f"{scheme}://user:{token}@{rest}/{path}"
