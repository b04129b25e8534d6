"""Building the ledger: every HfApi 2.4.0 method and module-level function, and our state of it.

The facts come from the code: ``huggingface_hub`` (imported here, when a ledger is built; it is
in the ``test`` extra), ``AsyncHubClient`` and the module-level functions of ``hubclient``, the
``DEVIATIONS`` / ``NOTES`` mappings written next to the code they explain (each area module of
``hubclient/_areas/``, and ``hubclient/_file_functions.py``), and ``_plan.py`` for what has no
code yet.

``DEVIATIONS`` maps a method to ``{parameter: reason}`` for each way a call written for HfApi
would not work unchanged (``"*"``: one reason for all of them); ``NOTES`` maps a method to a
remark on behaviour that the signature does not show.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from hubclient._parity._compat import Problem, call_problems, signature_of
from hubclient._parity._plan import FUNCTIONS, NOT_PLANNED, PLANNED, SEED_ERA, Planned

__all__ = [
    "DEVIATES",
    "MISSING",
    "NOT_PLANNED_STATE",
    "REFERENCE_VERSION",
    "SAME",
    "Ledger",
    "Row",
    "build",
]

#: The huggingface_hub the ledger is written against (the ``test`` extra pins it).
REFERENCE_VERSION = "2.4.0"

SAME = "same call"
DEVIATES = "deviates"
NOT_PLANNED_STATE = "not planned"
MISSING = "missing"

_AREAS = "hubclient._areas"
_GENERATED = "hubclient._functions."


@dataclass(frozen=True)
class Row:
    """One line of the ledger."""

    name: str
    area: str
    state: str
    detail: str = ""


@dataclass
class Ledger:
    """The ledger's tables, and what is wrong with the explanations (must be empty)."""

    methods: list[Row] = field(default_factory=list)
    functions: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    ours_only: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, table: list[Row], state: str) -> int:
        return sum(1 for row in table if row.state == state)


@dataclass(frozen=True)
class _Notes:
    module: str
    deviations: Mapping[str, Mapping[str, str]]
    notes: Mapping[str, str]


def _notes_of(module: ModuleType) -> _Notes:
    return _Notes(
        module.__name__,
        getattr(module, "DEVIATIONS", {}),
        getattr(module, "NOTES", {}),
    )


def _public_methods(cls: type) -> dict[str, tuple[type, Callable[..., Any]]]:
    """Public methods of the area classes of ``cls`` (not the client's own members), by name,
    with the class that defines each."""
    out: dict[str, tuple[type, Callable[..., Any]]] = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        owner = next(c for c in cls.__mro__ if name in vars(c))
        if owner is cls or not owner.__module__.startswith(_AREAS + "."):
            continue
        value = vars(owner)[name]
        if isinstance(value, property | staticmethod | classmethod) or not callable(value):
            continue
        out[name] = (owner, getattr(cls, name))
    return out


def _area_modules() -> dict[str, ModuleType]:
    package = importlib.import_module(_AREAS)
    out: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            out[info.name] = importlib.import_module(f"{_AREAS}.{info.name}")
    return out


def _explain(
    name: str,
    problems: list[Problem],
    notes: _Notes,
    errors: list[str],
) -> tuple[str, str]:
    """The state and detail of a method we have, recording unexplained and stale reasons."""
    reasons = dict(notes.deviations.get(name, {}))
    where = f"DEVIATIONS in {notes.module.replace('.', '/')}.py"
    if problems and "*" in reasons:
        detail = reasons.pop("*")
        for key in reasons:
            errors.append(f"{name}: {where} gives '*' and {key!r}; keep one")
        return DEVIATES, detail
    if "*" in reasons:
        errors.append(f"{name}: call-compatible now; remove its '*' entry from {where}")
        reasons.pop("*")
    explained: list[str] = []
    for problem in problems:
        reason = reasons.pop(problem.parameter, None)
        if reason is None:
            errors.append(
                f"{name}({problem.parameter}): {problem.text}; make the call work as in "
                f"huggingface_hub, or explain it in {where}: "
                f'{{"{name}": {{"{problem.parameter}": "why"}}}}'
            )
            explained.append(f"`{problem.parameter}`: {problem.text} (unexplained)")
        else:
            explained.append(f"`{problem.parameter}`: {reason}")
    for key in reasons:
        errors.append(f"{name}({key}): no longer deviates; remove it from {where}")
    if not problems:
        return SAME, notes.notes.get(name, "")
    note = notes.notes.get(name)
    return DEVIATES, "; ".join([*explained, *([note] if note else [])])


def _planned(name: str, planned: Planned | None, errors: list[str], what: str) -> Row:
    if planned is None:
        errors.append(
            f"{what} {name}: not in hubclient and not planned; add it to PLANNED or "
            "NOT_PLANNED in hubclient/_parity/_plan.py"
        )
        return Row(name, "?", MISSING, "no plan")
    return Row(name, planned.area, MISSING, f"issue {planned.issue}")


def build() -> Ledger:
    """Read huggingface_hub and hubclient and build the ledger.

    Example::

        ledger = build()
        assert not ledger.errors, ledger.errors
    """
    import huggingface_hub
    from huggingface_hub import HfApi

    import hubclient
    from hubclient import AsyncHubClient
    from hubclient._generate_sync import NOT_MODULE_FUNCTIONS

    ledger = Ledger()
    errors = ledger.errors
    if huggingface_hub.__version__ != REFERENCE_VERSION:
        errors.append(
            f"the ledger is written against huggingface_hub {REFERENCE_VERSION} (the test "
            f"extra's pin); this is {huggingface_hub.__version__}"
        )
    reference = {
        name: value
        for name, value in vars(HfApi).items()
        if not name.startswith("_") and inspect.isfunction(value)
    }
    areas = _area_modules()
    notes_by_area = {name: _notes_of(module) for name, module in areas.items()}
    ours = _public_methods(AsyncHubClient)

    def area_of(owner: type) -> str:
        return owner.__module__.rpartition(".")[2]

    # stale explanations: a method named in DEVIATIONS/NOTES that its area does not define
    for area, notes in notes_by_area.items():
        defined = {name for name, (owner, _) in ours.items() if area_of(owner) == area}
        for name in [*notes.deviations, *notes.notes]:
            if name not in defined:
                errors.append(f"{notes.module}: DEVIATIONS/NOTES name {name!r}, not a method here")

    for name in sorted(reference):
        if name in ours:
            owner, method = ours[name]
            area = area_of(owner)
            problems = call_problems(signature_of(reference[name]), signature_of(method))
            state, detail = _explain(name, problems, notes_by_area[area], errors)
            ledger.methods.append(Row(name, area, state, detail))
        elif name in NOT_PLANNED:
            ledger.methods.append(Row(name, "-", NOT_PLANNED_STATE, NOT_PLANNED[name]))
        else:
            ledger.methods.append(_planned(name, PLANNED.get(name), errors, "HfApi method"))
    for name in PLANNED:
        if name not in reference:
            errors.append(f"_plan.PLANNED names {name!r}, which HfApi does not have")

    # module-level functions, against huggingface_hub's own
    names = sorted([n for n in reference if hasattr(huggingface_hub, n)] + list(FUNCTIONS))
    for name in names:
        theirs = getattr(huggingface_hub, name)
        mine = getattr(hubclient, name, None) if name in hubclient.__all__ else None
        if mine is not None:
            module = mine.__module__
            if module.startswith(_GENERATED) and name in ours:
                owner, _ = ours[name]
                area, notes = area_of(owner), notes_by_area[area_of(owner)]
            else:
                area, notes = "functions", _notes_of(sys.modules[module])
            problems = call_problems(inspect.signature(theirs), inspect.signature(mine))
            state, detail = _explain(name, problems, notes, errors)
            ledger.functions.append(Row(name, area, state, detail))
        elif name in ours and name in NOT_MODULE_FUNCTIONS:
            owner, _ = ours[name]
            reason = NOT_MODULE_FUNCTIONS[name]
            ledger.functions.append(Row(name, area_of(owner), NOT_PLANNED_STATE, reason))
        elif name in ours:
            errors.append(f"hubclient.{name}: the method exists but no module-level function")
            ledger.functions.append(Row(name, area_of(ours[name][0]), MISSING, "not exported"))
        elif name in NOT_PLANNED:
            ledger.functions.append(Row(name, "-", NOT_PLANNED_STATE, NOT_PLANNED[name]))
        elif name in reference:
            ledger.functions.append(_planned(name, PLANNED.get(name), errors, "function"))
        else:
            ledger.functions.append(_planned(name, FUNCTIONS[name], errors, "function"))

    # seed-era methods that 2.4.0 removed
    for name, removed in sorted(SEED_ERA.items()):
        if name in reference:
            errors.append(f"_plan.SEED_ERA names {name!r}, which HfApi 2.4.0 still has")
        if name in ours:
            state = f"alias ({area_of(ours[name][0])})"
        elif removed.planned is not None:
            state = f"missing: issue {removed.planned.issue} ({removed.planned.area})"
        elif removed.reason is not None:
            state = f"not planned: {removed.reason}"
        else:
            errors.append(f"_plan.SEED_ERA[{name!r}]: neither an alias, a plan nor a reason")
            state = "missing"
        ledger.removed.append(Row(name, removed.seeds, state, removed.went))

    # what only hubclient has
    for name, (owner, method) in sorted(ours.items()):
        if name in reference or name in SEED_ERA:
            continue
        summary = (inspect.getdoc(method) or "").strip().splitlines()
        first = summary[0] if summary else ""
        first = first.replace(":meth:`", "`").replace(":class:`", "`").replace("``", "`")
        ledger.ours_only.append(Row(name, area_of(owner), "", first))
    return ledger
