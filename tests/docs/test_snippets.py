"""The test files the docs show run as written (the first-hour report, items 5 and 6).

Every ```python block of README.md and docs/*.md whose first line names a test file
(``# test_something.py...``) is written to a fresh folder and run by a pytest of its own,
with a HOME of its own: it must pass and leave that HOME's cache untouched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"```python\n(# (test_\w+\.py)\b[^\n]*\n.*?)```", re.DOTALL)


def snippets() -> list[tuple[str, str, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for match in _BLOCK.finditer(page.read_text(encoding="utf-8")):
            found.append((str(page.relative_to(ROOT)), match.group(2), match.group(1)))
    return found


def test_the_docs_show_test_files() -> None:
    pages = {page for page, _, _ in snippets()}
    assert {"README.md", "docs/local-hub.md"} <= pages


@pytest.mark.parametrize(("page", "name", "code"), snippets(), ids=lambda v: str(v)[:40])
def test_a_documented_test_file_passes_as_written(
    tmp_path: Path, page: str, name: str, code: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / name).write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTEST_", "XDG_"))}
    env["HOME"] = str(home)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, f"{page}: {name}\n{ran.stdout}\n{ran.stderr}"
    assert " passed" in ran.stdout
    assert not (home / ".cache").exists()
