"""Tokens, users and orgs: who sees and who may write what."""

from __future__ import annotations

import hashlib

import pytest

from hubclient.testing import ALICE_READ_TOKEN, ALICE_TOKEN, BOB_TOKEN, LocalHub

from ._helpers import HUB, client, commit, file_op, ndjson

pytestmark = pytest.mark.anyio


async def test_whoami(local_hub: LocalHub) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        me = (await http.get(f"{HUB}/api/whoami-v2")).json()
    assert me["name"] == "alice"
    assert me["type"] == "user"
    assert [o["name"] for o in me["orgs"]] == ["acme"]
    assert me["auth"]["accessToken"]["role"] == "write"
    async with client(local_hub, ALICE_READ_TOKEN) as http:
        me = (await http.get(f"{HUB}/api/whoami-v2")).json()
    assert me["auth"]["accessToken"]["role"] == "read"


@pytest.mark.parametrize("token", [None, "hf_unknown"])
async def test_whoami_without_a_valid_token_is_401(local_hub: LocalHub, token: str | None) -> None:
    async with client(local_hub, token) as http:
        answer = await http.get(f"{HUB}/api/whoami-v2")
    assert answer.status_code == 401
    assert answer.json()["error"]
    assert answer.headers["x-error-message"]
    assert answer.headers["x-request-id"]


async def test_a_bad_token_is_refused_everywhere(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/public", {"a.txt": b"a"})
    async with client(local_hub, "hf_unknown") as http:
        answer = await http.get(f"{HUB}/api/models/alice/public")
    assert answer.status_code == 401
    assert answer.headers["x-error-message"] == "Invalid credentials in Authorization header"


async def test_private_repos_look_absent_without_access(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/secret", {"a.txt": b"a"}, private=True)
    local_hub.seed_repo("acme/secret", {"a.txt": b"a"}, private=True)
    urls = [
        f"{HUB}/api/models/alice/secret",
        f"{HUB}/api/models/alice/secret/tree/main",
        f"{HUB}/alice/secret/resolve/main/a.txt",
    ]
    async with client(local_hub) as anon, client(local_hub, BOB_TOKEN) as bob:
        for url in urls:
            answer = await anon.get(url)
            assert (answer.status_code, answer.headers["x-error-code"]) == (401, "RepoNotFound")
            answer = await bob.get(url)
            assert (answer.status_code, answer.headers["x-error-code"]) == (404, "RepoNotFound")
        listed = (await bob.get(f"{HUB}/api/models", params={"author": "alice"})).json()
        assert [m["id"] for m in listed] == []
    async with client(local_hub, ALICE_READ_TOKEN) as alice:
        for url in urls:
            assert (await alice.get(url)).status_code == 200
        # org membership gives access to the org's private repos
        assert (await alice.get(f"{HUB}/api/models/acme/secret")).status_code == 200
        listed = (await alice.get(f"{HUB}/api/models", params={"author": "alice"})).json()
        assert [m["id"] for m in listed] == ["alice/secret"]


async def test_read_tokens_and_strangers_cannot_write(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/model", {"a.txt": b"a"})
    body = ndjson("edit", file_op("b.txt", b"b"))
    async with client(local_hub, ALICE_READ_TOKEN) as reader:
        answer = await commit(reader, "alice/model", body)
        assert answer.status_code == 403
        create = await reader.post(f"{HUB}/api/repos/create", json={"name": "x"})
        assert create.status_code == 403
    async with client(local_hub, BOB_TOKEN) as bob:
        assert (await commit(bob, "alice/model", body)).status_code == 403
        create = await bob.post(
            f"{HUB}/api/repos/create", json={"name": "x", "organization": "acme"}
        )
        assert create.status_code == 403
        branch = await bob.post(f"{HUB}/api/models/alice/model/branch/dev", json={})
        assert branch.status_code == 403
    async with client(local_hub) as anon:
        assert (await commit(anon, "alice/model", body)).status_code == 401
    async with client(local_hub, ALICE_TOKEN) as alice:
        assert (await commit(alice, "alice/model", body)).status_code == 200
        create = await alice.post(
            f"{HUB}/api/repos/create", json={"name": "x", "organization": "acme"}
        )
        assert create.status_code == 200


async def test_gated_repos(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/gated", {"a.txt": b"a"}, gated=True)
    async with client(local_hub, BOB_TOKEN) as bob, client(local_hub) as anon:
        info = await bob.get(f"{HUB}/api/models/alice/gated")
        assert info.status_code == 200
        assert info.json()["gated"] == "auto"
        answer = await bob.head(f"{HUB}/alice/gated/resolve/main/a.txt")
        assert (answer.status_code, answer.headers["x-error-code"]) == (403, "GatedRepo")
        answer = await anon.get(f"{HUB}/alice/gated/resolve/main/a.txt")
        assert (answer.status_code, answer.headers["x-error-code"]) == (401, "GatedRepo")
    async with client(local_hub, ALICE_TOKEN) as alice:
        assert (await alice.get(f"{HUB}/alice/gated/resolve/main/a.txt")).content == b"a"


async def test_gated_lfs_downloads_through_the_batch_api(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/gated", {"w.bin": b"\0w"}, gated=True)
    body = {
        "operation": "download",
        "objects": [{"oid": hashlib.sha256(b"\0w").hexdigest(), "size": 2}],
    }
    async with client(local_hub, BOB_TOKEN) as bob:
        refused = await bob.post(f"{HUB}/alice/gated.git/info/lfs/objects/batch", json=body)
        assert refused.headers["x-error-code"] == "GatedRepo"
    async with client(local_hub, ALICE_TOKEN) as alice:
        answer = await alice.post(f"{HUB}/alice/gated.git/info/lfs/objects/batch", json=body)
        href = answer.json()["objects"][0]["actions"]["download"]["href"]
        assert (await alice.get(href)).content == b"\0w"
