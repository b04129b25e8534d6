"""Fixtures the community suites share (discussions, access requests, collections, people,
webhooks, OAuth): a client acting as alice on the in-process local Hub, and a seeded repo.

Each suite's conftest imports them: ``from tests._community import client, clean_env, repo``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hubclient import AsyncHubClient
from hubclient.testing import LocalHub
from tests.client.conftest import clean_env, make_client

__all__ = ["clean_env", "client", "make_client", "repo"]


@pytest.fixture
async def client(local_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with make_client(local_hub) as c:
        yield c


@pytest.fixture
def repo(local_hub: LocalHub) -> str:
    """alice/model with two small text files."""
    local_hub.seed_repo("alice/model", {"a.txt": b"one\n", "b.txt": b"bee\n"})
    return "alice/model"
