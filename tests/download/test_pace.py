"""Files in flight follow the round trip (Little's law), bounded, never below the configured
number."""

from __future__ import annotations

from hubclient.download._pace import Pace


def test_a_quick_hub_keeps_the_floor() -> None:
    pace = Pace(8, 64)
    for _ in range(64):
        pace.observe(1e-7)  # far quicker than the client's own time per file
    assert pace.target == 8


def test_a_far_hub_gets_more_in_flight_up_to_the_ceiling() -> None:
    pace = Pace(8, 32)
    for _ in range(7):
        pace.observe(5.0)
    assert pace.target == 8  # re-planned every 8 files
    pace.observe(5.0)
    assert pace.target == 32
    pace.observe(1e-7)  # never lowered
    assert pace.target == 32


def test_the_quickest_recent_file_sets_the_pace() -> None:
    pace = Pace(8, 64)
    for i in range(16):
        pace.observe(1e-7 if i == 3 else 5.0)  # one quick answer: the queue was the rest
    assert pace.target == 8
