"""Write `hubclient/_sync.py` (the sync facade `HubClient`) from `hubclient/_client.py`.

    python -m hubclient._generate_sync            # regenerate
    python -m hubclient._generate_sync --check    # exit 1 when _sync.py is stale (CI)

The generator reads `AsyncHubClient` from *source* (its AST), so annotations and defaults are
reproduced exactly as written, and writes `HubClient` with every public member:

* `async def m(...) -> T`            -> `def m(...) -> T`, the coroutine run on the client's loop;
* async generators, and methods returning `AsyncIterator[T]` / `AsyncIterable[T]` /
  `AsyncGenerator[T, S]` -> methods returning `Iterator[T]` / `Iterable[T]` /
  `Generator[T, S, None]`, pulling items lazily through the loop;
* `@asynccontextmanager` methods and methods returning `AbstractAsyncContextManager[T]` ->
  sync context managers;
* properties -> properties; plain methods -> run in the loop thread;
* methods returning the class itself (`with_options`) -> return a `HubClient` sharing the loop;
* `aclose()` -> `close()`, plus `__enter__` / `__exit__`.

Inherited members are included when the class gains bases defined in hubclient modules.
Module-level conveniences (`hubclient.model_info(...)`, ...) are generated for the names in
CONVENIENCES that the class has, over a lazily built default `HubClient`.

The output is passed through `ruff check --select I --fix` and `ruff format` when ruff can be
found (next to the interpreter, on PATH, or as `python -m ruff`); the text is generated so that
those steps leave it unchanged anyway, which tests/sync verifies.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import difflib
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GenerationError", "generate", "main"]

PACKAGE = "hubclient"
ASYNC_CLASS = "AsyncHubClient"
SYNC_CLASS = "HubClient"
RUNNER = "_runner"

#: Names offered as module-level functions (`hubclient.<name>(...)`) when the class has them.
CONVENIENCES: tuple[str, ...] = (
    "whoami",
    "model_info",
    "dataset_info",
    "space_info",
    "repo_info",
    "repo_exists",
    "revision_exists",
    "file_exists",
    "list_models",
    "list_datasets",
    "list_spaces",
    "list_repo_files",
    "list_repo_tree",
    "get_paths_info",
    "get_hf_file_metadata",
    "list_repo_refs",
    "list_repo_commits",
    "hf_hub_download",
    "snapshot_download",
    "create_repo",
    "delete_repo",
    "create_commit",
    "upload_file",
    "upload_folder",
    "delete_file",
    "delete_folder",
    "create_branch",
    "delete_branch",
    "create_tag",
    "delete_tag",
)

#: Async annotation names and their sync counterparts.
_ASYNC_TO_SYNC = {
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "AsyncContextManager": "ContextManager",
    ASYNC_CLASS: SYNC_CLASS,
    "Self": SYNC_CLASS,
}
_ITERATOR_NAMES = {"AsyncIterator", "AsyncIterable", "AsyncGenerator"}
_CONTEXT_NAMES = {"AbstractAsyncContextManager", "AsyncContextManager"}
_CLOSE_NAMES = {"aclose": "close"}


class GenerationError(Exception):
    """The async class uses something the generator cannot mirror; the message says what."""


# ----------------------------------------------------------------------------- reading source


@dataclass(frozen=True)
class Origin:
    """Where a name comes from: `from module import name as alias`, or `import module as alias`."""

    module: str
    name: str | None  # None: `import module [as alias]`
    alias: str
    type_checking: bool = False

    def statement(self) -> str:
        if self.name is None:
            if self.alias == self.module or self.module.startswith(f"{self.alias}."):
                return f"import {self.module}"
            return f"import {self.module} as {self.alias}"
        if self.alias == self.name:
            return f"from {self.module} import {self.name}"
        return f"from {self.module} import {self.name} as {self.alias}"


@dataclass
class Module:
    name: str
    path: Path
    source: str
    tree: ast.Module
    origins: dict[str, Origin] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)

    def line_starts(self) -> list[int]:
        """Offsets of the start of each line (computed once)."""
        if not self._line_starts:
            self._line_starts = _offsets(self.source)
        return self._line_starts

    def segment(self, node: ast.expr) -> str:
        """The node's source text, exactly as written."""
        return Rewriter(self).text(node)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _load_module(name: str, path: Path) -> Module:
    source = path.read_text(encoding="utf-8")
    module = Module(name, path, source, ast.parse(source, filename=str(path)))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(body: list[ast.stmt], type_checking: bool) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    target = alias.name if alias.asname else alias.name.split(".")[0]
                    module.origins[bound] = Origin(
                        alias.name if alias.asname else target, None, bound, type_checking
                    )
            elif isinstance(stmt, ast.ImportFrom):
                base = stmt.module or ""
                if stmt.level:
                    parts = package.split(".")
                    parent = ".".join(parts[: len(parts) - stmt.level + 1])
                    base = f"{parent}.{base}" if base else parent
                for alias in stmt.names:
                    bound = alias.asname or alias.name
                    module.origins[bound] = Origin(base, alias.name, bound, type_checking)
            elif isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
                visit(stmt.body, True)
                visit(stmt.orelse, type_checking)
            elif isinstance(stmt, ast.ClassDef):
                module.classes[stmt.name] = stmt
                module.origins[stmt.name] = Origin(name, stmt.name, stmt.name)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                module.origins[stmt.name] = Origin(name, stmt.name, stmt.name)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for assigned in targets:
                    for node in ast.walk(assigned):
                        if isinstance(node, ast.Name):
                            module.origins[node.id] = Origin(name, node.id, node.id)

    visit(module.tree.body, False)
    return module


@dataclass
class Member:
    """One public member of the async class, with the module it is written in."""

    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: Module
    overloads: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)

    def decorator_names(self) -> set[str]:
        names = set()
        for decorator in self.node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
        return names


class SourceReader:
    """Resolves the async class, its bases in hubclient modules, and their members."""

    def __init__(self, package_dir: Path, client_path: Path) -> None:
        self.package_dir = package_dir
        self.package = package_dir.name
        self.modules: dict[str, Module] = {}
        self.client = self._module(f"{self.package}._client", client_path)

    def _module(self, name: str, path: Path | None = None) -> Module:
        if name not in self.modules:
            if path is None:
                relative = Path(*name.split(".")[1:])
                path = self.package_dir / relative.with_suffix(".py")
                if not path.exists():
                    path = self.package_dir / relative / "__init__.py"
            self.modules[name] = _load_module(name, path)
        return self.modules[name]

    def _resolve_class(self, module: Module, base: ast.expr) -> tuple[Module, ast.ClassDef] | None:
        if isinstance(base, ast.Subscript):  # Generic[T], SomeBase[T]
            base = base.value
        if not isinstance(base, ast.Name):
            return None
        if base.id in module.classes:
            return module, module.classes[base.id]
        origin = module.origins.get(base.id)
        if origin is None or origin.name is None:
            return None
        if origin.module.split(".")[0] != self.package:
            return None  # object, Generic, typing/stdlib mixins: nothing to mirror
        other = self._module(origin.module)
        if origin.name in other.classes:
            return other, other.classes[origin.name]
        return self._resolve_class(other, ast.Name(origin.name))

    def linearize(self) -> list[tuple[Module, ast.ClassDef]]:
        """The class and its hubclient bases, most derived first (depth-first, left to right)."""
        if ASYNC_CLASS not in self.client.classes:
            raise GenerationError(f"{self.client.path}: no class {ASYNC_CLASS}")
        order: list[tuple[Module, ast.ClassDef]] = []
        seen: set[tuple[str, str]] = set()

        def walk(module: Module, cls: ast.ClassDef) -> None:
            key = (module.name, cls.name)
            if key in seen:
                return
            seen.add(key)
            order.append((module, cls))
            for base in cls.bases:
                resolved = self._resolve_class(module, base)
                if resolved is not None:
                    walk(*resolved)

        walk(self.client, self.client.classes[ASYNC_CLASS])
        return order

    def members(self) -> tuple[dict[str, Member], ast.ClassDef]:
        classes = self.linearize()
        found: dict[str, Member] = {}
        for module, cls in classes:
            local: dict[str, Member] = {}
            for stmt in cls.body:
                if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    if isinstance(stmt, ast.Assign | ast.AnnAssign):
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        for target in targets:
                            if isinstance(target, ast.Name) and not target.id.startswith("_"):
                                raise GenerationError(
                                    f"{module.path}:{stmt.lineno}: public class attribute "
                                    f"{target.id!r} is not supported; use a property"
                                )
                    continue
                if stmt.name.startswith("_") and stmt.name != "__init__":
                    continue
                is_overload = any(
                    (isinstance(d, ast.Name) and d.id == "overload")
                    or (isinstance(d, ast.Attribute) and d.attr == "overload")
                    for d in stmt.decorator_list
                )
                existing = local.get(stmt.name)
                if is_overload:
                    if existing is None:
                        local[stmt.name] = Member(stmt.name, stmt, module, [stmt])
                    else:
                        existing.overloads.append(stmt)
                    continue
                decorators = {
                    d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")
                    for d in stmt.decorator_list
                }
                if decorators & {"setter", "deleter"}:
                    raise GenerationError(
                        f"{module.path}:{stmt.lineno}: property setters/deleters are not supported"
                    )
                if existing is not None and existing.node in existing.overloads:
                    existing.node = stmt  # the implementation after its overloads
                else:
                    local[stmt.name] = Member(stmt.name, stmt, module)
            for name, member in local.items():
                found.setdefault(name, member)
        return found, classes[0][1]


# ----------------------------------------------------------------------------- rewriting text


def _offsets(source: str) -> list[int]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


class Rewriter:
    """Reads an expression's source text and applies edits located by AST positions."""

    def __init__(self, module: Module, views: dict[str, str] | None = None) -> None:
        self.module = module
        self._starts = module.line_starts()
        self._names = {**_ASYNC_TO_SYNC, **(views or {})}

    def _pos(self, line: int, col: int) -> int:
        # ast col offsets are UTF-8 byte offsets.
        start = self._starts[line - 1]
        text = self.module.source[start : self._starts[line] if line < len(self._starts) else None]
        return start + len(text.encode("utf-8")[:col].decode("utf-8"))

    def text(self, node: ast.expr, *, sync: bool = False) -> str:
        """The node's source; with sync=True, async annotation names mapped to sync ones."""
        begin = self._pos(node.lineno, node.col_offset)
        end = self._pos(*_end(node))
        edits: list[tuple[int, int, str]] = []
        if sync:
            for sub in ast.walk(node):
                name_node: ast.Name | ast.Attribute | None = None
                name = ""
                if isinstance(sub, ast.Name) and sub.id in self._names:
                    name_node, name = sub, sub.id
                elif isinstance(sub, ast.Attribute) and sub.attr in self._names:
                    name_node, name = sub, sub.attr
                elif isinstance(sub, ast.Constant) and sub.value in (ASYNC_CLASS, "Self"):
                    edits.append(self._span(sub, f'"{SYNC_CLASS}"'))
                if name_node is None:
                    continue
                stop = self._pos(*_end(name_node))
                edits.append((stop - len(name), stop, self._names[name]))
            for sub in ast.walk(node):
                # AsyncGenerator[T, S] -> Generator[T, S, None]
                if (
                    isinstance(sub, ast.Subscript)
                    and _base_name(sub.value) == "AsyncGenerator"
                    and isinstance(sub.slice, ast.Tuple)
                    and len(sub.slice.elts) == 2
                ):
                    stop = self._pos(*_end(sub.slice.elts[-1]))
                    edits.append((stop, stop, ", None"))
        out = self.module.source[begin:end]
        for start, stop, new in sorted(edits, reverse=True):
            out = out[: start - begin] + new + out[stop - begin :]
        return out

    def _span(self, node: ast.expr, new: str) -> tuple[int, int, str]:
        return (self._pos(node.lineno, node.col_offset), self._pos(*_end(node)), new)


def _end(node: ast.expr) -> tuple[int, int]:
    if node.end_lineno is None or node.end_col_offset is None:  # pragma: no cover
        raise GenerationError(f"no end position for {ast.dump(node)}")
    return node.end_lineno, node.end_col_offset


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _base_name(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return ""
    return ""


def _sync_docstring(literal: str) -> str:
    """Docstring literal with examples (and the async wording) rewritten to the sync forms."""
    replacements: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
        (r"``async with``", "``with``"),
        (r"\basync (with|for) ", r"\1 "),
        (r"\bawait (?=[\w.]+\()", ""),  # `await client.f(` -> `client.f(`; prose is left alone
        (rf"\b{ASYNC_CLASS}\b", SYNC_CLASS),
        (r"\baclose\(\)", "close()"),
        (r"``aclose``", "``close``"),
        (r"\b(an )?async iterator\b", lambda m: "an iterator" if m.group(1) else "iterator"),
        (r"\basync context manager\b", "context manager"),
    ]
    for pattern, replacement in replacements:
        literal = re.sub(pattern, replacement, literal)
    return literal


# ----------------------------------------------------------------------------- emitting


def _is_async_generator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if not isinstance(node, ast.AsyncFunctionDef):
        return False

    def scan(body: Sequence[ast.AST]) -> bool:
        for stmt in body:
            for sub in ast.iter_child_nodes(stmt):
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    continue
                if isinstance(sub, ast.ClassDef):
                    continue
                if isinstance(sub, ast.Yield | ast.YieldFrom) or scan([sub]):
                    return True
            if isinstance(stmt, ast.Yield | ast.YieldFrom):
                return True
        return False

    return scan(node.body)


@dataclass
class Emitted:
    lines: list[str]
    names: set[tuple[Module, str]]  # names the generated text needs, per source module


class Emitter:
    def __init__(self, reader: SourceReader) -> None:
        self.reader = reader
        self.needed: list[tuple[Module, str]] = []
        self.extra: set[Origin] = set()
        #: Async value classes (yielded or returned by members) -> their generated sync views.
        self.views: dict[str, str] = {}

    # -- names ------------------------------------------------------------------------------

    def _need(self, module: Module, node: ast.AST, *, sync: bool) -> None:
        for sub in ast.walk(node):
            name: str | None = None
            if isinstance(sub, ast.Name):
                name = sub.id
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sync:
                try:
                    parsed = ast.parse(sub.value, mode="eval")
                except SyntaxError:
                    continue
                self._need(module, parsed, sync=sync)
                continue
            if name is None:
                continue
            if sync and name in self.views:
                continue  # a sync view generated in the same file
            if sync and name in _ASYNC_TO_SYNC:
                mapped = _ASYNC_TO_SYNC[name]
                if mapped == SYNC_CLASS:
                    continue
                origin = module.origins.get(name)
                source_module = origin.module if origin and origin.name else "collections.abc"
                if mapped == "AbstractContextManager":
                    source_module = "contextlib"
                if mapped == "ContextManager":
                    source_module = "typing"
                self.extra.add(Origin(source_module, mapped, mapped))
                continue
            self.needed.append((module, name))

    def imports(self, own: Sequence[Origin]) -> tuple[list[str], list[str]]:
        """Import lines (runtime, TYPE_CHECKING-only) for every name the generated text uses."""
        runtime: dict[str, Origin] = {}
        checking: dict[str, Origin] = {}
        bound: dict[str, Origin] = {}

        def bind(origin: Origin) -> None:
            previous = bound.get(origin.alias)
            if previous is not None and (previous.module, previous.name) != (
                origin.module,
                origin.name,
            ):
                raise GenerationError(
                    f"the name {origin.alias!r} means {previous.statement()!r} and "
                    f"{origin.statement()!r}; rename one"
                )
            bound[origin.alias] = origin

        for origin in [*own, *sorted(self.extra, key=lambda o: (o.module, o.alias))]:
            bind(origin)
            runtime[origin.alias] = origin
        for module, name in self.needed:
            if name == SYNC_CLASS:
                continue
            found = module.origins.get(name)
            if found is None:
                if hasattr(builtins, name):
                    continue
                raise GenerationError(f"{module.path}: cannot find where {name!r} comes from")
            bind(found)
            if found.alias in runtime:
                continue
            if found.type_checking:
                checking[found.alias] = found
            else:
                checking.pop(found.alias, None)
                runtime[found.alias] = found
        if checking:
            typing_origin = Origin("typing", "TYPE_CHECKING", "TYPE_CHECKING")
            bind(typing_origin)
            runtime["TYPE_CHECKING"] = typing_origin
        first_party = {PACKAGE, self.reader.package}
        return (
            _sorted_imports(list(runtime.values()), first_party),
            _sorted_imports(list(checking.values()), first_party),
        )

    # -- signatures -------------------------------------------------------------------------

    def parameters(self, member: Member, node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        rewriter = Rewriter(member.module)
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        out: list[str] = []

        def one(arg: ast.arg, default: ast.expr | None, prefix: str = "") -> str:
            text = prefix + arg.arg
            if arg.annotation is not None:
                self._need(member.module, arg.annotation, sync=False)
                text += f": {rewriter.text(arg.annotation)}"
            if default is not None:
                self._need(member.module, default, sync=False)
                sep = " = " if arg.annotation is not None else "="
                text += sep + rewriter.text(default)
            return text

        for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
            out.append(one(arg, default))
            if args.posonlyargs and index == len(args.posonlyargs) - 1:
                out.append("/")
        if args.vararg is not None:
            out.append(one(args.vararg, None, "*"))
        elif args.kwonlyargs:
            out.append("*")
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            out.append(one(arg, kw_default))
        if args.kwarg is not None:
            out.append(one(args.kwarg, None, "**"))
        return out

    def returns(self, member: Member, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        if node.returns is None:
            return None
        self._need(member.module, node.returns, sync=True)
        return Rewriter(member.module, self.views).text(node.returns, sync=True)

    @staticmethod
    def call_arguments(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        args = node.args
        positional = [*args.posonlyargs, *args.args][1:]  # without self
        by_position = args.vararg is not None
        out: list[str] = []
        for arg in positional:
            if arg in args.posonlyargs or by_position:
                out.append(arg.arg)
            else:
                out.append(f"{arg.arg}={arg.arg}")
        if args.vararg is not None:
            out.append(f"*{args.vararg.arg}")
        out.extend(f"{arg.arg}={arg.arg}" for arg in args.kwonlyargs)
        if args.kwarg is not None:
            out.append(f"**{args.kwarg.arg}")
        return out

    # -- members ----------------------------------------------------------------------------

    def docstring(self, member: Member, node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        first = node.body[0] if node.body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            return [_sync_docstring(member.module.segment(first.value))]
        return []

    def member(self, member: Member) -> list[str]:
        node = member.node
        decorators = member.decorator_names()
        if "classmethod" in decorators:
            raise GenerationError(
                f"{member.module.path}:{node.lineno}: classmethod {member.name!r} is not supported"
            )
        if "property" in decorators or "cached_property" in decorators:
            return self._property(member)
        if "staticmethod" in decorators:
            return self._staticmethod(member)
        lines: list[str] = []
        for overload in member.overloads:
            header = self._header(member, overload, member.name)
            lines += ["@overload", *header[:-1], header[-1] + " ...", ""]
        if member.overloads:
            self.extra.add(Origin("typing", "overload", "overload"))
        lines += self._method(member)
        return lines

    def _header(
        self, member: Member, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> list[str]:
        params = self.parameters(member, node)
        returns = self.returns(member, node)
        arrow = f" -> {returns}" if returns is not None else ""
        if params[1:]:
            return [f"def {name}(", *(f"    {p}," for p in params), f"){arrow}:"]
        return [f"def {name}({params[0] if params else ''}){arrow}:"]

    def _kind(self, member: Member) -> str:
        node = member.node
        returns = _base_name(node.returns) if node.returns is not None else ""
        decorators = member.decorator_names()
        if "asynccontextmanager" in decorators:
            return "contextmanager"
        if member.name in _CLOSE_NAMES:
            return "close"
        if returns in (ASYNC_CLASS, "Self"):
            return "derive"
        if _is_async_generator(node):
            return "iterate"
        if returns in _ITERATOR_NAMES:
            return "iterate_awaited" if isinstance(node, ast.AsyncFunctionDef) else "iterate"
        if returns in _CONTEXT_NAMES:
            if isinstance(node, ast.AsyncFunctionDef):
                raise GenerationError(
                    f"{member.module.path}:{node.lineno}: {member.name!r} is a coroutine "
                    "returning a context manager; make it a plain def"
                )
            return "enter"
        if isinstance(node, ast.AsyncFunctionDef):
            return "call"
        return "call_sync"

    def _method(self, member: Member) -> list[str]:
        node = member.node
        kind = self._kind(member)
        name = _CLOSE_NAMES.get(member.name, member.name)
        header = self._header(member, node, name)
        doc = self.docstring(member, node)
        param_names = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        lam = next(n for n in ("client", "async_client", "client_") if n not in param_names)
        arguments = self.call_arguments(node)
        # The implementation of an overloaded method forwards arguments that match no single
        # overload: call it untyped and cast the result to the declared return type.
        target = f"cast(Any, {lam})" if member.overloads else lam
        if member.overloads:
            self.extra.update({Origin("typing", "Any", "Any"), Origin("typing", "cast", "cast")})
        if arguments:
            call = [f"{target}.{member.name}(", *(f"    {a}," for a in arguments), ")"]
        else:
            call = [f"{target}.{member.name}()"]
        returns_none = node.returns is not None and (
            isinstance(node.returns, ast.Constant) and node.returns.value is None
        )
        if member.name == "__init__":
            factory = [f"{ASYNC_CLASS}(", *(f"    {a}," for a in arguments), ")"]
            if not arguments:
                factory = [f"{ASYNC_CLASS}()"]
            body = _wrap_call(
                f"self.{RUNNER}: _portal.Portal[{ASYNC_CLASS}] = _portal.Portal(",
                ["lambda: " + factory[0], *factory[1:]],
                trailing=[f'name="{SYNC_CLASS}",'],
            )
            return [*header, *_indent(doc), *_indent(body)]
        if kind == "close":
            body = [f"self.{RUNNER}.close()"]
        elif kind == "contextmanager":
            self.extra.add(Origin("contextlib", None, "contextlib"))
            body = _wrap_call(
                f"with self.{RUNNER}.enter(",
                [f"lambda {lam}: " + call[0], *call[1:]],
                close=") as value:",
            )
            view = self.views.get(self.value_type(member) or "")
            body.append(f"    yield {view}(self.{RUNNER}, value)" if view else "    yield value")
            header = ["@contextlib.contextmanager", *header]
        else:
            runner = {
                "call": "call",
                "call_sync": "call_sync",
                "iterate": "iterate",
                "iterate_awaited": "iterate_awaited",
                "enter": "enter",
                "derive": "derive",
            }[kind]
            prefix = "" if returns_none else "return "
            if kind == "derive":
                inner = _wrap_call(
                    f"self.{RUNNER}.derive(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
                body = _wrap_call(f"{prefix}self._derived(", inner)
            elif kind == "call" and self.views.get(self.value_type(member) or ""):
                view = self.views[self.value_type(member) or ""]
                inner = _wrap_call(f"self.{RUNNER}.call(", [f"lambda {lam}: " + call[0], *call[1:]])
                body = _wrap_call(f"return {view}(", [f"self.{RUNNER},", *inner])
            elif member.overloads and not returns_none:
                inner = _wrap_call(
                    f"self.{RUNNER}.{runner}(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
                returns = self.returns(member, node) or "Any"
                quoted = f"'{returns}'" if '"' in returns else f'"{returns}"'
                body = _wrap_call(f"{prefix}cast(", [quoted + ",", *inner[:-1], inner[-1] + ","])
            else:
                body = _wrap_call(
                    f"{prefix}self.{RUNNER}.{runner}(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
        return [*header, *_indent(doc), *_indent(body)]

    def value_type(self, member: Member) -> str | None:
        """The class a context manager yields or a coroutine returns, when it is a bare name."""
        node = member.node
        kind = self._kind(member)
        returns = node.returns
        if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
            returns = ast.parse(returns.value, mode="eval").body
        if kind == "contextmanager" and isinstance(returns, ast.Subscript):
            returns = returns.slice
        elif kind != "call":
            return None
        return returns.id if isinstance(returns, ast.Name) else None

    def find_views(self, members: dict[str, Member]) -> list[tuple[Module, ast.ClassDef]]:
        """Value classes with async methods (e.g. a stream a context manager yields)."""
        found: list[tuple[Module, ast.ClassDef]] = []
        for member in members.values():
            if member.decorator_names() & {"property", "staticmethod", "cached_property"}:
                continue
            name = self.value_type(member)
            if name is None or name in self.views:
                continue
            resolved = self.reader._resolve_class(member.module, ast.Name(name))
            if resolved is None:
                continue
            module, cls = resolved
            is_async = any(
                isinstance(stmt, ast.AsyncFunctionDef) and not stmt.name.startswith("_")
                for stmt in cls.body
            ) or any(
                isinstance(stmt, ast.FunctionDef) and stmt.name in ("__aiter__", "__anext__")
                for stmt in cls.body
            )
            if is_async:
                self.views[name] = f"Sync{name}"
                found.append((module, cls))
                self.needed.append((member.module, name))
        return found

    def view_class(self, module: Module, cls: ast.ClassDef) -> list[str]:
        """A sync view over an instance of the async value class `cls`."""
        name = self.views[cls.name]
        lines = [f"class {name}:"]
        doc = ast.get_docstring(cls, clean=False)
        summary = f"Synchronous view of :class:`{cls.name}`, as returned by `{SYNC_CLASS}`."
        if doc is not None:
            first = cls.body[0]
            assert isinstance(first, ast.Expr)
            literal = _sync_docstring(module.segment(first.value))
            lines.append(f'    """{summary}\n\n    ' + literal[3:].lstrip())
        else:
            lines.append(f'    """{summary}"""')
        lines += [
            "",
            "    def __init__(",
            "        self,",
            f"        runner: _portal.Portal[{ASYNC_CLASS}],",
            f"        inner: {cls.name},",
            "    ) -> None:",
            "        self._runner = runner",
            "        self._inner = inner",
        ]
        rewriter = Rewriter(module, self.views)
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                attr = stmt.target.id
                if attr.startswith("_"):
                    continue
                self._need(module, stmt.annotation, sync=False)
                lines += [
                    "",
                    "    @property",
                    f"    def {attr}(self) -> {rewriter.text(stmt.annotation)}:",
                    f"        return self._inner.{attr}",
                ]
        for stmt in cls.body:
            if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            member = Member(stmt.name, stmt, module)
            decorators = member.decorator_names()
            if stmt.name == "__aiter__":
                returns = self.returns(member, stmt)
                lines += [
                    "",
                    f"    def __iter__(self) -> {returns}:",
                    "        return self._runner.iterate(lambda _: self._inner)",
                ]
                continue
            if stmt.name.startswith("_"):
                continue
            if decorators & {"staticmethod", "classmethod", "setter", "deleter"}:
                raise GenerationError(f"{module.path}:{stmt.lineno}: unsupported in {cls.name}")
            sync_name = _view_name(stmt.name)
            header = self._header(member, stmt, sync_name)
            doc_lines = self.docstring(member, stmt)
            if "property" in decorators:
                body = [f"return self._inner.{stmt.name}"]
                header = ["@property", *header]
            else:
                arguments = self.call_arguments(stmt)
                call = [f"self._inner.{stmt.name}(", *(f"    {a}," for a in arguments), ")"]
                if not arguments:
                    call = [f"self._inner.{stmt.name}()"]
                if (
                    isinstance(stmt, ast.AsyncFunctionDef)
                    or _base_name(stmt.returns or ast.Constant(None)) in _ITERATOR_NAMES
                ):
                    kind = "call"
                    if _is_async_generator(stmt) or (
                        _base_name(stmt.returns or ast.Constant(None)) in _ITERATOR_NAMES
                    ):
                        kind = (
                            "iterate_awaited"
                            if not _is_async_generator(stmt)
                            and isinstance(stmt, ast.AsyncFunctionDef)
                            else "iterate"
                        )
                    body = _wrap_call(
                        f"return self._runner.{kind}(", ["lambda _: " + call[0], *call[1:]]
                    )
                else:
                    body = ["return " + call[0], *call[1:]]
            lines += ["", *_indent([*header, *_indent(doc_lines), *_indent(body)])]
        return lines

    def _property(self, member: Member) -> list[str]:
        node = member.node
        if isinstance(node, ast.AsyncFunctionDef):
            raise GenerationError(f"{member.module.path}:{node.lineno}: async property")
        header = self._header(member, node, member.name)
        doc = self.docstring(member, node)
        return [
            "@property",
            *header,
            *_indent(doc),
            f"    return self.{RUNNER}.client.{member.name}",
        ]

    def _staticmethod(self, member: Member) -> list[str]:
        node = member.node
        if isinstance(node, ast.AsyncFunctionDef):
            raise GenerationError(f"{member.module.path}:{node.lineno}: async staticmethod")
        args = node.args
        fake_self = ast.arg(arg="self")
        shifted = ast.FunctionDef(
            name=node.name,
            args=ast.arguments(
                posonlyargs=[],
                args=[fake_self, *args.posonlyargs, *args.args],
                vararg=args.vararg,
                kwonlyargs=args.kwonlyargs,
                kw_defaults=args.kw_defaults,
                kwarg=args.kwarg,
                defaults=args.defaults,
            ),
            body=node.body,
            decorator_list=[],
            returns=node.returns,
        )
        header = self._header(member, node, member.name)
        doc = self.docstring(member, node)
        arguments = self.call_arguments(shifted)
        if arguments:
            call = [
                f"return {ASYNC_CLASS}.{member.name}(",
                *(f"    {a}," for a in arguments),
                ")",
            ]
        else:
            call = [f"return {ASYNC_CLASS}.{member.name}()"]
        return ["@staticmethod", *header, *_indent(doc), *_indent(call)]

    def _function_header(
        self, member: Member, node: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> list[str]:
        """The method's header as a module-level function's (without `self`)."""
        header = self._header(member, node, member.name)
        if not header[0].endswith("("):
            return [header[0].replace("(self)", "()", 1)]
        header = [header[0], *header[2:]]
        if len(header) == 2:  # only self: `def f(\n) -> T:` -> `def f() -> T:`
            return [header[0] + header[1]]
        return header

    def convenience(self, member: Member) -> list[str]:
        node = member.node
        lines: list[str] = []
        for overload in member.overloads:
            header = self._function_header(member, overload)
            lines += ["@overload", *header[:-1], header[-1] + " ...", "", ""]
        doc = [
            f'"""Call :meth:`{SYNC_CLASS}.{member.name}` on the default client.',
            "",
            "The default client is built from the environment on first use and is shared by",
            "the module-level functions.",
            '"""',
        ]
        arguments = self.call_arguments(node)
        returns_none = isinstance(node.returns, ast.Constant) and node.returns.value is None
        prefix = "" if returns_none else "return "
        target = "cast(Any, _default_client())" if member.overloads else "_default_client()"
        if arguments:
            call = [f"{target}.{member.name}(", *(f"    {a}," for a in arguments), ")"]
        else:
            call = [f"{target}.{member.name}()"]
        if member.overloads and not returns_none:
            returns = self.returns(member, node) or "Any"
            quoted = f"'{returns}'" if '"' in returns else f'"{returns}"'
            body = _wrap_call(f"{prefix}cast(", [quoted + ",", *call[:-1], call[-1] + ","])
        else:
            body = [prefix + call[0], *call[1:]]
        header = self._function_header(member, node)
        return [*lines, *header, *_indent(doc), *_indent(body)]


def _view_name(name: str) -> str:
    """Sync names for the async spellings of a value class (aiter_bytes -> iter_bytes)."""
    if name.startswith("aiter_"):
        return name[1:]
    return {"aclose": "close", "aread": "read"}.get(name, name)


def _wrap_call(
    opening: str, inner: list[str], *, trailing: Sequence[str] = (), close: str = ")"
) -> list[str]:
    """`opening` + inner lines + `close`, on one line when short enough, else exploded."""
    if len(inner) == 1 and not trailing:
        one = f"{opening}{inner[0]}{close}"
        if len(one) + 8 <= 100:
            return [one]
    lines = [opening, *(f"    {line}" for line in inner)]
    if trailing:
        lines[-1] += ","
        lines += [f"    {t}" for t in trailing]
    return [*lines, close]


def _indent(lines: list[str], by: str = "    ") -> list[str]:
    out = []
    for line in lines:
        if "\n" in line:  # a multi-line docstring literal keeps its own indentation
            head, *rest = line.split("\n")
            out.append(by + head + ("\n" + "\n".join(rest) if rest else ""))
        else:
            out.append(by + line if line else line)
    return out


def _import_key(statement: str) -> tuple[int, str]:
    return (0 if statement.startswith("import ") else 1, statement.split()[1].lower())


def _section(module: str, first_party: set[str]) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    if top in first_party:
        return 3
    return 2


def _sorted_imports(origins: Sequence[Origin], first_party: set[str]) -> list[str]:
    grouped: dict[tuple[int, str, bool], list[Origin]] = {}
    for origin in origins:
        key = (_section(origin.module, first_party), origin.module, origin.name is None)
        grouped.setdefault(key, []).append(origin)
    sections: dict[int, list[str]] = {}
    for (section, module, plain), group in grouped.items():
        if plain:
            for origin in group:
                sections.setdefault(section, []).append(origin.statement())
            continue
        names = sorted(
            {
                origin.name if origin.alias == origin.name else f"{origin.name} as {origin.alias}"
                for origin in group
                if origin.name is not None
            },
            key=_member_key,
        )
        line = f"from {module} import {', '.join(names)}"
        if len(line) > 100:
            line = f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
        sections.setdefault(section, []).append(line)
    out: list[str] = []
    for section in sorted(sections):
        if out:
            out.append("")
        out += sorted(sections[section], key=_import_key)
    return out


def _member_key(name: str) -> tuple[int, str]:
    bare = name.split(" as ")[0]
    if bare.isupper() and len(bare) > 1:
        kind = 0
    elif bare[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, bare.lower() if kind == 2 else bare)


# ----------------------------------------------------------------------------- the file


#: Added to the class docstring after its first line.
_FACADE_NOTE = """
    Each ``HubClient`` drives its own ``AsyncHubClient`` on a private event-loop thread. Both are
    made on first use (the environment is read then) and stopped by ``close()``, ``with`` or
    interpreter exit. One client is safe to share between threads and works where an event loop
    already runs (a notebook); Ctrl-C cancels the call in flight. Iterators pull items lazily;
    ``close()`` them (or drop them) to stop early.
"""

HEADER = f"""\
# GENERATED by hubclient/_generate_sync.py from hubclient/_client.py — do not edit.
# Regenerate with `python -m {PACKAGE}._generate_sync`; CI runs it with `--check`.
"""


def render(package_dir: Path, client_path: Path) -> str:
    """The text of `_sync.py` for the async class in `client_path` (before ruff)."""
    reader = SourceReader(package_dir, client_path)
    members, cls = reader.members()
    emitter = Emitter(reader)
    client = reader.client
    views = emitter.find_views(members)

    body: list[str] = []
    doc = ast.get_docstring(cls, clean=False)
    if doc is not None:
        first = cls.body[0]
        assert isinstance(first, ast.Expr)
        literal = _sync_docstring(client.segment(first.value))
        literal = literal.replace(
            "Asynchronous client", "Synchronous client (generated from `AsyncHubClient`)", 1
        )
        head, newline, rest = literal.partition("\n")
        if not newline:  # a one-line docstring: reopen it
            head, rest = head[:-3], '    """'
        body += [f"{head}\n{_FACADE_NOTE}{rest}", ""]
    body += [f"{RUNNER}: _portal.Portal[{ASYNC_CLASS}]", ""]

    init = members.pop("__init__", None)
    if init is None:
        raise GenerationError(f"{client.path}: {ASYNC_CLASS} has no __init__")
    body += [*emitter._method(init), ""]
    body += [
        "@classmethod",
        f"def _derived(cls, runner: _portal.Portal[{ASYNC_CLASS}]) -> {SYNC_CLASS}:",
        "    derived = cls.__new__(cls)",
        f"    derived.{RUNNER} = runner",
        "    return derived",
        "",
        f"def __enter__(self) -> {SYNC_CLASS}:",
        "    return self",
        "",
        "def __exit__(",
        "    self,",
        "    exc_type: type[BaseException] | None,",
        "    exc: BaseException | None,",
        "    tb: TracebackType | None,",
        ") -> None:",
        "    self.close()",
        "",
        "def __repr__(self) -> str:",
        f'    state = "closed" if self.{RUNNER}.closed else "open"',
        f'    return f"<{SYNC_CLASS} {{state}}>"',
        "",
    ]
    emitter.extra.add(Origin("types", "TracebackType", "TracebackType"))
    if not any(_CLOSE_NAMES.get(name) == "close" for name in members):
        body += [
            "def close(self) -> None:",
            '    """Close the client and stop its event-loop thread (idempotent)."""',
            f"    self.{RUNNER}.close()",
            "",
        ]
    if "close" in members:
        raise GenerationError(f"{ASYNC_CLASS}.close would clash with the facade's close()")
    for name in members:  # the class's own members in source order, then its bases
        body += [*emitter.member(members[name]), ""]

    conveniences: list[str] = []
    functions: list[str] = []
    for name in CONVENIENCES:
        member = members.get(name)
        if member is None or member.name in _CLOSE_NAMES:
            continue
        if member.decorator_names() & {"property", "staticmethod", "cached_property"}:
            continue
        if emitter._kind(member) in ("derive", "contextmanager", "enter"):
            continue
        conveniences.append(name)
        functions += ["", "", *emitter.convenience(member)]

    own = [
        Origin(PACKAGE, "_portal", "_portal"),
        Origin(f"{reader.package}._client", ASYNC_CLASS, ASYNC_CLASS),
    ]
    if conveniences:
        own.append(Origin("threading", None, "threading"))
    view_classes = [emitter.view_class(module, view) for module, view in views]
    runtime, checking = emitter.imports(own)

    names = [SYNC_CLASS, *emitter.views.values(), *conveniences]
    lines = [
        HEADER.rstrip("\n"),
        '"""The synchronous facade: `HubClient`, with the same methods as `AsyncHubClient`.',
        "",
        "Each `HubClient` drives its own `AsyncHubClient` on a private event-loop thread (see",
        "`hubclient._portal`); async iterators become iterators, async context managers become",
        "context managers. Module-level functions use a default client built on first use.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *runtime,
    ]
    if checking:
        lines += ["", "if TYPE_CHECKING:", *_indent(checking)]
    lines += ["", "__all__ = [", *(f'    "{n}",' for n in sorted(names)), "]", "", ""]
    lines += [f"class {SYNC_CLASS}:", *_indent(body)]
    while lines[-1] == "":
        lines.pop()
    for view_lines in view_classes:
        lines += ["", "", *view_lines]
    if conveniences:
        lines += [
            "",
            "",
            "_default_lock = threading.Lock()",
            f"_default: list[{SYNC_CLASS}] = []",
            "",
            "",
            f"def _default_client() -> {SYNC_CLASS}:",
            '    """The client behind the module-level functions, built on first use."""',
            "    with _default_lock:",
            "        if not _default:",
            f"            _default.append({SYNC_CLASS}())",
            "        return _default[0]",
            *functions,
        ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- ruff


def _ruff_command() -> list[str] | None:
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
    ruff = _ruff_command()
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
) -> tuple[str, bool]:
    """The formatted text of `_sync.py`, and whether ruff formatted it."""
    client_path = client_path or package_dir / "_client.py"
    output = output or package_dir / "_sync.py"
    text = render(package_dir, client_path)
    project_root = package_dir.parent
    return format_source(text, project_root, package_dir / "_sync.py")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {PACKAGE}._generate_sync",
        description="Generate hubclient/_sync.py (HubClient) from hubclient/_client.py.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    parser.add_argument("--client", type=Path, help="the async client source (_client.py)")
    parser.add_argument("--output", type=Path, help="the file to write or check (_sync.py)")
    options = parser.parse_args(argv)
    package_dir = Path(__file__).resolve().parent
    client_path = options.client or package_dir / "_client.py"
    output = options.output or package_dir / "_sync.py"
    try:
        text, formatted = generate(package_dir, client_path, output)
    except (GenerationError, SyntaxError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not formatted:
        print(
            "warning: ruff not found; the output was not passed through ruff format",
            file=sys.stderr,
        )
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
                tofile=f"{output.name} (generated from {client_path.name})",
            )
        )
        added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
        print(
            f"{output} is stale: {added} line(s) to add, {removed} to remove. "
            f"Run `python -m {PACKAGE}._generate_sync` and commit the result.",
            file=sys.stderr,
        )
        sys.stderr.writelines(diff[:200])
        if len(diff) > 200:
            print(f"... ({len(diff) - 200} more diff lines)", file=sys.stderr)
        return 1
    if current != text:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    else:
        print(f"{output.name} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
