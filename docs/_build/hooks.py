"""Hooks of the documentation site (``mkdocs.yml``: ``hooks:``).

* ``changelog.md`` and ``contributing.md`` are the repository's ``CHANGELOG.md`` and
  ``CONTRIBUTING.md``, their links rewritten from the repository's layout to the site's.
* ``benchmarks.md`` gets a chart drawn from its own results table (the ratio column), so the
  chart and the figures can never disagree.
* ``migration.md``: the table of differences comes from the parity ledger (``docs/parity.md``,
  generated from huggingface_hub and our client) when the ledger exists; in the ledger's own
  page, Python subscripts (``['auth']``) are kept from being read as reference links.

The API reference's docstrings go through ``griffe_examples.py`` (a griffe extension).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

_INCLUDED = {"changelog.md": "CHANGELOG.md", "contributing.md": "CONTRIBUTING.md"}
_REPO_LINKS = {
    "CHANGELOG.md": "changelog.md",
    "CONTRIBUTING.md": "contributing.md",
    "README.md": "index.md",
}


def _site_links(markdown: str) -> str:
    """Links of a top-level file, as the site lays the pages out."""

    def fix(match: re.Match[str]) -> str:
        target = match.group(1)
        path, _, anchor = target.partition("#")
        if path.startswith("docs/"):
            path = path.removeprefix("docs/")
        else:
            path = _REPO_LINKS.get(path, path)
        return f"]({path}{'#' + anchor if anchor else ''})"

    return re.sub(r"\]\(((?!https?://|#)[^)\s]+)\)", fix, markdown)


# ---------------------------------------------------------------------------- benchmark chart

_RATIO = re.compile(r"[×x]\s*([0-9]+(?:\.[0-9]+)?)")


def benchmark_rows(markdown: str) -> list[tuple[str, float]]:
    """``(what, ratio)`` for each row of the first table whose last column is ``ratio``."""
    rows: list[tuple[str, float]] = []
    in_table = False
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|"):
            if in_table:
                break
            continue
        if not in_table:
            in_table = cells[-1].lower() == "ratio"
            continue
        match = _RATIO.search(cells[-1])
        if match and not set(cells[0]) <= {"-", ":", " "}:
            rows.append((re.sub(r"[`*]", "", cells[0]), float(match.group(1))))
    return rows


def ratio_chart(rows: list[tuple[str, float]]) -> str:
    """A horizontal bar chart (inline SVG) of the ratios, with the ×1 line marked."""
    label_width, bar_width, row_height = 470, 300, 26
    top = 28
    height = top + row_height * len(rows) + 24
    scale = max([1.0, *[ratio for _, ratio in rows]]) * 1.1
    width = label_width + bar_width + 70

    def x(ratio: float) -> float:
        return label_width + bar_width * ratio / scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="hubclient speed relative to huggingface_hub" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="{label_width}" y="16" font-weight="bold">'
        "how many times faster than huggingface_hub (×1: as fast)</text>",
    ]
    for i, (what, ratio) in enumerate(rows):
        y = top + i * row_height
        label = what if len(what) <= 72 else what[:71] + "…"
        colour = "#3f51b5" if ratio >= 1 else "#e53935"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{html.escape(label)}'
            f"<title>{html.escape(what)}</title></text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{x(ratio) - label_width:.1f}" '
            f'height="{row_height - 8}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{x(ratio) + 6:.1f}" y="{y + 16}">×{ratio:g}</text>')
    one = x(1.0)
    parts.append(
        f'<line x1="{one:.1f}" y1="{top - 4}" x2="{one:.1f}" y2="{height - 18}" '
        'stroke="#555" stroke-dasharray="4 3"/>'
    )
    parts.append(f'<text x="{one:.1f}" y="{height - 4}" text-anchor="middle">×1</text>')
    parts.append("</svg>")
    return "".join(parts)


def _with_chart(markdown: str) -> str:
    rows = benchmark_rows(markdown)
    if not rows:
        raise ValueError("docs/benchmarks.md: no results table with a 'ratio' column to chart")
    chart = f'\n<div class="benchmark-chart" style="width:100%">{ratio_chart(rows)}</div>\n\n'
    marker = "\n| What |"
    at = markdown.find(marker)
    return markdown[:at] + "\n" + chart + markdown[at:] if at >= 0 else markdown + chart


# ---------------------------------------------------------------------------- migration table

MIGRATION_MARKER = "<!-- differences from the parity ledger -->"


def ledger_differences(ledger: str) -> str | None:
    """The rows of the parity ledger that are not "same call", as markdown tables.

    Every table of the ledger with a ``state`` column (not its first: that is the summary)
    gives one table here, under the heading that comes before it in the ledger.
    """
    sections: list[str] = []
    heading = ""
    lines = ledger.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if not line.lstrip().startswith("|"):
            i += 1
            continue
        table = []
        while i < len(lines) and lines[i].lstrip().startswith("|"):
            table.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
            i += 1
        header, rows = table[0], [r for r in table[1:] if not set("".join(r)) <= {"-", ":", " "}]
        states = [n for n, cell in enumerate(header) if cell.lower() == "state"]
        if not states or states[0] == 0:
            continue
        column = states[0]
        kept = [r for r in rows if len(r) > column and r[column].lower() != "same call"]
        if not kept:
            continue
        out = [f"### {heading}" if heading else "", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("| " + " | ".join("---" for _ in header) + " |")
        out.extend("| " + " | ".join(r) + " |" for r in kept)
        sections.append("\n".join(out).strip())
    return "\n\n".join(sections) if sections else None


_NO_LEDGER = (
    '!!! note "The parity ledger is not generated yet"\n'
    "    This build found no `docs/parity.md`; the per-method table appears here once the\n"
    "    ledger exists. The differences above are the ones known so far.\n"
)


def _with_ledger(markdown: str) -> str:
    if MIGRATION_MARKER not in markdown:
        return markdown
    ledger = ROOT / "docs" / "parity.md"
    table = ledger_differences(ledger.read_text(encoding="utf-8")) if ledger.exists() else None
    return markdown.replace(MIGRATION_MARKER, table if table is not None else _NO_LEDGER)


# ---------------------------------------------------------------------------- mkdocs events


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    name = page.file.src_uri
    if name in _INCLUDED:
        return _site_links((ROOT / _INCLUDED[name]).read_text(encoding="utf-8"))
    if name == "benchmarks.md":
        return _with_chart(markdown)
    if name == "migration.md":
        return _with_ledger(markdown)
    if name == "parity.md":
        return literal_subscripts(markdown)
    return markdown


def literal_subscripts(markdown: str) -> str:
    """``whoami()['auth']['role']`` in generated prose is Python, not a reference link."""
    return re.sub(r"\[('[^'\]]*')\]", r"\[\1\]", markdown)
