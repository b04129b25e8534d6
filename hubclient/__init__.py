"""hubclient: an asyncio-native client for the Hugging Face Hub HTTP API.

The public surface lives here and nowhere else; every other module is private.
"""

from hubclient._client import AsyncHubClient
from hubclient._settings import HubSettings
from hubclient._version import __version__
from hubclient.errors import (
    BadRequestError,
    DisabledRepoError,
    EntryNotFoundError,
    FileMetadataError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    HubClientError,
    IncompleteSnapshotError,
    LocalEntryNotFoundError,
    LocalTokenNotFoundError,
    OfflineModeIsEnabled,
    RateLimitedError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.models.commits import (
    CommitInfo,
    CommitOperation,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    InvalidPathInRepoError,
)
from hubclient.progress import (
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressCallback,
    ProgressEvent,
    TotalProgress,
)
from hubclient.upload import CommitConflictError, LfsUploadError, PreuploadedFile, UploadOptions

__all__ = [
    "AsyncHubClient",
    "BadRequestError",
    "CommitConflictError",
    "CommitInfo",
    "CommitOperation",
    "CommitOperationAdd",
    "CommitOperationCopy",
    "CommitOperationDelete",
    "DisabledRepoError",
    "EntryNotFoundError",
    "FileMetadataError",
    "FileProgress",
    "FileState",
    "GatedRepoError",
    "HFValidationError",
    "HfHubHTTPError",
    "HubClientError",
    "HubSettings",
    "IncompleteSnapshotError",
    "InvalidPathInRepoError",
    "LfsUploadError",
    "LocalEntryNotFoundError",
    "LocalTokenNotFoundError",
    "OfflineModeIsEnabled",
    "Phase",
    "PhaseChanged",
    "PreuploadedFile",
    "ProgressCallback",
    "ProgressEvent",
    "RateLimitedError",
    "RemoteEntryNotFoundError",
    "RepositoryNotFoundError",
    "RevisionNotFoundError",
    "TotalProgress",
    "UploadOptions",
    "__version__",
]
