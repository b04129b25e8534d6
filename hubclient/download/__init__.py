"""The download engine: ``hf_hub_download``, ``snapshot_download`` and streaming reads.

Area module of :class:`hubclient.AsyncHubClient`; it talks to the network through
:class:`hubclient._http.HubHttp` and to the disk through :mod:`hubclient.cache`.
"""

from hubclient.download._file import FileMetadata, get_file_metadata, hf_hub_download
from hubclient.download._options import DownloadIntegrityError, DownloadOptions
from hubclient.download._random import SeekableRemoteFile, open_seekable
from hubclient.download._snapshot import DryRunFileInfo, snapshot_download
from hubclient.download._stream import RemoteFile, iter_file, open_file

__all__ = [
    "DownloadIntegrityError",
    "DownloadOptions",
    "DryRunFileInfo",
    "FileMetadata",
    "RemoteFile",
    "SeekableRemoteFile",
    "get_file_metadata",
    "hf_hub_download",
    "iter_file",
    "open_file",
    "open_seekable",
    "snapshot_download",
]
