"""LICENSE, CHANGELOG and CONTRIBUTING are there and say what the project does (the
first-hour report, item 11)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def nox_sessions() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            named = [k.value for k in decorator.keywords if k.arg == "name"]
            if named and isinstance(named[0], ast.Constant):
                names.append(str(named[0].value))
            else:
                names.append(node.name)
    return names


def test_the_license_is_the_one_pyproject_names() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    declared = re.search(r'^license = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.M)
    assert declared is not None
    assert declared.group(1) == "Apache-2.0"
    assert "Apache License" in license_text
    assert "Version 2.0, January 2004" in license_text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in license_text


def test_the_changelog_has_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog")
    assert "\n## Unreleased\n" in changelog


def test_contributing_says_how_to_run_every_nox_session() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    sessions = nox_sessions()
    assert {"tests", "conformance", "slow", "benchmarks", "lint", "typecheck", "sync"} <= set(
        sessions
    )
    missing = [name for name in sessions if f"`nox -s {name}`" not in contributing]
    assert missing == []
    assert "## Adding a Hub method, end to end" in contributing


def test_install_from_pypi_a_clone_and_git_is_documented() -> None:
    """The first-hour report, item 10."""
    for page in ("README.md", "docs/index.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "pip install 'hubclient[cli]'" in text, page
        assert re.search(r"pip install -e '\.\[(cli|dev)\]'", text), page
        assert re.search(r"pip install 'hubclient(\[cli\])? @ git\+https://", text), page
    extras = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for extra in ("server", "cli", "test", "docs", "dev"):
        assert re.search(rf"^{extra} = \[", extras, re.M), extra
