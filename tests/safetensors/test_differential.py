"""huggingface_hub 2.4.0 and hubclient read the same safetensors metadata from one served Hub
(huggingface_hub drives the local Hub's ``safetensors-metadata`` route too)."""

from __future__ import annotations

from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal

from hubclient import AsyncHubClient, SafetensorsFileMetadata, SafetensorsRepoMetadata
from hubclient.testing import ALICE_TOKEN
from tests.safetensors._files import safetensors_bytes, sharded_model


def _theirs_file(meta: Any) -> dict[str, Any]:
    return {
        "metadata": meta.metadata,
        "tensors": {
            name: (t.dtype, list(t.shape), tuple(t.data_offsets), t.parameter_count)
            for name, t in meta.tensors.items()
        },
        "parameter_count": dict(meta.parameter_count),
    }


def _ours_file(meta: SafetensorsFileMetadata) -> dict[str, Any]:
    return {
        "metadata": meta.metadata,
        "tensors": {
            name: (t.dtype, t.shape, t.data_offsets, t.parameter_count)
            for name, t in meta.tensors.items()
        },
        "parameter_count": meta.parameter_count,
    }


def _theirs_repo(meta: Any) -> dict[str, Any]:
    return {
        "metadata": meta.metadata,
        "sharded": meta.sharded,
        "weight_map": dict(meta.weight_map),
        "files": {k: _theirs_file(v) for k, v in meta.files_metadata.items()},
        "parameter_count": dict(meta.parameter_count),
    }


def _ours_repo(meta: SafetensorsRepoMetadata) -> dict[str, Any]:
    return {
        "metadata": meta.metadata,
        "sharded": meta.sharded,
        "weight_map": meta.weight_map,
        "files": {k: _ours_file(v) for k, v in meta.files_metadata.items()},
        "parameter_count": meta.parameter_count,
    }


def test_same_safetensors_metadata_as_huggingface_hub(
    served_hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    from huggingface_hub import HfApi, constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    hub = served_hub.hub
    hub.seed_repo("alice/sharded", sharded_model(3))
    long = {f"t{i:05d}.long_tensor_name": ("BF16", [2, 3]) for i in range(4000)}
    hub.seed_repo("alice/single", {"model.safetensors": safetensors_bytes(long)})
    api = HfApi(endpoint=served_hub.hub_url, token=ALICE_TOKEN)
    with start_blocking_portal() as portal:
        client = AsyncHubClient(served_hub.hub_url, token=ALICE_TOKEN)
        try:
            for repo_id in ("alice/sharded", "alice/single"):
                theirs = api.get_safetensors_metadata(repo_id)
                ours = portal.call(client.get_safetensors_metadata, repo_id)
                assert _ours_repo(ours) == _theirs_repo(theirs)
            theirs_file = api.parse_safetensors_file_metadata("alice/single", "model.safetensors")
            ours_file = portal.call(
                client.parse_safetensors_file_metadata, "alice/single", "model.safetensors"
            )
            assert _ours_file(ours_file) == _theirs_file(theirs_file)
            theirs_sharded = api.get_sharded_safetensors_metadata("alice/sharded")
            ours_sharded = portal.call(client.get_sharded_safetensors_metadata, "alice/sharded")
            assert _ours_repo(ours_sharded) == _theirs_repo(theirs_sharded)
        finally:
            portal.call(client.aclose)
