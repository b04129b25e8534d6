"""The names the generator knows: the package, the two classes, the async-to-sync mapping."""

from __future__ import annotations

__all__ = [
    "ASYNC_CLASS",
    "ASYNC_TO_SYNC",
    "CLOSE_NAMES",
    "CONTEXT_NAMES",
    "CONVENIENCES",
    "ITERATOR_NAMES",
    "PACKAGE",
    "RUNNER",
    "SYNC_CLASS",
    "GenerationError",
]

PACKAGE = "hubclient"
ASYNC_CLASS = "AsyncHubClient"
SYNC_CLASS = "HubClient"
RUNNER = "_runner"

#: Names offered as module-level functions (`hubclient.<name>(...)`) when the class has them.
CONVENIENCES: tuple[str, ...] = (
    "whoami",
    "model_info",
    "dataset_info",
    "space_info",
    "repo_info",
    "repo_exists",
    "revision_exists",
    "file_exists",
    "list_models",
    "list_datasets",
    "list_spaces",
    "list_repo_files",
    "list_repo_tree",
    "get_paths_info",
    "get_hf_file_metadata",
    "list_repo_refs",
    "list_repo_commits",
    "hf_hub_download",
    "snapshot_download",
    "create_repo",
    "delete_repo",
    "create_commit",
    "upload_file",
    "upload_folder",
    "delete_file",
    "delete_folder",
    "create_branch",
    "delete_branch",
    "create_tag",
    "delete_tag",
)

#: Async annotation names and their sync counterparts.
ASYNC_TO_SYNC = {
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "AsyncContextManager": "ContextManager",
    ASYNC_CLASS: SYNC_CLASS,
    "Self": SYNC_CLASS,
}
ITERATOR_NAMES = {"AsyncIterator", "AsyncIterable", "AsyncGenerator"}
CONTEXT_NAMES = {"AbstractAsyncContextManager", "AsyncContextManager"}
CLOSE_NAMES = {"aclose": "close"}


class GenerationError(Exception):
    """The async class uses something the generator cannot mirror; the message says what."""
