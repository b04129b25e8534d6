"""Reading source: modules, their imports (where each name comes from), the async class and its
bases in the package, and their public members."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from hubclient._generate_sync._names import ASYNC_CLASS, GenerationError


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

    def own_members(self, module: Module, cls: ast.ClassDef) -> dict[str, Member]:
        """The public members (and ``__init__``) written in the body of ``cls``, in order."""
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
        return local

    def members(self) -> tuple[dict[str, Member], ast.ClassDef]:
        """Every public member as the class resolves it (the most derived definition wins)."""
        classes = self.linearize()
        found: dict[str, Member] = {}
        for module, cls in classes:
            for name, member in self.own_members(module, cls).items():
                found.setdefault(name, member)
        return found, classes[0][1]

    def bases(self, module: Module, cls: ast.ClassDef) -> list[tuple[Module, ast.ClassDef]]:
        """The direct bases of ``cls`` defined in the package, in order."""
        out = []
        for base in cls.bases:
            resolved = self._resolve_class(module, base)
            if resolved is not None:
                out.append(resolved)
        return out


def _offsets(source: str) -> list[int]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts
