"""Files in flight follow the round trip (Little's law), bounded, never below the configured
number; the call's connection bound follows."""

from __future__ import annotations

import anyio

from hubclient.download._pace import Pace


def test_a_quick_hub_keeps_the_floor() -> None:
    limiter = anyio.CapacityLimiter(32)
    pace = Pace(8, 64, limiter)
    for _ in range(64):
        pace.observe(1e-7)  # far quicker than the client's own time per file
    assert pace.target == 8
    assert limiter.total_tokens == 32


def test_a_far_hub_gets_more_in_flight_up_to_the_ceiling() -> None:
    limiter = anyio.CapacityLimiter(32)
    pace = Pace(8, 64, limiter)
    for _ in range(7):
        pace.observe(5.0)
    assert pace.target == 8  # re-planned every 8 files
    pace.observe(5.0)
    assert pace.target == 64
    assert limiter.total_tokens == 64
    pace.observe(1e-7)  # never lowered
    assert pace.target == 64


def test_the_quickest_recent_file_sets_the_pace() -> None:
    pace = Pace(8, 64, anyio.CapacityLimiter(8))
    for i in range(16):
        pace.observe(1e-7 if i == 3 else 5.0)  # one quick answer: the queue was the rest
    assert pace.target == 8
