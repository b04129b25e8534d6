"""The documentation site (the first-hour report, item 3): every public name has its place
in the API reference, every page is in the navigation, the benchmark chart is drawn from the
results table, and the migration table comes from the parity ledger. CI builds the site
itself with warnings as errors (``mkdocs build --strict`` in ``.ci/run``)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import hubclient
import hubclient.testing

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# __version__ is printed by `hubclient --version`, not an API
UNDOCUMENTED = {"__version__"}


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_{name}", DOCS / "_build" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented() -> set[str]:
    names: set[str] = set()
    for page in (DOCS / "reference").glob("*.md"):
        names.update(re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), re.M))
    return names


def test_every_public_name_is_in_the_api_reference() -> None:
    names = documented()
    missing = [
        n for n in hubclient.__all__ if n not in UNDOCUMENTED and f"hubclient.{n}" not in names
    ]
    assert missing == []
    testing = [n for n in hubclient.testing.__all__ if f"hubclient.testing.{n}" not in names]
    assert testing == []


def test_every_page_is_in_the_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r":\s+([\w/.-]+\.md)\s*$", config, re.M))
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if "_build" not in p.parts}
    assert pages - nav == set()
    assert nav - pages == set()


def test_the_benchmark_chart_is_drawn_from_the_results_table() -> None:
    hooks = load("hooks")
    page = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    rows = hooks.benchmark_rows(page)
    assert len(rows) >= 5
    assert all(ratio > 0 for _, ratio in rows)
    svg = hooks.ratio_chart(rows)
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert svg.count("<rect") == len(rows)
    assert hooks.benchmark_rows("| What | a | ratio |\n|---|---|---|\n| x | 1 | ×2.5 |\n") == [
        ("x", 2.5)
    ]


def test_the_migration_table_comes_from_the_ledger() -> None:
    hooks = load("hooks")
    ledger = (
        "| method | area | state | why |\n|---|---|---|---|\n"
        "| model_info | info | same call | |\n"
        "| run_as_future | - | not planned | use asyncio tasks |\n"
        "| upload_file | uploads | deviates | commit message names hubclient |\n"
    )
    table = hooks.ledger_differences(ledger)
    assert table is not None
    assert "model_info" not in table
    assert "| run_as_future | - | not planned | use asyncio tasks |" in table
    assert "| upload_file |" in table
    real = hooks.ledger_differences((DOCS / "parity.md").read_text(encoding="utf-8"))
    assert real is not None
    assert "| same call |" not in real
    assert "| not planned |" in real
    assert hooks.MIGRATION_MARKER in (DOCS / "migration.md").read_text(encoding="utf-8")


def test_docstring_examples_become_fenced_code() -> None:
    pytest.importorskip("griffe", reason="the docs extra builds the site")  # not in 'test'
    examples = load("griffe_examples")
    text = "Do it.\n\nExample::\n\n    x = 1\n    if x:\n        y = 2\n\nAfter.\n"
    assert examples.literal_blocks_to_fences(text) == (
        "Do it.\n\nExample:\n\n```python\nx = 1\nif x:\n    y = 2\n```\n\nAfter.\n"
    )


@pytest.mark.slow
def test_the_site_builds_with_warnings_as_errors(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs")
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    ran = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "site" / "reference" / "async-client" / "index.html").exists()
