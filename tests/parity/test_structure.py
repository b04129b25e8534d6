"""The house the surface lives in: small files, and imports that only flow one way
(docs/architecture.md, "Rooms and the way data flows").

The import graph is read from the source (the imports that run when a module is imported: not
those under ``if TYPE_CHECKING:`` nor inside functions, which run later and cannot form an
import circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import hubclient

PACKAGE = Path(hubclient.__file__).resolve().parent
LIMIT = 800
#: Files over the limit, each with the reason it is still there (remove an entry once the file
#: is split: the test fails on an entry that no longer applies).
OVER_LIMIT: dict[str, str] = {}
#: The layer of module-level functions: with the package itself, the only importers of the
#: generated sync facade.
FUNCTION_LAYER = ("hubclient._functions", "hubclient._file_functions", "hubclient._login")
GENERATED = ("hubclient._sync", "hubclient._functions")
LEAVES = ("hubclient.models", "hubclient.errors", "hubclient.progress")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _import_time_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The hubclient modules ``name`` imports when it is imported."""

    def owner(dotted: str) -> str:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.Import):
                found.update(owner(a.name) for a in child.names if _within(a.name, "hubclient"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    source = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    source = child.module or ""
                if not _within(source, "hubclient"):
                    continue
                for alias in child.names:
                    full = f"{source}.{alias.name}"
                    found.add(full if full in modules else owner(source))
            else:
                visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    found.discard("")
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _import_time_imports(name, path, modules) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_file_is_over_the_limit_but_the_named_ones() -> None:
    lengths = {
        str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8").count("\n")
        for p in PACKAGE.rglob("*.py")
    }
    over = {path for path, lines in lengths.items() if lines > LIMIT}
    assert over - set(OVER_LIMIT) == set(), {p: lengths[p] for p in over - set(OVER_LIMIT)}
    stale = {p for p in OVER_LIMIT if lengths.get(p, 0) <= LIMIT}
    assert stale == set(), f"split already: remove {stale} from OVER_LIMIT"


def test_the_import_graph_has_no_circle() -> None:
    assert _circles(_graph()) == []


def test_the_circle_finder_finds_one() -> None:
    """The check above can fail: a planted circle is found."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_imports_only_flow_one_way() -> None:
    graph = _graph()
    assert "hubclient._areas.repos" in graph["hubclient._client"]  # the graph is read at all
    rules = (
        # (what is imported, who may import it, why)
        ("hubclient._client", ("hubclient._sync",), "only the package and _sync import _client"),
        ("hubclient._sync", (*GENERATED, *FUNCTION_LAYER), "only the function layer imports _sync"),
        (
            "hubclient._areas",
            ("hubclient._areas", "hubclient._client", *GENERATED),
            "areas are composed by _client",
        ),
        ("hubclient.testing", ("hubclient.testing",), "the client never imports the local Hub"),
        ("hubclient._parity", ("hubclient._parity",), "the ledger is a dev tool"),
        ("hubclient._generate_sync", ("hubclient._generate_sync",), "the generator is a dev tool"),
    )
    wrong: list[str] = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            if _within(module, *LEAVES) and not _within(target, *LEAVES):
                wrong.append(f"{module} -> {target}: models, errors and progress are leaves")
            for guarded, allowed, why in rules:
                if (
                    _within(target, guarded)
                    and module != "hubclient"
                    and not _within(module, *allowed)
                ):
                    wrong.append(f"{module} -> {target}: {why}")
    assert wrong == []
