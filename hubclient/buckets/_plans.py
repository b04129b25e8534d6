"""Sync plans on disk and the filters of a sync: the same JSONL and rules as huggingface_hub's
``hf buckets sync``, so that a plan saved by one client can be applied by the other.

A plan file is a header line (``{"type": "header", "source", "dest", "timestamp",
"summary"}``) and one line per operation (``{"type": "operation", "action", "path", "reason",
"size"?, "local_mtime"?, "remote_mtime"?}``). A filter file has one rule per line: ``+ pattern``
includes, ``- pattern`` excludes, a bare pattern includes; ``#`` comments.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from hubclient.errors import HFValidationError
from hubclient.models.buckets import SyncOperation, SyncPlan

__all__ = ["MAX_PLAN_BYTES", "FilterMatcher", "load_plan", "read_filter_file", "write_plan"]

MAX_PLAN_BYTES = 1024 * 1024 * 1024
"""The largest plan file read (a plan is a line of about 200 bytes per file)."""


def _normalize(pattern: str) -> str:
    return pattern.replace("\\", "/")


class FilterMatcher:
    """Which relative paths a sync takes: filter-file rules first (the first match decides),
    then ``exclude``, then ``include`` (when any is given, a path must match one). Patterns are
    fnmatch-style and case-sensitive; backslashes are path separators."""

    def __init__(
        self,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        rules: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        self.include = [_normalize(p) for p in include or []]
        self.exclude = [_normalize(p) for p in exclude or []]
        self.rules = [(sign, _normalize(p)) for sign, p in rules or []]

    def matches(self, path: str) -> bool:
        for sign, pattern in self.rules:
            if fnmatch.fnmatchcase(path, pattern):
                return sign == "+"
        if any(fnmatch.fnmatchcase(path, p) for p in self.exclude):
            return False
        if self.include:
            return any(fnmatch.fnmatchcase(path, p) for p in self.include)
        return True


def read_filter_file(path: str | Path) -> list[tuple[str, str]]:
    """The ``(sign, pattern)`` rules of a filter file."""
    rules: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line[0] in "+-":
                rules.append((line[0], line[1:].strip()))
            else:
                rules.append(("+", line))
    return rules


def _operation_line(op: SyncOperation) -> dict[str, Any]:
    line: dict[str, Any] = {
        "type": "operation",
        "action": op.action,
        "path": op.path,
        "reason": op.reason,
    }
    if op.size is not None:
        line["size"] = op.size
    if op.local_mtime is not None:
        line["local_mtime"] = op.local_mtime
    if op.remote_mtime is not None:
        line["remote_mtime"] = op.remote_mtime
    return line


def write_plan(plan: SyncPlan, out: TextIO) -> None:
    """The plan as JSONL."""
    out.write(json.dumps(plan.header()) + "\n")
    for op in plan.operations:
        out.write(json.dumps(_operation_line(op)) + "\n")


def _operation(line: str) -> SyncOperation | None:
    if not line.strip():
        return None
    item = json.loads(line)
    if not isinstance(item, dict) or item.get("type") != "operation":
        return None
    return SyncOperation(
        action=item["action"],
        path=item["path"],
        size=item.get("size"),
        reason=item.get("reason", ""),
        local_mtime=item.get("local_mtime"),
        remote_mtime=item.get("remote_mtime"),
    )


def load_plan(path: str | Path) -> SyncPlan:
    """A plan file read back; `HFValidationError` for one that is not a plan."""
    where = Path(path)
    if where.stat().st_size > MAX_PLAN_BYTES:
        raise HFValidationError(f"{path}: larger than {MAX_PLAN_BYTES} bytes, not a plan file")
    lines = where.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise HFValidationError(f"Empty plan file: {path}")
    try:
        header = json.loads(lines[0])
        if not isinstance(header, dict) or header.get("type") != "header":
            raise ValueError("the first line is not a plan header")
        plan = SyncPlan(source=header["source"], dest=header["dest"], timestamp=header["timestamp"])
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        raise HFValidationError(f"{path}: not a sync plan (line 1): {exc}") from None
    for number, line in enumerate(lines[1:], 2):
        try:
            operation = _operation(line)
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            raise HFValidationError(f"{path}: not a sync plan (line {number}): {exc}") from None
        if operation is not None:
            plan.operations.append(operation)
    return plan
