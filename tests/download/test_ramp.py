"""The ranges-in-flight ramp of one big file: it grows while ranges add rate, backs off when
they do not. The byte counts are computed from the time that actually passed, so the rate the
ramp measures is the model's, whatever the scheduling jitter."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from hubclient.download._ramp import Ramp

pytestmark = pytest.mark.anyio

RANGE_RATE = 40e6  # bytes/s of one range when the connections are capped


async def _drive(ramp: Ramp, rate_of: Callable[[int], float], seconds: float) -> None:
    """Feed ``ramp`` the bytes a link of ``rate_of(ranges in flight)`` bytes/s moves."""
    last = anyio.current_time()
    end = last + seconds
    while (now := anyio.current_time()) < end:
        ramp.count(int(rate_of(ramp.in_flight) * (now - last)))
        last = now
        await anyio.sleep(0.002)


async def _settled(rate_of: Callable[[int], float], *, ceiling: int = 8, waiting: int = 99) -> Ramp:
    ramp = Ramp(start=2, ceiling=ceiling, waiting=lambda: waiting, settle=0.05, window=0.25)
    async with anyio.create_task_group() as tg:
        tg.start_soon(_drive, ramp, rate_of, 20.0)
        with anyio.fail_after(20):
            await ramp.run()
        tg.cancel_scope.cancel()
    return ramp


async def test_capped_connections_grow_to_the_ceiling() -> None:
    ramp = await _settled(lambda k: k * RANGE_RATE)
    assert ramp.in_flight == 8
    assert [k for k, _ in ramp.rates] == [2, 3, 4, 6, 8]


async def test_additions_that_bring_less_than_their_share_still_pay() -> None:
    # the machine is part of the bound: each range adds less than its share, but at least
    # 10 % more than the quarter share the ramp asks for (the margin covers scheduling jitter)
    ramp = await _settled(lambda k: k**0.6 * RANGE_RATE)
    assert ramp.in_flight == 8


async def test_a_bound_that_is_not_the_connection_steps_back() -> None:
    # loopback: the client's CPU is the bound, more ranges bring nothing
    ramp = await _settled(lambda k: 300e6)
    assert ramp.in_flight == 2
    assert [k for k, _ in ramp.rates] == [2, 3]


async def test_it_keeps_what_paid_and_drops_what_did_not() -> None:
    # four connections' worth of link (a machine limit at 160 MB/s): 4 pays, 6 does not
    ramp = await _settled(lambda k: min(k, 4) * RANGE_RATE)
    assert ramp.in_flight == 4
    assert [k for k, _ in ramp.rates] == [2, 3, 4, 6]


async def test_no_growth_past_the_ceiling_or_the_ranges_left() -> None:
    assert (await _settled(lambda k: k * RANGE_RATE, ceiling=3)).in_flight == 3
    assert (await _settled(lambda k: k * RANGE_RATE, waiting=0)).in_flight == 2
    assert Ramp(start=5, ceiling=3, waiting=lambda: 1).in_flight == 3
