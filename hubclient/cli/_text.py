"""Server text made safe for a terminal.

Names, ids and messages a server sends are printed by ``ls``, ``info`` and the error line. A
hostile server could put terminal escape sequences in them (move the cursor, rewrite what is
on screen, set the window title), a newline that fakes another output line, or bidirectional
controls that show a name other than the one it is. Control characters are shown escaped
instead (``\\x1b``, ``\\n``, ``\\u202e``).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 and C1 controls, DEL, and the Unicode bidirectional overrides and isolates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character written as its escape (printable as is)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
