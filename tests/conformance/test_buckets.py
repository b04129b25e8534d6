"""huggingface_hub 2.4's twelve bucket methods against the served local Hub, as they run by
default (hf_xet installed: bucket files only move through Xet), and files crossing between
huggingface_hub, hubclient and a plain HTTP GET of ``/resolve``, plans included."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import httpx
import pytest
from huggingface_hub import constants
from huggingface_hub._buckets import BucketFile, BucketFolder, BucketInfo
from huggingface_hub.errors import (
    BucketBatchError,
    BucketNotFoundError,
    EntryNotFoundError,
    HfHubHTTPError,
)
from huggingface_hub.hf_api import RepoFile

from hubclient import HubClient, HubSettings
from hubclient.testing import ServedHub
from tests.conformance._support import ALICE_TOKEN, Conformance

pytestmark = pytest.mark.conformance

OLD = 1_600_000_000


@pytest.fixture(autouse=True)
def _xet_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    monkeypatch.setenv("HF_XET_TELEMETRY_ENABLED", "false")


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def ours(served_hub: ServedHub, tmp: Path) -> HubClient:
    settings = HubSettings.from_env(
        endpoint=served_hub.hub_url,
        token=ALICE_TOKEN,
        hub_cache=tmp / "hubclient-cache",
        disable_progress_bars=True,
    )
    return HubClient(settings=settings)


def test_bucket_management(conf: Conformance) -> None:
    api = conf.api
    url = api.create_bucket("managed")
    assert url.bucket_id == "alice/managed"
    assert url.url == f"{conf.endpoint}/buckets/alice/managed"
    assert api.create_bucket("alice/managed", exist_ok=True).bucket_id == "alice/managed"
    with pytest.raises(HfHubHTTPError) as caught:
        api.create_bucket("alice/managed")
    assert caught.value.response.status_code == 409
    api.create_bucket("acme/org-private", private=True)
    # bob may not create in alice's namespace, but exist_ok finds her public bucket
    assert conf.bob.create_bucket("alice/managed", exist_ok=True).bucket_id == "alice/managed"

    info = api.bucket_info("alice/managed")
    assert isinstance(info, BucketInfo)
    assert (info.id, info.private, info.size, info.total_files) == ("alice/managed", False, 0, 0)
    assert info.created_at is not None
    with pytest.raises(BucketNotFoundError) as missing:
        conf.bob.bucket_info("acme/org-private")
    assert missing.value.bucket_id == "acme/org-private"
    with pytest.raises(BucketNotFoundError):
        conf.anon.bucket_info("acme/org-private")

    for name in ("b-one", "b-two", "b-three"):
        api.create_bucket(name)
    mine = sorted(b.id for b in api.list_buckets())  # pages of 2 in this suite
    assert mine == ["alice/b-one", "alice/b-three", "alice/b-two", "alice/managed"]
    assert [b.id for b in api.list_buckets(search="two")] == ["alice/b-two"]
    assert [b.id for b in api.list_buckets("acme")] == ["acme/org-private"]
    assert [b.id for b in conf.bob.list_buckets("acme")] == []

    api.update_bucket_settings("alice/managed", private=True)
    assert api.bucket_info("alice/managed").private is True
    api.move_bucket("alice/managed", "acme/moved")
    with pytest.raises(BucketNotFoundError):
        api.bucket_info("alice/managed")
    assert api.bucket_info("acme/moved").private is True
    api.delete_bucket("acme/moved")
    with pytest.raises(BucketNotFoundError):
        api.delete_bucket("acme/moved")
    api.delete_bucket("acme/moved", missing_ok=True)


def test_files_through_xet_with_huggingface_hub(conf: Conformance, tmp_path: Path) -> None:
    api, log = conf.api, conf.hub.log
    api.create_bucket("files")
    weights = random_bytes(2_000_000, 1)
    source = tmp_path / "model.safetensors"
    source.write_bytes(weights)
    log.clear()
    api.batch_bucket_files(
        "alice/files",
        add=[(str(source), "models/model.safetensors"), (b'{"a": 1}', "config.json")],
    )
    assert log.count(origin="hub", method="GET", path=r"/api/buckets/alice/files/xet-write-token$")
    assert log.count(origin="cas", method="POST", path=r"^/v1/xorbs/default/") >= 1
    assert log.count(origin="cas", method="POST", path=r"^/v[12]/shards$") == 1
    (batch,) = log.filter(origin="hub", method="POST", path=r"/batch$")
    assert batch.status == 200
    assert log.count(origin="storage") == 0

    root = list(api.list_bucket_tree("alice/files"))
    assert [(type(e), e.path) for e in root] == [
        (BucketFile, "config.json"),
        (BucketFolder, "models"),
    ]
    files = {f.path: f for f in api.list_bucket_tree("alice/files", recursive=True)}
    assert set(files) == {"config.json", "models/model.safetensors"}
    model = files["models/model.safetensors"]
    assert isinstance(model, BucketFile)
    assert model.size == len(weights)
    assert len(model.xet_hash) == 64
    assert [f.path for f in api.list_bucket_tree("alice/files", prefix="models")] == [
        "models/model.safetensors"
    ]
    info = list(api.get_bucket_paths_info("alice/files", ["config.json", "absent.bin"]))
    assert [f.path for f in info] == ["config.json"]
    meta = api.get_bucket_file_metadata("alice/files", "models/model.safetensors")
    assert meta.size == len(weights)
    assert meta.xet_file_data.file_hash == model.xet_hash
    assert meta.xet_file_data.refresh_route == (
        f"{conf.endpoint}/api/buckets/alice/files/xet-read-token"
    )

    config = files["config.json"]
    assert isinstance(config, BucketFile)
    log.clear()
    out = tmp_path / "out"
    api.download_bucket_files(
        "alice/files",
        [("models/model.safetensors", out / "m.safetensors"), (config, out / "c")],
    )
    assert (out / "m.safetensors").read_bytes() == weights
    assert (out / "c").read_bytes() == b'{"a": 1}'
    assert log.count(origin="cas", method="GET", path=r"^/v[12]/reconstructions/") >= 1
    with pytest.warns(UserWarning, match="absent"):
        api.download_bucket_files("alice/files", [("absent.bin", out / "absent.bin")])
    with pytest.raises(EntryNotFoundError):
        api.download_bucket_files(
            "alice/files", [("absent.bin", out / "a")], raise_on_missing_files=True
        )

    # server-side copies (from a bucket and from a repo's Xet file), deletes, refusals
    repo_id = conf.new_repo("bucket-source")
    repo_content = random_bytes(1_100_000, 2)
    api.upload_file(path_or_fileobj=repo_content, path_in_repo="w.bin", repo_id=repo_id)
    (repo_entry,) = api.get_paths_info(repo_id, ["w.bin"])
    assert isinstance(repo_entry, RepoFile)
    assert repo_entry.xet_hash is not None
    api.create_bucket("copies")
    log.clear()
    api.batch_bucket_files(
        "alice/copies",
        copy=[
            ("bucket", "alice/files", model.xet_hash, "from-bucket.bin"),
            ("model", repo_id, repo_entry.xet_hash, "from-repo.bin"),
        ],
    )
    assert log.count(origin="cas") == 0
    api.download_bucket_files(
        "alice/copies",
        [("from-bucket.bin", out / "fb.bin"), ("from-repo.bin", out / "fr.bin")],
    )
    assert (out / "fb.bin").read_bytes() == weights
    assert (out / "fr.bin").read_bytes() == repo_content
    with pytest.raises(BucketBatchError) as refused:
        api.batch_bucket_files("alice/copies", delete=["from-bucket.bin", "never-there.bin"])
    assert [f["path"] for f in refused.value.failures] == ["never-there.bin"]
    assert [f.path for f in api.list_bucket_tree("alice/copies")] == ["from-repo.bin"]


def test_files_cross_between_the_clients(
    conf: Conformance, served_hub: ServedHub, tmp_path: Path
) -> None:
    api = conf.api
    api.create_bucket("crossing")
    by_hf = random_bytes(1_500_000, 3)
    by_us = random_bytes(1_300_000, 4)
    api.batch_bucket_files("alice/crossing", add=[(by_hf, "by-hf.bin")])
    with ours(served_hub, tmp_path) as c:
        c.batch_bucket_files("alice/crossing", add=[(by_us, "by-us.bin")])
        c.download_bucket_files("alice/crossing", [("by-hf.bin", tmp_path / "ours-hf.bin")])
    assert (tmp_path / "ours-hf.bin").read_bytes() == by_hf
    api.download_bucket_files("alice/crossing", [("by-us.bin", tmp_path / "hf-us.bin")])
    assert (tmp_path / "hf-us.bin").read_bytes() == by_us
    # and plain HTTP: /resolve redirects to the CAS bridge, which serves the bytes (and ranges)
    with httpx.Client(
        follow_redirects=True, headers={"authorization": f"Bearer {ALICE_TOKEN}"}
    ) as h:
        whole = h.get(f"{conf.endpoint}/buckets/alice/crossing/resolve/by-us.bin")
        assert whole.status_code == 200
        assert whole.content == by_us
        part = h.get(
            f"{conf.endpoint}/buckets/alice/crossing/resolve/by-hf.bin",
            headers={"range": "bytes=1000-199999"},
        )
        assert part.status_code == 206
        assert part.content == by_hf[1000:200000]


def test_sync_and_plans_cross_between_the_clients(
    conf: Conformance, served_hub: ServedHub, tmp_path: Path
) -> None:
    api = conf.api
    api.create_bucket("synced")
    src = tmp_path / "src"
    contents = {"a.txt": b"alpha", "sub/b.bin": random_bytes(400_000, 5), "sub/c/d.json": b"{}"}
    for name, content in contents.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(content)
        os.utime(src / name, (OLD, OLD))
    bucket = "hf://buckets/alice/synced/data"
    theirs = api.sync_bucket(str(src), bucket, quiet=True)
    assert theirs.summary()["uploads"] == 3

    with ours(served_hub, tmp_path) as c:
        # the same comparison on both sides: nothing to send again
        plan = c.sync_bucket(str(src), bucket, quiet=True)
        assert plan.summary()["skips"] == 3
        assert (
            plan.summary() == api.sync_bucket(str(src), bucket, dry_run=True, quiet=True).summary()
        )
        down = c.sync_bucket(bucket, str(tmp_path / "ours"), quiet=True)
        assert down.summary()["downloads"] == 3
        (src / "a.txt").write_bytes(b"alpha, changed")
        (src / "new.txt").write_bytes(b"new")
        ours_plan = tmp_path / "ours.jsonl"
        c.sync_bucket(str(src), bucket, plan=str(ours_plan), quiet=True)
    for name, content in contents.items():
        assert (tmp_path / "ours" / name).read_bytes() == content

    # huggingface_hub applies the plan hubclient saved
    applied = api.sync_bucket(apply=str(ours_plan), quiet=True)
    assert applied.summary()["uploads"] == 2
    assert {f.path for f in api.list_bucket_tree("alice/synced", recursive=True)} == {
        f"data/{n}" for n in (*contents, "new.txt")
    }
    # and hubclient applies one huggingface_hub saved
    theirs_plan = tmp_path / "theirs.jsonl"
    api.sync_bucket(bucket, str(tmp_path / "theirs"), plan=str(theirs_plan), quiet=True)
    header = json.loads(theirs_plan.read_text().splitlines()[0])
    assert header["type"] == "header"
    with ours(served_hub, tmp_path) as c:
        c.sync_bucket(apply=str(theirs_plan), quiet=True)
    assert (tmp_path / "theirs" / "a.txt").read_bytes() == b"alpha, changed"
    assert (tmp_path / "theirs" / "sub" / "b.bin").read_bytes() == contents["sub/b.bin"]


def test_job_volumes_agree(conf: Conformance, served_hub: ServedHub, tmp_path: Path) -> None:
    src = tmp_path / "job inputs"
    src.mkdir()
    (src / "x.bin").write_bytes(random_bytes(300_000, 6))
    theirs = conf.api.sync_job_volume(src, "/inputs")
    with ours(served_hub, tmp_path) as c:
        mine = c.sync_job_volume(src, "/inputs")
        assert conf.hub.log.count(method="POST", path=r"/batch$") == 1  # theirs only: same folder
    assert mine.to_dict() == theirs.to_dict()
    assert conf.api.bucket_info("alice/jobs-artifacts").private is True
