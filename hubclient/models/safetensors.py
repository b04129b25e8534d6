"""What a safetensors header says: tensors, their dtypes and shapes, parameter counts.

Field names and values are huggingface_hub's (``TensorInfo``, ``SafetensorsFileMetadata``,
``SafetensorsRepoMetadata``); here they are pydantic models, so they validate what a server
sends and dump to JSON. ``dtype`` is any string: new dtypes (``F8_E4M3``, …) parse.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

__all__ = ["SafetensorsFileMetadata", "SafetensorsRepoMetadata", "TensorInfo"]


class TensorInfo(BaseModel):
    """One tensor of a safetensors file: dtype, shape, and where its bytes lie in the file.

    ``data_offsets`` is ``(begin, end)`` relative to the end of the header.
    """

    model_config = ConfigDict(frozen=True)

    dtype: str
    shape: list[int]
    data_offsets: tuple[int, int]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parameter_count(self) -> int:
        """The number of values in the tensor (1 for a scalar)."""
        return math.prod(self.shape)


def _count(tensors: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tensor in tensors:
        counts[tensor.dtype] = counts.get(tensor.dtype, 0) + tensor.parameter_count
    return counts


class SafetensorsFileMetadata(BaseModel):
    """The header of one safetensors file: its ``__metadata__`` and its tensors."""

    metadata: dict[str, str]
    tensors: dict[str, TensorInfo]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parameter_count(self) -> dict[str, int]:
        """Values per dtype, e.g. ``{"F16": 124_439_808}``."""
        return _count(self.tensors.values())


class SafetensorsRepoMetadata(BaseModel):
    """The safetensors weights of a repo: one file (``model.safetensors``) or shards listed by
    an index (``model.safetensors.index.json``).

    ``metadata`` is the index's ``metadata`` (sharded repos only); ``weight_map`` maps each
    tensor to the file holding it; ``files_metadata`` has the header of every file.
    """

    metadata: dict[str, Any] | None
    sharded: bool
    weight_map: dict[str, str]
    files_metadata: dict[str, SafetensorsFileMetadata]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parameter_count(self) -> dict[str, int]:
        """Values per dtype over every file."""
        counts: dict[str, int] = {}
        for file in self.files_metadata.values():
            for dtype, n in file.parameter_count.items():
                counts[dtype] = counts.get(dtype, 0) + n
        return counts
