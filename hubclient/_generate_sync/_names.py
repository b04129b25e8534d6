"""The names the generator knows: the package, the two classes, the async-to-sync mapping."""

from __future__ import annotations

__all__ = [
    "ASYNC_CLASS",
    "ASYNC_TO_SYNC",
    "CLOSE_NAMES",
    "CONTEXT_NAMES",
    "ITERATOR_NAMES",
    "NOT_MODULE_FUNCTIONS",
    "PACKAGE",
    "RUNNER",
    "SYNC_CLASS",
    "GenerationError",
]

PACKAGE = "hubclient"
ASYNC_CLASS = "AsyncHubClient"
SYNC_CLASS = "HubClient"
RUNNER = "_runner"

#: Public methods of the area classes that do NOT become module-level functions, with the reason.
#: Every other public method of an area class is offered as ``hubclient.<name>(...)`` on the
#: default client (huggingface_hub offers nearly every HfApi method at module level); keep this
#: list short, and say why in the value.
_HAND_WRITTEN = (
    "hand-written in hubclient/_file_functions.py with huggingface_hub's module-level signature "
    "(endpoint=, headers=, user_agent=, library_name=, library_version=, …)"
)
NOT_MODULE_FUNCTIONS: dict[str, str] = {
    "hf_hub_download": _HAND_WRITTEN,
    "snapshot_download": _HAND_WRITTEN,
    "get_hf_file_metadata": _HAND_WRITTEN,
}

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
