"""Compare an async class and its generated sync facade member by member (used by the tests)."""

from __future__ import annotations

import ast
import inspect
from typing import Any

from pydantic import BaseModel

from hubclient.models._base import HubModel

# Written independently of the generator's own table, so the test does not trust it.
_NAMES = {
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "AsyncContextManager": "ContextManager",
    "AsyncHubClient": "HubClient",
}
RENAMED = {"aclose": "close", "aiter_bytes": "iter_bytes", "aiter_words": "iter_words"}


class _ToSync(ast.NodeTransformer):
    def __init__(self, views: set[str]) -> None:
        self.names = {**_NAMES, **{name: f"Sync{name}" for name in views}}

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(self.names.get(node.id, node.id), node.ctx), node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        node.attr = self.names.get(node.attr, node.attr)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        was_generator = isinstance(node.value, ast.Name) and node.value.id == "AsyncGenerator"
        self.generic_visit(node)
        if was_generator and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2:
            node.slice.elts.append(ast.Constant(None))
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if node.value == "AsyncHubClient":
            return ast.copy_location(ast.Constant("HubClient"), node)
        return node


def normalize(annotation: Any, *, to_sync: bool = False, views: set[str] | None = None) -> str:
    """An annotation (a string under `from __future__ import annotations`) in canonical form.

    With `to_sync`, async names are mapped to their sync twins (`views`: classes X whose sync
    view SyncX the facade returns instead).
    """
    if annotation is inspect.Parameter.empty:
        return "<empty>"
    tree = ast.parse(str(annotation), mode="eval")
    if to_sync:
        tree = _ToSync(views or set()).visit(tree)
    return ast.unparse(tree)


def _from_the_model_base(cls: type, name: str) -> bool:
    """Whether ``name`` comes from pydantic's ``BaseModel`` or our ``HubModel`` (``model_dump``,
    ``to_dict``, …): a sync view of a model (``SyncInferenceEndpoint``) offers the model's own
    members and its ``raw`` data, not the data-model machinery."""
    if not issubclass(cls, BaseModel):
        return False
    return hasattr(BaseModel, name) or name in vars(HubModel)


def public_members(cls: type) -> dict[str, Any]:
    """Public members (and __init__), as found on the class without binding."""
    return {
        name: inspect.getattr_static(cls, name)
        for name in dir(cls)
        if (not name.startswith("_") or name == "__init__") and not _from_the_model_base(cls, name)
    }


def _function(member: Any) -> Any:
    if isinstance(member, property):
        return member.fget
    if isinstance(member, staticmethod | classmethod):
        return member.__func__
    return member


def compare_signatures(
    async_cls: type, sync_cls: type, *, views: set[str] | None = None, init: bool = True
) -> list[str]:
    """Every difference between the async class's public surface and the sync facade's."""
    problems: list[str] = []
    sync_members = public_members(sync_cls)
    for name, member in public_members(async_cls).items():
        if name == "__init__" and not init:
            continue
        sync_name = RENAMED.get(name, name)
        if sync_name not in sync_members:
            problems.append(f"{name}: no twin {sync_name!r} on {sync_cls.__name__}")
            continue
        twin = sync_members[sync_name]
        if type(member) is not type(twin) and not (
            inspect.isfunction(member) and inspect.isfunction(twin)
        ):
            problems.append(f"{name}: {type(member).__name__} vs {type(twin).__name__}")
            continue
        async_fn, sync_fn = _function(member), _function(twin)
        if inspect.iscoroutinefunction(sync_fn) or inspect.isasyncgenfunction(sync_fn):
            problems.append(f"{name}: the sync twin is async")
        a, s = inspect.signature(async_fn), inspect.signature(sync_fn)
        if list(a.parameters) != list(s.parameters):
            problems.append(f"{name}: parameters {list(a.parameters)} vs {list(s.parameters)}")
            continue
        for pname, ap in a.parameters.items():
            sp = s.parameters[pname]
            if ap.kind != sp.kind:
                problems.append(f"{name}({pname}): kind {ap.kind} vs {sp.kind}")
            if ap.default != sp.default:
                problems.append(f"{name}({pname}): default {ap.default!r} vs {sp.default!r}")
            if normalize(ap.annotation) != normalize(sp.annotation):
                problems.append(f"{name}({pname}): {ap.annotation!r} vs {sp.annotation!r}")
        expected = normalize(a.return_annotation, to_sync=True, views=views)
        if name == "__init__":
            expected = normalize(a.return_annotation)
        if expected != normalize(s.return_annotation):
            problems.append(f"{name} -> {s.return_annotation!r}, expected {expected!r}")
    return problems
