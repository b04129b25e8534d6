"""Exit codes of the ``hubclient`` command, and how an exception (or a mirror error) maps to one.

Scripts can trust these codes::

    0    success
    1    failure (some repos of a plan failed, an unexpected error)
    2    usage error (bad arguments, a bad repo id, a bad plan file)
    3    not found (repo, revision or file)
    4    authentication or authorization (401/403, bad or missing token, gated repo)
    5    network (endpoint unreachable, timeouts after the retries)
    130  interrupted (Ctrl-C)

Example::

    code = exit_code_for(RepositoryNotFoundError(...))  # 3
"""

from __future__ import annotations

import enum
import socket
from collections.abc import Iterable

import httpx

from hubclient import (
    CacheNotFound,
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    LocalTokenNotFoundError,
    MirrorError,
    OfflineModeIsEnabled,
    PlanError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.cli._text import printable

__all__ = [
    "EXIT_CODES_HELP",
    "ExitCode",
    "NoReposError",
    "UsageError",
    "error_line",
    "error_message",
    "exit_code_for",
    "exit_code_for_mirror_errors",
    "one_line",
]


class ExitCode(enum.IntEnum):
    """What the ``hubclient`` process returns."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NOT_FOUND = 3
    AUTH = 4
    NETWORK = 5
    INTERRUPTED = 130


#: The table shown at the end of ``hubclient --help`` (and in docs/cli.md).
EXIT_CODES_HELP = """exit codes:
  0    success
  1    failure (some repos of a plan failed, an unexpected error)
  2    usage error (bad arguments, a bad repo id, a bad plan file)
  3    not found (repo, revision or file)
  4    authentication or authorization (401/403, bad or missing token, gated repo)
  5    network (endpoint unreachable, timeouts after the retries)
  130  interrupted (Ctrl-C)"""


class UsageError(ValueError):
    """Arguments that parse but do not fit together (exit code 2)."""


class NoReposError(LookupError):
    """A listing the command relies on found nothing (exit code 3, as a repo not found)."""


_NOT_FOUND_TYPES = frozenset(
    {
        "RepositoryNotFoundError",
        "RevisionNotFoundError",
        "EntryNotFoundError",
        "RemoteEntryNotFoundError",
    }
)
_AUTH_TYPES = frozenset(
    {"GatedRepoError", "LocalTokenNotFoundError", "UnauthorizedError", "ForbiddenError"}
)
_NETWORK_TYPES = frozenset(
    {
        # hubclient's, then httpx's transport errors (every subclass of httpx.TransportError)
        "HubNetworkError",
        "HubTimeoutError",
        "TransportError",
        "TimeoutException",
        "ConnectTimeout",
        "ReadTimeout",
        "WriteTimeout",
        "PoolTimeout",
        "NetworkError",
        "ConnectError",
        "ReadError",
        "WriteError",
        "CloseError",
        "ProtocolError",
        "LocalProtocolError",
        "RemoteProtocolError",
        "ProxyError",
        "UnsupportedProtocol",
        # the standard library's
        "ConnectionError",
        "ConnectionRefusedError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "TimeoutError",
        "OfflineModeIsEnabled",
    }
)


def _is_network(exc: BaseException) -> bool:
    return isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError))


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code for an exception that ended a command.

    A "not in the cache" error caused by an unreachable Hub counts as a network failure.

    Example::

        exit_code_for(httpx.ConnectError("refused"))  # ExitCode.NETWORK
    """
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(exc, GatedRepoError):
        return ExitCode.AUTH
    if isinstance(exc, (RepositoryNotFoundError, RevisionNotFoundError)):
        return ExitCode.NOT_FOUND
    if isinstance(exc, HfHubHTTPError):
        if exc.status_code in (401, 403):
            return ExitCode.AUTH
        if isinstance(exc, EntryNotFoundError) or exc.status_code == 404:
            return ExitCode.NOT_FOUND
        return ExitCode.FAILURE
    if isinstance(exc, OfflineModeIsEnabled) or _is_network(exc):
        return ExitCode.NETWORK
    if isinstance(exc, LocalEntryNotFoundError):
        if any(_is_network(cause) for cause in _causes(exc)):
            return ExitCode.NETWORK
        return ExitCode.NOT_FOUND
    if isinstance(exc, (EntryNotFoundError, NoReposError, CacheNotFound)):
        return ExitCode.NOT_FOUND
    if isinstance(exc, LocalTokenNotFoundError):
        return ExitCode.AUTH
    if isinstance(exc, (UsageError, HFValidationError, PlanError)):
        return ExitCode.USAGE
    return ExitCode.FAILURE


def _mirror_error_code(error: MirrorError) -> ExitCode:
    if error.type in _AUTH_TYPES:
        return ExitCode.AUTH
    if error.type in _NOT_FOUND_TYPES:
        return ExitCode.NOT_FOUND
    if error.status_code in (401, 403):
        return ExitCode.AUTH
    if error.status_code == 404:
        return ExitCode.NOT_FOUND
    if error.type in _NETWORK_TYPES:
        return ExitCode.NETWORK
    return ExitCode.FAILURE


def exit_code_for_mirror_errors(errors: Iterable[MirrorError]) -> ExitCode:
    """The exit code for the errors of a mirroring job: the highest code wins; none -> 0.

    Example::

        exit_code_for_mirror_errors([MirrorError(type="ConnectError", message="...")])  # 5
    """
    return max((_mirror_error_code(error) for error in errors), default=ExitCode.OK)


def one_line(text: str) -> str:
    """``text`` on one line: its lines joined as sentences (a line that ends without a stop
    gets one, so that two messages never run together), spaces collapsed.

    Example::

        one_line("403 Forbidden\n\nNo rights\nUse a write token.")
        # '403 Forbidden. No rights. Use a write token.'
    """
    parts: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if parts and not parts[-1].endswith((".", "!", "?", ":", ";", ",")):
            parts[-1] += "."
        parts.append(line)
    return " ".join(parts)


def _reason(exc: BaseException) -> BaseException | None:
    """The innermost OS-level cause of a transport error (a refused connection, a DNS no)."""
    found: BaseException | None = None
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            found = current
        grouped = getattr(current, "exceptions", None)  # an exception group (trio's connect)
        if isinstance(grouped, tuple) and grouped and isinstance(grouped[0], BaseException):
            current = grouped[0]
            continue
        current = current.__cause__ or current.__context__
    return found


def _transport_text(exc: httpx.TransportError) -> str:
    """What a network failure means, in words (httpx often says nothing, or "All connection
    attempts failed")."""
    try:
        request: httpx.Request | None = exc.request
    except RuntimeError:  # raised without a request
        request = None
    where = request.url.netloc.decode("ascii", "replace") if request is not None else "the server"
    timeouts = request.extensions.get("timeout", {}) if request is not None else {}
    reason = _reason(exc)

    def within(kind: str) -> str:
        seconds = timeouts.get(kind)
        return f"for {seconds:g} s" if isinstance(seconds, (int, float)) else "in time"

    if isinstance(exc, httpx.ConnectTimeout):
        text = f"no connection to {where} {within('connect')}"
    elif isinstance(exc, httpx.ConnectError):
        if isinstance(reason, socket.gaierror):
            host = request.url.host if request is not None else where
            text = f"cannot resolve the host name {host!r} ({reason.strerror or reason})"
        elif isinstance(reason, ConnectionRefusedError):
            text = f"{where} refused the connection (is the Hub running there?)"
        else:
            detail = " ".join(str(reason or exc).split())
            text = f"cannot connect to {where}" + (f" ({detail})" if detail else "")
    elif isinstance(exc, httpx.ReadTimeout):
        text = f"{where} sent nothing {within('read')} (see --timeout)"
    elif isinstance(exc, httpx.WriteTimeout):
        text = f"{where} took nothing {within('write')} (see --timeout)"
    elif isinstance(exc, httpx.PoolTimeout):
        text = "no free connection within the timeout"
    else:
        text = one_line(str(exc)) or "the connection failed"
    if request is not None:
        text = f"{text} ({request.method} {request.url.copy_with(query=None)})"
    return text


def error_message(exc: BaseException) -> str:
    """The message of ``exc`` on one line (the JSON ``message`` of a failed command)."""
    if isinstance(exc, httpx.TransportError):
        return _transport_text(exc)
    text = one_line(str(exc))
    if isinstance(exc, HfHubHTTPError) and exc.server_message:
        message = one_line(exc.server_message)
        if message not in text:
            text = f"{text} ({message})"
    return text


def error_line(exc: BaseException) -> str:
    """One line that says what went wrong (no traceback): ``Type: message``.

    Example::

        error_line(RepositoryNotFoundError("Repository not found for GET ...", ...))
    """
    text = error_message(exc)
    name = type(exc).__name__
    return f"{name}: {printable(text)}" if text else name
