"""What is retried and how long to wait: the statuses and network errors worth another try,
the capped exponential backoff with jitter, and the fail-fast rule for an origin never
reached (a host that does not resolve, a connect that timed out)."""

from __future__ import annotations

import random
import socket
from typing import Final

import httpx

from hubclient._settings import HubSettings

__all__ = [
    "IDEMPOTENT_METHODS",
    "REDIRECT_STATUSES",
    "RETRYABLE_TRANSPORT_ERRORS",
    "RETRY_STATUSES",
    "backoff",
    "describe",
    "transport_retries",
]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
RETRYABLE_TRANSPORT_ERRORS: Final = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
_CONNECT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout)
# getaddrinfo's "try again later" is worth a retry; its other failures are final answers
_TRANSIENT_RESOLVER_ERRORS: Final = frozenset({getattr(socket, "EAI_AGAIN", -3)})


def transport_retries(
    exc: Exception, *, reached: bool, max_retries: int, settings: HubSettings
) -> int:
    """How many retries a request that failed with ``exc`` gets in all (``reached``: its
    origin has answered before)."""
    if reached or not isinstance(exc, _CONNECT_ERRORS):
        return max_retries
    if isinstance(exc, httpx.ConnectTimeout) or _name_not_resolved(exc):
        return 0  # waiting again would only repeat the same answer
    return min(max_retries, settings.connect_retries)


def backoff(settings: HubSettings, rng: random.Random, attempt: int) -> float:
    """The wait before retry ``attempt``: exponential, capped, with jitter (half to whole)."""
    base = settings.retry_backoff_base
    cap = settings.retry_backoff_max
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return float(delay * (0.5 + rng.random() / 2))


def _name_not_resolved(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a host name that does not resolve (DNS said no)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return current.errno not in _TRANSIENT_RESOLVER_ERRORS
        current = current.__cause__ or current.__context__
    return False


def describe(exc: BaseException) -> str:
    """``Type: message`` on one line, for a log line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
