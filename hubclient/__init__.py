"""hubclient: an asyncio-native client for the Hugging Face Hub HTTP API.

The public surface lives here and nowhere else; every other module is private.
"""

from hubclient._version import __version__
from hubclient.progress import (
    FileProgress,
    FileState,
    Phase,
    PhaseChanged,
    ProgressCallback,
    ProgressEvent,
    TotalProgress,
)

__all__ = [
    "FileProgress",
    "FileState",
    "Phase",
    "PhaseChanged",
    "ProgressCallback",
    "ProgressEvent",
    "TotalProgress",
    "__version__",
]
