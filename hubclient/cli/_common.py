"""What every command shares: the output (human or JSON), the client, sizes, repo ids.

Example::

    out = Output.from_args(args)
    out.result("done", {"path": "/tmp/x"})
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from typing import Any

from hubclient import AsyncHubClient
from hubclient.cli._errors import UsageError

__all__ = [
    "REPO_TYPES",
    "Output",
    "human_size",
    "make_client",
    "parse_size",
    "repo_type_option",
    "resolve_repo",
    "show_progress",
    "wrap",
]

REPO_TYPES = ("model", "dataset", "space")
_TYPE_PREFIXES = {"models": "model", "datasets": "dataset", "spaces": "space"}


@dataclass(frozen=True)
class Output:
    """Where results go: human text or one JSON document on stdout, notes on stderr.

    ``sys.stdout``/``sys.stderr`` are looked up at each write (tests capture them).
    """

    json: bool = False
    quiet: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Output:
        return cls(json=bool(args.json), quiet=bool(args.quiet))

    def result(self, human: str | None, data: dict[str, Any]) -> None:
        """Print the result: ``data`` (plus ``"ok": true`` unless it says otherwise) as JSON
        with ``--json``, else ``human`` (nothing when None)."""
        if self.json:
            self.json_document({"ok": True, **data})
        elif human is not None:
            sys.stdout.write(human if human.endswith("\n") else human + "\n")
            sys.stdout.flush()

    def json_document(self, data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        sys.stdout.flush()

    def note(self, message: str) -> None:
        """A remark for a human, on stderr (silent with ``--quiet`` or ``--json``)."""
        if not (self.quiet or self.json):
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    def warn(self, message: str) -> None:
        """A warning on stderr (silent with ``--quiet`` only)."""
        if not self.quiet:
            sys.stderr.write(f"warning: {message}\n")
            sys.stderr.flush()


def wrap(text: str, width: int = 88) -> str:
    """A command description wrapped for ``--help`` (the epilogs keep their own lines)."""
    return textwrap.fill(" ".join(text.split()), width)


def repo_type_option(parser: argparse.ArgumentParser) -> None:
    """``--repo-type``/``--type`` (model, dataset or space), as ``hf`` spells it."""
    parser.add_argument(
        "--repo-type",
        "--type",
        choices=REPO_TYPES,
        default=None,
        metavar="TYPE",
        help="model (default), dataset or space",
    )


def show_progress(args: argparse.Namespace) -> bool:
    """Live bars only on a terminal, and not with ``--quiet`` or ``--json``."""
    if args.quiet or args.json:
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def make_client(args: argparse.Namespace, *, endpoint: str | None = None) -> AsyncHubClient:
    """The client the global options describe (endpoint, token, retries, timeout)."""
    return AsyncHubClient(
        endpoint=endpoint or args.endpoint or None,
        token=args.token or None,
        max_retries=args.max_retries,
        timeout=args.timeout,
    )


def resolve_repo(text: str, repo_type: str | None) -> tuple[str, str]:
    """``(repo_id, repo_type)`` from ``ns/name`` or ``datasets/ns/name`` (as ``hf`` accepts).

    Example::

        resolve_repo("datasets/acme/corpus", None)  # ("acme/corpus", "dataset")
    """
    parts = text.strip("/").split("/")
    if len(parts) == 3 and parts[0] in _TYPE_PREFIXES:
        prefixed = _TYPE_PREFIXES[parts[0]]
        if repo_type is not None and repo_type != prefixed:
            raise UsageError(f"{text!r} names a {prefixed} repo but --repo-type is {repo_type}")
        return "/".join(parts[1:]), prefixed
    return text, repo_type or "model"


_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*([kmgtp]?)(i?b?)\s*$", re.IGNORECASE)
_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}


def parse_size(text: str) -> int:
    """Bytes from ``"512M"``, ``"2G"``, ``"1.5GiB"``, ``"100MB"`` or ``"4096"``.

    ``K``/``M``/``G``/``T`` and ``KiB``/``MiB``... are powers of 1024; ``KB``/``MB``/``GB``
    are powers of 1000. Raises ``argparse.ArgumentTypeError`` otherwise (a usage error).

    Example::

        parse_size("512M")  # 536870912
    """
    match = _SIZE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 4096, 512M, 2G, 1GB)")
    number, unit, suffix = match.groups()
    suffix = suffix.lower()
    if suffix == "i" or (suffix == "ib" and not unit):
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 4096, 512M, 2G, 1GB)")
    base = 1000 if suffix == "b" else 1024
    value = int(float(number) * base ** _POWERS[unit.lower()])
    if value < 1:
        raise argparse.ArgumentTypeError(f"size must be at least 1 byte: {text!r}")
    return value


def human_size(size: float | None) -> str:
    """``"1.5 MiB"`` (powers of 1024); ``"-"`` for None.

    Example::

        human_size(1536)  # "1.5 KiB"
    """
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover
