"""Import lines for generated text, sorted and grouped as ruff's isort sorts them."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hubclient._generate_sync._source import Origin


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


def sorted_imports(origins: Sequence[Origin], first_party: set[str]) -> list[str]:
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
