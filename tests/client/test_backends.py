"""The HTTP backends: which one a client gets, and that both put the same bytes on the wire.

Everything else (auth per origin, redirects, retries, the 429 gate, timeouts, typed errors) is
proven by the whole default suite, which CI runs on aiohttp/asyncio, httpx/asyncio and trio.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import httpx
import pydantic
import pytest

from hubclient import HubSettings
from hubclient._backends import choose_backend
from hubclient._http import HubHttp
from hubclient.testing import ALICE_TOKEN

pytestmark = pytest.mark.anyio


def test_the_choice_follows_the_event_loop_and_what_was_passed() -> None:
    plain = httpx.MockTransport(lambda request: httpx.Response(200))
    assert choose_backend("auto", library="asyncio", client=None, transport=None) == "aiohttp"
    assert choose_backend("aiohttp", library="trio", client=None, transport=None) == "httpx"
    assert choose_backend("httpx", library="asyncio", client=None, transport=None) == "httpx"
    client = httpx.AsyncClient()
    assert choose_backend("auto", library="asyncio", client=client, transport=None) == "httpx"
    assert choose_backend("auto", library="asyncio", client=None, transport=plain) == "httpx"
    with pytest.raises(ValueError, match="http_backend"):
        choose_backend("curl", library="asyncio", client=None, transport=None)


def test_the_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBCLIENT_HTTP_BACKEND", "HTTPX")
    assert HubSettings.from_env().http_backend == "httpx"
    assert HubSettings().http_backend == "httpx"
    assert HubSettings.from_env(http_backend="aiohttp").http_backend == "aiohttp"
    monkeypatch.delenv("HUBCLIENT_HTTP_BACKEND")
    assert HubSettings.from_env().http_backend == "auto"
    with pytest.raises(pydantic.ValidationError):
        HubSettings(http_backend="requests")


async def test_a_callers_httpx_client_is_used_as_is(local_hub: Any) -> None:
    async with httpx.AsyncClient(transport=local_hub.async_transport()) as mine:
        http = HubHttp(HubSettings(endpoint=local_hub.hub_url, token=ALICE_TOKEN), client=mine)
        response = await http.request("GET", "/api/whoami-v2")
        assert response.json()["name"] == "alice"
        assert http._pool.backend_name == "httpx"
        await http.aclose()
        assert not mine.is_closed  # the caller's to close


_VOLATILE = {"x-amzn-trace-id", "host", "content-length"}


async def _exchange(served_hub: Any, backend: str) -> list[tuple[str, str, str, dict[str, str]]]:
    hub = served_hub.hub
    hub.log.clear()
    settings = HubSettings(endpoint=served_hub.hub_url, token=ALICE_TOKEN, http_backend=backend)
    http = HubHttp(settings)
    try:
        await http.request("GET", "/api/models/alice/a b/ü+%2F", raise_for_status=False)
        await http.request(
            "GET", "/api/models", params={"search": "a b&c", "full": True, "x": None}
        )
        await http.request(
            "POST", "/api/repos/create", json={"name": f"wire-{backend}", "private": True}
        )
        await http.request(
            "PUT",
            f"{served_hub.storage_url}/lfs/{'0' * 64}?X-Expires=1&X-Signature=bad",
            content=b"abc",
            raise_for_status=False,
        )
        assert http._pool.backend_name == backend
    finally:
        await http.aclose()
    seen = []
    for record in hub.log.filter():
        headers = {k: v for k, v in record.headers.items() if k not in _VOLATILE}
        seen.append((record.method, record.path.replace(backend, "*"), record.query, headers))
    return seen


@pytest.mark.parametrize("anyio_backend", ["asyncio"], indirect=True)
async def test_both_backends_put_the_same_request_on_the_wire(served_hub: Any) -> None:
    httpx_side = await _exchange(served_hub, "httpx")
    aiohttp_side = await _exchange(served_hub, "aiohttp")
    assert len(httpx_side) == 4
    assert [r[:3] for r in aiohttp_side] == [r[:3] for r in httpx_side]
    for ours, theirs in zip(aiohttp_side, httpx_side, strict=True):
        assert ours[3] == theirs[3], (ours[0], ours[1])
    put_headers = aiohttp_side[3][3]
    assert "authorization" not in put_headers  # storage: never the token
    assert "content-type" not in put_headers  # no automatic content type on either


def test_no_backend_is_imported_before_a_request() -> None:
    code = (
        "import sys, hubclient; hubclient.AsyncHubClient(endpoint='http://x.invalid'); "
        "print('aiohttp' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    assert out.stdout.strip() == "False", out.stderr
