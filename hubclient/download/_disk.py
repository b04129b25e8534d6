"""Disk failures of a download (disk full, quota, read-only folder) as one typed error that
names the file."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from hubclient._http import HubHttp
from hubclient.errors import DiskWriteError, HubClientError

__all__ = ["disk_errors", "typed_disk_errors"]

P = ParamSpec("P")
T = TypeVar("T")


@contextlib.contextmanager
def disk_errors(path: Path) -> Iterator[None]:
    """Turn an ``OSError`` of the file system inside the block into :class:`DiskWriteError`
    naming the file (the error's own file name, else ``path``). hubclient's own errors,
    some of which are ``OSError`` too, pass unchanged."""
    try:
        yield
    except HubClientError:
        raise
    except OSError as err:
        where = err.filename if err.filename is not None else str(path)
        reason = err.strerror or str(err) or type(err).__name__
        raise DiskWriteError(err.errno, f"{reason} (at {where})", where) from err


def typed_disk_errors(
    call: Callable[Concatenate[HubHttp, P], Awaitable[T]],
) -> Callable[Concatenate[HubHttp, P], Awaitable[T]]:
    """A download entry point whose stray file-system errors (a stat of a name too long, a
    folder that cannot be made) are :class:`DiskWriteError`, naming the local dir or cache."""

    @functools.wraps(call)
    async def wrapper(http: HubHttp, /, *args: P.args, **kwargs: P.kwargs) -> T:
        where: Any = kwargs.get("local_dir") or kwargs.get("cache_dir") or http.settings.hub_cache
        with disk_errors(Path(where)):
            return await call(http, *args, **kwargs)

    return wrapper
