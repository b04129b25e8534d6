"""The upload engine: commit planning, hashing, preupload, LFS (basic + multipart), the commit.

Internal: ``AsyncHubClient``'s upload methods delegate here. The public names (operations,
:class:`CommitInfo`, :class:`UploadOptions`, the upload errors) are re-exported by ``hubclient``.
"""

from __future__ import annotations

from hubclient.upload._commit import PreuploadedFile, create_commit, preupload_lfs_files
from hubclient.upload._errors import CommitConflictError, LfsUploadError
from hubclient.upload._folder import (
    delete_file,
    delete_files,
    delete_folder,
    upload_file,
    upload_folder,
)
from hubclient.upload._options import UploadOptions

__all__ = [
    "CommitConflictError",
    "LfsUploadError",
    "PreuploadedFile",
    "UploadOptions",
    "create_commit",
    "delete_file",
    "delete_files",
    "delete_folder",
    "preupload_lfs_files",
    "upload_file",
    "upload_folder",
]
