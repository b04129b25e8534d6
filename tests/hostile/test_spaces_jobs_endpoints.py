"""Spaces, Jobs and Inference Endpoints against a Hub (and an Endpoints API) that lies: HTML, JSON
of another shape, a missing key. Each call ends with an ``UnexpectedResponseError`` that names
what was expected and carries the answer's URL, never a raw JSON, KeyError or pydantic error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from hubclient import AsyncHubClient
from hubclient.errors import UnexpectedResponseError
from tests.hostile._server import FakeHub, Reply
from tests.hostile.test_names import failure

pytestmark = pytest.mark.anyio

_HTML = Reply(200, [("content-type", "text/html")], b"<!DOCTYPE html><html>Sign in</html>")

# call -> (method, route on the lying server, how it is called)
_CALLS: dict[str, tuple[str, str, Callable[[AsyncHubClient], Awaitable[object]]]] = {
    "get_space_runtime": (
        "GET", r"/api/spaces/acme/s/runtime", lambda c: c.get_space_runtime("acme/s"),
    ),
    "pause_space": ("POST", r"/api/spaces/acme/s/pause", lambda c: c.pause_space("acme/s")),
    "list_spaces_hardware": (
        "GET", r"/api/spaces/hardware", lambda c: c.list_spaces_hardware(),
    ),
    "list_space_templates": (
        "GET", r"/api/spaces/templates", lambda c: c.list_space_templates(),
    ),
    "get_space_secrets": (
        "GET", r"/api/spaces/acme/s/secrets", lambda c: c.get_space_secrets("acme/s"),
    ),
    "inspect_job": (
        "GET", r"/api/jobs/acme/j1", lambda c: c.inspect_job(job_id="j1", namespace="acme"),
    ),
    "list_jobs_hardware": ("GET", r"/api/jobs/hardware", lambda c: c.list_jobs_hardware()),
    "inspect_scheduled_job": (
        "GET", r"/api/scheduled-jobs/acme/s1",
        lambda c: c.inspect_scheduled_job(scheduled_job_id="s1", namespace="acme"),
    ),
    "list_scheduled_jobs": (
        "GET", r"/api/scheduled-jobs/acme", lambda c: c.list_scheduled_jobs(namespace="acme"),
    ),
    "get_inference_endpoint": (
        "GET", r"/endpoints/endpoint/acme/e1",
        lambda c: c.get_inference_endpoint("e1", namespace="acme"),
    ),
    "list_inference_endpoints": (
        "GET", r"/endpoints/endpoint/acme",
        lambda c: c.list_inference_endpoints(namespace="acme"),
    ),
    "list_inference_endpoints_hardware": (
        "GET", r"/endpoints/provider/acme",
        lambda c: c.list_inference_endpoints_hardware(namespace="acme"),
    ),
    "list_inference_catalog": (
        "GET", r"/catalog/list", lambda c: c.list_inference_catalog(),
    ),
}  # fmt: skip

# shapes that are JSON but not what the route sends
_WRONG = {
    "get_space_runtime": [1, 2],
    "pause_space": {"stage": {"nested": "no"}},
    "list_spaces_hardware": {"not": "a list"},
    "list_space_templates": {"no_templates": []},
    "get_space_secrets": ["a", "list"],
    "inspect_job": ["not", "a", "job"],
    "list_jobs_hardware": {"not": "a list"},
    "inspect_scheduled_job": {"schedule": {"x": 1}, "jobSpec": 7},
    "list_scheduled_jobs": [1, 2],
    "get_inference_endpoint": [],
    "list_inference_endpoints": {"items": "nope"},
    "list_inference_endpoints_hardware": {"vendors": [{"regions": "x"}]},
    "list_inference_catalog": {"items": [1]},
}


@pytest.fixture
async def lying_client(hub: FakeHub, area: Path) -> AsyncIterator[AsyncHubClient]:
    async with AsyncHubClient(
        endpoint=hub.server.url,
        token="hf_hostile_test_token",
        cache_dir=area / "target",
        max_retries=0,
        inference_endpoints_url=f"{hub.server.url}/endpoints",
        inference_catalog_url=f"{hub.server.url}/catalog",
    ) as c:
        yield c


async def _fails_typed(client: AsyncHubClient, hub: FakeHub, call: str) -> Any:
    method, route, run = _CALLS[call]
    err = await failure(run(client))
    assert isinstance(err, UnexpectedResponseError), repr(err)
    assert err.expected
    assert hub.server.url in err.url
    assert hub.server.count(method, route) >= 1  # the lie was asked for
    return err


@pytest.mark.parametrize("call", sorted(_CALLS))
async def test_html_instead_of_json(lying_client: AsyncHubClient, hub: FakeHub, call: str) -> None:
    method, route, _ = _CALLS[call]
    hub.server.on(method, route, lambda r: _HTML)
    err = await _fails_typed(lying_client, hub, call)
    assert "HTML" in str(err)


@pytest.mark.parametrize("call", sorted(_CALLS))
async def test_json_of_another_shape(lying_client: AsyncHubClient, hub: FakeHub, call: str) -> None:
    method, route, _ = _CALLS[call]
    hub.server.on(method, route, lambda r: Reply.json(_WRONG[call]))
    await _fails_typed(lying_client, hub, call)
