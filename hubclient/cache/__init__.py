"""The on-disk cache, byte for byte as huggingface_hub 2.x writes it (hub-protocol §3).

A file hubclient downloaded is found by huggingface_hub (and transformers) offline, and the
other way round::

    <cache>/CACHEDIR.TAG
    <cache>/.locks/models--acme--m/<etag>.lock
    <cache>/models--acme--m/blobs/<etag>                 git sha1 (regular) or sha256 (LFS)
    <cache>/models--acme--m/snapshots/<commit>/<path>    relative symlink to ../../blobs/<etag>
    <cache>/models--acme--m/refs/<revision>              the commit, no newline
    <cache>/models--acme--m/.no_exist/<commit>/<path>    empty marker
    <cache>/models--acme--m/trees/<commit>.json          the commit's listing (format_version 1)

Temporary files and resuming (our choice): each transfer writes ``<etag>.<8 hex>.incomplete``
(unique, as huggingface_hub ≥ 1.18 does) and renames it into ``blobs/`` once verified. An
interrupted transfer leaves its file; the next one, holding the blob lock, claims the largest
partial (``<etag>.incomplete`` left by huggingface_hub 0.23–1.17 included) by renaming it and
resumes with ``Range`` — see :mod:`hubclient.cache._partials`. Locks only avoid double work.

Everything here blocks (file system calls); async code calls it from worker threads.
"""

from hubclient.cache._fs import (
    SymlinkPolicy,
    atomic_write_text,
    create_cachedir_tag,
    create_pointer,
    finalize_file,
    link_or_copy_blob,
    mode_like_new_file,
)
from hubclient.cache._layout import (
    CACHEDIR_TAG_CONTENT,
    RepoCache,
    is_commit_hash,
    normalize_etag,
    repo_folder_name,
    validate_relative_filename,
    validate_revision_for_disk,
)
from hubclient.cache._local_dir import (
    LocalDirMetadata,
    LocalDirPaths,
    huggingface_dir,
    read_download_metadata,
    tree_cache_path,
    write_download_metadata,
)
from hubclient.cache._locks import LockTimeoutError, blob_lock
from hubclient.cache._lookup import (
    CACHED_NO_EXIST,
    CachedNoExist,
    filter_paths,
    missing_files,
    try_to_load_from_cache,
)
from hubclient.cache._partials import (
    claim_partial,
    clear_progress,
    new_temp_path,
    valid_prefix,
    write_progress,
)
from hubclient.cache._refs import mark_no_exist, read_ref, resolve_cached_revision, write_ref
from hubclient.cache._report import (
    CachedFileInfo,
    CachedIncompleteFileInfo,
    CachedRepoInfo,
    CachedRevisionInfo,
    DeleteCacheStrategy,
    HFCacheInfo,
)
from hubclient.cache._scan import scan_cache_dir
from hubclient.cache._store import install_blob, link_pointers, prepare_repo, store_small_blob
from hubclient.cache._trees import TreeEntry, read_tree_cache, write_tree_cache

__all__ = [
    "CACHEDIR_TAG_CONTENT",
    "CACHED_NO_EXIST",
    "CachedFileInfo",
    "CachedIncompleteFileInfo",
    "CachedNoExist",
    "CachedRepoInfo",
    "CachedRevisionInfo",
    "DeleteCacheStrategy",
    "HFCacheInfo",
    "LocalDirMetadata",
    "LocalDirPaths",
    "LockTimeoutError",
    "RepoCache",
    "SymlinkPolicy",
    "TreeEntry",
    "atomic_write_text",
    "blob_lock",
    "claim_partial",
    "clear_progress",
    "create_cachedir_tag",
    "create_pointer",
    "filter_paths",
    "finalize_file",
    "huggingface_dir",
    "install_blob",
    "is_commit_hash",
    "link_or_copy_blob",
    "link_pointers",
    "mark_no_exist",
    "missing_files",
    "mode_like_new_file",
    "new_temp_path",
    "normalize_etag",
    "prepare_repo",
    "read_download_metadata",
    "read_ref",
    "read_tree_cache",
    "repo_folder_name",
    "resolve_cached_revision",
    "scan_cache_dir",
    "store_small_blob",
    "tree_cache_path",
    "try_to_load_from_cache",
    "valid_prefix",
    "validate_relative_filename",
    "validate_revision_for_disk",
    "write_download_metadata",
    "write_progress",
    "write_ref",
    "write_tree_cache",
]
