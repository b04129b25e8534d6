"""huggingface_hub 2.4.0 drives gated repos and their access requests on the served local Hub,
and hubclient lists the same requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from huggingface_hub import hf_hub_download
from huggingface_hub.errors import GatedRepoError, HfHubHTTPError

from hubclient import AsyncHubClient
from tests.conformance._support import ALICE_TOKEN, BOB_TOKEN, Conformance

pytestmark = pytest.mark.conformance


def test_gating_and_access_requests(conf: Conformance) -> None:
    api = conf.api
    repo_id = conf.new_repo("gated")
    api.upload_file(path_or_fileobj=b"secret\n", path_in_repo="w.txt", repo_id=repo_id)
    api.update_repo_settings(repo_id, gated="manual")
    assert api.model_info(repo_id).gated == "manual"
    kwargs: dict[str, Any] = {"endpoint": conf.endpoint, "cache_dir": conf.cache_dir}
    with pytest.raises(GatedRepoError):
        hf_hub_download(repo_id, "w.txt", token=BOB_TOKEN, **kwargs)
    for user in ("bob", "carol", "dave"):
        if user != "bob":
            conf.hub.add_user(user)
        conf.hub.request_access(repo_id, user, fields={"why": user})
    pending = list(api.list_pending_access_requests(repo_id))  # two pages of 2
    assert [(r.username, r.status, r.fields) for r in pending] == [
        ("bob", "pending", {"why": "bob"}),
        ("carol", "pending", {"why": "carol"}),
        ("dave", "pending", {"why": "dave"}),
    ]
    api.accept_access_request(repo_id, "bob")
    path = hf_hub_download(repo_id, "w.txt", token=BOB_TOKEN, **kwargs)
    assert Path(path).read_bytes() == b"secret\n"
    api.reject_access_request(repo_id, "carol", rejection_reason="no")
    api.cancel_access_request(repo_id, request_id=pending[0].request_id)  # bob: back to pending
    with pytest.raises(GatedRepoError):  # a fresh cache: nothing to fall back on
        hf_hub_download(
            repo_id, "w.txt", token=BOB_TOKEN, endpoint=conf.endpoint, cache_dir=conf.tmp / "c2"
        )
    api.grant_access(repo_id, "dave")
    with pytest.raises(HfHubHTTPError) as twice:
        api.grant_access(repo_id, "dave")
    assert twice.value.response.status_code == 400
    theirs = {
        status: [(r.username, r.request_id, r.status, r.timestamp, r.fields) for r in items]
        for status, items in (
            ("pending", api.list_pending_access_requests(repo_id)),
            ("accepted", api.list_accepted_access_requests(repo_id)),
            ("rejected", api.list_rejected_access_requests(repo_id)),
        )
    }
    assert [r[0] for r in theirs["pending"]] == ["bob"]
    assert [r[0] for r in theirs["accepted"]] == ["dave"]
    assert [r[0] for r in theirs["rejected"]] == ["carol"]
    with start_blocking_portal() as portal:

        async def read() -> dict[str, list[Any]]:
            async with AsyncHubClient(conf.endpoint, token=ALICE_TOKEN) as client:
                found: dict[str, list[Any]] = {}
                for status in ("pending", "accepted", "rejected"):
                    listing = getattr(client, f"list_{status}_access_requests")(repo_id)
                    found[status] = [
                        (r.username, r.request_id, r.status, r.timestamp, r.fields)
                        async for r in listing
                    ]
                return found

        ours = portal.call(read)
    assert ours == theirs
