"""Safetensors files written for tests (the format, without the safetensors package)."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I8": 1, "U8": 1}


def safetensors_bytes(
    tensors: dict[str, tuple[str, list[int]]],
    *,
    metadata: dict[str, str] | None = None,
    pad_header_to: int = 0,
    header_length: int | None = None,
) -> bytes:
    """A safetensors file with zero-filled tensors; ``header_length`` lies about the header."""
    header: dict[str, Any] = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = math.prod(shape) * DTYPE_BYTES[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * max(0, pad_header_to - len(raw))
    raw += b" " * (-len(raw) % 8)
    length = len(raw) if header_length is None else header_length
    return struct.pack("<Q", length) + raw + bytes(offset)


def sharded_model(shards: int = 3, rows: int = 64) -> dict[str, bytes]:
    """A model in ``shards`` files and its index (F16 and F32 tensors, a BF16 one per shard);
    each shard's F16 weight has ``rows`` × 32 values."""
    files: dict[str, bytes] = {}
    weight_map: dict[str, str] = {}
    for n in range(1, shards + 1):
        name = f"model-{n:05d}-of-{shards:05d}.safetensors"
        tensors = {
            f"layers.{n}.weight": ("F16", [rows, 32]),
            f"layers.{n}.bias": ("F32", [64]),
            f"layers.{n}.scale": ("BF16", []),
        }
        files[name] = safetensors_bytes(tensors, metadata={"format": "pt"})
        weight_map.update(dict.fromkeys(tensors, name))
    total = sum(len(b) for b in files.values())
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    files["model.safetensors.index.json"] = json.dumps(index, indent=2).encode()
    return files
