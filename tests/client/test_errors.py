"""Error classification: X-Error-Code first, then the status; details kept on the exception."""

from __future__ import annotations

import pickle

import httpx
import pytest

from hubclient import (
    BadRequestError,
    DisabledRepoError,
    EntryNotFoundError,
    ForbiddenError,
    GatedRepoError,
    HfHubHTTPError,
    RateLimitedError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    UnauthorizedError,
)
from hubclient._http import error_from_response

URL = "http://hub.local/api/models/acme/m"


def answer(status: int, headers: dict[str, str] | None = None, **kw: object) -> httpx.Response:
    request = httpx.Request("GET", URL)
    return httpx.Response(status, headers=headers, request=request, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (404, {"X-Error-Code": "RepoNotFound"}, RepositoryNotFoundError),
        (401, {"X-Error-Code": "RepoNotFound"}, RepositoryNotFoundError),
        (401, {}, RepositoryNotFoundError),  # 401 on a repo URL without credentials problem
        (
            401,
            {"X-Error-Message": "Invalid credentials in Authorization header"},
            UnauthorizedError,
        ),
        (403, {}, ForbiddenError),
        (403, {"X-Error-Code": "GatedRepo"}, GatedRepoError),
        (404, {"X-Error-Code": "RevisionNotFound"}, RevisionNotFoundError),
        (404, {"X-Error-Code": "EntryNotFound"}, RemoteEntryNotFoundError),
        (403, {"X-Error-Message": "Access to this resource is disabled."}, DisabledRepoError),
        (400, {}, BadRequestError),
        (429, {}, RateLimitedError),
        (404, {}, HfHubHTTPError),
        (412, {}, HfHubHTTPError),
        (500, {}, HfHubHTTPError),
    ],
)
def test_classification(status: int, headers: dict[str, str], expected: type) -> None:
    err = error_from_response(answer(status, headers))
    assert type(err) is expected
    assert err.status_code == status
    assert err.url == URL
    assert err.method == "GET"


def test_401_and_403_are_http_errors_of_their_own_type() -> None:
    """huggingface_hub raises a plain HfHubHTTPError: ``except HfHubHTTPError`` still works."""
    refused = error_from_response(
        answer(401, {"X-Error-Message": "Invalid credentials in Authorization header"})
    )
    forbidden = error_from_response(answer(403, {"X-Error-Message": "No rights"}))
    assert isinstance(refused, HfHubHTTPError)
    assert isinstance(forbidden, HfHubHTTPError)
    assert str(refused).startswith("401 Unauthorized for GET ")
    assert str(forbidden).startswith("403 Forbidden for GET ")


def test_repo_not_found_advice_is_given_once() -> None:
    bare = error_from_response(answer(404, {"X-Error-Code": "RepoNotFound"}))
    assert "authenticated" in str(bare)  # our advice, when the Hub gives none
    advised = error_from_response(
        answer(
            404,
            {"X-Error-Code": "RepoNotFound"},
            json={"error": "Repository not found. Make sure you are authenticated."},
        )
    )
    assert str(advised).lower().count("authenticated") == 1


def test_hierarchy() -> None:
    gated = error_from_response(answer(403, {"X-Error-Code": "GatedRepo"}))
    assert isinstance(gated, RepositoryNotFoundError)
    entry = error_from_response(answer(404, {"X-Error-Code": "EntryNotFound"}))
    assert isinstance(entry, EntryNotFoundError)
    assert isinstance(entry, OSError)
    assert isinstance(error_from_response(answer(400)), ValueError)


def test_server_message_and_request_id() -> None:
    err = error_from_response(
        answer(
            404,
            {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repo gone", "X-Request-Id": "r-1"},
            json={"error": "Repo gone"},
        )
    )
    assert err.server_message == "Repo gone"  # header and body agree: said once
    assert err.request_id == "r-1"
    assert "r-1" in str(err)
    assert err.error_code == "RepoNotFound"
    by_body = error_from_response(answer(400, json={"error": ["a", "b"]}))
    assert by_body.server_message == "a\nb"
    html = error_from_response(answer(502, text="<html><body>bad gateway</body></html>"))
    assert html.server_message is None
    traced = error_from_response(answer(500), trace_id="t-9")
    assert traced.request_id == "t-9"
    amzn = error_from_response(answer(500, {"X-Amzn-Trace-Id": "amzn"}), trace_id="t-9")
    assert amzn.request_id == "amzn"


def test_rate_limit_details() -> None:
    err = error_from_response(
        answer(
            429,
            {
                "RateLimit": '"api";r=0;t=55',
                "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
            },
        )
    )
    assert isinstance(err, RateLimitedError)
    assert (err.ratelimit_remaining, err.ratelimit_reset, err.retry_after) == (0, 55, 55)
    assert err.ratelimit_policy is not None
    assert "q=500" in err.ratelimit_policy
    assert "reset in 55s" in str(err)
    after = error_from_response(answer(429, {"Retry-After": "7"}))
    assert isinstance(after, RateLimitedError)
    assert after.retry_after == 7


def test_errors_pickle() -> None:
    err = error_from_response(answer(404, {"X-Error-Code": "RevisionNotFound"}), trace_id="t")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is RevisionNotFoundError
    assert (again.status_code, again.url, again.request_id, str(again)) == (
        err.status_code,
        err.url,
        err.request_id,
        str(err),
    )
    rl = pickle.loads(pickle.dumps(error_from_response(answer(429, {"Retry-After": "3"}))))
    assert isinstance(rl, RateLimitedError)
    assert rl.retry_after == 3
