"""Disk failures of a download (disk full, quota, read-only folder) as one typed error that
names the file."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from hubclient.errors import DiskWriteError, HubClientError

__all__ = ["disk_errors"]


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
