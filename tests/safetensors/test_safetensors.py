"""Safetensors metadata from headers alone, against the local Hub: one file, shards, the Hub's
own parse, and headers that lie."""

from __future__ import annotations

import json
import struct

import pytest

from hubclient import (
    AsyncHubClient,
    NotASafetensorsRepoError,
    SafetensorsParsingError,
)
from hubclient.testing import ALICE_TOKEN, LocalHub
from tests.safetensors._files import safetensors_bytes, sharded_model

pytestmark = pytest.mark.anyio


def _header(data: object) -> bytes:
    raw = json.dumps(data).encode()
    return struct.pack("<Q", len(raw)) + raw


def _client(hub: LocalHub) -> AsyncHubClient:
    return AsyncHubClient(hub.hub_url, token=ALICE_TOKEN, transport=hub.async_transport())


async def test_one_file_in_one_ranged_get(local_hub: LocalHub) -> None:
    weights = safetensors_bytes(
        {"embed": ("F32", [10, 4]), "head": ("F16", [4, 10]), "step": ("I64", [])},
        metadata={"format": "pt"},
    )
    local_hub.seed_repo("alice/small", {"model.safetensors": weights + bytes(500_000)})
    async with _client(local_hub) as client:
        local_hub.log.clear()
        meta = await client.parse_safetensors_file_metadata("alice/small", "model.safetensors")
        assert meta.metadata == {"format": "pt"}
        assert meta.tensors["embed"].shape == [10, 4]
        assert meta.tensors["step"].parameter_count == 1
        assert meta.parameter_count == {"F32": 40, "F16": 40, "I64": 1}
        storage = local_hub.log.filter(origin="storage", method="GET")
        assert len(storage) == 1
        assert storage[0].headers["range"] == "bytes=0-100000"
        assert storage[0].response_bytes <= 100_001

        repo = await client.get_safetensors_metadata("alice/small")
        assert not repo.sharded
        assert repo.metadata is None
        assert repo.weight_map == dict.fromkeys(["embed", "head", "step"], "model.safetensors")
        assert repo.parameter_count == meta.parameter_count


async def test_a_sharded_model_by_its_index_and_by_the_hub(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/sharded", sharded_model(3))
    async with _client(local_hub) as client:
        local_hub.log.clear()
        meta = await client.get_safetensors_metadata("alice/sharded")
        assert meta.sharded
        assert sorted(meta.files_metadata) == [
            f"model-{n:05d}-of-00003.safetensors" for n in (1, 2, 3)
        ]
        assert meta.parameter_count == {"F16": 3 * 64 * 32, "F32": 3 * 64, "BF16": 3}
        assert meta.weight_map["layers.2.bias"] == "model-00002-of-00003.safetensors"
        assert isinstance(meta.metadata, dict)
        assert meta.metadata["total_size"] > 0
        # one paths-info (which layout), the index, one ranged GET per shard
        hub_requests = local_hub.log.filter(origin="hub")
        assert [r.method for r in hub_requests].count("POST") == 1
        assert local_hub.log.count(origin="storage", method="GET") == 3

        by_hub = await client.get_sharded_safetensors_metadata("alice/sharded")
        assert by_hub.model_dump() == {**meta.model_dump()}


async def test_a_long_header_costs_one_more_get(local_hub: LocalHub) -> None:
    tensors = {f"t{i:05d}.a_rather_long_tensor_name": ("U8", [3]) for i in range(3000)}
    weights = safetensors_bytes(tensors)
    assert struct.unpack("<Q", weights[:8])[0] > 100_000
    local_hub.seed_repo("alice/long", {"model.safetensors": weights})
    async with _client(local_hub) as client:
        local_hub.log.clear()
        meta = await client.parse_safetensors_file_metadata("alice/long", "model.safetensors")
        assert len(meta.tensors) == 3000
        gets = local_hub.log.filter(origin="storage", method="GET")
        assert gets[0].headers["range"] == "bytes=0-100000"
        assert len(gets) == 2
        assert sum(g.response_bytes for g in gets) == struct.unpack("<Q", weights[:8])[0] + 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "too small"),
        (b"\x01\x02\x03", "too small"),
        (struct.pack("<Q", 30_000_000) + bytes(64), "too big"),
        (struct.pack("<Q", 3_000_000) + b"{}" + bytes(1_000_000), "has only 1000010"),
        (struct.pack("<Q", 8) + b"not json", "not json-encoded"),
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
        (_header({"w": {"dtype": "F16", "shape": [-1], "data_offsets": [0, 2]}}), "format not"),
        (_header({"w": {"dtype": "F16", "shape": [1], "data_offsets": [4, 2]}}), "format not"),
        (_header({"__metadata__": {"n": 1}}), "map of strings"),
    ],
)
async def test_headers_that_lie_are_typed_errors_read_no_further(
    local_hub: LocalHub, content: bytes, message: str
) -> None:
    local_hub.seed_repo("alice/bad", {"model.safetensors": content})
    async with _client(local_hub) as client:
        local_hub.log.clear()
        with pytest.raises(SafetensorsParsingError, match=message):
            await client.parse_safetensors_file_metadata("alice/bad", "model.safetensors")
        assert sum(r.response_bytes for r in local_hub.log.records) <= 101_000


async def test_a_file_cut_inside_its_header(local_hub: LocalHub) -> None:
    tensors = {f"t{i:05d}.a_rather_long_tensor_name": ("U8", [3]) for i in range(3000)}
    whole = safetensors_bytes(tensors)
    local_hub.seed_repo("alice/cut", {"model.safetensors": whole[:150_000]})
    async with _client(local_hub) as client:
        with pytest.raises(SafetensorsParsingError, match="has only 150000"):
            await client.parse_safetensors_file_metadata("alice/cut", "model.safetensors")


async def test_not_a_safetensors_repo(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/plain", {"pytorch_model.bin": b"\0" * 10})
    async with _client(local_hub) as client:
        with pytest.raises(NotASafetensorsRepoError, match="alice/plain"):
            await client.get_safetensors_metadata("alice/plain")


async def test_a_shard_that_lies_fails_the_repo(local_hub: LocalHub) -> None:
    files = sharded_model(3)
    files["model-00002-of-00003.safetensors"] = struct.pack("<Q", 9_999_999) + b"{}"
    local_hub.seed_repo("alice/one-bad-shard", files)
    async with _client(local_hub) as client:
        with pytest.raises(SafetensorsParsingError, match="model-00002-of-00003"):
            await client.get_safetensors_metadata("alice/one-bad-shard")
