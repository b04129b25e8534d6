"""``python -m hubclient._parity [--check]``: write ``docs/parity.md``, or fail when it is stale."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from hubclient._parity._ledger import build
from hubclient._parity._render import render

__all__ = ["DEFAULT_OUTPUT", "main"]

#: The ledger, relative to the project root (the folder holding the package).
DEFAULT_OUTPUT = Path("docs") / "parity.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hubclient._parity",
        description=(
            "Write docs/parity.md: every huggingface_hub.HfApi method and module-level function, "
            "and hubclient's state of it (needs huggingface_hub, from the test extra)."
        ),
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/parity.md is stale")
    parser.add_argument("--output", type=Path, help="where the ledger goes (default: docs/)")
    options = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent.parent
    output: Path = options.output or root / DEFAULT_OUTPUT
    try:
        ledger = build()
    except ImportError as exc:
        print(f"error: {exc} (pip install -e '.[test]')", file=sys.stderr)
        return 2
    if ledger.errors:
        print(
            f"the parity ledger has {len(ledger.errors)} problem(s) to fix first:",
            file=sys.stderr,
        )
        for error in ledger.errors:
            print(f"  - {error}", file=sys.stderr)
        return 1
    text = render(ledger)
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if options.check:
        if current == text:
            print(f"{output.name} is up to date")
            return 0
        diff = list(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{output.name} (on disk)",
                tofile=f"{output.name} (generated)",
            )
        )
        print(
            f"{output} is stale. Run `python -m hubclient._parity` and commit the result.",
            file=sys.stderr,
        )
        sys.stderr.writelines(diff[:120])
        return 1
    if current != text:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    else:
        print(f"{output.name} is up to date")
    return 0
