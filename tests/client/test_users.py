"""whoami."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, HfHubHTTPError, WhoAmI
from hubclient.testing import ALICE_READ_TOKEN, BOB_TOKEN, LocalHub

pytestmark = pytest.mark.anyio


async def test_whoami(client: AsyncHubClient) -> None:
    me = await client.whoami()
    assert isinstance(me, WhoAmI)
    assert me.name == "alice"
    assert me["name"] == "alice"
    assert me.type == "user"
    assert "acme" in [org.name for org in me.orgs]
    assert me.auth.access_token is not None
    assert me.auth.access_token.role == "write"


async def test_whoami_per_call_token(client: AsyncHubClient) -> None:
    assert (await client.whoami(token=BOB_TOKEN)).name == "bob"
    read = await client.whoami(token=ALICE_READ_TOKEN)
    assert read.auth.access_token is not None
    assert read.auth.access_token.role == "read"


async def test_whoami_bad_or_missing_token(client: AsyncHubClient) -> None:
    with pytest.raises(HfHubHTTPError) as err:
        await client.whoami(token="hf_not_a_token")
    assert err.value.status_code == 401
    assert "Invalid user token" in str(err.value)
    with pytest.raises(HfHubHTTPError) as anon:
        await client.whoami(token=False)
    assert anon.value.status_code == 401


async def test_whoami_cache(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.log.clear()
    first = await client.whoami(cache=True)
    again = await client.whoami(cache=True)
    bob = await client.whoami(token=BOB_TOKEN, cache=True)
    fresh = await client.whoami()
    assert again is first
    assert fresh is not first
    assert (first.name, bob.name) == ("alice", "bob")
    assert len(local_hub.log.filter(path="/api/whoami-v2")) == 3
