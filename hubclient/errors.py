"""The exceptions hubclient raises.

The names follow ``huggingface_hub`` so that ``except RepositoryNotFoundError:`` ports unchanged.
Every HTTP error carries what a log line or a retry decision needs: ``status_code``, ``url``,
``method``, ``request_id`` and the ``server_message``.

Tree::

    HubClientError
    ├── HfHubHTTPError (also OSError)             any HTTP error answered by a server
    │   ├── RepositoryNotFoundError
    │   │   ├── GatedRepoError
    │   │   └── BucketNotFoundError                no such bucket (or a private one)
    │   ├── DisabledRepoError
    │   ├── RevisionNotFoundError
    │   ├── RemoteEntryNotFoundError (also EntryNotFoundError)
    │   ├── DiscussionNotFoundError                a discussion or comment that does not exist
    │   ├── BadRequestError (also ValueError)
    │   │   └── PullRequestNotMergeableError       closed, merged, draft, or conflicting
    │   ├── UnauthorizedError                      401: the token was refused
    │   ├── ForbiddenError                         403: the token may not do this
    │   ├── RateLimitedError                       429 after the retries ran out
    │   ├── RedirectRefusedError                   a redirect that would lose the request body
    │   ├── UnexpectedResponseError                an answer unlike the Hub's (HTML, wrong shape)
    │   │   ├── UnsafeServerValueError             a sha/oid/ETag/path that cannot name a file
    │   │   └── ResponseTooLargeError              a body or a listing past its bound
    │   └── BucketBatchError                       a bucket batch with failed operations
    ├── EntryNotFoundError                         remote or local
    │   └── LocalEntryNotFoundError (also FileNotFoundError)
    │       └── IncompleteSnapshotError
    ├── HubNetworkError (also httpx.TransportError) the connection failed for good
    │   └── HubTimeoutError (also httpx.TimeoutException)
    ├── OAuthError                                 Sign in with HF failed (denied, state, PKCE)
    ├── OfflineModeIsEnabled (also ConnectionError)
    ├── LocalTokenNotFoundError (also OSError)
    ├── XetRequiredError                           a transfer only Xet can do, without hf_xet
    ├── FileMetadataError (also OSError)
    ├── DiskWriteError (also OSError)             disk full, quota... naming the file
    ├── HFValidationError (also ValueError)       bad repo id, repo type, revision...
    ├── CacheNotFound                              no cache folder where one was named
    ├── CorruptedCacheException                    a cache entry scan_cache_dir cannot read
    ├── RepoCardError (also ValueError)           a card that cannot be read or that the Hub refuses
    ├── NotASafetensorsRepoError                   no model.safetensors, no index
    ├── SafetensorsParsingError                    a header that is not a safetensors header
    ├── WaitTimeoutError (also TimeoutError)      a wait ran out of time (``last`` state kept)
    │   └── InferenceEndpointTimeoutError
    ├── InferenceEndpointError                    an endpoint failed, or is not deployed yet
    │   └── InferenceEndpointTimeoutError
    └── LogStreamError (also ConnectionError)     a log or metrics stream broke for good

Example::

    try:
        info = await client.model_info("acme/missing")
    except RepositoryNotFoundError as err:
        print(err.status_code, err.request_id, err.server_message)
"""

from __future__ import annotations

import httpx

__all__ = [
    "BadRequestError",
    "BucketBatchError",
    "BucketNotFoundError",
    "CacheNotFound",
    "CorruptedCacheException",
    "DisabledRepoError",
    "DiscussionNotFoundError",
    "DiskWriteError",
    "EntryNotFoundError",
    "FileDuplicationError",
    "FileMetadataError",
    "ForbiddenError",
    "GatedRepoError",
    "HFValidationError",
    "HfHubHTTPError",
    "HubClientError",
    "HubNetworkError",
    "HubTimeoutError",
    "IncompleteSnapshotError",
    "InferenceEndpointError",
    "InferenceEndpointTimeoutError",
    "LocalEntryNotFoundError",
    "LocalTokenNotFoundError",
    "LogStreamError",
    "NotASafetensorsRepoError",
    "NothingToCommitWarning",
    "OAuthError",
    "OfflineModeIsEnabled",
    "PullRequestNotMergeableError",
    "RateLimitedError",
    "RedirectRefusedError",
    "RemoteEntryNotFoundError",
    "RepoCardError",
    "RepositoryNotFoundError",
    "ResponseTooLargeError",
    "RevisionNotFoundError",
    "RevisionResolutionError",
    "SafetensorsParsingError",
    "UnauthorizedError",
    "UnexpectedResponseError",
    "UnsafeServerValueError",
    "WaitTimeoutError",
    "XetRequiredError",
]


class HubClientError(Exception):
    """Base class of every error hubclient raises on purpose."""


class HfHubHTTPError(HubClientError, OSError):
    """A server answered with an HTTP error status (after any retries).

    Attributes:
        status_code: the HTTP status of the final response.
        url: the URL of the request that failed (after redirects).
        method: the HTTP method.
        request_id: ``X-Request-Id`` of the response, else ``X-Amzn-Trace-Id``, else
            ``X-Amz-Cf-Id``, else the trace id hubclient sent.
        server_message: the server's explanation (``X-Error-Message`` header or the JSON
            ``error`` field of the body), or None.
        error_code: the ``X-Error-Code`` header, or None.
        headers: the response headers (names lower-cased).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        url: str,
        method: str = "GET",
        request_id: str | None = None,
        server_message: str | None = None,
        error_code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.url = url
        self.method = method
        self.request_id = request_id
        self.server_message = server_message
        self.error_code = error_code
        self.headers: dict[str, str] = dict(headers or {})

    def append_to_message(self, additional: str) -> None:
        """Add a hint to the error message (kept in ``str(err)``)."""
        self.args = (str(self.args[0]) + additional, *self.args[1:])

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_http_error,
            (
                type(self),
                str(self.args[0]) if self.args else "",
                {
                    "status_code": self.status_code,
                    "url": self.url,
                    "method": self.method,
                    "request_id": self.request_id,
                    "server_message": self.server_message,
                    "error_code": self.error_code,
                    "headers": self.headers,
                },
                dict(self.__dict__),
            ),
        )


def _rebuild_http_error(
    cls: type[HfHubHTTPError],
    message: str,
    kwargs: dict[str, object],
    state: dict[str, object],
) -> HfHubHTTPError:
    err = cls.__new__(cls)
    HfHubHTTPError.__init__(err, message, **kwargs)  # type: ignore[arg-type]
    err.__dict__.update(state)
    return err


class RepositoryNotFoundError(HfHubHTTPError):
    """The repo does not exist, or it is private and the token cannot see it.

    Example::

        try:
            await client.model_info("acme/does-not-exist")
        except RepositoryNotFoundError:
            ...
    """


class GatedRepoError(RepositoryNotFoundError):
    """The repo is gated and the token has not been granted access."""


class BucketNotFoundError(RepositoryNotFoundError):
    """The storage bucket does not exist, or it is private and the token cannot see it.

    ``bucket_id`` is the ``namespace/name`` of the request, when its URL names one. A subclass
    of :class:`RepositoryNotFoundError` (a bucket is a repo type of the Hub); huggingface_hub's
    is a plain ``HfHubHTTPError``, so ``except BucketNotFoundError`` ports unchanged.
    """

    bucket_id: str | None = None


class DisabledRepoError(HfHubHTTPError):
    """The repo has been disabled by the Hub (``Access to this resource is disabled.``)."""


class RevisionNotFoundError(HfHubHTTPError):
    """The repo exists but the branch, tag or commit does not."""


class EntryNotFoundError(HubClientError):
    """A file or folder does not exist, remotely or in the local cache."""


class RemoteEntryNotFoundError(HfHubHTTPError, EntryNotFoundError):
    """The repo and revision exist but the file or folder does not (404 ``EntryNotFound``)."""


class LocalEntryNotFoundError(EntryNotFoundError, FileNotFoundError):
    """The file is not in the local cache and the network may not (or could not) be used."""


class IncompleteSnapshotError(LocalEntryNotFoundError):
    """A cached snapshot lacks files that the cached tree listing says it should hold."""

    def __init__(self, message: str, snapshot_path: str = "") -> None:
        super().__init__(message)
        self.snapshot_path = snapshot_path


class BadRequestError(HfHubHTTPError, ValueError):
    """The server refused the request as malformed (HTTP 400)."""


class UnauthorizedError(HfHubHTTPError):
    """HTTP 401 for anything but a repo: the Hub refused the token (``Invalid credentials``).

    A 401 on a repo URL is a :class:`RepositoryNotFoundError`, as in huggingface_hub (the Hub
    answers 401 for missing and private repos alike). huggingface_hub raises a plain
    ``HfHubHTTPError`` here; this is a subclass, so ``except HfHubHTTPError`` still catches it.
    """


class ForbiddenError(HfHubHTTPError):
    """HTTP 403: the token is valid but may not do this (a read token writing, a repo of an
    organisation the user is not a member of).

    huggingface_hub raises a plain ``HfHubHTTPError`` here; this is a subclass of it.
    """


class DiscussionNotFoundError(HfHubHTTPError):
    """The repo exists but the discussion (or the comment of it) does not (HTTP 404).

    Example::

        try:
            await client.comment_discussion("acme/model", 999, "hello")
        except DiscussionNotFoundError as err:
            print(err.status_code, err.server_message)
    """


class PullRequestNotMergeableError(BadRequestError):
    """The Hub refused to merge a pull request: it is closed, already merged or a draft, it
    is a discussion, or its files conflict with the target branch (``status_code`` 400 or
    409; ``server_message`` says which). Nothing was merged.
    """


class RateLimitedError(HfHubHTTPError):
    """HTTP 429 that did not clear within the retries.

    Attributes:
        retry_after: seconds the server asked to wait (``Retry-After`` or ``RateLimit`` ``t=``).
        ratelimit_remaining: ``r=`` of the ``RateLimit`` header, if sent.
        ratelimit_reset: ``t=`` of the ``RateLimit`` header, if sent.
        ratelimit_policy: the raw ``RateLimit-Policy`` header, if sent.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        ratelimit_remaining: int | None = None,
        ratelimit_reset: int | None = None,
        ratelimit_policy: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after
        self.ratelimit_remaining = ratelimit_remaining
        self.ratelimit_reset = ratelimit_reset
        self.ratelimit_policy = ratelimit_policy


class RedirectRefusedError(HfHubHTTPError):
    """The server redirected a request whose body was a one-shot stream, which cannot be sent
    again; nothing was sent to the new location.

    Attributes:
        location: where the server redirected to (pass a re-creatable body, a zero-argument
            callable, to have it followed).
    """

    def __init__(self, message: str, *, location: str, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.location = location


class UnexpectedResponseError(HfHubHTTPError):
    """The server answered, but not as the Hub answers: HTML or invalid JSON where JSON was
    due, JSON of another shape, a pagination link to another host...

    ``status_code`` is the status of that answer (often 200); ``url`` has any presigned query
    string redacted.

    Attributes:
        expected: what the Hub sends there (e.g. ``"a JSON array of tree entries"``).
    """

    def __init__(self, message: str, *, expected: str = "", **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.expected = expected


class UnsafeServerValueError(UnexpectedResponseError):
    """A value from the server that would name a file or folder (a commit sha, a blob oid, an
    ETag, a repo path, a ref name) is not one the Hub could send. Nothing was written with it.

    Attributes:
        field: what the value is (``"commit sha"``, ``"ETag"``, ``"blob oid"``, ``"path"``...).
        value: the value as received.
    """

    def __init__(self, message: str, *, field: str, value: object, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.field = field
        self.value = value


class ResponseTooLargeError(UnexpectedResponseError):
    """An answer went past a bound of :class:`~hubclient.HubSettings`: a body larger than
    ``max_response_bytes`` once decompressed, or a listing with more than ``max_pages`` pages
    or ``max_items`` items.

    Attributes:
        setting: the name of the bound (``"max_response_bytes"``...).
        limit: its value.
    """

    def __init__(self, message: str, *, setting: str, limit: int, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.setting = setting
        self.limit = limit


class HubNetworkError(HubClientError, httpx.TransportError):
    """The network failed for good, after the retries: connection refused or reset, a body
    cut short, a broken HTTP exchange. The httpx error is the ``__cause__``; being an
    ``httpx.TransportError`` too, ``except httpx.TransportError`` keeps working.

    Attributes:
        url: the URL (presigned query strings redacted).
        method: the HTTP method.
    """

    def __init__(
        self, message: str, *, url: str = "", method: str = "", request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)
        self.url = url
        self.method = method

    _httpx_cause: type[httpx.TransportError] | None = None
    """The httpx error a class made by :func:`network_error_class` stands for."""

    def __reduce__(self) -> tuple[object, ...]:
        # the classes named after httpx's errors are made at run time: rebuilt by their cause
        state = {k: v for k, v in self.__dict__.items() if k != "_request"}
        kind: object = self._httpx_cause if self._httpx_cause is not None else type(self)
        return (_rebuild_network_error, (kind, str(self.args[0]) if self.args else "", state))


class HubTimeoutError(HubNetworkError, httpx.TimeoutException):
    """A connect, read, write or pool timeout, after the retries (also an
    ``httpx.TimeoutException``)."""


_NETWORK_CLASSES: dict[type[httpx.TransportError], type[HubNetworkError]] = {}


def network_error_class(cause: type[httpx.TransportError]) -> type[HubNetworkError]:
    """The hubclient error raised for an httpx transport error of type ``cause``: a subclass
    of :class:`HubNetworkError` (:class:`HubTimeoutError` for timeouts) *and* of ``cause``,
    with ``cause``'s name, so ``except httpx.ConnectError`` and messages naming
    ``ConnectError`` keep working."""
    found = _NETWORK_CLASSES.get(cause)
    if found is None:
        base = HubTimeoutError if issubclass(cause, httpx.TimeoutException) else HubNetworkError
        found = type(
            cause.__name__,
            (base, cause),
            {
                "__module__": __name__,
                "__doc__": f"{base.__doc__}\n\nAlso ``httpx.{cause.__name__}``.",
                "_httpx_cause": cause,
            },
        )
        _NETWORK_CLASSES[cause] = found
    return found


class BucketBatchError(HfHubHTTPError):
    """The Hub applied a bucket batch but refused some of its operations.

    The batch is not transactional: every other operation was applied. ``failures`` lists the
    refused ones as the Hub gave them (``[{"path": "config.json", "error": "..."}]``).
    """

    failures: list[dict[str, str]]

    def __init__(
        self, message: str, *, failures: list[dict[str, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.failures = list(failures or [])


class OAuthError(HubClientError):
    """Sign in with HF did not complete: the user denied access, the redirect's state does not
    match the login's (a forged or replayed redirect), the provider refused the code (a wrong
    PKCE verifier, a reused code) or the provider's answer is not what OAuth answers.

    Attributes:
        error: the OAuth error code (``access_denied``, ``invalid_grant``, ``state_mismatch``…).
        description: the provider's ``error_description``, if any.
    """

    def __init__(self, message: str, *, error: str, description: str | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.description = description


def _rebuild_network_error(
    kind: type[BaseException], message: str, state: dict[str, object]
) -> HubNetworkError:
    cls = kind if issubclass(kind, HubNetworkError) else network_error_class(kind)  # type: ignore[arg-type]
    err = cls.__new__(cls)
    HubNetworkError.__init__(err, message)
    err.__dict__.update(state)
    return err


class OfflineModeIsEnabled(HubClientError, ConnectionError):
    """A request was about to be sent while offline mode (``HF_HUB_OFFLINE=1``) is on."""


class LocalTokenNotFoundError(HubClientError, OSError):
    """``token=True`` asked for a token but none is configured."""


class XetRequiredError(HubClientError):
    """The transfer can only go through Xet (storage buckets are Xet-only) and hf_xet cannot
    be used here: not installed (``pip install 'hubclient[xet]'``), or the client's requests go
    through a custom transport or ``httpx`` client that hf_xet's own network stack cannot use.
    """


class FileMetadataError(HubClientError, OSError):
    """A file metadata answer lacks a required header (``X-Repo-Commit`` or an ETag)."""


class DiskWriteError(HubClientError, OSError):
    """Writing a download to disk failed (disk full, quota, read-only folder...).

    An ``OSError`` with the original ``errno`` and the file as ``filename``; the partial file
    was left resumable or removed, and nothing unverified was put in place.
    """


class HFValidationError(HubClientError, ValueError):
    """An argument is malformed (repo id, repo type, revision, path) and nothing was sent."""


class NotASafetensorsRepoError(HubClientError):
    """The repo has neither ``model.safetensors`` nor ``model.safetensors.index.json``."""


class SafetensorsParsingError(HubClientError):
    """A safetensors header is truncated, too long, not JSON, or not of the format."""


class WaitTimeoutError(HubClientError, TimeoutError):
    """A wait (``wait_for_space``, ``wait_for_job``, ``InferenceEndpoint.wait``) ran out of time.

    Attributes:
        last: the last state the wait saw (a ``SpaceRuntime``, ``JobInfo``, ``InferenceEndpoint``),
            or None when the first look had not come back yet.
        timeout: the timeout, in seconds.
    """

    def __init__(self, message: str, *, last: object = None, timeout: float | None = None) -> None:
        super().__init__(message)
        self.last = last
        self.timeout = timeout


class InferenceEndpointError(HubClientError):
    """An Inference Endpoint failed to deploy or update, or is not deployed yet."""


class InferenceEndpointTimeoutError(InferenceEndpointError, WaitTimeoutError):
    """An Inference Endpoint was not deployed within the timeout of ``wait()``."""

    def __init__(self, message: str, *, last: object = None, timeout: float | None = None) -> None:
        WaitTimeoutError.__init__(self, message, last=last, timeout=timeout)


class LogStreamError(HubClientError, ConnectionError):
    """A log or metrics stream broke and could not be resumed, or sent something malformed.

    Attributes:
        url: the stream's URL.
        events: how many events were handed out before it broke.
    """

    def __init__(self, message: str, *, url: str = "", events: int = 0) -> None:
        super().__init__(message)
        self.url = url
        self.events = events


class CacheNotFound(HubClientError):
    """The cache folder does not exist (``cache_dir`` says which)."""

    def __init__(self, msg: str, cache_dir: object) -> None:
        super().__init__(msg)
        self.cache_dir = cache_dir


class CorruptedCacheException(HubClientError):
    """An entry of the cache is not what the layout says (reported by ``scan_cache_dir``)."""


class RepoCardError(HubClientError, ValueError):
    """A repo card that cannot be read (its YAML, its metadata) or that the Hub refuses."""


class NothingToCommitWarning(UserWarning):
    """A commit had nothing to change (every file already there as given): no commit was
    created, and the ``CommitInfo`` returned describes the branch head as it was.

    A ``UserWarning``, as in huggingface_hub; its own class, so that it can be told apart::

        warnings.filterwarnings("ignore", category=NothingToCommitWarning)
    """


class RevisionResolutionError(HubClientError):
    """``resolve_revision`` could not reach the Hub (offline, network failure, 5xx) and the
    cache has no commit for the revision either."""


class FileDuplicationError(HubClientError):
    """The Hub refused to copy some LFS objects to another repo (a cross-repo copy); the
    message names each object and the reason. Nothing was committed."""
