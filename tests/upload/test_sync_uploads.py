"""The generated sync facade runs the upload methods unchanged (HfApi-style scripts)."""

from __future__ import annotations

import hashlib

from hubclient import CommitOperationAdd, CommitOperationDelete, HubClient
from hubclient.testing import ALICE_TOKEN, LocalHub
from tests.upload.conftest import SMALL_CHUNK


def test_sync_client_uploads_and_deletes(small_hub: LocalHub) -> None:
    small_hub.seed_repo("alice/sync", {"old.txt": b"old"})
    data = hashlib.sha256(b"x").digest() * (3 * SMALL_CHUNK // 32)
    with HubClient(
        endpoint=small_hub.hub_url, token=ALICE_TOKEN, transport=small_hub.async_transport()
    ) as client:
        info = client.upload_file(path_or_fileobj=data, path_in_repo="w.bin", repo_id="alice/sync")
        assert small_hub.log.count("storage", "PUT") == 3
        again = client.create_commit(
            "alice/sync",
            [CommitOperationAdd("a.txt", b"a"), CommitOperationDelete("old.txt")],
            commit_message="sync commit",
        )
        assert again.oid != info.oid
        assert set(client.list_repo_files("alice/sync")) >= {"w.bin", "a.txt"}
        assert "old.txt" not in client.list_repo_files("alice/sync")
