"""Fixtures of the Sign in with HF tests: a client (alice) on the in-process local Hub, a repo."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import LocalHub
from tests.client.conftest import clean_env, make_client

__all__ = ["clean_env", "make_client"]


@pytest.fixture
async def client(local_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with make_client(local_hub) as c:
        yield c


@pytest.fixture
def repo(local_hub: LocalHub) -> str:
    local_hub.seed_repo("alice/model", {"a.txt": b"one\n", "b.txt": b"bee\n"})
    return "alice/model"
