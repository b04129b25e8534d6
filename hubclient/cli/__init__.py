"""PLACEHOLDER (helper H3 replaces this package): the `hubclient` command."""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    raise NotImplementedError
