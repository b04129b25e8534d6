"""The scaling simulation (tests/mirror/scale_sim.py) at a size the default run affords: the
real driver and coordinator, 10 simulated machines, a destination that answers 429 past its
limit, a machine lost half-way. The figures of the design note come from the same code at
100 machines (docs/mirroring.md, "Scaling")."""

from __future__ import annotations

import dataclasses
import math

from tests.mirror.scale_sim import SimConfig, simulate

CONFIG = SimConfig(
    machines=10,
    slots=4,
    repos=300,
    window_requests=120,
    object_bytes=64 * 2**20,
    budget=1 * 2**30,
    kill_machine_at=5.0,
)


def test_the_destinations_429_throttles_the_whole_cluster() -> None:
    shared = simulate(CONFIG)
    alone = simulate(dataclasses.replace(CONFIG, shared=False))
    for run in (shared, alone):
        assert run.ok, run  # every repo mirrored, reported in plan order
        assert run.results == CONFIG.repos
        assert run.retried >= 1  # the lost machine's tasks ran again elsewhere
        # the limit is the ceiling, and the job runs close to it
        assert run.ideal_seconds <= run.seconds <= 1.1 * run.ideal_seconds + 10
        # the plan streams: never more tasks than the window (machines x slots)
        assert run.max_pending <= CONFIG.machines * CONFIG.slots
        assert run.bytes_peak <= CONFIG.budget
    windows = math.ceil(shared.seconds / CONFIG.window_seconds)
    # each task in flight meets at most about one 429 per window...
    assert shared.responses_429 <= CONFIG.machines * CONFIG.slots * windows
    # ...and fewer when the pause is shared: a task that starts during a pause waits for it
    assert shared.pauses > 0
    assert shared.responses_429 < alone.responses_429
