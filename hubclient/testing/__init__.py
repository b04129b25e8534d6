"""The local Hub: a faithful Hugging Face Hub server for tests, in-process or on real sockets.

Example::

    from hubclient.testing import ALICE_TOKEN, LocalHub

    with LocalHub() as hub:
        hub.add_user("alice")
        hub.add_token(ALICE_TOKEN, user="alice")
        hub.seed_repo("alice/model", {"config.json": b"{}"})
        transport = hub.async_transport()      # for httpx / AsyncHubClient, in-process
        with hub.serve() as served:            # uvicorn on 127.0.0.1, free ports
            print(served.hub_url, served.storage_url)

Needs the ``server`` extra (Starlette and uvicorn): ``pip install 'hubclient[server]'``.
"""

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # say which extra brings it, not only "No module named 'starlette'"
    raise ImportError(
        f"hubclient.testing (the local Hub) needs the server extra, which is not installed "
        f"({exc}): pip install 'hubclient[server]' (or 'hubclient[cli]', which includes it)",
        name=exc.name,
    ) from exc

from hubclient.testing._clock import Clock, ManualClock, WallClock
from hubclient.testing._endpoints import EndpointPlan, EndpointsControl
from hubclient.testing._faults import (
    ConnectionDropped,
    FaultRule,
    Faults,
    RequestLog,
    RequestRecord,
)
from hubclient.testing._hub import LocalHub, ServedHub
from hubclient.testing._jobs import JobPlan, JobsControl
from hubclient.testing._spaces import SpacePlan, SpacesControl

__all__ = [
    "ALICE_READ_TOKEN",
    "ALICE_TOKEN",
    "BOB_TOKEN",
    "Clock",
    "ConnectionDropped",
    "EndpointPlan",
    "EndpointsControl",
    "FaultRule",
    "Faults",
    "JobPlan",
    "JobsControl",
    "LocalHub",
    "ManualClock",
    "RequestLog",
    "RequestRecord",
    "ServedHub",
    "SpacePlan",
    "SpacesControl",
    "WallClock",
    "standard_hub",
]

#: Tokens of the users the pytest fixtures (and `standard_hub`) create.
ALICE_TOKEN = "hf_alice_write"
ALICE_READ_TOKEN = "hf_alice_read"
BOB_TOKEN = "hf_bob_write"


def standard_hub(hub: LocalHub) -> LocalHub:
    """Add the fixtures' users: alice (org acme; a write and a read token) and bob (write)."""
    hub.add_user("alice", orgs=["acme"])
    hub.add_token(ALICE_TOKEN, user="alice", role="write")
    hub.add_token(ALICE_READ_TOKEN, user="alice", role="read")
    hub.add_user("bob")
    hub.add_token(BOB_TOKEN, user="bob", role="write")
    return hub
