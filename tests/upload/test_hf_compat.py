"""Round trips with the real huggingface_hub 2.4.0 on the same uvicorn-served local Hub.

What hubclient uploads (regular, LFS single PUT, LFS multipart, copies, deletions, PR commits),
huggingface_hub downloads byte for byte; and hubclient reads back what huggingface_hub uploaded.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_DISABLE_XET", "1")  # before huggingface_hub is imported

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest

from hubclient import (
    AsyncHubClient,
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
)
from hubclient.testing import ALICE_TOKEN
from tests.upload.conftest import SMALL_CHUNK, read_back

hf = pytest.importorskip("huggingface_hub")

pytestmark = pytest.mark.anyio

REPO = "alice/compat"


@pytest.fixture
def served(small_served: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    return small_served


@pytest.fixture
async def sclient(served: Any) -> AsyncIterator[AsyncHubClient]:
    async with AsyncHubClient(endpoint=served.hub_url, token=ALICE_TOKEN) as c:
        yield c


def blob(size: int, seed: int) -> bytes:
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d/%d" % (seed, i)).digest()
        i += 1
    return bytes(out[:size])


def hf_read(served: Any, path: str, cache: Path, revision: str | None = None) -> bytes:
    from huggingface_hub import hf_hub_download

    local = hf_hub_download(
        REPO,
        path,
        revision=revision,
        endpoint=served.hub_url,
        token=ALICE_TOKEN,
        cache_dir=cache,
    )
    return Path(local).read_bytes()


async def test_huggingface_hub_downloads_what_hubclient_uploaded(
    served: Any, sclient: AsyncHubClient, tmp_path: Path
) -> None:
    served.hub.seed_repo(REPO, {"README.md": b"# compat\n", "gone.txt": b"bye", "d/x.txt": b"x"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(6 * SMALL_CHUNK + 11, seed=1))
    single = blob(SMALL_CHUNK + 1, seed=2)
    await sclient.create_commit(
        REPO,
        [
            CommitOperationAdd("regular.txt", b"plain text\n"),
            CommitOperationAdd("single.bin", single),
            CommitOperationAdd("big.bin", big),
        ],
        commit_message="adds",
    )
    await sclient.create_commit(
        REPO,
        [
            CommitOperationCopy("big.bin", "copy/big.bin"),
            CommitOperationCopy("regular.txt", "copy/regular.txt"),
            CommitOperationDelete("gone.txt"),
            CommitOperationDelete("d/"),
        ],
        commit_message="copies and deletes",
    )
    pr = await sclient.upload_file(
        path_or_fileobj=b"in a PR", path_in_repo="pr.txt", repo_id=REPO, create_pr=True
    )
    cache = tmp_path / "hf-cache"

    def check() -> None:
        from huggingface_hub import HfApi, RepoFile

        assert hf_read(served, "regular.txt", cache) == b"plain text\n"
        assert hf_read(served, "single.bin", cache) == single
        assert hf_read(served, "big.bin", cache) == big.read_bytes()
        assert hf_read(served, "copy/big.bin", cache) == big.read_bytes()
        assert hf_read(served, "copy/regular.txt", cache) == b"plain text\n"
        assert hf_read(served, "pr.txt", cache, revision=pr.pr_revision) == b"in a PR"
        api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
        files = set(api.list_repo_files(REPO))
        assert "gone.txt" not in files
        assert "d/x.txt" not in files
        assert "pr.txt" not in files
        assert {"big.bin", "single.bin", "copy/big.bin", "regular.txt"} <= files
        entries = {
            e.path: e for e in api.list_repo_tree(REPO, recursive=True) if isinstance(e, RepoFile)
        }
        assert entries["big.bin"].lfs is not None
        assert entries["big.bin"].lfs.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
        assert entries["regular.txt"].lfs is None

    await anyio.to_thread.run_sync(check)


async def test_hubclient_reads_back_what_huggingface_hub_uploaded_and_skips_it(
    served: Any, sclient: AsyncHubClient, tmp_path: Path
) -> None:
    served.hub.seed_repo(REPO, {"README.md": b"# compat\n"})
    big = blob(4 * SMALL_CHUNK, seed=3)

    def upload() -> str:
        from huggingface_hub import HfApi

        api = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
        api.upload_file(path_or_fileobj=big, path_in_repo="w.bin", repo_id=REPO)
        info = api.upload_file(path_or_fileobj=b"t", path_in_repo="t.txt", repo_id=REPO)
        return str(info.oid)

    head = await anyio.to_thread.run_sync(upload)
    ours = await sclient.hf_hub_download(REPO, "w.bin", cache_dir=tmp_path / "ours-cache")
    assert await anyio.Path(ours).read_bytes() == big
    assert await read_back(sclient, REPO, "w.bin") == big
    assert await read_back(sclient, REPO, "t.txt") == b"t"
    with pytest.warns(UserWarning, match="No files have been modified"):
        same = await sclient.create_commit(
            REPO,
            [CommitOperationAdd("w.bin", big), CommitOperationAdd("t.txt", b"t")],
            commit_message="nothing new",
        )
    assert same.oid == head


async def test_chaos_on_real_sockets_still_commits_the_right_bytes(
    served: Any, sclient: AsyncHubClient, tmp_path: Path
) -> None:
    from hubclient.testing import FaultRule

    served.hub.seed_repo(REPO, {"README.md": b"# chaos\n"})
    big = tmp_path / "big.bin"
    big.write_bytes(blob(10 * SMALL_CHUNK + 3, seed=4))
    faults = served.hub.faults
    errors = faults.add(FaultRule(status=500, origin="storage", method="PUT", times=3, skip=2))
    drops = faults.add(FaultRule(action="drop", origin="storage", method="PUT", times=2, skip=5))
    fast = sclient.with_options(retry_backoff_base=0.01, retry_backoff_max=0.05)
    info = await fast.upload_file(path_or_fileobj=big, path_in_repo="big.bin", repo_id=REPO)
    assert (faults.fired(errors), faults.fired(drops)) == (3, 2)
    cache = tmp_path / "hf-cache"
    data = await anyio.to_thread.run_sync(hf_read, served, "big.bin", cache, info.oid)
    assert data == big.read_bytes()
