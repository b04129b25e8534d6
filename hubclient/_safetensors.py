"""Safetensors headers read from the Hub with ranged GETs: one file, a repo, a sharded repo.

A safetensors file starts with an 8-byte little-endian header length, then that many bytes of
JSON: ``{"__metadata__": {...}, "<tensor>": {"dtype", "shape", "data_offsets"}, ...}``, then the
tensors' bytes. One ranged GET of the first 100,001 bytes holds the whole header for nearly
every file (as huggingface_hub reads it); a longer header costs one more GET of exactly the
rest. Nothing here reads more than the header: a server that ignores ``Range`` is read no
further than the bytes needed, and a header that claims more bytes than the file holds (or than
25 MB) is refused before anything more is fetched.
"""

from __future__ import annotations

import json
import re
import struct
from typing import Any

import anyio

from hubclient import _files, _urls
from hubclient._http import HubHttp, TimeoutArg
from hubclient.download._groups import unwrap_groups
from hubclient.errors import (
    HfHubHTTPError,
    NotASafetensorsRepoError,
    SafetensorsParsingError,
)
from hubclient.models.safetensors import (
    SafetensorsFileMetadata,
    SafetensorsRepoMetadata,
    TensorInfo,
)

__all__ = [
    "INDEX_FILE",
    "MAX_HEADER_LENGTH",
    "SINGLE_FILE",
    "get_safetensors_metadata",
    "get_sharded_safetensors_metadata",
    "parse_header",
    "parse_safetensors_file_metadata",
]

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
MAX_HEADER_LENGTH = 25_000_000
"""The longest header accepted (huggingface_hub's limit)."""
FIRST_READ = 100_001
"""Bytes asked for first (``bytes=0-100000``): the header of ~97 % of the Hub's files."""
MAX_INDEX_BYTES = 64 * 2**20
SHARDS_AT_ONCE = 8

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$")


def _fail(filename: str, context: str, why: str) -> SafetensorsParsingError:
    return SafetensorsParsingError(
        f"Failed to parse safetensors header for '{filename}' ({context}): {why}"
    )


async def _read_range(
    http: HubHttp,
    url: str,
    start: int,
    length: int,
    *,
    token: str | bool | None,
    timeout: TimeoutArg,  # noqa: ASYNC109 (per request, passed to the HTTP door)
) -> tuple[bytes, int | None]:
    """At most ``length`` bytes of ``url`` from ``start`` (fewer at the end of the file), and
    the file's total size when the answer says it. Reads no more than it returns."""
    headers = {"range": f"bytes={start}-{start + length - 1}", "accept-encoding": "identity"}
    async with http.stream(
        "GET", url, headers=headers, token=token, follow_redirects="any", timeout=timeout
    ) as response:
        total: int | None = None
        skip = 0
        if response.status_code == 206:
            match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
            if match is None or int(match.group(1)) != start:
                raise HfHubHTTPError(
                    f"GET {response.url}: a 206 answer without the asked range "
                    f"(Content-Range: {response.headers.get('content-range')!r})",
                    status_code=206,
                    url=str(response.url),
                )
            total = None if match.group(3) == "*" else int(match.group(3))
        elif response.status_code == 200:  # Range ignored: the file from byte 0
            skip = start
            declared = response.headers.get("content-length")
            if declared and declared.isdigit():
                total = int(declared)
        else:
            raise HfHubHTTPError(
                f"GET {response.url}: unexpected status {response.status_code} for a range",
                status_code=response.status_code,
                url=str(response.url),
            )
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise HfHubHTTPError(
                f"GET {response.url}: a range answered with Content-Encoding {encoding!r}",
                status_code=response.status_code,
                url=str(response.url),
            )
        out = bytearray()
        async for chunk in response.aiter_raw():
            if skip:
                dropped = min(skip, len(chunk))
                chunk, skip = chunk[dropped:], skip - dropped
            out += chunk[: length - len(out)]
            if len(out) >= length:
                break  # the rest of the body is never read: closing drops the connection
        return bytes(out), total


def header_length(first: bytes, filename: str, context: str, total: int | None) -> int:
    """The header length the first 8 bytes announce, checked against the limits."""
    if len(first) < 8:
        raise _fail(filename, context, "file is too small to be a valid safetensors file.")
    (size,) = struct.unpack("<Q", first[:8])
    if size > MAX_HEADER_LENGTH:
        raise _fail(
            filename,
            context,
            f"safetensors header is too big. Maximum supported size is {MAX_HEADER_LENGTH} "
            f"bytes (got {size}).",
        )
    if total is not None and 8 + size > total:
        raise _fail(
            filename,
            context,
            f"the header claims {size} bytes but the file has only {total} in all.",
        )
    return int(size)


def parse_header(raw: bytes, filename: str, context: str) -> SafetensorsFileMetadata:
    """A header's JSON bytes as :class:`SafetensorsFileMetadata`, its shape checked."""
    try:
        data = json.loads(raw.decode(errors="ignore"))
    except ValueError as exc:
        raise _fail(filename, context, "header is not json-encoded string.") from exc
    return file_metadata_from_header(data, filename, context)


def file_metadata_from_header(data: Any, filename: str, context: str) -> SafetensorsFileMetadata:
    """A decoded header (a JSON object) as :class:`SafetensorsFileMetadata`."""
    if not isinstance(data, dict):
        raise _fail(filename, context, "the header is not a JSON object.")
    metadata = data.get("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _fail(filename, context, "__metadata__ is not a map of strings.")
    tensors: dict[str, TensorInfo] = {}
    for name, tensor in data.items():
        if name == "__metadata__":
            continue
        if not isinstance(tensor, dict):
            raise _fail(filename, context, f"tensor {name!r} is not an object.")
        dtype, shape, offsets = tensor.get("dtype"), tensor.get("shape"), tensor.get("data_offsets")
        if (
            not isinstance(dtype, str)
            or not isinstance(shape, list)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
            or not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) and o >= 0 for o in offsets)
            or offsets[0] > offsets[1]
        ):
            raise _fail(
                filename,
                context,
                f"header format not recognized (tensor {name!r}). Please make sure this is a "
                "correctly formatted safetensors file.",
            )
        tensors[name] = TensorInfo(dtype=dtype, shape=shape, data_offsets=(offsets[0], offsets[1]))
    return SafetensorsFileMetadata(
        metadata={str(k): str(v) for k, v in metadata.items()}, tensors=tensors
    )


def _context(repo_id: str, revision: str | None) -> str:
    return f"repo '{repo_id}', revision '{revision or 'main'}'"


async def parse_safetensors_file_metadata(
    http: HubHttp,
    repo_id: str,
    filename: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    timeout: TimeoutArg,  # noqa: ASYNC109 (per request, passed to the HTTP door)
) -> SafetensorsFileMetadata:
    """The header of one file, in one ranged GET (two when the header is over 100 kB)."""
    url = _urls.resolve_path(repo_type, repo_id, filename, revision)
    context = _context(repo_id, revision)
    try:
        first, total = await _read_range(http, url, 0, FIRST_READ, token=token, timeout=timeout)
    except HfHubHTTPError as exc:
        if exc.status_code == 416:  # an empty file
            raise _fail(
                filename, context, "file is too small to be a valid safetensors file."
            ) from exc
        raise
    size = header_length(first, filename, context, total)
    if 8 + size <= len(first):
        raw = first[8 : 8 + size]
    else:
        if total is None and len(first) < FIRST_READ:
            # the server sent the whole file: it is shorter than the header claims
            raise _fail(
                filename,
                context,
                f"the header claims {size} bytes but the file has only {len(first)} in all.",
            )
        rest, _ = await _read_range(
            http, url, len(first), 8 + size - len(first), token=token, timeout=timeout
        )
        raw = first[8:] + rest
        if len(raw) < size:
            raise _fail(
                filename, context, f"the file ends inside its {size}-byte header (truncated)."
            )
    return parse_header(raw, filename, context)


async def _read_index(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None,
    revision: str | None,
    token: str | bool | None,
    timeout: TimeoutArg,  # noqa: ASYNC109 (per request, passed to the HTTP door)
) -> dict[str, Any]:
    url = _urls.resolve_path(repo_type, repo_id, INDEX_FILE, revision)
    raw, total = await _read_range(http, url, 0, MAX_INDEX_BYTES, token=token, timeout=timeout)
    if total is not None and total > len(raw):
        raise _fail(INDEX_FILE, _context(repo_id, revision), "the index is over 64 MiB.")
    try:
        index = json.loads(raw)
    except ValueError as exc:
        raise _fail(INDEX_FILE, _context(repo_id, revision), "the index is not JSON.") from exc
    weight_map = index.get("weight_map", {}) if isinstance(index, dict) else None
    if not isinstance(weight_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in weight_map.items()
    ):
        raise _fail(INDEX_FILE, _context(repo_id, revision), "weight_map is not a map of names.")
    return index  # type: ignore[no-any-return]


async def get_safetensors_metadata(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    timeout: TimeoutArg,  # noqa: ASYNC109 (per request, passed to the HTTP door)
) -> SafetensorsRepoMetadata:
    """``model.safetensors``'s header, or every shard's header (fetched concurrently)."""
    found = {
        entry.path
        for entry in await _files.get_paths_info(
            http,
            repo_id,
            [SINGLE_FILE, INDEX_FILE],
            revision=revision,
            repo_type=repo_type,
            token=token,
        )
    }
    if SINGLE_FILE in found:
        single = await parse_safetensors_file_metadata(
            http,
            repo_id,
            SINGLE_FILE,
            repo_type=repo_type,
            revision=revision,
            token=token,
            timeout=timeout,
        )
        return SafetensorsRepoMetadata(
            metadata=None,
            sharded=False,
            weight_map=dict.fromkeys(single.tensors, SINGLE_FILE),
            files_metadata={SINGLE_FILE: single},
        )
    if INDEX_FILE not in found:
        raise NotASafetensorsRepoError(
            f"'{repo_id}' is not a safetensors repo. Couldn't find '{INDEX_FILE}' or "
            f"'{SINGLE_FILE}' files."
        )
    index = await _read_index(
        http, repo_id, repo_type=repo_type, revision=revision, token=token, timeout=timeout
    )
    weight_map: dict[str, str] = index.get("weight_map", {})
    shards = sorted(set(weight_map.values()))
    files: dict[str, SafetensorsFileMetadata] = {}
    limiter = anyio.CapacityLimiter(SHARDS_AT_ONCE)

    async def parse(shard: str) -> None:
        async with limiter:
            files[shard] = await parse_safetensors_file_metadata(
                http,
                repo_id,
                shard,
                repo_type=repo_type,
                revision=revision,
                token=token,
                timeout=timeout,
            )

    with unwrap_groups():  # the first failure, as a plain typed error
        async with anyio.create_task_group() as tg:
            for shard in shards:
                tg.start_soon(parse, shard)
    metadata = index.get("metadata")
    return SafetensorsRepoMetadata(
        metadata=metadata if isinstance(metadata, dict) else None,
        sharded=True,
        weight_map=weight_map,
        files_metadata={shard: files[shard] for shard in shards},
    )


async def get_sharded_safetensors_metadata(
    http: HubHttp,
    repo_id: str,
    *,
    filename: str = INDEX_FILE,
    token: str | bool | None = None,
    timeout: TimeoutArg,  # noqa: ASYNC109 (per request, passed to the HTTP door)
) -> SafetensorsRepoMetadata:
    """Every shard's header in one request: the Hub parses them (``main`` of a model)."""
    path = f"/api/models/{_urls.validate_repo_id(repo_id)}/safetensors-metadata/"
    response = await http.request(
        "GET", path + _urls.quote_path(filename), token=token, timeout=timeout
    )
    context = _context(repo_id, None)
    try:
        content = response.json()
    except ValueError as exc:
        raise _fail(filename, context, "the answer is not JSON.") from exc
    headers = content.get("headers") if isinstance(content, dict) else None
    index = content.get("index") if isinstance(content, dict) else None
    if not isinstance(headers, dict) or not isinstance(index, dict):
        raise _fail(filename, context, "the answer has no 'headers' and 'index' objects.")
    files = {
        str(shard): file_metadata_from_header(header, str(shard), context)
        for shard, header in headers.items()
    }
    metadata = index.get("metadata")
    return SafetensorsRepoMetadata(
        metadata=metadata if isinstance(metadata, dict) else None,
        sharded=True,
        # the answer leaves out the index's weight_map: the shard headers name every tensor
        weight_map={tensor: shard for shard, file in files.items() for tensor in file.tensors},
        files_metadata=files,
    )
