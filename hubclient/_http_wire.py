"""What a request puts on the wire, built once by :class:`hubclient._http.HubHttp` so that
every backend sends the same bytes: the query string, the encoded body and its content type,
the headers (token and trace id only where the auth policy allows), the timeout."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterable, Callable, Mapping
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import urlencode

import httpx

from hubclient._settings import HubSettings

__all__ = [
    "USE_DEFAULT",
    "Body",
    "Content",
    "FollowRedirects",
    "TimeoutArg",
    "as_timeout",
    "default_timeout",
    "encode_body",
    "request_headers",
    "with_query",
]


class _UseDefault:
    """Sentinel: "use the client's default" (distinct from None, which means "no limit")."""

    def __repr__(self) -> str:
        return "USE_DEFAULT"


USE_DEFAULT: Final = _UseDefault()

TimeoutArg: TypeAlias = "float | httpx.Timeout | _UseDefault | None"
FollowRedirects: TypeAlias = "bool | Literal['any']"
Content: TypeAlias = (
    "bytes | str | AsyncIterable[bytes] | Callable[[], AsyncIterable[bytes]] | None"
)
"""A request body. A zero-argument callable is called once per attempt (re-sendable streams)."""
Body: TypeAlias = "bytes | AsyncIterable[bytes] | Callable[[], AsyncIterable[bytes]] | None"
"""A body once encoded: bytes, a one-shot stream, or a maker of fresh streams."""


def default_timeout(settings: HubSettings) -> httpx.Timeout:
    return httpx.Timeout(settings.timeout, connect=settings.connect_timeout, pool=None)


def as_timeout(
    timeout: TimeoutArg,
    default: httpx.Timeout,
) -> httpx.Timeout:
    """The timeout of one request: the client's ``default`` unless one was given."""
    if isinstance(timeout, _UseDefault):
        return default
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _clean_params(
    params: Mapping[str, Any] | list[tuple[str, Any]] | None,
) -> list[tuple[str, str]] | None:
    """Drop None values, expand lists to repeated keys, booleans as ``true``/``false``."""
    if params is None:
        return None
    items = params.items() if isinstance(params, Mapping) else params
    out: list[tuple[str, str]] = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is None:
                continue
            out.append((key, ("true" if v else "false") if isinstance(v, bool) else str(v)))
    return out or None


def with_query(url: str, params: Mapping[str, Any] | list[tuple[str, Any]] | None) -> str:
    """``url`` with ``params`` appended to its query (form-encoded, as httpx encodes them)."""
    cleaned = _clean_params(params)
    if not cleaned:
        return url
    url, _, fragment = url.partition("#")
    query = urlencode(cleaned)
    url = f"{url}{'&' if '?' in url else '?'}{query}"
    return f"{url}#{fragment}" if fragment else url


def encode_body(
    json: Any, content: Content, data: Mapping[str, Any] | None
) -> tuple[Body, str | None]:
    """The body to send and its content type, encoded once for every backend (as httpx would)."""
    if json is not None:
        encoded = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return encoded.encode("utf-8"), "application/json"
    if data is not None:
        pairs = [
            (key, _form_value(v))
            for key, value in data.items()
            for v in (value if isinstance(value, (list, tuple)) else [value])
        ]
        return urlencode(pairs).encode("utf-8"), "application/x-www-form-urlencoded"
    if isinstance(content, str):
        return content.encode("utf-8"), None
    return content, None


def _form_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def request_headers(
    settings: HubSettings,
    extra: Mapping[str, str] | None,
    token: str | None,
    *,
    trusted: bool,
    auth: bool,
    trace_id: str,
) -> dict[str, str]:
    """The headers of one hop: the trace id and the settings' headers only to a ``trusted``
    origin, ``Authorization`` only when ``auth`` (never otherwise, even if a caller passed
    one)."""
    headers = {
        "user-agent": settings.user_agent,
        "accept": "*/*",
        "accept-encoding": "gzip, deflate",  # what every backend decodes
        "connection": "keep-alive",
    }
    if trusted:
        headers["x-amzn-trace-id"] = trace_id
        for key, value in settings.headers.items():
            headers[key.lower()] = value
        if token and auth:
            headers["authorization"] = f"Bearer {token}"
    if extra:
        for key, value in extra.items():
            headers[key.lower()] = value
    if not auth:
        headers.pop("authorization", None)
    return headers
