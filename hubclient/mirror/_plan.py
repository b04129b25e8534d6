"""The plan of a bulk job: which repos to mirror (or download), read from a file or built in code.

Two formats.

Text, one repo per line (``#`` starts a comment, blank lines are ignored)::

    # REPO                              [DEST]
    acme/model
    dataset:acme/corpus@v1.0            mirror/corpus
    spaces/acme/demo                    # hf URL style: datasets/..., spaces/...
    model:acme/other@refs/pr/1

``REPO`` is ``[TYPE:]namespace/name[@revision]`` (``TYPE`` is ``model``, ``dataset`` or
``space``; ``datasets/namespace/name`` and ``spaces/namespace/name`` work too); ``DEST`` is
the destination ``namespace/name`` (default: the same id). Without ``@revision`` every branch
and tag is mirrored.

JSON: a list of items, or ``{"repos": [...]}``; an item is an object with the fields of
:class:`~hubclient.MirrorPlanItem` (``repo_id``, ``repo_type``, ``revision``,
``dest_repo_id``) or a string written as a text line::

    {"repos": [{"repo_id": "acme/corpus", "repo_type": "dataset", "revision": "v1.0"},
               "acme/model"]}

Every problem is reported with its file and line (:class:`PlanError`, a ``ValueError``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, Field, ValidationError

from hubclient._urls import validate_repo_id
from hubclient.errors import HFValidationError
from hubclient.mirror._types import MirrorPlanItem

__all__ = ["MirrorPlan", "PlanError", "PlanLike", "plan_items"]

PlanFormat = Literal["text", "json"]
_TYPES = ("model", "dataset", "space")
_URL_PREFIXES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_REVISION_RE = re.compile(r"[^\s\x00-\x1f\x7f]+")


class PlanError(ValueError):
    """A plan that cannot be used: every problem, each with its file and line.

    Attributes:
        name: the plan file (or ``<plan>`` for text given in code).
        problems: ``(line, reason)`` pairs; ``line`` is 1-based, None when unknown.

    Example::

        try:
            plan = MirrorPlan.load("plan.txt")
        except PlanError as err:
            print(err)          # plan.txt:3: unknown repo type 'modle' (model, dataset, space)
    """

    def __init__(self, name: str, problems: list[tuple[int | None, str]]) -> None:
        self.name = name
        self.problems = problems
        super().__init__(
            "\n".join(
                f"{name}:{line}: {reason}" if line is not None else f"{name}: {reason}"
                for line, reason in problems
            )
        )


class MirrorPlan(BaseModel):
    """The repos of a bulk job, in the order their results are reported.

    Example::

        plan = MirrorPlan.parse("acme/model\\ndataset:acme/corpus@v1 mirror/corpus\\n")
        plan = MirrorPlan.load("plan.txt")                 # or plan.json
        report = await hub.mirror_repos(plan, to="https://hub.internal", to_token=t)
    """

    items: list[MirrorPlanItem] = Field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path, *, format: PlanFormat | None = None) -> MirrorPlan:
        """Read a plan file: JSON when its name ends in ``.json`` or its text starts with
        ``[`` or ``{``, else the text format. Raises :class:`PlanError` (also for a missing
        or unreadable file)."""
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise PlanError(str(path), [(None, "plan file not found")]) from None
        except (OSError, UnicodeDecodeError) as err:
            raise PlanError(str(path), [(None, f"cannot read the plan file: {err}")]) from err
        if format is None and file.suffix.lower() == ".json":
            format = "json"
        return cls.parse(text, format=format, name=str(path))

    @classmethod
    def parse(
        cls, text: str, *, format: PlanFormat | str | None = None, name: str = "<plan>"
    ) -> MirrorPlan:
        """Parse a plan's text (``format``: ``"text"``, ``"json"`` or None to detect it).

        ``name`` is what error messages call the plan (a file name).
        """
        if format is None:
            format = "json" if text.lstrip().startswith(("[", "{")) else "text"
        if format == "json":
            entries = _json_entries(text, name)
        elif format == "text":
            entries = list(_text_entries(text.splitlines()))
        else:
            raise ValueError(f"unknown plan format {format!r}: 'text' or 'json'")
        return _build(entries, name)

    @classmethod
    def from_items(
        cls, items: Iterable[MirrorPlanItem | str], *, name: str = "<plan>"
    ) -> MirrorPlan:
        """A plan from items and/or text lines (``"dataset:acme/x@v1 mirror/x"``), checked
        as a file would be (line numbers are positions in ``items``, from 1)."""
        entries: list[_Entry] = []
        for number, item in enumerate(items, start=1):
            if isinstance(item, MirrorPlanItem):
                entries.append((number, _check_item(item)))
            elif isinstance(item, str):
                entries.extend(_text_entries([item], first_line=number))
            else:
                entries.append((number, f"expected a MirrorPlanItem or a string, not {item!r}"))
        return _build(entries, name)

    def to_text(self) -> str:
        """The plan in the text format (``MirrorPlan.parse(plan.to_text()) == plan``)."""
        return "".join(format_line(item) + "\n" for item in self.items)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The plan in the JSON format (``{"repos": [...]}``)."""
        repos = [item.model_dump(exclude_defaults=True) for item in self.items]
        return json.dumps({"repos": repos}, indent=indent)


PlanLike: TypeAlias = MirrorPlan | Iterable[MirrorPlanItem | str] | str | Path


def plan_items(plan: PlanLike) -> list[MirrorPlanItem]:
    """The checked items of anything a bulk job accepts as its plan.

    A :class:`MirrorPlan` as is; a ``str`` or ``Path`` is the path of a plan file; any other
    iterable holds items and/or plan lines. Raises :class:`PlanError`.

    Example::

        plan_items(["acme/model", "dataset:acme/corpus@v1"])
    """
    if isinstance(plan, MirrorPlan):
        return MirrorPlan.from_items(plan.items).items
    if isinstance(plan, str | Path):
        path = Path(plan)
        if isinstance(plan, str) and not path.exists() and _looks_like_repo(plan):
            raise PlanError(
                plan,
                [(None, f"plan file not found (to name repos directly, pass a list: [{plan!r}])")],
            )
        return MirrorPlan.load(path).items
    return MirrorPlan.from_items(plan).items


def format_line(item: MirrorPlanItem) -> str:
    """One item as a line of the text format."""
    prefix = "" if item.repo_type == "model" else f"{item.repo_type}:"
    revision = f"@{item.revision}" if item.revision is not None else ""
    dest = f" {item.dest_repo_id}" if item.dest_repo_id is not None else ""
    return f"{prefix}{item.repo_id}{revision}{dest}"


# --- internals ---------------------------------------------------------------------------

_Entry = tuple[int | None, MirrorPlanItem | str]  # (line, item or the reason it is bad)


def _looks_like_repo(text: str) -> bool:
    try:
        _parse_repo(text)
    except ValueError:
        return False
    return not Path(text).suffix


def _build(entries: list[_Entry], name: str) -> MirrorPlan:
    problems: list[tuple[int | None, str]] = []
    items: list[MirrorPlanItem] = []
    seen: dict[tuple[str, str], int | None] = {}
    for line, entry in entries:
        if isinstance(entry, str):
            problems.append((line, entry))
            continue
        key = (entry.repo_type, entry.dest_repo_id or entry.repo_id)
        if key in seen:
            where = f"line {seen[key]}" if seen[key] is not None else "another item"
            problems.append((line, f"destination {key[0]} {key[1]!r} already used by {where}"))
            continue
        seen[key] = line
        items.append(entry)
    if not items and not problems:
        problems.append((None, "the plan names no repo"))
    if problems:
        raise PlanError(name, problems)
    return MirrorPlan(items=items)


def _text_entries(lines: Iterable[str], first_line: int = 1) -> Iterator[_Entry]:
    for number, raw in enumerate(lines, start=first_line):
        words: list[str] = []
        for word in raw.split():
            if word.startswith("#"):
                break
            words.append(word)
        if not words:
            continue
        if len(words) > 2:
            yield number, f"expected 'REPO [DEST]', got {len(words)} words: {raw.strip()!r}"
            continue
        try:
            repo_type, repo_id, revision = _parse_repo(words[0])
            dest = _check_id(words[1], "destination") if len(words) == 2 else None
        except ValueError as err:
            yield number, str(err)
            continue
        yield (
            number,
            MirrorPlanItem(
                repo_id=repo_id, repo_type=repo_type, revision=revision, dest_repo_id=dest
            ),
        )


def _parse_repo(word: str) -> tuple[Literal["model", "dataset", "space"], str, str | None]:
    """``[TYPE:]namespace/name[@revision]`` or ``datasets/namespace/name[@revision]``."""
    spec, at, revision = word.partition("@")
    if at and not _REVISION_RE.fullmatch(revision):
        raise ValueError(f"empty or invalid revision in {word!r}")
    repo_type = "model"
    if ":" in spec:
        repo_type, _, spec = spec.partition(":")
        if repo_type not in _TYPES:
            raise ValueError(
                f"unknown repo type {repo_type!r} in {word!r} (model, dataset or space)"
            )
    elif spec.count("/") == 2:
        prefix, _, rest = spec.partition("/")
        if prefix not in _URL_PREFIXES:
            raise ValueError(
                f"unknown repo type prefix {prefix + '/'!r} in {word!r} (datasets/ or spaces/)"
            )
        repo_type, spec = _URL_PREFIXES[prefix], rest
    repo_id = _check_id(spec, "repo id")
    checked: Literal["model", "dataset", "space"] = (
        "dataset" if repo_type == "dataset" else "space" if repo_type == "space" else "model"
    )
    return checked, repo_id, revision if at else None


def _check_id(repo_id: str, what: str) -> str:
    if repo_id.count("/") != 1:
        raise ValueError(f"bad {what} {repo_id!r}: expected 'namespace/name'")
    try:
        validate_repo_id(repo_id)
    except HFValidationError as err:
        raise ValueError(f"bad {what} {repo_id!r}: {err}") from None
    return repo_id


def _check_item(item: MirrorPlanItem) -> MirrorPlanItem | str:
    try:
        _check_id(item.repo_id, "repo id")
        if item.dest_repo_id is not None:
            _check_id(item.dest_repo_id, "destination")
    except ValueError as err:
        return str(err)
    if item.revision is not None and not _REVISION_RE.fullmatch(item.revision):
        return f"empty or invalid revision {item.revision!r}"
    return item


# --- JSON, with the line of every item ---------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


def _skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match is not None else pos


def _json_entries(text: str, name: str) -> list[_Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise PlanError(name, [(err.lineno, f"invalid JSON: {err.msg}")]) from None
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"repos"})
        if unknown or not isinstance(data.get("repos"), list):
            raise PlanError(
                name,
                [(1, 'a JSON plan is a list of items or {"repos": [...]}' + _extra(unknown))],
            )
        values: list[Any] = data["repos"]
    elif isinstance(data, list):
        values = data
    else:
        raise PlanError(name, [(1, 'a JSON plan is a list of items or {"repos": [...]}')])
    lines = _item_lines(text, isinstance(data, dict))
    entries: list[_Entry] = []
    for index, value in enumerate(values):
        line = lines[index] if index < len(lines) else None
        if isinstance(value, str):
            entries.extend(_text_entries([value], first_line=line or 0))
        elif isinstance(value, dict):
            try:
                item = MirrorPlanItem.model_validate(value)
            except ValidationError as err:
                entries.append((line, f"item {index + 1}: {_pydantic_reason(err)}"))
                continue
            entries.append((line, _check_item(item)))
        else:
            entries.append((line, f"item {index + 1}: expected an object or a string"))
    return entries


def _extra(unknown: list[str]) -> str:
    return f" (unknown keys: {', '.join(unknown)})" if unknown else ""


def _pydantic_reason(err: ValidationError) -> str:
    parts = []
    for problem in err.errors():
        where = ".".join(str(p) for p in problem["loc"])
        parts.append(f"{where}: {problem['msg']}" if where else problem["msg"])
    return "; ".join(parts)


def _item_lines(text: str, wrapped: bool) -> list[int]:
    """The 1-based line where each element of the plan's list starts (text is valid JSON)."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if wrapped:  # find the value of "repos" in the top-level object
        pos += 1
        while True:
            pos = _skip_ws(text, pos)
            key, pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos) + 1  # ':'
            pos = _skip_ws(text, pos)
            if key == "repos":
                break
            _, pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos) + 1  # ','
    lines: list[int] = []
    pos += 1  # '['
    while True:
        pos = _skip_ws(text, pos)
        if text[pos] == "]":
            return lines
        lines.append(text.count("\n", 0, pos) + 1)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if text[pos] == ",":
            pos += 1
