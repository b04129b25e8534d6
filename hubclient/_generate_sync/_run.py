"""Running the generator: ruff over the generated text, writing the files, and ``--check``."""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from hubclient._generate_sync._layout import GENERATED_DIRS, render
from hubclient._generate_sync._names import PACKAGE, GenerationError


def ruff_command() -> list[str] | None:
    beside = Path(sys.executable).with_name("ruff")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ruff")
    if found:
        return [found]
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    return None


def format_source(text: str, project_root: Path, filename: Path) -> tuple[str, bool]:
    """Run ruff's import sorting and formatter on `text`; (text, whether ruff ran)."""
    ruff = ruff_command()
    if ruff is None:
        return text, False
    stdin_name = str(filename)
    for args in (
        ["check", "--fix", "--select", "I", "--quiet", "--exit-zero"],
        ["format", "--quiet"],
    ):
        result = subprocess.run(
            [*ruff, *args, "--stdin-filename", stdin_name, "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=project_root,
            check=False,
        )
        if result.returncode != 0:
            raise GenerationError(f"ruff {args[0]} failed:\n{result.stderr}")
        text = result.stdout
    return text, True


def generate(
    package_dir: Path, client_path: Path | None = None, output: Path | None = None
) -> tuple[dict[Path, str], bool]:
    """The formatted text of every generated file by its path, and whether ruff formatted them.

    ``output`` is the folder that holds the generated ``_sync/`` and ``_functions/`` (default:
    the package folder).
    """
    client_path = client_path or package_dir / "_client.py"
    output = output or package_dir
    project_root = package_dir.parent
    texts: dict[Path, str] = {}
    formatted = True
    for relative, text in render(package_dir, client_path).items():
        text, ran = format_source(text, project_root, package_dir / relative)
        formatted = formatted and ran
        texts[output / relative] = text
    return texts, formatted


def _stale_files(output: Path, texts: dict[Path, str]) -> list[Path]:
    """Files in the generated folders that the generator no longer writes (and a legacy
    single-file ``_sync.py``)."""
    found = [p for d in GENERATED_DIRS for p in sorted((output / d).glob("*.py"))]
    legacy = output / "_sync.py"
    if legacy.exists():
        found.append(legacy)
    return [p for p in found if p not in texts]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {PACKAGE}._generate_sync",
        description=(
            "Generate hubclient/_sync/ (HubClient) and hubclient/_functions/ (module-level "
            "functions) from AsyncHubClient (hubclient/_client.py and its area classes)."
        ),
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    parser.add_argument("--client", type=Path, help="the async client source (_client.py)")
    parser.add_argument(
        "--output", type=Path, help="the folder holding _sync/ and _functions/ (the package)"
    )
    options = parser.parse_args(argv)
    package_dir = Path(__file__).resolve().parent.parent
    client_path = options.client or package_dir / "_client.py"
    output = options.output or package_dir
    try:
        texts, formatted = generate(package_dir, client_path, output)
    except (GenerationError, SyntaxError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not formatted:
        print(
            "warning: ruff not found; the output was not passed through ruff format",
            file=sys.stderr,
        )
    changed = {
        path: text
        for path, text in texts.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    }
    extra = _stale_files(output, texts)
    where = ", ".join(f"{output.name}/{d}" for d in GENERATED_DIRS)
    if options.check:
        if not changed and not extra:
            print(f"{where} are up to date")
            return 0
        diff: list[str] = []
        for path, text in changed.items():
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            name = path.relative_to(output).as_posix()
            diff += difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{name} (on disk)",
                tofile=f"{name} (generated)",
            )
        added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
        gone = (
            f"; {len(extra)} file(s) to delete: {', '.join(p.name for p in extra)}" if extra else ""
        )
        print(
            f"{where} are stale: {len(changed)} file(s) to write ({added} line(s) to add, "
            f"{removed} to remove){gone}. Run `python -m {PACKAGE}._generate_sync` and commit "
            "the result.",
            file=sys.stderr,
        )
        sys.stderr.writelines(diff[:200])
        if len(diff) > 200:
            print(f"... ({len(diff) - 200} more diff lines)", file=sys.stderr)
        return 1
    created = [path for path in changed if not path.exists()]
    for path, text in changed.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if created and formatted:
        # ruff tells first-party imports by the modules on disk: format new files once more
        # now that they exist, so the result does not depend on what was there before.
        for path, text in generate(package_dir, client_path, output)[0].items():
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
    for path in extra:
        path.unlink()
        print(f"deleted {path}")
    if not changed and not extra:
        print(f"{where} are up to date")
    return 0
