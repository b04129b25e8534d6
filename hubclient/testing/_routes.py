"""The local Hub's route table: each ``_api_<area>.py`` declares its routes, the app matches them.

A route is a method (or several), a pattern and a handler ``async def handler(ctx, **params)``.
Patterns are matched on the request's path segments, percent-decoded one by one (so
``refs%2Fpr%2F1`` stays one segment, as the Python client means it). A segment of a pattern is
a literal or a placeholder:

==================  ==========================================================================
``{types}``          ``models``, ``datasets`` or ``spaces``: passes ``repo_type`` (singular);
                     ``Route(types=("spaces",))`` narrows it
``{prefix?}``        the optional type prefix of file URLs (``datasets/``, ``spaces/``): passes
                     ``repo_type`` (``"model"`` when absent)
``{repo}``           ``namespace/name`` (two segments): passes ``repo``, the
                     :class:`~hubclient.testing._repo.Repo` the caller may see (else the Hub's
                     RepoNotFound answer, or the redirect of a moved repo)
``{repo.git}``       the same, the name ending in ``.git`` (git and LFS URLs)
``{repo_id}``        ``namespace/name`` unresolved: passes ``repo_id`` (a string)
``{rev}``            a revision: one segment, or ``refs/<kind>/<x>`` written raw in three:
                     passes ``revision``
``{name}``           any one segment: passes it as ``name``
``{name+}``          one or more segments, joined by ``/``
``{name*}``          zero or more segments, joined by ``/`` (``""`` when none)
==================  ==========================================================================

Example (in ``_api_discussions.py``)::

    ROUTES = [
        Route("GET", "/api/{types}/{repo}/discussions", list_discussions),
        Route("POST", "/api/{types}/{repo}/discussions/{num}/comment", comment),
    ]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from hubclient.testing._errors import HubError
from hubclient.testing._web import TYPES_PLURAL, Ctx

__all__ = ["Route", "Router"]

Handler = Callable[..., Awaitable[Response]]

_REF_KINDS = ("pr", "convert", "heads", "tags")
_PREFIXES = {"datasets": "dataset", "spaces": "space", "kernels": "kernel"}


@dataclass(frozen=True)
class _Token:
    kind: str  # "literal", "types", "prefix", "repo", "repo.git", "repo_id", "rev", "one", "rest"
    value: str = ""  # the literal, or the parameter name
    min_rest: int = 0  # for "rest": 1 with ``+``, 0 with ``*``


def _compile(pattern: str) -> tuple[_Token, ...]:
    if not pattern.startswith("/"):
        raise ValueError(f"a route pattern starts with '/': {pattern!r}")
    tokens: list[_Token] = []
    for part in pattern[1:].split("/"):
        if not (part.startswith("{") and part.endswith("}")):
            tokens.append(_Token("literal", part))
            continue
        name = part[1:-1]
        if name in ("types", "prefix?", "repo", "repo.git", "repo_id", "rev"):
            tokens.append(_Token(name.rstrip("?")))
        elif name.endswith(("+", "*")):
            tokens.append(_Token("rest", name[:-1], 1 if name.endswith("+") else 0))
        elif name.isidentifier():
            tokens.append(_Token("one", name))
        else:
            raise ValueError(f"unknown placeholder {part!r} in {pattern!r}")
    rests = [t for t in tokens if t.kind == "rest"]
    if len(rests) > 1 or (rests and tokens[-1] is not rests[0]):
        raise ValueError(f"a {{name+}} or {{name*}} placeholder comes last: {pattern!r}")
    return tuple(tokens)


@dataclass(frozen=True)
class Route:
    """One route of the local Hub: ``methods`` on ``pattern``, answered by ``handler``."""

    methods: str | Sequence[str]
    pattern: str
    handler: Handler
    types: tuple[str, ...] | None = None
    """For ``{types}``: the plural types this route serves (default: all three)."""
    tokens: tuple[_Token, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", _compile(self.pattern))
        if isinstance(self.methods, str):
            object.__setattr__(self, "methods", (self.methods,))

    def match(self, segments: list[str]) -> dict[str, Any] | None:
        """The parameters if ``segments`` fit the pattern, else None (nothing is resolved)."""
        params: dict[str, Any] = {}
        i = 0
        for token in self.tokens:
            rest = segments[i:]
            if token.kind == "literal":
                if not rest or rest[0] != token.value:
                    return None
                i += 1
            elif token.kind == "types":
                if not rest or rest[0] not in TYPES_PLURAL:
                    return None
                if self.types is not None and rest[0] not in self.types:
                    return None
                params["repo_type"] = TYPES_PLURAL[rest[0]]
                i += 1
            elif token.kind == "prefix":
                # a type prefix only where a repo id (two segments) and more still follow
                if len(rest) >= 3 and rest[0] in _PREFIXES:
                    params["repo_type"] = _PREFIXES[rest[0]]
                    i += 1
                else:
                    params["repo_type"] = "model"
            elif token.kind in ("repo", "repo_id", "repo.git"):
                if len(rest) < 2 or not rest[0] or not rest[1]:
                    return None
                name = rest[1]
                if token.kind == "repo.git":
                    if not name.endswith(".git") or name == ".git":
                        return None
                    name = name[:-4]
                params["repo_id"] = f"{rest[0]}/{name}"
                i += 2
            elif token.kind == "rev":
                if not rest or not rest[0]:
                    return None
                if rest[0] == "refs" and len(rest) >= 3 and rest[1] in _REF_KINDS:
                    params["revision"] = "/".join(rest[:3])
                    i += 3
                else:
                    params["revision"] = rest[0]
                    i += 1
            elif token.kind == "one":
                if not rest:
                    return None
                params[token.value] = rest[0]
                i += 1
            else:  # rest
                if len(rest) < token.min_rest or (token.min_rest and not "".join(rest)):
                    return None
                params[token.value] = "/".join(rest)
                i = len(segments)
        if i != len(segments):
            return None
        return params

    @property
    def resolves_repo(self) -> bool:
        return any(t.kind in ("repo", "repo.git") for t in self.tokens)


class Router:
    """Finds the route of a request and calls its handler."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = list(routes)

    async def dispatch(self, ctx: Ctx, method: str, segments: list[str]) -> Response:
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(segments)
            if params is None:
                continue
            if method not in route.methods:
                allowed.extend(route.methods)
                continue
            if route.resolves_repo:
                repo_id = params.pop("repo_id")
                params["repo"] = ctx.find_repo(params.pop("repo_type"), repo_id)
            return await route.handler(ctx, **params)
        if allowed:
            raise HubError(
                405,
                f"Method {method} not allowed",
                headers={"Allow": ", ".join(dict.fromkeys(allowed))},
            )
        raise HubError(404, f"Not found: {method} {ctx.request.url.path}")
