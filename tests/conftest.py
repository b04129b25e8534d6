"""Shared test configuration: every async test runs under asyncio and trio."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["hubclient.testing.pytest_plugin"]


# Property tests check what is generated, not how fast: the default run may share the machine's
# 2 cores, so no per-example deadline and no "too slow to generate" health check.
settings.register_profile("hubclient", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hubclient")


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
