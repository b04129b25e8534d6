"""AsyncHubClient: construction, settings, the HTTP door, lifecycle, and the composition.

The public methods live in the area classes of ``hubclient/_areas/`` (one file per area of
the Hub API: info, repos, files, refs, users, downloads, uploads, mirror, …); this class is
composed of them, so every HfApi name is a method of ``AsyncHubClient`` itself. Each area
reaches the network through ``self._http`` (:class:`hubclient._http.HubHttp`) and reads
``self._settings`` (:class:`hubclient._settings.HubSettings`), both built here.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from hubclient._areas.access_requests import AccessRequestsArea
from hubclient._areas.buckets import BucketsArea
from hubclient._areas.cards import CardsArea
from hubclient._areas.collections import CollectionsArea
from hubclient._areas.datasets import DatasetsArea
from hubclient._areas.discover import DiscoverArea
from hubclient._areas.discussions import DiscussionsArea
from hubclient._areas.downloads import DownloadsArea
from hubclient._areas.endpoints import EndpointsArea
from hubclient._areas.files import FilesArea
from hubclient._areas.info import InfoArea
from hubclient._areas.jobs import JobsArea
from hubclient._areas.mirror import MirrorArea
from hubclient._areas.oauth import OAuthArea
from hubclient._areas.papers import PapersArea
from hubclient._areas.refs import RefsArea
from hubclient._areas.repos import ReposArea
from hubclient._areas.safetensors import SafetensorsArea
from hubclient._areas.spaces import SpacesArea
from hubclient._areas.uploads import UploadsArea
from hubclient._areas.users import UsersArea
from hubclient._areas.webhooks import WebhooksArea
from hubclient._http import HubHttp
from hubclient._settings import HubSettings, default_user_agent
from hubclient.errors import LocalTokenNotFoundError

__all__ = ["AsyncHubClient"]


class AsyncHubClient(
    UsersArea,
    InfoArea,
    FilesArea,
    RefsArea,
    ReposArea,
    DownloadsArea,
    UploadsArea,
    MirrorArea,
    SafetensorsArea,
    SpacesArea,
    JobsArea,
    CardsArea,
    BucketsArea,
    DiscussionsArea,
    AccessRequestsArea,
    CollectionsArea,
    WebhooksArea,
    OAuthArea,
    EndpointsArea,
    DiscoverArea,
    DatasetsArea,
    PapersArea,
):
    """Asynchronous client for the Hugging Face Hub HTTP API.

    Settings come from the ``HF_*`` environment when the client is built (``HF_ENDPOINT``,
    ``HF_TOKEN``, the token file, ``HF_HUB_OFFLINE``, ``HF_HOME``, ``HF_HUB_CACHE``,
    timeouts…); every one can be overridden here. One ``httpx.AsyncClient`` (one connection
    pool) serves every call; close it with ``aclose()`` or ``async with``.

    Args:
        endpoint: Hub URL (default ``HF_ENDPOINT`` or ``https://huggingface.co``).
        token: a token string; ``False`` for anonymous calls; ``True`` to require the
            implicit token; ``None`` to use ``HF_TOKEN`` / the token file unless
            ``HF_HUB_DISABLE_IMPLICIT_TOKEN`` is set.
        hf_home: overrides ``HF_HOME``.
        cache_dir: overrides ``HF_HUB_CACHE``.
        offline: overrides ``HF_HUB_OFFLINE``.
        timeout: seconds per network operation of API calls (``math.inf``: no limit).
        etag_timeout: seconds for file-metadata requests (``HF_HUB_ETAG_TIMEOUT``).
        download_timeout: seconds per read while downloading (``HF_HUB_DOWNLOAD_TIMEOUT``).
        max_retries: retries after the first try (idempotent calls; 0 disables retries).
        retry_backoff_base: first backoff wait in seconds (doubles up to the cap).
        retry_backoff_max: cap of the backoff wait in seconds.
        max_retry_wait: longest ``Retry-After`` honoured; a longer one raises at once.
        max_connections: size of the connection pool.
        headers: extra headers sent with every Hub request.
        user_agent: appended to ``hubclient/<version>; python/<version>``.
        disable_progress_bars: overrides ``HF_HUB_DISABLE_PROGRESS_BARS``.
        http_client: an ``httpx.AsyncClient`` to use (you close it).
        transport: an ``httpx.AsyncBaseTransport`` for the client hubclient builds.
        settings: a complete :class:`HubSettings` (then the environment is not read).
        inference_endpoints_url: the Inference Endpoints API (default
            ``https://api.endpoints.huggingface.cloud/v2``); the token is sent there too.
        inference_catalog_url: the Inference Catalog API (default
            ``https://endpoints.huggingface.co/api/v1/catalog``); the token is sent there too.
        datasets_server_url: the Dataset Viewer API (default
            ``https://datasets-server.huggingface.co``, which serves huggingface.co only); the
            token is sent there too once it serves this client's Hub.

    Example::

        async with AsyncHubClient() as client:
            info = await client.model_info("openai-community/gpt2")
            print(info.sha, [s.rfilename for s in info.siblings or []])
    """

    _settings: HubSettings
    """Settings of this client (internal accessor for area modules)."""
    _http: HubHttp
    """The network door of this client (internal accessor for area modules)."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | bool | None = None,
        *,
        hf_home: str | Path | None = None,
        cache_dir: str | Path | None = None,
        offline: bool | None = None,
        timeout: float | None = None,
        etag_timeout: float | None = None,
        download_timeout: float | None = None,
        max_retries: int | None = None,
        retry_backoff_base: float | None = None,
        retry_backoff_max: float | None = None,
        max_retry_wait: float | None = None,
        max_connections: int | None = None,
        headers: dict[str, str] | None = None,
        user_agent: str | None = None,
        disable_progress_bars: bool | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        settings: HubSettings | None = None,
        inference_endpoints_url: str | None = None,
        inference_catalog_url: str | None = None,
        datasets_server_url: str | None = None,
    ) -> None:
        overrides = _overrides(
            endpoint=endpoint,
            inference_endpoints_url=inference_endpoints_url,
            inference_catalog_url=inference_catalog_url,
            datasets_server_url=datasets_server_url,
            hf_home=hf_home,
            cache_dir=cache_dir,
            offline=offline,
            timeout=timeout,
            etag_timeout=etag_timeout,
            download_timeout=download_timeout,
            max_retries=max_retries,
            retry_backoff_base=retry_backoff_base,
            retry_backoff_max=retry_backoff_max,
            max_retry_wait=max_retry_wait,
            max_connections=max_connections,
            headers=headers,
            user_agent=user_agent,
            disable_progress_bars=disable_progress_bars,
        )
        if settings is None:
            settings = HubSettings.from_env(token=token, **overrides)
        else:
            settings = settings.replace(**overrides)
            if isinstance(token, str):
                settings = settings.replace(token=token)
            elif token is False:
                settings = settings.model_copy(update={"token": None})
            elif token is True and settings.token is None:
                raise LocalTokenNotFoundError("token=True but the given settings hold no token")
        self._settings = settings
        self._http = HubHttp(settings, client=http_client, transport=transport)
        self._owns_pool = True
        self._whoami_cache = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def settings(self) -> HubSettings:
        """The immutable settings of this client (endpoint, cache dir, timeouts, …)."""
        return self._settings

    @property
    def endpoint(self) -> str:
        """The Hub URL this client talks to."""
        return self._settings.endpoint

    async def __aenter__(self) -> AsyncHubClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (a client passed as ``http_client`` is left open).

        Copies made by :meth:`with_options` share the pool of the client they came from:
        closing a copy does nothing, closing the original closes the pool for all.
        """
        await self._close_pool()

    def with_options(
        self,
        *,
        endpoint: str | None = None,
        token: str | bool | None = None,
        hf_home: str | Path | None = None,
        cache_dir: str | Path | None = None,
        offline: bool | None = None,
        timeout: float | None = None,
        etag_timeout: float | None = None,
        download_timeout: float | None = None,
        max_retries: int | None = None,
        retry_backoff_base: float | None = None,
        retry_backoff_max: float | None = None,
        max_retry_wait: float | None = None,
        max_connections: int | None = None,
        headers: dict[str, str] | None = None,
        user_agent: str | None = None,
        disable_progress_bars: bool | None = None,
        inference_endpoints_url: str | None = None,
        inference_catalog_url: str | None = None,
        datasets_server_url: str | None = None,
    ) -> AsyncHubClient:
        """A copy of this client with some settings changed, sharing its connection pool
        (and its 429 gate), unless ``max_connections`` changes.

        Example::

            fast = client.with_options(timeout=2.0, max_retries=0)
            info = await fast.model_info("acme/model")
        """
        changes = _overrides(
            endpoint=endpoint,
            inference_endpoints_url=inference_endpoints_url,
            inference_catalog_url=inference_catalog_url,
            datasets_server_url=datasets_server_url,
            hf_home=hf_home,
            cache_dir=cache_dir,
            offline=offline,
            timeout=timeout,
            etag_timeout=etag_timeout,
            download_timeout=download_timeout,
            max_retries=max_retries,
            retry_backoff_base=retry_backoff_base,
            retry_backoff_max=retry_backoff_max,
            max_retry_wait=max_retry_wait,
            max_connections=max_connections,
            headers=headers,
            user_agent=user_agent,
            disable_progress_bars=disable_progress_bars,
        )
        settings = self._settings.replace(**changes)
        if isinstance(token, str):
            settings = settings.replace(token=token)
        elif token is False:
            settings = settings.model_copy(update={"token": None})
        return self._sibling(settings)

    # ------------------------------------------------------------------ repo info

    # ------------------------------------------------------------------ listings

    # ------------------------------------------------------------------ files

    # ------------------------------------------------------------------ refs and history

    # ------------------------------------------------------------------ repo management

    # --- downloads ---

    # --- end downloads ---

    # --- uploads ---

    # --- end uploads ---

    # --- mirroring ---


def _overrides(
    *,
    cache_dir: str | Path | None,
    hf_home: str | Path | None,
    timeout: float | None,
    user_agent: str | None,
    **rest: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in rest.items() if v is not None}
    if cache_dir is not None:
        out["hub_cache"] = Path(cache_dir).expanduser()
    if hf_home is not None:
        out["hf_home"] = Path(hf_home).expanduser()
    if timeout is not None:
        out["timeout"] = timeout  # math.inf: no limit (the settings turn it into None)
    if user_agent is not None:
        out["user_agent"] = f"{default_user_agent()}; {user_agent}"
    return out
