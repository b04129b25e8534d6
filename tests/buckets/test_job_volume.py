"""sync_job_volume on the served local Hub: a local folder synced to the private
``jobs-artifacts`` bucket (again: only what changed), the volume that mounts it, an empty folder
kept, a public artifacts bucket warned about, and a Job that mounts the volume."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubclient import Volume
from hubclient.buckets._volume import folder_name
from hubclient.testing import ServedHub
from tests.buckets.conftest import data, on_socket

pytestmark = pytest.mark.anyio


async def test_a_folder_becomes_a_job_volume(served: ServedHub, tmp_path: Path) -> None:
    hub = served.hub
    inputs = tmp_path / "training data"
    (inputs / "shards").mkdir(parents=True)
    (inputs / "shards" / "0.bin").write_bytes(data(500_000, 1))
    (inputs / "meta.json").write_bytes(b"{}")
    for path in (inputs / "shards" / "0.bin", inputs / "meta.json"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    async with on_socket(served, tmp_path) as c:
        volume = await c.sync_job_volume(inputs, "/inputs")
        assert isinstance(volume, Volume)
        folder = folder_name(inputs)
        assert folder.startswith("training_data-")
        assert volume.to_dict() == {
            "type": "bucket",
            "source": "alice/jobs-artifacts",
            "mountPath": "/inputs",
            "path": folder,
            "readOnly": True,
        }
        assert (await c.bucket_info("alice/jobs-artifacts")).private is True
        remote = {e.path async for e in c.list_bucket_tree("alice/jobs-artifacts", recursive=True)}
        assert remote == {f"{folder}/shards/0.bin", f"{folder}/meta.json"}

        hub.log.clear()
        again = await c.sync_job_volume(inputs, "/inputs", read_only=False)
        assert again.path == folder
        assert again.read_only is False
        assert hub.log.count(method="POST", path=r"/batch$") == 0  # nothing changed

        job = await c.run_job(image="python:3.12", command=["ls", "/inputs"], volumes=[volume])
        assert job.id

        empty = tmp_path / "outputs"
        empty.mkdir()
        out = await c.sync_job_volume(empty, "/outputs", remote_name="run-1/out", namespace="acme")
        assert (out.source, out.path) == ("acme/jobs-artifacts", "run-1/out")
        paths = [e.path async for e in c.list_bucket_tree("acme/jobs-artifacts", recursive=True)]
        assert paths == ["run-1/out/.keep"]


async def test_a_public_artifacts_bucket_is_warned_about(served: ServedHub, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"a")
    async with on_socket(served, tmp_path) as c:
        await c.create_bucket("alice/jobs-artifacts")  # public
        with pytest.warns(UserWarning, match="public"):
            await c.sync_job_volume(tmp_path / "in", "/in")
