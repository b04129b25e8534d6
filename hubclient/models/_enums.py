"""Enums of values the Hub may extend tomorrow: an unknown value parses, it never crashes.

A Space stage, a job stage or an endpoint status the Hub adds after this release is kept as a
member made on the fly (``SpaceStage("SLEEPING")`` works, compares equal to ``"SLEEPING"``,
and ``.known`` is False); the known members stay singletons.

Example::

    class Color(OpenEnum):
        RED = "red"

    Color("red") is Color.RED          # True
    Color("teal") == "teal"            # True, a value this release does not know
    Color("teal").known                # False
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = ["OpenEnum"]


class OpenEnum(str, Enum):
    """A ``str`` enum that accepts values it does not know (see the module docstring)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or not value:
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        """Whether this value is one this release of hubclient knows."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str(self._value_)
