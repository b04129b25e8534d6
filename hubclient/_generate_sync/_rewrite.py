"""Rewriting source text: expressions with async names mapped to sync ones, docstrings, and the
small text helpers of the emitter."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hubclient._generate_sync._names import ASYNC_CLASS, ASYNC_TO_SYNC, SYNC_CLASS, GenerationError

if TYPE_CHECKING:
    from hubclient._generate_sync._source import Module


class Rewriter:
    """Reads an expression's source text and applies edits located by AST positions."""

    def __init__(self, module: Module, views: dict[str, str] | None = None) -> None:
        self.module = module
        self._starts = module.line_starts()
        self._names = {**ASYNC_TO_SYNC, **(views or {})}

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
                    and base_name(sub.value) == "AsyncGenerator"
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


def base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return base_name(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return ""
    return ""


def sync_docstring(literal: str) -> str:
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


def is_async_generator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
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


def view_name(name: str) -> str:
    """Sync names for the async spellings of a value class (aiter_bytes -> iter_bytes)."""
    if name.startswith("aiter_"):
        return name[1:]
    return {"aclose": "close", "aread": "read"}.get(name, name)


def wrap_call(
    opening: str,
    inner: list[str],
    *,
    trailing: Sequence[str] = (),
    close: str = ")",
    margin: int = 8,
) -> list[str]:
    """`opening` + inner lines + `close`, on one line when short enough (at `margin` columns
    of indentation), else exploded."""
    if len(inner) == 1 and not trailing:
        one = f"{opening}{inner[0]}{close}"
        if len(one) + margin <= 100:
            return [one]
    lines = [opening, *(f"    {line}" for line in inner)]
    if trailing:
        lines[-1] += ","
        lines += [f"    {t}" for t in trailing]
    return [*lines, close]


def wrap_arguments(opening: str, arguments: list[list[str]], *, margin: int = 8) -> list[str]:
    """A call of several arguments (each given as its lines) as ruff formats it: on one line
    when it fits, else the arguments on one line of their own, else one argument per line, each
    with a trailing comma."""
    if all(len(argument) == 1 for argument in arguments):
        flat = ", ".join(argument[0] for argument in arguments)
        if margin + len(opening) + len(flat) + 1 <= 100:
            return [f"{opening}{flat})"]
        if margin + 4 + len(flat) <= 100:
            return [opening, f"    {flat}", ")"]
    lines = [opening]
    for argument in arguments:
        lines += [f"    {line}" for line in argument[:-1]] + [f"    {argument[-1]},"]
    return [*lines, ")"]


def indent(lines: list[str], by: str = "    ") -> list[str]:
    out = []
    for line in lines:
        if "\n" in line:  # a multi-line docstring literal keeps its own indentation
            head, *rest = line.split("\n")
            out.append(by + head + ("\n" + "\n".join(rest) if rest else ""))
        else:
            out.append(by + line if line else line)
    return out
