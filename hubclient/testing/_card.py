"""The YAML front matter of a README (model/dataset card), read with a deliberately tiny parser.

Only what repo listings need: ``key: value`` scalars, ``key: [a, b]`` and ``- item`` lists, and
one level of nested ``key:`` / ``  sub: value`` mappings (``co2_eq_emissions: {emissions: …}``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["card_data", "card_tags"]


def _scalar(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(p) for p in text[1:-1].split(",") if p.strip()]
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~", ""):
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _parse(text: str) -> tuple[tuple[str, Any], ...] | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    data: dict[str, Any] = {}
    current: str | None = None
    for line in lines[1:]:
        if line.strip() == "---":
            return tuple(data.items())
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        stripped = line.strip()
        if stripped.startswith("- ") and current is not None:
            if not isinstance(data.get(current), list):
                data[current] = []
            data[current].append(_scalar(stripped[2:]))
            continue
        if line[0] in " \t":
            # one level of nesting: `  sub: value` under a `key:` with no value of its own
            sub, sep, value = stripped.partition(":")
            if current is not None and sep and sub and isinstance(data.get(current), dict | None):
                nested = data[current] if isinstance(data.get(current), dict) else {}
                nested[sub.strip()] = _scalar(value) if value.strip() else None
                data[current] = nested
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        current = key.strip()
        data[current] = _scalar(value) if value.strip() else None
    return None


def card_data(readme: str) -> dict[str, Any] | None:
    """The front matter as a dict, or ``None`` when there is none."""
    parsed = _parse(readme)
    return dict(parsed) if parsed is not None else None


def card_tags(data: dict[str, Any] | None) -> list[str]:
    """The tags the Hub derives from a card: its ``tags``, library, pipeline, license, datasets."""
    if not data:
        return []
    tags: list[str] = []

    def as_list(value: Any) -> list[str]:
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    tags += as_list(data.get("library_name"))
    tags += as_list(data.get("tags"))
    tags += as_list(data.get("pipeline_tag"))
    tags += [f"license:{v}" for v in as_list(data.get("license"))]
    tags += [f"dataset:{v}" for v in as_list(data.get("datasets"))]
    tags += as_list(data.get("language"))
    return list(dict.fromkeys(tags))
