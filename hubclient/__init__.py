"""hubclient: an asyncio-native client for the Hugging Face Hub HTTP API.

The public surface lives here and nowhere else; every other module is private.

Names are imported on first use (PEP 562), so ``import hubclient`` (and ``hubclient --version``)
costs next to nothing until a name is used: the imports under ``TYPE_CHECKING`` below are the
one list of where each public name lives, read by :func:`__getattr__` (a star import is read
from the generated ``_functions/__init__.py``). Add a public name there (and to ``__all__``).
"""

from __future__ import annotations

from hubclient._version import __version__

TYPE_CHECKING = False  # not typing's: importing typing is a tenth of ``hubclient --version``

if TYPE_CHECKING:
    from hubclient._cache_manager import scan_cache_dir, verify_cache_dir
    from hubclient._client import AsyncHubClient
    from hubclient._file_functions import (
        get_hf_file_metadata,
        hf_hub_download,
        hf_hub_url,
        snapshot_download,
        try_to_load_from_cache,
    )
    from hubclient._functions import *  # noqa: F403  (the module-level functions: see the end)
    from hubclient._login import LoginResult, auth_list, auth_switch, get_token, login, logout
    from hubclient._settings import HubSettings
    from hubclient._sync import (
        HubClient,
        SyncInferenceEndpoint,
        SyncRemoteFile,
        SyncSeekableRemoteFile,
    )
    from hubclient._tokens import StoredToken
    from hubclient._tqdm import TqdmProgress
    from hubclient.cache import (
        CACHED_NO_EXIST,
        CachedFileInfo,
        CachedIncompleteFileInfo,
        CachedRepoInfo,
        CachedRevisionInfo,
        DeleteCacheStrategy,
        HFCacheInfo,
    )
    from hubclient.cache._verify import BlobCheck, CacheVerification
    from hubclient.download import (
        DownloadIntegrityError,
        DownloadOptions,
        DryRunFileInfo,
        RemoteFile,
        SeekableRemoteFile,
    )
    from hubclient.errors import (
        BadRequestError,
        BucketBatchError,
        BucketNotFoundError,
        CacheNotFound,
        CorruptedCacheException,
        DisabledRepoError,
        DiscussionNotFoundError,
        DiskWriteError,
        EntryNotFoundError,
        FileDuplicationError,
        FileMetadataError,
        ForbiddenError,
        GatedRepoError,
        HfHubHTTPError,
        HFValidationError,
        HubClientError,
        HubNetworkError,
        HubTimeoutError,
        IncompleteSnapshotError,
        InferenceEndpointError,
        InferenceEndpointTimeoutError,
        LocalEntryNotFoundError,
        LocalTokenNotFoundError,
        LogStreamError,
        NotASafetensorsRepoError,
        NothingToCommitWarning,
        OAuthError,
        OfflineModeIsEnabled,
        PullRequestNotMergeableError,
        RateLimitedError,
        RedirectRefusedError,
        RemoteEntryNotFoundError,
        RepoCardError,
        RepositoryNotFoundError,
        ResponseTooLargeError,
        RevisionNotFoundError,
        RevisionResolutionError,
        SafetensorsParsingError,
        UnauthorizedError,
        UnexpectedResponseError,
        UnsafeServerValueError,
        WaitTimeoutError,
        XetRequiredError,
    )
    from hubclient.mirror import (
        HISTORY_NOTE,
        MirrorCluster,
        MirrorError,
        MirrorOptions,
        MirrorPlan,
        MirrorPlanItem,
        MirrorProgress,
        MirrorProgressCallback,
        MirrorReport,
        MirrorResult,
        MirrorStage,
        PlanError,
        RefResult,
    )
    from hubclient.models import (
        AccessTokenInfo,
        AuthInfo,
        BlobLfsInfo,
        BlobSecurityInfo,
        CardData,
        ChecksumMismatch,
        DatasetInfo,
        DatasetLeaderboardEntry,
        DatasetParquetEntry,
        DuplicatedRepoUrl,
        FolderVerification,
        GitCommitInfo,
        GitRefInfo,
        GitRefs,
        HfFileMetadata,
        KernelInfo,
        LastCommitInfo,
        LFSFileInfo,
        ModelInfo,
        Organization,
        PaperAuthor,
        PaperInfo,
        RepoFile,
        RepoFolder,
        RepoInfo,
        RepoSibling,
        RepoStorageInfo,
        RepoUrl,
        ResolvedRevision,
        SafetensorsFileMetadata,
        SafeTensorsInfo,
        SafetensorsRepoMetadata,
        SpaceInfo,
        SpaceRuntime,
        SpaceSearchResult,
        TensorInfo,
        TransformersInfo,
        User,
        WhoAmI,
    )
    from hubclient.models.access_requests import AccessRequest
    from hubclient.models.buckets import (
        BucketBatchResult,
        BucketFile,
        BucketFileMetadata,
        BucketFolder,
        BucketInfo,
        BucketUri,
        BucketUrl,
        SyncOperation,
        SyncPlan,
        XetFileData,
    )
    from hubclient.models.collections import Collection, CollectionItem, CollectionOwner
    from hubclient.models.commits import (
        CommitInfo,
        CommitOperation,
        CommitOperationAdd,
        CommitOperationCopy,
        CommitOperationDelete,
        InvalidPathInRepoError,
    )
    from hubclient.models.discussions import (
        AnyDiscussionEvent,
        Discussion,
        DiscussionComment,
        DiscussionCommit,
        DiscussionEvent,
        DiscussionStatusChange,
        DiscussionTitleChange,
        DiscussionWithDetails,
        parse_discussion_event,
    )
    from hubclient.models.endpoints import (
        InferenceCatalogModel,
        InferenceCatalogRecipe,
        InferenceEndpoint,
        InferenceEndpointHardware,
        InferenceEndpointScalingMetric,
        InferenceEndpointStatus,
        InferenceEndpointType,
    )
    from hubclient.models.jobs import (
        DEFAULT_UV_IMAGE,
        TERMINAL_JOB_STAGES,
        JobAccelerator,
        JobDurations,
        JobHardware,
        JobHardwareInfo,
        JobInfo,
        JobInitiator,
        JobNetwork,
        JobOwner,
        JobSpec,
        JobStage,
        JobStatus,
        LastJobInfo,
        ScheduledJobInfo,
        ScheduledJobStatus,
    )
    from hubclient.models.oauth import OAuthInfo, OAuthLogin, OAuthOrgInfo, OAuthUserInfo
    from hubclient.models.spaces import (
        INTERMEDIATE_SPACE_STAGES,
        TERMINAL_SPACE_STAGES,
        SpaceHardware,
        SpaceHotReloading,
        SpaceSecret,
        SpaceStage,
        SpaceStorage,
        SpaceTemplate,
        SpaceVariable,
        Volume,
        ZeroGpuQuota,
    )
    from hubclient.models.users import UserLikes
    from hubclient.models.webhooks import (
        WebhookInfo,
        WebhookPayload,
        WebhookPayloadComment,
        WebhookPayloadDiscussion,
        WebhookPayloadDiscussionChanges,
        WebhookPayloadEvent,
        WebhookPayloadMovedTo,
        WebhookPayloadRepo,
        WebhookPayloadUpdatedRef,
        WebhookPayloadUrl,
        WebhookPayloadWebhook,
        WebhookWatchedItem,
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


def _imports(path: str) -> list[tuple[str, str]]:
    """``(name, module)`` of the ``from ... import`` statements of a file of this package (only
    those under ``if TYPE_CHECKING:`` for this file), read without importing anything."""
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).parent / path).read_text(encoding="utf-8"))
    statements = tree.body
    if path == "__init__.py":
        statements = [
            s
            for node in tree.body
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
            for s in node.body
        ]
    return [
        (alias.asname or alias.name, s.module)
        for s in statements
        if isinstance(s, ast.ImportFrom) and s.module and s.module != "__future__"
        for alias in s.names
    ]


def _star_names() -> list[str]:
    """The names of the generated module-level functions (``hubclient/_functions/``)."""
    return [name for name, _ in _imports("_functions/__init__.py") if name != "*"]


_WHERE: dict[str, str] = {}


def _where() -> dict[str, str]:
    """Public name -> the module it is imported from."""
    if not _WHERE:
        for name, module in _imports("__init__.py"):
            if name == "*":
                _WHERE.update(dict.fromkeys(_star_names(), module))
            else:
                _WHERE[name] = module
    return _WHERE


__all__: list[str] = [
    "CACHED_NO_EXIST",
    "DEFAULT_UV_IMAGE",
    "HISTORY_NOTE",
    "INTERMEDIATE_SPACE_STAGES",
    "TERMINAL_JOB_STAGES",
    "TERMINAL_SPACE_STAGES",
    "AccessRequest",
    "AccessTokenInfo",
    "AnyDiscussionEvent",
    "AsyncHubClient",
    "AuthInfo",
    "BadRequestError",
    "BlobCheck",
    "BlobLfsInfo",
    "BlobSecurityInfo",
    "BucketBatchError",
    "BucketBatchResult",
    "BucketFile",
    "BucketFileMetadata",
    "BucketFolder",
    "BucketInfo",
    "BucketNotFoundError",
    "BucketUri",
    "BucketUrl",
    "CacheNotFound",
    "CacheVerification",
    "CachedFileInfo",
    "CachedIncompleteFileInfo",
    "CachedRepoInfo",
    "CachedRevisionInfo",
    "CardData",
    "ChecksumMismatch",
    "Collection",
    "CollectionItem",
    "CollectionOwner",
    "CommitConflictError",
    "CommitInfo",
    "CommitOperation",
    "CommitOperationAdd",
    "CommitOperationCopy",
    "CommitOperationDelete",
    "CorruptedCacheException",
    "DatasetInfo",
    "DatasetLeaderboardEntry",
    "DatasetParquetEntry",
    "DeleteCacheStrategy",
    "DisabledRepoError",
    "Discussion",
    "DiscussionComment",
    "DiscussionCommit",
    "DiscussionEvent",
    "DiscussionNotFoundError",
    "DiscussionStatusChange",
    "DiscussionTitleChange",
    "DiscussionWithDetails",
    "DiskWriteError",
    "DownloadIntegrityError",
    "DownloadOptions",
    "DryRunFileInfo",
    "DuplicatedRepoUrl",
    "EntryNotFoundError",
    "FileDuplicationError",
    "FileMetadataError",
    "FileProgress",
    "FileState",
    "FolderVerification",
    "ForbiddenError",
    "GatedRepoError",
    "GitCommitInfo",
    "GitRefInfo",
    "GitRefs",
    "HFCacheInfo",
    "HFValidationError",
    "HfFileMetadata",
    "HfHubHTTPError",
    "HubClient",
    "HubClientError",
    "HubNetworkError",
    "HubSettings",
    "HubTimeoutError",
    "IncompleteSnapshotError",
    "InferenceCatalogModel",
    "InferenceCatalogRecipe",
    "InferenceEndpoint",
    "InferenceEndpointError",
    "InferenceEndpointHardware",
    "InferenceEndpointScalingMetric",
    "InferenceEndpointStatus",
    "InferenceEndpointTimeoutError",
    "InferenceEndpointType",
    "InvalidPathInRepoError",
    "JobAccelerator",
    "JobDurations",
    "JobHardware",
    "JobHardwareInfo",
    "JobInfo",
    "JobInitiator",
    "JobNetwork",
    "JobOwner",
    "JobSpec",
    "JobStage",
    "JobStatus",
    "KernelInfo",
    "LFSFileInfo",
    "LastCommitInfo",
    "LastJobInfo",
    "LfsUploadError",
    "LocalEntryNotFoundError",
    "LocalTokenNotFoundError",
    "LogStreamError",
    "LoginResult",
    "MirrorCluster",
    "MirrorError",
    "MirrorOptions",
    "MirrorPlan",
    "MirrorPlanItem",
    "MirrorProgress",
    "MirrorProgressCallback",
    "MirrorReport",
    "MirrorResult",
    "MirrorStage",
    "ModelInfo",
    "NotASafetensorsRepoError",
    "NothingToCommitWarning",
    "OAuthError",
    "OAuthInfo",
    "OAuthLogin",
    "OAuthOrgInfo",
    "OAuthUserInfo",
    "OfflineModeIsEnabled",
    "Organization",
    "PaperAuthor",
    "PaperInfo",
    "Phase",
    "PhaseChanged",
    "PlanError",
    "PreuploadedFile",
    "ProgressCallback",
    "ProgressEvent",
    "PullRequestNotMergeableError",
    "RateLimitedError",
    "RedirectRefusedError",
    "RefResult",
    "RemoteEntryNotFoundError",
    "RemoteFile",
    "RepoCardError",
    "RepoFile",
    "RepoFolder",
    "RepoInfo",
    "RepoSibling",
    "RepoStorageInfo",
    "RepoUrl",
    "RepositoryNotFoundError",
    "ResolvedRevision",
    "ResponseTooLargeError",
    "RevisionNotFoundError",
    "RevisionResolutionError",
    "SafeTensorsInfo",
    "SafetensorsFileMetadata",
    "SafetensorsParsingError",
    "SafetensorsRepoMetadata",
    "ScheduledJobInfo",
    "ScheduledJobStatus",
    "SeekableRemoteFile",
    "SpaceHardware",
    "SpaceHotReloading",
    "SpaceInfo",
    "SpaceRuntime",
    "SpaceSearchResult",
    "SpaceSecret",
    "SpaceStage",
    "SpaceStorage",
    "SpaceTemplate",
    "SpaceVariable",
    "StoredToken",
    "SyncInferenceEndpoint",
    "SyncOperation",
    "SyncPlan",
    "SyncRemoteFile",
    "SyncSeekableRemoteFile",
    "TensorInfo",
    "TotalProgress",
    "TqdmProgress",
    "TransformersInfo",
    "UnauthorizedError",
    "UnexpectedResponseError",
    "UnsafeServerValueError",
    "UploadOptions",
    "User",
    "UserLikes",
    "Volume",
    "WaitTimeoutError",
    "WebhookInfo",
    "WebhookPayload",
    "WebhookPayloadComment",
    "WebhookPayloadDiscussion",
    "WebhookPayloadDiscussionChanges",
    "WebhookPayloadEvent",
    "WebhookPayloadMovedTo",
    "WebhookPayloadRepo",
    "WebhookPayloadUpdatedRef",
    "WebhookPayloadUrl",
    "WebhookPayloadWebhook",
    "WebhookWatchedItem",
    "WhoAmI",
    "XetFileData",
    "XetRequiredError",
    "ZeroGpuQuota",
    "__version__",
    "auth_list",
    "auth_switch",
    "get_hf_file_metadata",
    "get_token",
    "hf_hub_download",
    "hf_hub_url",
    "login",
    "logout",
    "parse_discussion_event",
    "scan_cache_dir",
    "snapshot_download",
    "try_to_load_from_cache",
    "verify_cache_dir",
]

#: Every public method of an area class is also a module-level function on a default client
#: (``hubclient.model_info(...)``), as in huggingface_hub; they are generated with the facade
#: (``hubclient/_functions/``), so a new method needs no edit here.
__all__ += sorted(_star_names())


def __getattr__(name: str) -> object:
    """Import a public name (or a public submodule) on first use."""
    import importlib

    module = _where().get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif not name.startswith("_"):
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
