"""Extra origins of the local Hub: registered once, answered in-process, served on sockets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from hubclient.testing import FaultRule, LocalHub


class EchoApp:
    """Answers every request with the origins it was built for and the request's path."""

    def __init__(self, origins: Mapping[str, str]) -> None:
        self.origins = dict(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = json.dumps({"origins": self.origins, "path": scope["path"]}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def hub(tmp_path: Path) -> LocalHub:
    hub = LocalHub(tmp_path / "hub", xet=False)  # extra origins: endpoints and echo (no cas)
    hub.add_origin("echo", EchoApp)
    return hub


@pytest.mark.anyio
async def test_an_extra_origin_answers_in_process(hub: LocalHub) -> None:
    assert hub.origin_urls == {"endpoints": "http://endpoints.local", "echo": "http://echo.local"}
    async with httpx.AsyncClient(transport=hub.async_transport()) as http:
        answer = (await http.get("http://echo.local/x/y")).json()
        whoami = await http.get(f"{hub.hub_url}/api/whoami-v2")
    assert answer["path"] == "/x/y"
    assert answer["origins"] == {
        "hub": "http://hub.local",
        "storage": "http://storage.local",
        "endpoints": "http://endpoints.local",
        "echo": "http://echo.local",
    }
    assert whoami.status_code == 401  # the hub origin is still there
    assert [r.origin for r in hub.log.records] == ["echo", "hub"]
    hub.close()


@pytest.mark.anyio
async def test_faults_name_extra_origins(hub: LocalHub) -> None:
    hub.faults.add(FaultRule(status=503, origin="echo"))
    async with httpx.AsyncClient(transport=hub.async_transport()) as http:
        assert (await http.get("http://echo.local/a")).status_code == 503
        assert (await http.get("http://echo.local/a")).status_code == 200
    assert [r.fault for r in hub.log.filter(origin="echo")] == ["status", None]
    hub.close()


def test_served_extra_origins_get_sockets_of_their_own(hub: LocalHub) -> None:
    with hub.serve() as served:
        echo = served.url("echo")
        assert set(served.origins) == {"hub", "storage", "endpoints", "echo"}
        assert len({served.hub_url, served.storage_url, served.url("endpoints"), echo}) == 4
        answer = httpx.get(f"{echo}/ping").json()
    # the app was built for the served URLs, not the in-process ones
    assert answer["origins"] == served.origins
    assert served.bound_origins["echo"] == echo
    hub.close()


def test_served_extra_origins_take_public_urls(hub: LocalHub) -> None:
    with hub.serve(public_urls={"echo": "http://echo.example:9000"}) as served:
        assert served.url("echo") == "http://echo.example:9000"
        answer = httpx.get(f"{served.bound_origins['echo']}/ping").json()
    assert answer["origins"]["echo"] == "http://echo.example:9000"
    hub.close()


def test_origin_names_and_urls_are_checked(hub: LocalHub) -> None:
    for bad in ("hub", "storage", "Echo", "", "a/b"):
        with pytest.raises(ValueError, match="not a name for an extra origin"):
            hub.add_origin(bad, EchoApp)
    with pytest.raises(ValueError, match="already served"):
        hub.add_origin("echo", EchoApp)
    with pytest.raises(ValueError, match="free origin"):
        hub.add_origin("other", EchoApp, url="http://hub.local")
    with pytest.raises(ValueError, match="without a path"):
        hub.add_origin("other", EchoApp, url="http://x.local/with/path")
    with pytest.raises(ValueError, match="no such origin"), hub.serve(ports={"nope": 0}):
        pass
    hub.close()
