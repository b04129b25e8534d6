"""The one door to the network: every request hubclient sends goes through :class:`HubHttp`.

What it does for every caller:

* **Auth per origin.** ``Authorization`` is attached only for the *token origins*: the Hub's
  origin and the origins of the Inference Endpoints and Inference Catalog APIs (settings
  ``inference_endpoints_url`` / ``inference_catalog_url``; huggingface_hub sends the Hub token
  there too, and they need it) when they serve this Hub (huggingface.co's serve huggingface.co
  only: ``HubSettings.token_origins``), plus, over https, the hosts the Endpoints API deploys
  endpoints on (``*.endpoints.huggingface.cloud`` for ``api.endpoints.huggingface.cloud``: the
  health route and predictions of an authenticated endpoint need the token). Storage / presigned
  URLs, CDNs and anything else never get it. The token goes only to the origin a request was
  addressed to: once a redirect leaves that origin it is never sent again in that chain (even if
  a later hop comes back, and even if the new origin is another token origin).
* **Redirects are followed by us.** ``follow_redirects=True`` follows only redirects to a token
  origin (a renamed repo answers with a relative 307); any other cross-origin 3xx is returned
  as is (the caller reads ``Location``). ``follow_redirects="any"`` also follows cross-origin
  hops, without auth (content downloads through a CDN).
* **Retries** with capped exponential backoff and jitter on 408/429/5xx and on network errors,
  for idempotent methods (or when ``retry=True``); ``Retry-After`` and ``RateLimit: "api";r=0;t=N``
  set the wait. A 429 pauses every request of the client to that origin (a shared gate). Every
  retry is logged as a warning of the ``hubclient`` logger (what failed, which retry, the wait).
* **Fail fast on an origin never reached.** Until an origin has answered once, a connection
  that cannot be opened is retried at most ``connect_retries`` times, and not at all when the
  host name does not resolve or the connect attempt timed out: a wrong or unreachable endpoint
  fails in about a second, and a cache fallback does not wait out the backoff. Once an origin
  has answered, a failed connection is a transient error like any other.
* **Typed errors** (:mod:`hubclient.errors`) from ``X-Error-Code``, then the status.
* A request id (``X-Amzn-Trace-Id``) on every Hub request, a user agent naming hubclient.
* **Offline mode** raises ``OfflineModeIsEnabled`` before anything is sent.
* ``Link`` pagination as async iterators, parsed as the bytes arrive and bounded (pages, items,
  bytes per page; links stay on the page's origin).
* **Bounded answers.** A buffered body is read up to ``max_response_bytes`` once decompressed
  (a gzip bomb stops there, typed); a redirect never re-sends a one-shot streamed body.

Area modules call it like::

    response = await http.request("GET", "/api/models/acme/m", token=token)
    async for item in http.paginate("/api/models", params={"author": "acme"}):
        ...
    async with http.stream("GET", url, follow_redirects="any") as response:
        async for chunk in response.aiter_bytes():
            ...
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx

from hubclient._answers import (
    answer_error,
    convert_value,
    json_items,
    network_error,
    read_body,
    redact_url,
    too_large,
)
from hubclient._backends import Backend
from hubclient._http_errors import error_from_response, server_wait
from hubclient._http_pool import Pool
from hubclient._http_retry import (
    IDEMPOTENT_METHODS,
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    RETRYABLE_TRANSPORT_ERRORS,
    backoff,
    describe,
    transport_retries,
)
from hubclient._http_wire import (
    USE_DEFAULT,
    Body,
    Content,
    FollowRedirects,
    TimeoutArg,
    as_timeout,
    default_timeout,
    encode_body,
    request_headers,
    with_query,
)
from hubclient._settings import HubSettings
from hubclient._urls import origin_of
from hubclient.errors import (
    HfHubHTTPError,
    LocalTokenNotFoundError,
    OfflineModeIsEnabled,
    RedirectRefusedError,
)

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "USE_DEFAULT",
    "Content",
    "FollowRedirects",
    "HubHttp",
    "TimeoutArg",
    "error_from_response",
]

logger = logging.getLogger("hubclient")

_ERROR_BODY_LIMIT = 2**20
"""The most of an error answer read on a streamed request (a message, not a payload)."""


class HubHttp:
    """Sends requests to the Hub (and to storage URLs) with auth, retries and typed errors.

    Args:
        settings: endpoint, default token, timeouts, retry policy, limits.
        client: an ``httpx.AsyncClient`` to use (not closed by :meth:`aclose`).
        transport: a transport for the client hubclient builds (e.g. the local Hub's).
    """

    def __init__(
        self,
        settings: HubSettings,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        _pool: Pool | None = None,
    ) -> None:
        self._settings = settings
        self._pool = _pool if _pool is not None else Pool(settings, client, transport)
        self._hub_origin = origin_of(settings.endpoint)
        self._token_origins = settings.token_origins
        self._deployments = (
            _deployment_suffix(settings.inference_endpoints_url)
            if settings.serves_endpoint("inference_endpoints_url")
            else None
        )
        self._rng = random.Random()
        self._timeout = default_timeout(settings)

    @property
    def settings(self) -> HubSettings:
        return self._settings

    @property
    def hub_origin(self) -> str:
        """``scheme://host[:port]`` of the endpoint (one of the `token_origins`)."""
        return self._hub_origin

    @property
    def token_origins(self) -> frozenset[str]:
        """The origins that get the token: the Hub's and the Inference Endpoints/Catalog APIs'."""
        return self._token_origins

    def allows_token(self, url: str) -> bool:
        """Whether a request addressed to ``url`` may carry the token (the auth policy above)."""
        if origin_of(url) in self._token_origins:
            return True
        if self._deployments is None:
            return False
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return parts.scheme.lower() == "https" and host.endswith(self._deployments)

    @property
    def endpoint(self) -> str:
        return self._settings.endpoint

    @property
    def own_network(self) -> bool:
        """Whether requests leave through hubclient's own network stack (no client or transport
        given): only then can a library with an HTTP stack of its own (hf_xet) reach the same
        servers."""
        return self._pool.own_network

    def with_settings(self, settings: HubSettings) -> HubHttp:
        """A sibling with other settings that shares this one's connection pool and 429 gate
        (unless the pool limits or the backend changed, then it gets its own pool)."""
        old = self._settings
        if (
            settings.max_connections,
            settings.max_keepalive_connections,
            settings.keepalive_expiry,
            settings.http_backend,
        ) == (
            old.max_connections,
            old.max_keepalive_connections,
            old.keepalive_expiry,
            old.http_backend,
        ):
            return HubHttp(settings, _pool=self._pool)
        return HubHttp(settings, transport=self._pool._transport)

    async def aclose(self) -> None:
        """Close the connection pool (if hubclient created it). Idempotent."""
        await self._pool.aclose()

    def add_pause_listener(self, listener: Callable[[str, float], None]) -> None:
        """Call ``listener(origin, seconds)`` each time a 429 closes this pool's gate to an
        origin (a cluster job shares the pause with its other workers)."""
        self._pool.pause_listeners.append(listener)

    def pause(self, origin: str, seconds: float) -> None:
        """Hold every request of this pool to ``origin`` for ``seconds``, as a 429 would (a
        pause seen elsewhere, e.g. by another worker of a cluster job); listeners are not told."""
        self._pool.set_gate(origin, seconds)

    def url(self, url: str) -> str:
        """Absolute URL: paths (``/api/...``) are joined to the endpoint."""
        if url.startswith(("http://", "https://")):
            return url
        if not url.startswith("/"):
            url = "/" + url
        return self._settings.endpoint + url

    def resolve_token(self, token: str | bool | None) -> str | None:
        """Per-call token: str = use it, False = none, None = client default, True = required."""
        if isinstance(token, str):
            return token or None
        if token is False:
            return None
        if token is True and self._settings.token is None:
            raise LocalTokenNotFoundError("token=True but this client has no token")
        return self._settings.token

    # ------------------------------------------------------------------ public API

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        content: Content = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | bool | None = None,
        retry: bool | None = None,
        timeout: TimeoutArg = USE_DEFAULT,  # noqa: ASYNC109
        follow_redirects: FollowRedirects = True,
        raise_for_status: bool = True,
    ) -> httpx.Response:
        """Send one logical request (retries and redirects included) and read the body.

        Raises the typed errors of :mod:`hubclient.errors` for 4xx/5xx when
        ``raise_for_status`` (the default); httpx transport errors when the network fails
        for good; ``OfflineModeIsEnabled`` in offline mode.
        """
        return await self._send(
            method,
            url,
            params=params,
            json=json,
            content=content,
            data=data,
            headers=headers,
            token=token,
            retry=retry,
            timeout=timeout,
            follow_redirects=follow_redirects,
            raise_for_status=raise_for_status,
            stream=False,
        )

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        content: Content = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | bool | None = None,
        retry: bool | None = None,
        timeout: TimeoutArg = USE_DEFAULT,  # noqa: ASYNC109
        follow_redirects: FollowRedirects = True,
        raise_for_status: bool = True,
    ) -> AsyncIterator[httpx.Response]:
        """Like :meth:`request` but the body is left unread; the response is closed on exit.

        Retries cover everything up to the response headers; errors while reading the body
        are the caller's to handle (e.g. resume with ``Range``).
        """
        response = await self._send(
            method,
            url,
            params=params,
            json=json,
            content=content,
            data=data,
            headers=headers,
            token=token,
            retry=retry,
            timeout=timeout,
            follow_redirects=follow_redirects,
            raise_for_status=raise_for_status,
            stream=True,
        )
        try:
            yield response
        finally:
            with anyio.CancelScope(shield=True):
                await response.aclose()

    async def paginate(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | bool | None = None,
        timeout: TimeoutArg = USE_DEFAULT,  # noqa: ASYNC109
        expected: str = "a JSON array",
        convert: Callable[[Any], Any] | None = None,
    ) -> AsyncGenerator[Any, None]:
        """Yield the items of a JSON-array endpoint, following ``Link: <…>; rel="next"``.

        Follow-up pages are requested as the absolute URL the server gave, without ``params``,
        and only on the origin of the page that named them. Items are parsed as the bytes
        arrive. Bounded by the settings ``max_pages``, ``max_items`` and (per page)
        ``max_response_bytes``; a page that is not a JSON array, a repeated or foreign link,
        or a bound passed raises a typed :class:`~hubclient.errors.UnexpectedResponseError`.
        A page cut mid-way is asked again (``max_retries`` times) and its items already
        yielded are skipped. ``convert`` turns each item into what is yielded; its failures
        (:class:`~hubclient._answers.BadValue`, shape errors) are typed errors about the page.
        """
        s = self._settings
        next_url: str | None = url
        page_params = params
        seen: set[str] = set()
        pages = items = 0
        while next_url is not None:
            pages += 1
            yielded = 0  # items of this page already handed out
            failures = 0
            while True:
                try:
                    async with self.stream(
                        "GET", next_url, params=page_params, headers=headers, token=token,
                        timeout=timeout,
                    ) as response:  # fmt: skip
                        index = 0
                        async for item in json_items(
                            response, limit=s.max_response_bytes, expected=expected
                        ):
                            index += 1
                            if index <= yielded:
                                continue
                            items += 1
                            if s.max_items is not None and items > s.max_items:
                                raise too_large(
                                    response, f"The listing goes on past {s.max_items} items",
                                    "max_items", s.max_items,
                                )  # fmt: skip
                            yielded = index
                            yield (
                                item
                                if convert is None
                                else convert_value(response, convert, item, expected=expected)
                            )
                        link = self._next_page(response, seen)
                        if link is not None and s.max_pages is not None and pages >= s.max_pages:
                            raise too_large(
                                response, f"The listing goes on past {s.max_pages} pages",
                                "max_pages", s.max_pages,
                            )  # fmt: skip
                    break
                except RETRYABLE_TRANSPORT_ERRORS as exc:
                    failures += 1
                    if failures > s.max_retries:
                        raise network_error(exc, method="GET", url=next_url) from exc
                    delay = self._backoff(failures)
                    logger.warning(
                        "GET %s cut mid-page (%s); retry %d/%d in %.1fs, skipping the %d "
                        "items already read",
                        redact_url(next_url), describe(exc), failures, s.max_retries, delay,
                        yielded,
                    )  # fmt: skip
                    await anyio.sleep(delay)
            page_params = None
            next_url = link

    def _next_page(self, response: httpx.Response, seen: set[str]) -> str | None:
        """The next page's URL from ``Link``, checked: new, and on the page's own origin."""
        link = response.links.get("next", {}).get("url")
        if link is None:
            return None
        link = str(response.url.join(link))
        if origin_of(link) != origin_of(str(response.url)):
            raise answer_error(
                response,
                f"The next page is on another host ({redact_url(link)}); it was not requested",
                expected="a next page on the same origin",
            )
        if link in seen:
            raise answer_error(
                response,
                f"Pagination loop: the server sent the same next page twice ({redact_url(link)})",
                expected="a next page not seen before",
            )
        seen.add(link)
        return link

    # ------------------------------------------------------------------ internals

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None,
        json: Any,
        content: Content,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        token: str | bool | None,
        retry: bool | None,
        timeout: TimeoutArg,  # noqa: ASYNC109
        follow_redirects: FollowRedirects,
        raise_for_status: bool,
        stream: bool,
    ) -> httpx.Response:
        method = method.upper()
        full_url = self.url(url)
        if self._settings.offline:
            raise OfflineModeIsEnabled(
                f"Cannot reach {full_url}: offline mode is enabled (HF_HUB_OFFLINE=1)."
            )
        token_value = self.resolve_token(token)
        if json is None and content is None and data is None:
            body, content_type = None, None
        else:
            body, content_type = encode_body(json, content, data)
        resendable = body is None or isinstance(body, bytes) or callable(body)
        may_retry = retry if retry is not None else method in IDEMPOTENT_METHODS
        max_retries = self._settings.max_retries if (may_retry and resendable) else 0
        trace_id = f"{self._rng.getrandbits(128):032x}"  # no syscall, unlike uuid4
        request_timeout = as_timeout(timeout, self._timeout)
        shown_url = full_url  # what the log names (the query can hold long or private values)
        if params:
            full_url = with_query(full_url, params)
        origin = origin_of(full_url)

        pool = self._pool
        backend = pool.get()
        attempt = 0
        while True:
            if pool.gates:  # a 429 was seen once: look at the gate (else there is none)
                await pool.wait_gate(origin)
            slots = None if stream else await pool.take_slot(backend, origin)
            try:
                response = await self._attempt(
                    backend,
                    method,
                    full_url,
                    origin,
                    body=body,
                    content_type=content_type,
                    headers=headers,
                    token=token_value,
                    timeout=request_timeout,
                    follow_redirects=follow_redirects,
                    stream=stream,
                    trace_id=trace_id,
                )
            except RETRYABLE_TRANSPORT_ERRORS as exc:
                if slots is not None:
                    slots.release()
                    slots = None
                limit = transport_retries(
                    exc,
                    reached=origin in self._pool.reached,
                    max_retries=max_retries,
                    settings=self._settings,
                )
                if attempt >= limit:
                    raise network_error(exc, method=method, url=full_url) from exc
                attempt += 1
                delay = self._backoff(attempt)
                logger.warning(
                    "%s %s failed (%s); retry %d/%d in %.1fs",
                    method,
                    shown_url,
                    describe(exc),
                    attempt,
                    limit,
                    delay,
                )
                await anyio.sleep(delay)
                continue
            except httpx.TransportError as exc:  # not worth a retry (a local protocol error...)
                raise network_error(exc, method=method, url=full_url) from exc
            finally:
                if slots is not None:
                    slots.release()
            self._pool.reached.add(origin)

            status = response.status_code
            if status in RETRY_STATUSES:
                wait = server_wait(response)
                resp_origin = origin_of(str(response.url))
                if status == 429:
                    pause = wait if wait is not None else self._backoff(attempt + 1)
                    if pause <= self._settings.max_retry_wait:  # else: fail fast, no pause
                        self._close_gate(resp_origin, pause)
                if attempt < max_retries and (
                    wait is None or wait <= self._settings.max_retry_wait
                ):
                    attempt += 1
                    delay = wait if wait is not None else self._backoff(attempt)
                    logger.warning(
                        "%s %s answered %d; retry %d/%d in %.1fs",
                        method,
                        shown_url,
                        status,
                        attempt,
                        max_retries,
                        delay,
                    )
                    with anyio.CancelScope(shield=True):
                        await response.aclose()
                    if status == 429:  # wait at the gate like every other request
                        await self._pool.wait_gate(resp_origin)
                    else:
                        await anyio.sleep(delay)
                    continue

            if raise_for_status and status >= 400:
                try:
                    if stream:  # the error's explanation, within a bound of its own
                        await read_body(response, _ERROR_BODY_LIMIT)
                except (httpx.HTTPError, HfHubHTTPError):
                    pass  # too large, undecodable or cut: the error goes without it
                finally:
                    with anyio.CancelScope(shield=True):
                        await response.aclose()
                raise error_from_response(response, method=method, trace_id=trace_id)
            return response

    async def _attempt(
        self,
        backend: Backend,
        method: str,
        url: str,
        origin: str,
        *,
        body: Body,
        content_type: str | None,
        headers: Mapping[str, str] | None,
        token: str | None,
        timeout: httpx.Timeout,  # noqa: ASYNC109
        follow_redirects: FollowRedirects,
        stream: bool,
        trace_id: str,
    ) -> httpx.Response:
        first_origin = origin
        auth_allowed = True
        current_method, current_url = method, url
        sent_body = body() if callable(body) else body
        hops = 0
        current_origin = origin
        while True:
            trusted = self.allows_token(current_url)
            # the token goes to the origin the request was addressed to, never after a hop away
            auth_allowed = auth_allowed and trusted and current_origin == first_origin
            sent = request_headers(
                self._settings,
                headers,
                token,
                trusted=trusted,
                auth=auth_allowed,
                trace_id=trace_id,
            )
            if sent_body is not None and content_type and "content-type" not in sent:
                sent["content-type"] = content_type
            response = await backend.send(current_method, current_url, sent, sent_body, timeout)
            if not follow_redirects or response.status_code not in REDIRECT_STATUSES:
                break
            location = response.headers.get("location")
            if not location:
                break
            next_url = str(response.url.join(location))
            current_origin = origin_of(next_url)
            if current_origin not in self._token_origins and follow_redirects != "any":
                break
            hops += 1
            with anyio.CancelScope(shield=True):
                await response.aclose()
            if hops > self._settings.max_redirects:
                raise answer_error(
                    response,
                    f"More than {self._settings.max_redirects} redirects (the last one to "
                    f"{redact_url(next_url)})",
                    expected=f"at most max_redirects={self._settings.max_redirects} redirects",
                )
            if (response.status_code == 303 and current_method != "HEAD") or (
                response.status_code in (301, 302) and current_method == "POST"
            ):
                current_method = "GET"
                sent_body = None
            elif callable(body):  # the body goes again: a fresh stream of it
                sent_body = body()
            elif sent_body is not None and not isinstance(sent_body, bytes):
                raise RedirectRefusedError(
                    f"{response.status_code} redirect of {current_method} "
                    f"{redact_url(current_url)} to {redact_url(next_url)} not followed: the "
                    "request body was a one-shot stream that cannot be sent again",
                    location=redact_url(next_url),
                    status_code=response.status_code,
                    url=redact_url(current_url),
                    method=current_method,
                    request_id=response.headers.get("x-request-id") or trace_id,
                )
            current_url = next_url
        if not stream:
            try:
                await read_body(response, self._settings.max_response_bytes)
            finally:
                if not response.is_closed:  # a body read to its end has closed it already
                    with anyio.CancelScope(shield=True):
                        await response.aclose()
        return response

    def _backoff(self, attempt: int) -> float:
        return backoff(self._settings, self._rng, attempt)

    def _close_gate(self, origin: str, seconds: float) -> None:
        self._pool.close_gate(origin, seconds)


def _deployment_suffix(api_url: str) -> str | None:
    """``.endpoints.huggingface.cloud`` for ``https://api.endpoints.huggingface.cloud/v2``: the
    domain the Endpoints API deploys endpoints under (``api.<domain>`` serves ``*.<domain>``).
    None for an API that is not named ``api.<domain>`` (a local one, an IP address)."""
    parts = urlsplit(api_url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or not host.startswith("api."):
        return None
    domain = host[len("api.") :]
    if domain.count(".") < 1 or domain.replace(".", "").isdigit():
        return None
    return "." + domain
