"""Pydantic models of the Hub's requests and responses (one module per area)."""

from __future__ import annotations

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
from hubclient.models.files import (
    BlobLfsInfo,
    BlobSecurityInfo,
    HfFileMetadata,
    LastCommitInfo,
    RepoFile,
    RepoFolder,
    RepoSibling,
)
from hubclient.models.refs import GitCommitInfo, GitRefInfo, GitRefs
from hubclient.models.repos import (
    CardData,
    DatasetInfo,
    ModelInfo,
    RepoInfo,
    RepoUrl,
    SafeTensorsInfo,
    SpaceInfo,
    SpaceRuntime,
    TransformersInfo,
)
from hubclient.models.safetensors import (
    SafetensorsFileMetadata,
    SafetensorsRepoMetadata,
    TensorInfo,
)
from hubclient.models.users import AccessTokenInfo, AuthInfo, Organization, User, WhoAmI

__all__ = [
    "AccessRequest",
    "AccessTokenInfo",
    "AnyDiscussionEvent",
    "AuthInfo",
    "BlobLfsInfo",
    "BlobSecurityInfo",
    "BucketBatchResult",
    "BucketFile",
    "BucketFileMetadata",
    "BucketFolder",
    "BucketInfo",
    "BucketUri",
    "BucketUrl",
    "CardData",
    "Collection",
    "CollectionItem",
    "CollectionOwner",
    "DatasetInfo",
    "Discussion",
    "DiscussionComment",
    "DiscussionCommit",
    "DiscussionEvent",
    "DiscussionStatusChange",
    "DiscussionTitleChange",
    "DiscussionWithDetails",
    "GitCommitInfo",
    "GitRefInfo",
    "GitRefs",
    "HfFileMetadata",
    "LastCommitInfo",
    "ModelInfo",
    "Organization",
    "RepoFile",
    "RepoFolder",
    "RepoInfo",
    "RepoSibling",
    "RepoUrl",
    "SafeTensorsInfo",
    "SafetensorsFileMetadata",
    "SafetensorsRepoMetadata",
    "SpaceInfo",
    "SpaceRuntime",
    "SyncOperation",
    "SyncPlan",
    "TensorInfo",
    "TransformersInfo",
    "User",
    "WhoAmI",
    "XetFileData",
    "parse_discussion_event",
]
