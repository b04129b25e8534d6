"""Emitting members: the sync twin of each async member, sync views of async value classes, and
module-level conveniences; each emitter records the names its text needs."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Sequence

from hubclient._generate_sync._imports import sorted_imports
from hubclient._generate_sync._names import (
    ASYNC_CLASS,
    ASYNC_TO_SYNC,
    CLOSE_NAMES,
    CONTEXT_NAMES,
    ITERATOR_NAMES,
    PACKAGE,
    RUNNER,
    SYNC_CLASS,
    GenerationError,
)
from hubclient._generate_sync._rewrite import (
    Rewriter,
    base_name,
    indent,
    is_async_generator,
    sync_docstring,
    view_name,
    wrap_arguments,
    wrap_call,
)
from hubclient._generate_sync._source import Member, Module, Origin, SourceReader


class Emitter:
    """Emits the text of one generated file and records the names that text needs.

    Args:
        reader: the source of the async class and its bases.
        views: async value classes (yielded or returned by members) -> their sync views.
        views_module: the module the views are generated in, imported from when this file
            uses one; None in that module itself.
        client_local: whether the sync class is defined in this file (a twin of an area class
            may not name it: that would import the file that imports the twin).
    """

    def __init__(
        self,
        reader: SourceReader,
        *,
        views: dict[str, str] | None = None,
        views_module: str | None = None,
        client_local: bool = True,
    ) -> None:
        self.reader = reader
        self.needed: list[tuple[Module, str]] = []
        self.extra: set[Origin] = set()
        self.views: dict[str, str] = views if views is not None else {}
        self.views_module = views_module
        self.client_local = client_local

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
                if self.views_module is not None:
                    view = self.views[name]
                    self.extra.add(Origin(self.views_module, view, view))
                continue
            if sync and name in ASYNC_TO_SYNC:
                mapped = ASYNC_TO_SYNC[name]
                if mapped == SYNC_CLASS:
                    if not self.client_local:
                        raise GenerationError(
                            f"{module.path}: only {ASYNC_CLASS} itself may return the client "
                            f"({name!r}); move that member into {ASYNC_CLASS}"
                        )
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
            sorted_imports(list(runtime.values()), first_party),
            sorted_imports(list(checking.values()), first_party),
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
            return [sync_docstring(Rewriter(member.module).text(first.value))]
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
        returns = base_name(node.returns) if node.returns is not None else ""
        decorators = member.decorator_names()
        if "asynccontextmanager" in decorators:
            return "contextmanager"
        if member.name in CLOSE_NAMES:
            return "close"
        if returns in (ASYNC_CLASS, "Self"):
            return "derive"
        if is_async_generator(node):
            return "iterate"
        if returns in ITERATOR_NAMES:
            return "iterate_awaited" if isinstance(node, ast.AsyncFunctionDef) else "iterate"
        if returns in CONTEXT_NAMES:
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
        name = CLOSE_NAMES.get(member.name, member.name)
        header = self._header(member, node, name)
        doc = self.docstring(member, node)
        param_names = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        lam = next(n for n in ("client", "async_client", "client_") if n not in param_names)
        arguments = self.call_arguments(node)
        if _draws_progress(node):  # scripts get tqdm bars where huggingface_hub draws them
            self.extra.add(Origin("hubclient", "_tqdm", "_tqdm"))
            arguments = [
                f"progress=_tqdm.script_progress(progress, {lam})"
                if a == "progress=progress"
                else a
                for a in arguments
            ]
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
            body = wrap_call(
                f"self.{RUNNER}: _portal.Portal[{ASYNC_CLASS}] = _portal.Portal(",
                ["lambda: " + factory[0], *factory[1:]],
                trailing=[f'name="{SYNC_CLASS}",'],
            )
            return [*header, *indent(doc), *indent(body)]
        if kind == "close":
            body = [f"self.{RUNNER}.close()"]
        elif kind == "contextmanager":
            self.extra.add(Origin("contextlib", None, "contextlib"))
            body = wrap_call(
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
                if not self.client_local:
                    raise GenerationError(
                        f"{member.module.path}:{node.lineno}: {member.name!r} returns the client; "
                        f"only {ASYNC_CLASS} itself may"
                    )
                inner = wrap_call(
                    f"self.{RUNNER}.derive(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
                body = wrap_call(f"{prefix}self._derived(", inner)
            elif kind == "call" and self.views.get(self.value_type(member) or ""):
                view = self.views[self.value_type(member) or ""]
                inner = wrap_call(
                    f"self.{RUNNER}.call(", [f"lambda {lam}: " + call[0], *call[1:]], margin=12
                )
                body = wrap_arguments(f"return {view}(", [[f"self.{RUNNER}"], inner])
            elif self.views.get(self.element_type(member) or ""):
                view = self.views[self.element_type(member) or ""]
                inner = wrap_call(
                    f"self.{RUNNER}.{runner}(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
                brackets = "[]" if kind == "call" else "()"
                body = [
                    f"return {brackets[0]}",
                    f"    {view}(self.{RUNNER}, item)",
                    *indent(["for item in " + inner[0], *inner[1:]]),
                    brackets[1],
                ]
            elif member.overloads and not returns_none:
                inner = wrap_call(
                    f"self.{RUNNER}.{runner}(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
                returns = self.returns(member, node) or "Any"
                quoted = f"'{returns}'" if '"' in returns else f'"{returns}"'
                body = wrap_call(f"{prefix}cast(", [quoted + ",", *inner[:-1], inner[-1] + ","])
            else:
                body = wrap_call(
                    f"{prefix}self.{RUNNER}.{runner}(", [f"lambda {lam}: " + call[0], *call[1:]]
                )
        return [*header, *indent(doc), *indent(body)]

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

    def element_type(self, member: Member) -> str | None:
        """The class of the items of a ``list[X]`` a coroutine returns or of an iterator of
        ``X``, when it is a bare name (each item gets its sync view)."""
        node = member.node
        kind = self._kind(member)
        returns = node.returns
        if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
            returns = ast.parse(returns.value, mode="eval").body
        if not isinstance(returns, ast.Subscript) or not isinstance(returns.slice, ast.Name):
            return None
        outer = base_name(returns.value)
        if (kind == "call" and outer == "list") or (
            kind in ("iterate", "iterate_awaited") and outer in ITERATOR_NAMES
        ):
            return returns.slice.id
        return None

    def find_views(self, members: dict[str, Member]) -> list[tuple[Module, ast.ClassDef]]:
        """Value classes with async methods (e.g. a stream a context manager yields, an
        Inference Endpoint a listing returns)."""
        found: list[tuple[Module, ast.ClassDef]] = []
        for member in members.values():
            if member.decorator_names() & {"property", "staticmethod", "cached_property"}:
                continue
            name = self.value_type(member) or self.element_type(member)
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
            literal = sync_docstring(Rewriter(module).text(first.value))
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
            sync_name = view_name(stmt.name)
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
                    or base_name(stmt.returns or ast.Constant(None)) in ITERATOR_NAMES
                ):
                    kind = "call"
                    if is_async_generator(stmt) or (
                        base_name(stmt.returns or ast.Constant(None)) in ITERATOR_NAMES
                    ):
                        kind = (
                            "iterate_awaited"
                            if not is_async_generator(stmt)
                            and isinstance(stmt, ast.AsyncFunctionDef)
                            else "iterate"
                        )
                    body = wrap_call(
                        f"return self._runner.{kind}(", ["lambda _: " + call[0], *call[1:]]
                    )
                    returned = stmt.returns
                    view = self.views.get(returned.id) if isinstance(returned, ast.Name) else None
                    if kind == "call" and view is not None:  # another value with a view
                        inner = wrap_call(
                            "self._runner.call(", ["lambda _: " + call[0], *call[1:]], margin=12
                        )
                        body = wrap_arguments(f"return {view}(", [["self._runner"], inner])
                else:
                    body = ["return " + call[0], *call[1:]]
            lines += ["", *indent([*header, *indent(doc_lines), *indent(body)])]
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
            *indent(doc),
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
        return ["@staticmethod", *header, *indent(doc), *indent(call)]

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
        """A module-level function calling the member on the default client."""
        node = member.node
        if any(isinstance(n, ast.Name) and n.id == "Self" for n in ast.walk(node.args)):
            raise GenerationError(
                f"{member.module.path}:{node.lineno}: {member.name!r} takes `Self`, which a "
                "module-level function cannot; add it to NOT_MODULE_FUNCTIONS"
            )
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
        default_module = f"{self.reader.package}._functions._default"
        self.extra.add(Origin(default_module, "default_client", "default_client"))
        if member.overloads:
            self.extra.update(
                {
                    Origin("typing", "Any", "Any"),
                    Origin("typing", "cast", "cast"),
                    Origin("typing", "overload", "overload"),
                }
            )
        target = "cast(Any, default_client())" if member.overloads else "default_client()"
        if arguments:
            call = [f"{target}.{member.name}(", *(f"    {a}," for a in arguments), ")"]
        else:
            call = [f"{target}.{member.name}()"]
        if member.overloads and not returns_none:
            returns = self.returns(member, node) or "Any"
            quoted = f"'{returns}'" if '"' in returns else f'"{returns}"'
            body = wrap_call(f"{prefix}cast(", [quoted + ",", *call[:-1], call[-1] + ","])
        else:
            body = [prefix + call[0], *call[1:]]
        header = self._function_header(member, node)
        return [*lines, *header, *indent(doc), *indent(body)]


def _draws_progress(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A method whose ``progress`` takes transfer events (``ProgressCallback``): its sync twin
    passes tqdm bars when the caller gives none (``hubclient._tqdm.script_progress``)."""
    for arg in node.args.kwonlyargs + node.args.args:
        if arg.arg == "progress" and arg.annotation is not None:
            names = {n.id for n in ast.walk(arg.annotation) if isinstance(n, ast.Name)}
            return "ProgressCallback" in names
    return False
