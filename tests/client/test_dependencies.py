"""What ``import hubclient`` needs at run time is declared in ``pyproject.toml``'s core
dependencies, so a fresh ``pip install hubclient`` has it: a module the client loads may import
at module level (outside ``TYPE_CHECKING``) only the standard library, hubclient itself, or a
package of a core dependency. Extras are imported lazily, inside the functions that need them."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the modules a script of the README loads: the client, its sync facade, the module functions
_LOADED = """
import sys, hubclient, hubclient._client, hubclient._sync, hubclient._functions
print("\\n".join(sorted(n for n in sys.modules if n == "hubclient" or n.startswith("hubclient."))))
"""


def _declared_packages() -> set[str]:
    """The importable top-level names of the core dependencies (hubclient's installed metadata,
    which is pyproject.toml's: the requirements without an ``extra ==`` marker)."""
    core = [req for req in importlib.metadata.requires("hubclient") or [] if "extra ==" not in req]
    wanted = {re.split(r"[<>=!~;\[ (]", req, maxsplit=1)[0].lower() for req in core}
    wanted = {name.replace("_", "-") for name in wanted}
    names: set[str] = set()
    for package, dists in importlib.metadata.packages_distributions().items():
        if any(dist.lower().replace("_", "-") in wanted for dist in dists):
            names.add(package)
    return names


def _module_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.If):
                test = ast.unparse(node.test)
                if "TYPE_CHECKING" in test or "version_info" in test:
                    continue  # for the type checker, or for another Python (anyio's there)
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)  # an ImportError fallback is optional by construction

    visit(tree.body)
    return found


def test_the_client_imports_only_declared_dependencies() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert "hubclient._client" in loaded
    allowed = _declared_packages() | set(sys.stdlib_module_names) | {"hubclient", "__future__"}
    undeclared: dict[str, set[str]] = {}
    for name in loaded:
        spec = importlib.util.find_spec(name)
        assert spec is not None, name
        assert spec.origin is not None, name
        extra = _module_level_imports(Path(spec.origin)) - allowed
        if extra:
            undeclared[name] = extra
    assert not undeclared, f"imported at module level but not a core dependency: {undeclared}"
