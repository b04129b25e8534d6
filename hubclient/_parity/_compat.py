"""Call compatibility: would a call written for huggingface_hub's signature work with ours?

A call written for HfApi (positional or keyword) works unchanged when, for every parameter of
the reference: a positional one is accepted at the same position under the same name (and by
keyword, unless the reference's is positional-only); a keyword one is accepted by keyword; an
optional one stays optional, with the same default, or with ``None`` where ours means "the
client's setting" (:data:`CLIENT_SETTINGS`). Our extra parameters are fine when a call that does
not name them still works (keyword-only, or positional after the reference's, with a default).
Annotations and return types are not compared; names starting with ``_`` in the reference
(``_hot_reload``) are private and left out.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CLIENT_SETTINGS", "Problem", "call_problems", "signature_of"]

#: Parameters whose default ``None`` means "the client's setting", where huggingface_hub writes
#: the value of that setting as the default; the value says which setting it is.
CLIENT_SETTINGS: dict[str, str] = {
    "timeout": "the client's timeout (HubSettings.timeout)",
    "etag_timeout": "the client's etag_timeout (HF_HUB_ETAG_TIMEOUT, 10 s unless set)",
    "max_workers": "the client's download concurrency (DownloadOptions.max_files_in_flight)",
    "retry_on_errors": "the client's retry policy (max_retries)",
}

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True)
class Problem:
    """One way a call written for the reference would fail (or change meaning) with ours."""

    parameter: str
    """The reference's parameter (or ours, for an extra required one; ``*args``, ``**kwargs``)."""
    text: str
    """What such a call hits, in a few words."""


def signature_of(function: Callable[..., Any]) -> inspect.Signature:
    """The signature of a function, or of a method without ``self`` (read off the class)."""
    signature = inspect.signature(function)
    params = list(signature.parameters.values())
    if params and params[0].name == "self":
        signature = signature.replace(parameters=params[1:])
    return signature


def _same_default(reference: Any, ours: Any) -> bool:
    if reference is ours:
        return True
    try:
        equal = bool(reference == ours)
    except Exception:  # an odd default that cannot be compared: compare how it is written
        return repr(reference) == repr(ours)
    kinds_match = type(reference) is type(ours) or (
        isinstance(reference, str) and isinstance(ours, str)
    )
    return equal and kinds_match


def _defaults(reference: inspect.Parameter, ours: inspect.Parameter) -> list[Problem]:
    empty = inspect.Parameter.empty
    if reference.default is empty:
        return []
    if ours.default is empty:
        return [Problem(reference.name, "required here, optional in huggingface_hub")]
    if _same_default(reference.default, ours.default):
        return []
    if ours.default is None and reference.name in CLIENT_SETTINGS:
        return []
    return [
        Problem(
            reference.name,
            f"default {ours.default!r} here, {reference.default!r} in huggingface_hub",
        )
    ]


def call_problems(reference: inspect.Signature, ours: inspect.Signature) -> list[Problem]:
    """The ways a call written for ``reference`` would not work unchanged with ``ours``.

    Example::

        call_problems(signature_of(HfApi.model_info), signature_of(AsyncHubClient.model_info))
    """
    kind = inspect.Parameter
    ref = [p for p in reference.parameters.values() if not p.name.startswith("_")]
    own = list(ours.parameters.values())
    own_by_name = {p.name: p for p in own if p.kind not in (kind.VAR_POSITIONAL, kind.VAR_KEYWORD)}
    own_positional = [p for p in own if p.kind in _POSITIONAL]
    problems: list[Problem] = []
    matched: set[str] = set()

    for index, param in enumerate(p for p in ref if p.kind in _POSITIONAL):
        at = own_positional[index] if index < len(own_positional) else None
        if at is None or (param.kind is kind.POSITIONAL_OR_KEYWORD and at.name != param.name):
            same = own_by_name.get(param.name)
            if same is None:
                problems.append(Problem(param.name, "missing"))
            else:
                matched.add(same.name)
                where = "keyword-only" if same.kind is kind.KEYWORD_ONLY else "at another place"
                problems.append(
                    Problem(param.name, f"positional #{index + 1} in huggingface_hub, {where} here")
                )
            continue
        matched.add(at.name)
        if param.kind is kind.POSITIONAL_OR_KEYWORD and at.kind is kind.POSITIONAL_ONLY:
            problems.append(Problem(param.name, "positional-only here"))
        problems += _defaults(param, at)

    for param in (p for p in ref if p.kind is kind.KEYWORD_ONLY):
        same = own_by_name.get(param.name)
        if same is None or same.kind is kind.POSITIONAL_ONLY:
            problems.append(Problem(param.name, "missing"))
            continue
        matched.add(same.name)
        problems += _defaults(param, same)

    own_kinds = {p.kind for p in own}
    if any(p.kind is kind.VAR_POSITIONAL for p in ref) and kind.VAR_POSITIONAL not in own_kinds:
        problems.append(Problem("*args", "extra positional arguments are refused here"))
    if any(p.kind is kind.VAR_KEYWORD for p in ref) and kind.VAR_KEYWORD not in own_kinds:
        problems.append(Problem("**kwargs", "extra keyword arguments are refused here"))

    for param in own:
        if param.name in matched or param.kind in (kind.VAR_POSITIONAL, kind.VAR_KEYWORD):
            continue
        if param.default is inspect.Parameter.empty:
            problems.append(Problem(param.name, "required here, unknown to huggingface_hub"))
    return problems
