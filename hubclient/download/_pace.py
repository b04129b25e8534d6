"""How many files a snapshot keeps in flight: enough to cover the round trip (Little's law).

Files in flight ``N = X × R``: to keep the client busy at the rate it can process files
(``X = 1 / c``, ``c`` the client's own CPU seconds per file) while each file waits ``R`` seconds
on the network, about ``R / c`` files must be in flight. On loopback ``R`` is about ``c`` and
the configured ``max_files_in_flight`` is already more than enough; a Hub 80 ms away needs tens.

:class:`Pace` watches the small-file fetches of one download call (the quickest recent time from
request to last byte, and the process CPU per finished file) and raises the target, never above
``DownloadOptions.max_files_auto`` nor below ``max_files_in_flight``; it never lowers it (a
window that shrinks and grows again costs more than it saves). The latency is the quickest of the
recent files (the round trip without queueing), counted from the moment the request holds a
connection slot. The call's connection bound (``max_connections``) still holds: the ceiling is
the smaller of the two.
"""

from __future__ import annotations

import math
import time
from collections import deque

__all__ = ["Pace"]

_WINDOW = 32  # latencies kept
_EVERY = 8  # re-plan every this many finished files


class Pace:
    """The target number of files in flight for one download call."""

    def __init__(self, floor: int, ceiling: int) -> None:
        self.floor = floor
        self.ceiling = max(floor, ceiling)
        self.target = floor
        self._latencies: deque[float] = deque(maxlen=_WINDOW)
        self._finished = 0
        self._cpu0 = time.process_time()

    def observe(self, seconds: float) -> None:
        """One small file took ``seconds`` from request to last byte; maybe raise the target."""
        self._latencies.append(seconds)
        self._finished += 1
        if self._finished % _EVERY or self.target >= self.ceiling:
            return
        cpu_per_file = max(1e-4, (time.process_time() - self._cpu0) / self._finished)
        # the quickest recent file: the round trip without the queueing of a full window
        # (a median would count the wait behind the other files in flight as latency and
        # grow the window on loopback too)
        wanted = math.ceil(min(self._latencies) / cpu_per_file)
        target = min(self.ceiling, max(self.floor, wanted))
        self.target = max(self.target, target)
