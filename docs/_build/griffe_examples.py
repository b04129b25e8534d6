"""A griffe extension for the API reference (``mkdocs.yml``: ``extensions:``).

Our docstrings show examples as reST literal blocks, which read well in ``help()`` and in an
editor: a line ending in ``::`` and an indented block. Markdown knows no such thing, so each
one becomes a fenced ``python`` block before the docstring is parsed (``Example::`` becomes
``Example:``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["LiteralBlocks", "literal_blocks_to_fences"]

_LEAD = re.compile(r"^(?P<indent>[ \t]*)(?P<lead>\S.*?)?::[ \t]*$")


def literal_blocks_to_fences(text: str) -> str:
    """``Example::`` + an indented block -> ``Example:`` + a fenced ``python`` block.

    Example::

        literal_blocks_to_fences("Example::\\n\\n    x = 1\\n")
        # 'Example:\\n\\n```python\\nx = 1\\n```\\n'
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _LEAD.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent = match.group("indent")
        j = i + 1
        block: list[str] = []
        while j < len(lines) and (
            not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > len(indent)
        ):
            block.append(lines[j])
            j += 1
        while block and not block[-1].strip():
            block.pop()
            j -= 1
        code = [line for line in block if line.strip()]
        if not code:
            out.append(lines[i])
            i += 1
            continue
        depth = min(len(line) - len(line.lstrip()) for line in code)
        while block and not block[0].strip():
            block.pop(0)
        if match.group("lead"):
            out.append(f"{indent}{match.group('lead')}:")
            out.append("")
        out.append(f"{indent}```python")
        out.extend(indent + line[depth:] if line.strip() else "" for line in block)
        out.append(f"{indent}```")
        i = j
    return "\n".join(out)


class LiteralBlocks(griffe.Extension):
    """Turn the reST literal blocks of every docstring into fenced code."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and "::" in obj.docstring.value:
            obj.docstring.value = literal_blocks_to_fences(obj.docstring.value)
