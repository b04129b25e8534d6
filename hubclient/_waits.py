"""Structured waits: look, decide, sleep, until done or out of time.

Every wait of the client (a Space reaching a stage, a Job finishing, an Inference Endpoint
answering) is :func:`wait_until`: a timeout (``None``: as long as it takes), a poll interval,
the deadline kept even while a look is in flight (a look stuck behind the 429 gate does not
outlive the timeout), and nothing but ``anyio.sleep`` between looks, so a cancelled wait stops
at once and a thousand waits in one task group cost a thousand sleeping tasks, not threads.
The looks go through the client's ``HubHttp``: they share its connection pool and 429 gate.

Example::

    runtime = await wait_until(
        lambda: get_runtime(repo_id),
        lambda r: r.stage not in INTERMEDIATE_SPACE_STAGES,
        timeout=600,
        poll_interval=2,
        what=f"Space {repo_id}",
        describe=lambda r: f"still in stage {r.stage}",
    )
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

from hubclient.errors import WaitTimeoutError

__all__ = ["check_wait_args", "wait_until"]

_T = TypeVar("_T")


def check_wait_args(timeout: float | None, poll_interval: float) -> None:
    """``ValueError`` for a negative timeout or a poll interval that is not positive (as
    huggingface_hub), before anything is sent."""
    if timeout is not None and (math.isnan(timeout) or timeout < 0):
        raise ValueError("`timeout` cannot be negative.")
    if not poll_interval > 0 or math.isinf(poll_interval):
        raise ValueError("`poll_interval` must be positive.")


async def wait_until(
    look: Callable[[], Awaitable[_T]],
    done: Callable[[_T], bool],
    *,
    timeout: float | None,  # noqa: ASYNC109 (a wait's own deadline, kept around each look)
    poll_interval: float,
    what: str,
    describe: Callable[[_T], str],
    error: type[WaitTimeoutError] = WaitTimeoutError,
) -> _T:
    """Call ``look()`` until ``done(value)``; return that value.

    Raises ``error`` (a :class:`WaitTimeoutError`, with the last value seen as ``last``) when
    ``timeout`` seconds pass first, whatever is in flight then; errors of ``look`` (a deleted
    repo's 404, a 401) propagate at once.
    """
    check_wait_args(timeout, poll_interval)
    deadline = math.inf if timeout is None else anyio.current_time() + timeout
    last: _T | None = None
    seen = False
    while True:
        limit = deadline - anyio.current_time()
        if not seen and limit <= 0:
            limit = math.inf  # timeout=0: one look, then the verdict
        with anyio.move_on_after(max(0.0, limit)) as scope:
            value = await look()
        if scope.cancelled_caught:
            break
        last, seen = value, True
        if done(value):
            return value
        remaining = deadline - anyio.current_time()
        if remaining <= 0:
            break
        await anyio.sleep(min(poll_interval, remaining))
    state = describe(last) if seen and last is not None else "no answer yet"
    raise error(f"{what}: {state} after {timeout} seconds.", last=last, timeout=timeout)
