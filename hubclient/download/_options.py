"""Knobs of the download engine, and the errors it adds."""

from __future__ import annotations

from dataclasses import dataclass

from hubclient.errors import HubClientError

__all__ = ["DownloadIntegrityError", "DownloadOptions"]


class DownloadIntegrityError(HubClientError, OSError):
    """The bytes received do not match the expected size or hash (the temp file is removed;
    nothing was put in the cache)."""


@dataclass(frozen=True)
class DownloadOptions:
    """How a download uses the network, the disk and memory.

    Memory stays under about ``max_files_in_flight × buffer_chunks × chunk_size`` plus
    ``small_file_size`` per small file in flight, whatever the file sizes.

    Example::

        opts = DownloadOptions(max_files_in_flight=32, parallel_threshold=256 * 2**20)
        await client.snapshot_download("acme/m", options=opts)
    """

    max_files_in_flight: int = 8
    """Files (blobs) transferred at once, at first (see ``max_files_auto``)."""
    max_files_auto: int = 64
    """A snapshot raises its files in flight up to this many when the round trip is long next
    to the client's own time per file (Little's law: in flight = rate × latency), so a far Hub
    gets more in flight and loopback no more than helps; never more than ``max_connections``.
    Set it to ``max_files_in_flight`` (or lower) to pin the number."""
    max_connections: int = 32
    """Requests of one download call in flight at once (files and byte-range parts)."""
    parallel_threshold: int = 256 * 2**20
    """Files at least this big are fetched as parallel byte ranges (worth it when one
    connection is capped, as CDN connections often are; on loopback one stream is cheaper)."""
    part_size: int = 64 * 2**20
    """Size of one byte range of a parallel download."""
    max_parts_per_file: int = 8
    """Byte ranges of one file in flight at most. A big file starts with four and adds more
    while each addition still raises its rate (capped or far connections), so loopback, where
    the client's CPU is the bound, keeps four or fewer."""
    far_latency: float = 0.02
    """Seconds: a Hub whose metadata request took this long or more is far; there, a file of
    at least ``2 × far_part_size`` is fetched as up to ``max_parts_per_file`` parallel ranges
    (one fresh connection moves about a window per round trip; ranges save the round trips
    one stream would wait). ``float("inf")`` turns it off."""
    far_part_size: int = 4 * 2**20
    """The smallest byte range of a file fetched in ranges because the Hub is far."""
    chunk_size: int = 2 * 2**20
    """Bytes per read from the network and per write to disk."""
    buffer_chunks: int = 4
    """Chunks queued between the network and the disk writer of one file."""
    small_file_size: int = 2**20
    """Files up to this size are received in memory and written in one go."""
    resume_attempts: int = 5
    """Consecutive broken transfers of one file resumed with ``Range`` (reset on progress)."""
    lock_timeout: float | None = 3600.0
    """Seconds to wait for another process downloading the same blob (None: forever)."""
    verify: bool = True
    """Check sha256 (LFS) / git sha1 (regular files) in addition to the size (an ETag that
    is neither is refused, as its content could not be checked)."""
    allow_git_paths: bool = False
    """Write repo paths under ``.git/`` into a local dir (refused by default: a local dir is
    often a git checkout, where such a file would be a hook or a config git runs)."""

    def __post_init__(self) -> None:
        for name in (
            "max_files_in_flight",
            "max_connections",
            "part_size",
            "max_parts_per_file",
            "far_part_size",
            "chunk_size",
            "buffer_chunks",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"DownloadOptions.{name} must be >= 1")
        if not self.far_latency >= 0:  # also refuses NaN
            raise ValueError("DownloadOptions.far_latency must be >= 0")
        if self.resume_attempts < 0 or self.small_file_size < 0 or self.parallel_threshold < 1:
            raise ValueError("DownloadOptions: negative sizes or attempts")
