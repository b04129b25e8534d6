"""Typed errors from error answers (``X-Error-Code`` first, then the status), and the waits a
server asks for (``Retry-After``, ``RateLimit``), read without trusting their size."""

from __future__ import annotations

import email.utils
import json as jsonlib
import re
import time
from typing import Any, Final
from urllib.parse import unquote

import httpx

from hubclient._answers import redact_url
from hubclient.errors import (
    BadRequestError,
    BucketNotFoundError,
    DisabledRepoError,
    ForbiddenError,
    GatedRepoError,
    HfHubHTTPError,
    RateLimitedError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    UnauthorizedError,
)

__all__ = ["error_from_response", "server_wait"]

_DISABLED_MESSAGE: Final = "Access to this resource is disabled."
_INVALID_CREDENTIALS: Final = "Invalid credentials in Authorization header"
# the Dataset Viewer's answer for a dataset missing, private or gated to the caller
_VIEWER_NOT_FOUND: Final = ("ExternalUnauthenticatedError", "ExternalAuthenticatedError")
_REPO_URL_RE: Final = re.compile(r"/api/(models|datasets|spaces)/.+|/resolve/")
# a bucket's API and file URLs: /api/buckets/{ns}/{name}[/...] and /buckets/{ns}/{name}/resolve/...
_BUCKET_URL_RE: Final = re.compile(
    r"^[a-z]+://[^/]+/(?:api/buckets/([^/?#]+/[^/?#]+)|buckets/([^/?#]+/[^/?#]+)/resolve/)"
)

_RATELIMIT_R = re.compile(r"(?:^|;)\s*r\s*=\s*(\d+)")
_RATELIMIT_T = re.compile(r"(?:^|;)\s*t\s*=\s*(\d+)")
_HUGE = 10**9
"""Seconds standing for any longer wait a server asks for (about 32 years)."""


def _bounded_int(digits: str) -> int:
    return int(digits) if len(digits) <= 9 else _HUGE


def _ratelimit(headers: httpx.Headers) -> tuple[int | None, int | None]:
    value = headers.get("ratelimit")
    if not value:
        return None, None
    r = _RATELIMIT_R.search(value)
    t = _RATELIMIT_T.search(value)
    return (_bounded_int(r.group(1)) if r else None, _bounded_int(t.group(1)) if t else None)


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return min(float(_HUGE), seconds) if seconds > 0 else 0.0  # NaN and negatives: 0
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def server_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: ``RateLimit`` (r=0) first, then ``Retry-After``."""
    remaining, reset = _ratelimit(response.headers)
    if remaining == 0 and reset is not None:
        return float(reset)
    return _retry_after(response.headers)


def _server_message(response: httpx.Response) -> str | None:
    messages: list[str] = []
    header = response.headers.get("x-error-message")
    if header:
        messages.append(header)
    try:
        text = response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        text = ""
    if text:
        try:
            payload = jsonlib.loads(text)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            error = payload.get("error")
            if isinstance(error, str):
                messages.append(error)
            elif isinstance(error, list):
                messages.extend(str(e) for e in error)
            description = payload.get("error_description")
            if isinstance(description, str):
                messages.append(description)
            errors = payload.get("errors")
            if isinstance(errors, list):
                messages.extend(
                    str(e.get("message")) for e in errors if isinstance(e, dict) and "message" in e
                )
        elif payload is None and "<html" not in text[:500].lower():
            messages.append(text.strip()[:1000])
    unique = list(dict.fromkeys(m.strip() for m in messages if m and m.strip()))
    return "\n".join(unique) or None


def error_from_response(
    response: httpx.Response, *, method: str | None = None, trace_id: str | None = None
) -> HfHubHTTPError:
    """Classify an error response: ``X-Error-Code`` first, then the status code."""
    headers = response.headers
    status = response.status_code
    code = headers.get("x-error-code")
    header_message = headers.get("x-error-message")
    url = redact_url(str(response.url))
    request_id = (
        headers.get("x-request-id")
        or headers.get("x-amzn-trace-id")
        or headers.get("x-amz-cf-id")
        or trace_id
    )
    server_message = _server_message(response)
    if method is None:
        try:
            method = response.request.method
        except RuntimeError:
            method = "GET"

    cls: type[HfHubHTTPError]
    bucket = _BUCKET_URL_RE.match(url)
    if bucket is not None and (
        code == "RepoNotFound" or (status == 401 and header_message != _INVALID_CREDENTIALS)
    ):
        cls, what = BucketNotFoundError, "Bucket not found"
    elif code == "RevisionNotFound":
        cls, what = RevisionNotFoundError, "Revision not found"
    elif code == "EntryNotFound":
        cls, what = RemoteEntryNotFoundError, "Entry not found"
    elif code == "GatedRepo":
        cls, what = GatedRepoError, "Cannot access gated repo"
    elif header_message == _DISABLED_MESSAGE:
        cls, what = DisabledRepoError, "Repository is disabled"
    elif (
        code == "RepoNotFound"
        or code in _VIEWER_NOT_FOUND
        or (status == 401 and header_message != _INVALID_CREDENTIALS and _REPO_URL_RE.search(url))
    ):
        cls, what = RepositoryNotFoundError, "Repository not found"
    elif status == 400:
        cls, what = BadRequestError, "Bad request"
    elif status == 401:
        cls, what = UnauthorizedError, "Unauthorized"
    elif status == 403:
        cls, what = ForbiddenError, "Forbidden"
    elif status == 429:
        cls, what = RateLimitedError, "Rate limited"
    else:
        kind = "Client" if status < 500 else "Server"
        cls, what = HfHubHTTPError, f"{kind} error"

    message = f"{status} {what} for {method} {url}"
    if request_id:
        message += f" (Request ID: {request_id})"
    if server_message:
        message += f"\n\n{server_message}"
    if cls is BucketNotFoundError:
        message += (
            "\nCheck the bucket id (namespace/name). If the bucket is private, make sure you are "
            "authenticated with a token that can read it."
        )
    elif cls is RepositoryNotFoundError and "authenticat" not in (server_message or "").lower():
        message += (
            "\nCheck the repo id and type. If the repo is private, make sure you are "
            "authenticated with a token that can read it."
        )
    kwargs: dict[str, Any] = {
        "status_code": status,
        "url": url,
        "method": method,
        "request_id": request_id,
        "server_message": server_message,
        "error_code": code,
        "headers": {k.lower(): v for k, v in headers.items()},
    }
    if cls is RateLimitedError:
        remaining, reset = _ratelimit(headers)
        wait = server_wait(response)
        policy = headers.get("ratelimit-policy")
        if reset is not None or policy:
            message += f"\nRate limit: remaining={remaining}, reset in {reset}s, policy={policy}"
        return RateLimitedError(
            message,
            retry_after=wait,
            ratelimit_remaining=remaining,
            ratelimit_reset=reset,
            ratelimit_policy=policy,
            **kwargs,
        )
    error = cls(message, **kwargs)
    if isinstance(error, BucketNotFoundError) and bucket is not None:
        error.bucket_id = unquote(bucket.group(1) or bucket.group(2))
    return error
