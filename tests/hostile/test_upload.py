"""Uploads against a Hub that redirects, and paths the Hub refuses.

* A commit streamed from disk (over 32 MiB) to a renamed repo: the old name answers 307 and
  the body must go again, whole, to the new name.
* Paths with NUL, backslashes and the like are refused before anything is sent, by us, and
  by our local Hub (as the Hub refuses them), so that no repo holds a file nobody can fetch.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx
import pytest

from hubclient import AsyncHubClient, InvalidPathInRepoError
from hubclient.errors import RedirectRefusedError
from hubclient.testing import ALICE_TOKEN, LocalHub, standard_hub
from hubclient.upload import _commit
from tests.hostile._server import FakeHub, Handler, Reply, Request
from tests.hostile.test_names import failure

pytestmark = pytest.mark.anyio


def _renamed(hub: FakeHub, received: list[bytes]) -> None:
    """``old/m`` was renamed ``acme/m``: every API call on the old name answers 307."""

    def moved(what: str) -> Handler:
        return lambda request: Reply(307, [("location", f"/api/models/acme/m/{what}/main")], b"")

    for what in ("preupload", "commit"):
        hub.server.on("POST", rf"/api/models/old/m/{what}/.*", moved(what))

    def preupload(request: Request) -> Reply:
        files = json.loads(request.body)["files"]
        return Reply.json(
            {
                "files": [
                    {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                    for f in files
                ]
            }
        )

    def commit(request: Request) -> Reply:
        received.append(request.body)
        lines = [json.loads(line) for line in request.body.splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            return Reply.json({"error": "empty or broken commit body"}, 400)
        return Reply.json(
            {
                "success": True,
                "commitOid": hub.commit,
                "commitUrl": f"{hub.server.url}/acme/m/commit/{hub.commit}",
            }
        )

    hub.server.on("POST", r"/api/models/acme/m/preupload/.*", preupload)
    hub.server.on("POST", r"/api/models/acme/m/commit/.*", commit)


# ---------------------------------------------------------------------------------- item 5


async def test_streamed_commit_to_a_renamed_repo(
    client: AsyncHubClient, hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 5: a commit over 32 MiB (streamed from disk) to a renamed repo failed with an
    untyped h11 error: the 307 was followed and the consumed stream sent again, empty."""
    monkeypatch.setattr(_commit, "_SMALL_COMMIT", 64 * 1024)  # stream from 64 KiB, not 32 MiB
    data = bytes(range(256)) * 1024  # 256 KiB of regular content, streamed
    source = tmp_path / "data.bin"
    source.write_bytes(data)
    received: list[bytes] = []
    _renamed(hub, received)
    err = await failure(
        client.upload_file(path_or_fileobj=str(source), path_in_repo="data.bin", repo_id="old/m")
    )
    assert err is None, repr(err)
    assert len(received) == 1
    (line,) = [json.loads(x) for x in received[0].splitlines()[1:] if x.strip()]
    assert hashlib.sha256(base64.b64decode(line["value"]["content"])).digest() == (
        hashlib.sha256(data).digest()
    )


async def test_one_shot_body_redirect_is_refused_with_the_location(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    """A body that can only be read once is never sent again: the redirect is refused with a
    typed error naming where the server pointed."""
    hub.server.on(
        "POST", r"/upload", lambda r: Reply(307, [("location", "/elsewhere?sig=SECRET")], b"")
    )

    async def once() -> AsyncIterator[bytes]:
        yield b"x" * 1000

    with anyio.fail_after(10), pytest.raises(RedirectRefusedError) as info:
        await client._http.request("POST", "/upload", content=once(), retry=False)
    assert info.value.location.startswith(f"{hub.server.url}/elsewhere")
    assert "SECRET" not in str(info.value)
    assert hub.server.count("POST", "/elsewhere") == 0


async def test_re_creatable_body_follows_the_redirect(client: AsyncHubClient, hub: FakeHub) -> None:
    got: list[bytes] = []
    hub.server.on("POST", r"/upload", lambda r: Reply(308, [("location", "/moved")], b""))

    def moved(request: Request) -> Reply:
        got.append(request.body)
        return Reply.json({})

    hub.server.on("POST", r"/moved", moved)

    async def body() -> AsyncIterator[bytes]:
        yield b"a" * 70_000
        yield b"b" * 70_000

    with anyio.fail_after(10):
        await client._http.request("POST", "/upload", content=body, retry=False)
    assert got == [b"a" * 70_000 + b"b" * 70_000]


# ------------------------------------------------------------------ paths the Hub refuses

_REFUSED = [
    "nul\x00byte.txt",
    "back\\slash.txt",
    "dir\\..\\escape.txt",
    "a//b.txt",
    "sub/.GIT/config",
    ".git/hooks/pre-commit",
    "ends/with/dot/.",
]


@pytest.mark.parametrize("path", _REFUSED)
async def test_client_refuses_paths_the_hub_refuses(
    client: AsyncHubClient, hub: FakeHub, path: str
) -> None:
    """Paths with NUL or backslash were accepted on upload, and then could not be
    downloaded."""
    with pytest.raises(InvalidPathInRepoError):
        await client.upload_file(path_or_fileobj=b"x", path_in_repo=path, repo_id="acme/m")
    assert hub.server.count() == 0  # refused before anything was sent


@pytest.mark.parametrize("path", _REFUSED)
async def test_local_hub_refuses_them_too(tmp_path: Path, path: str) -> None:
    """Our local Hub refuses what the Hub refuses, whatever client sends the commit."""
    hub = standard_hub(LocalHub(tmp_path / "hub"))
    try:
        hub.seed_repo("alice/m", {"README.md": b"hi"})
        header = {"key": "header", "value": {"summary": "s", "description": ""}}
        content = base64.b64encode(b"x").decode()
        op = {"key": "file", "value": {"path": path, "content": content, "encoding": "base64"}}
        body = "".join(json.dumps(line) + "\n" for line in (header, op)).encode()
        async with httpx.AsyncClient(transport=hub.async_transport(), base_url=hub.hub_url) as http:
            answer = await http.post(
                "/api/models/alice/m/commit/main",
                content=body,
                headers={
                    "authorization": f"Bearer {ALICE_TOKEN}",
                    "content-type": "application/x-ndjson",
                },
            )
            assert answer.status_code == 400, answer.text
            pre = await http.post(
                "/api/models/alice/m/preupload/main",
                json={"files": [{"path": path, "size": 1, "sample": "eA=="}]},
                headers={"authorization": f"Bearer {ALICE_TOKEN}"},
            )
            assert pre.status_code == 400, pre.text
    finally:
        hub.close()


async def test_multipart_plan_of_tiny_parts_is_refused(
    client: AsyncHubClient, hub: FakeHub
) -> None:
    """Case of our own: a batch answer cutting an upload into 1-byte parts (20,000 PUTs for
    20 kB; a million for 1 MB) is refused before any part is sent."""
    from hubclient import LfsUploadError

    data = b"z" * 20_000
    hub.server.on(
        "POST",
        r"/api/models/acme/m/preupload/.*",
        lambda r: Reply.json(
            {"files": [{"path": "big.bin", "uploadMode": "lfs", "shouldIgnore": False}]}
        ),
    )

    def batch(request: Request) -> Reply:
        oid = json.loads(request.body)["objects"][0]["oid"]
        parts = {str(i + 1): f"{hub.storage.url}/part/{i + 1}" for i in range(len(data))}
        action = {"href": f"{hub.server.url}/complete", "header": {"chunk_size": "1", **parts}}
        return Reply.json(
            {"objects": [{"oid": oid, "size": len(data), "actions": {"upload": action}}]}
        )

    hub.server.on("POST", r"/acme/m\.git/info/lfs/objects/batch", batch)
    err = await failure(
        client.upload_file(path_or_fileobj=data, path_in_repo="big.bin", repo_id="acme/m")
    )
    assert isinstance(err, LfsUploadError), repr(err)
    assert "parts" in str(err)
    assert hub.storage.count() == 0
