"""Managing the local cache: scan it, plan deletions, verify it (module-level functions).

``scan_cache_dir()`` and ``verify_cache_dir()`` use ``HF_HUB_CACHE`` (or ``HF_HOME/hub``) as a
client built now would, unless given a folder. Both block (file system calls); an async service
runs them in a worker thread (``await anyio.to_thread.run_sync(scan_cache_dir)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from hubclient._settings import HubSettings
from hubclient.cache import HFCacheInfo
from hubclient.cache import scan_cache_dir as _scan
from hubclient.cache._verify import CacheVerification, verify_cache

__all__ = ["scan_cache_dir", "verify_cache_dir"]


def _root(cache_dir: str | Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    return HubSettings.from_env().hub_cache


def scan_cache_dir(cache_dir: str | Path | None = None) -> HFCacheInfo:
    """What the cache holds: repos, revisions, files, sizes, partial downloads, warnings.

    The same report as huggingface_hub's ``scan_cache_dir`` on the same cache.

    Example::

        info = scan_cache_dir()
        print(info.size_on_disk_str, [repo.cache_id for repo in info.repos])
        plan = info.delete_revisions("81fd1d6e7847c99f5862c9fb81387956d99ec7aa")
        print("frees", plan.expected_freed_size_str)
        plan.execute()
    """
    return _scan(_root(cache_dir))


def verify_cache_dir(
    cache_dir: str | Path | None = None,
    *,
    repos: Iterable[str] | None = None,
    workers: int = 4,
) -> CacheVerification:
    """Hash the cached blobs and compare each with its name (sha256 or git blob id), offline.

    ``repos`` limits the check to some repos (``"acme/bert"`` or ``"dataset/acme/corpus"``).

    Example::

        report = verify_cache_dir(repos=["acme/bert"])
        for bad in report.failures:
            print(bad.blob_path, bad.reason, bad.files)
    """
    return verify_cache(_scan(_root(cache_dir)), repos=repos, workers=workers)
