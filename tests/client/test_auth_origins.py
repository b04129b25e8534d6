"""Which origins get the token: the Hub and the Inference Endpoints/Catalog APIs, nothing else."""

from __future__ import annotations

import httpx
import pytest

from hubclient import AsyncHubClient, HubSettings
from hubclient.errors import HFValidationError

pytestmark = pytest.mark.anyio


def _recorder() -> tuple[list[tuple[str, str | None]], httpx.MockTransport]:
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("authorization")))
        if request.url.path == "/to-hub":
            return httpx.Response(307, headers={"location": "http://hub.test/landed"})
        if request.url.path == "/to-cdn":
            return httpx.Response(302, headers={"location": "http://cdn.test/blob"})
        return httpx.Response(200, json={})

    return seen, httpx.MockTransport(handler)


async def test_the_token_goes_to_the_hub_and_the_endpoints_apis_only() -> None:
    seen, transport = _recorder()
    async with AsyncHubClient(
        "http://hub.test",
        token="hf_secret",
        transport=transport,
        inference_endpoints_url="http://ie.test/v2",
        inference_catalog_url="http://catalog.test/api/v1/catalog",
    ) as client:
        for url in (
            "http://hub.test/api/whoami-v2",
            "http://ie.test/v2/endpoint/alice",
            "http://catalog.test/api/v1/catalog/list",
            "http://cdn.test/blob",
            "http://ie.test:8080/v2/endpoint/alice",  # another port is another origin
        ):
            await client._http.request("GET", url)
    assert seen == [
        ("http://hub.test/api/whoami-v2", "Bearer hf_secret"),
        ("http://ie.test/v2/endpoint/alice", "Bearer hf_secret"),
        ("http://catalog.test/api/v1/catalog/list", "Bearer hf_secret"),
        ("http://cdn.test/blob", None),
        ("http://ie.test:8080/v2/endpoint/alice", None),
    ]


async def test_a_redirect_to_another_token_origin_drops_the_token() -> None:
    """The token goes to the origin a request was addressed to, not to where it is sent on."""
    seen, transport = _recorder()
    async with AsyncHubClient(
        "http://hub.test",
        token="hf_secret",
        transport=transport,
        inference_endpoints_url="http://ie.test/v2",
    ) as client:
        landed = await client._http.request("GET", "http://ie.test/to-hub")
        stopped = await client._http.request("GET", "http://ie.test/to-cdn")
    assert landed.status_code == 200  # a redirect to a token origin is followed...
    assert stopped.status_code == 302  # ...one to anywhere else is handed back
    assert seen == [
        ("http://ie.test/to-hub", "Bearer hf_secret"),
        ("http://hub.test/landed", None),
        ("http://ie.test/to-cdn", "Bearer hf_secret"),
    ]


async def test_deployed_endpoints_of_the_hub_get_the_token_over_https_only() -> None:
    """``api.endpoints.huggingface.cloud`` deploys endpoints on ``*.endpoints.huggingface.cloud``:
    their health route and predictions need the token (huggingface_hub sends it to any URL)."""
    seen, transport = _recorder()
    async with AsyncHubClient(
        "https://huggingface.co", token="hf_secret", transport=transport
    ) as c:
        assert c.settings.inference_endpoints_url == "https://api.endpoints.huggingface.cloud/v2"
        for url in (
            "https://abc.us-east-1.aws.endpoints.huggingface.cloud/health",
            "http://abc.us-east-1.aws.endpoints.huggingface.cloud/health",
            "https://endpoints.huggingface.cloud.evil.test/health",
            "https://my-custom-domain.test/health",
        ):
            await c._http.request("GET", url)
    assert [auth for _, auth in seen] == ["Bearer hf_secret", None, None, None]


def test_settings_check_the_endpoints_urls() -> None:
    with pytest.raises(ValueError, match="http"):
        HubSettings(inference_endpoints_url="ftp://x")
    settings = HubSettings(endpoint="http://h.test:1/", inference_endpoints_url="http://e.test/v2/")
    assert settings.inference_endpoints_url == "http://e.test/v2"
    # its own Endpoints API gets the token; huggingface.co's Catalog does not (another Hub)
    assert settings.token_origins == frozenset({"http://h.test:1", "http://e.test"})
    assert HubSettings().token_origins == frozenset(
        {
            "https://huggingface.co",
            "https://api.endpoints.huggingface.cloud",
            "https://endpoints.huggingface.co",
            "https://datasets-server.huggingface.co",
        }
    )


async def test_a_client_of_another_hub_never_sends_its_token_to_huggingface_co() -> None:
    """A private Hub's (or a mirror's) token is not huggingface.co's: the default Endpoints and
    Catalog APIs and the hosts they deploy on never get it, and the Endpoints methods ask for
    that Hub's own APIs before anything is sent."""
    seen, transport = _recorder()
    async with AsyncHubClient("http://hub.test", token="hf_secret", transport=transport) as c:
        for url in (
            "https://api.endpoints.huggingface.cloud/v2/endpoint/alice",
            "https://endpoints.huggingface.co/api/v1/catalog/list",
            "https://abc.us-east-1.aws.endpoints.huggingface.cloud/health",
        ):
            await c._http.request("GET", url)
        assert [auth for _, auth in seen] == [None, None, None]
        seen.clear()
        with pytest.raises(HFValidationError, match="inference_endpoints_url="):
            await c.list_inference_endpoints("alice")
        with pytest.raises(HFValidationError, match="inference_catalog_url="):
            await c.list_inference_catalog()
        with pytest.raises(HFValidationError, match=r"huggingface\.co only"):
            await c.get_inference_endpoint("demo", namespace="alice")
    assert seen == []  # refused before any request
