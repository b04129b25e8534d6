"""The generated HubClient's bucket methods and the module-level functions, on the served local
Hub: the same calls without ``await``, listings as plain iterators."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hubclient import BucketFile, HubClient, HubSettings
from hubclient.testing import ALICE_TOKEN, ServedHub
from tests.buckets.conftest import data

ROOT = Path(__file__).resolve().parents[2]


def test_hub_client_round_trip(
    served: ServedHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = data(1_000_000, 11)
    settings = HubSettings.from_env(
        endpoint=served.hub_url, token=ALICE_TOKEN, hub_cache=tmp_path / "cache"
    )
    with HubClient(settings=settings) as c:
        assert c.create_bucket("sync-facade").bucket_id == "alice/sync-facade"
        result = c.batch_bucket_files("alice/sync-facade", add=[(content, "w.bin")])
        assert list(result.added) == ["w.bin"]
        entries = list(c.list_bucket_tree("alice/sync-facade", recursive=True))
        assert [e.path for e in entries] == ["w.bin"]
        assert isinstance(entries[0], BucketFile)
        assert [f.path for f in c.get_bucket_paths_info("alice/sync-facade", ["w.bin"])] == [
            "w.bin"
        ]
        c.download_bucket_files("alice/sync-facade", [(entries[0], tmp_path / "w.bin")])
        assert (tmp_path / "w.bin").read_bytes() == content
        assert "Uploading" in capsys.readouterr().err  # bars by default, as huggingface_hub
        plan = c.sync_bucket("hf://buckets/alice/sync-facade", str(tmp_path / "back"), quiet=True)
        assert plan.summary()["downloads"] == 1
        assert capsys.readouterr() == ("", "")  # quiet: no summary, no bars
        assert (tmp_path / "back" / "w.bin").read_bytes() == content
        assert [b.id for b in c.list_buckets()] == ["alice/sync-facade"]
        c.delete_bucket("alice/sync-facade")


def test_module_level_functions(served: ServedHub, tmp_path: Path) -> None:
    script = (
        "import hubclient\n"
        "print(hubclient.create_bucket('module-level', private=True).bucket_id)\n"
        "print(hubclient.bucket_info('alice/module-level').private)\n"
        "hubclient.update_bucket_settings('alice/module-level', private=False)\n"
        "hubclient.move_bucket('alice/module-level', 'alice/moved')\n"
        "print([b.id for b in hubclient.list_buckets('alice')])\n"
        "hubclient.delete_bucket('alice/moved')\n"
        "hubclient.delete_bucket('alice/moved', missing_ok=True)\n"
        "print(list(hubclient.list_buckets()))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_ENDPOINT": served.hub_url,
        "HF_TOKEN": ALICE_TOKEN,
        "HF_HUB_CACHE": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["alice/module-level", "True", "['alice/moved']", "[]"]
