"""Server values that name files: commit shas, blob oids, ETags, repo paths, ref names.

Each test makes the lying Hub send one value that would name a file outside the target (or
name nothing sensible), and checks that the call fails with a typed error naming the value,
that nothing was written outside the target, and that nothing unverified was stored.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path

import anyio
import pytest

from hubclient import AsyncHubClient, DownloadIntegrityError, HFValidationError, HubClientError
from hubclient.errors import UnexpectedResponseError, UnsafeServerValueError
from tests.hostile._server import FakeHub, Reply, Request, git_sha1, sha256
from tests.hostile.conftest import outside

pytestmark = pytest.mark.anyio

# From <target>/d/.cache/huggingface/download/<stem>, six ".." lead back to the test's area.
_UP_TO_AREA = "q/" + "../" * 6


async def failure(call: Awaitable[object], seconds: float = 10) -> BaseException | None:
    """Run ``call`` (bounded in time); its exception, or None if it succeeded."""
    try:
        with anyio.fail_after(seconds):
            await call
    except Exception as exc:
        return exc
    return None


def stored_blobs(cache: Path) -> list[Path]:
    """The blobs of a cache (not the resumable ``.incomplete`` partials)."""
    return [p for p in cache.glob("*/blobs/*") if not p.name.endswith((".incomplete", ".parts"))]


def _blobs_verified(cache: Path) -> None:
    """Every blob in a cache holds the content its name promises."""
    for blob in stored_blobs(cache):
        data = blob.read_bytes()
        assert blob.name in (git_sha1(data), sha256(data)), f"unverified blob {blob}"


def _revision_sha(hub: FakeHub, sha: str) -> None:
    info = {**hub.info(), "sha": sha}
    hub.server.on("GET", r"/api/models/acme/m/revision/.+", lambda r: Reply.json(info))


# ---------------------------------------------------------------------------------- item 1


@pytest.mark.parametrize("kind", ["relative", "absolute"])
async def test_commit_sha_cannot_name_the_tree_listing_file(
    client: AsyncHubClient, hub: FakeHub, area: Path, kind: str
) -> None:
    """Item 1: a revision answer whose sha is a path wrote the tree listing to
    ``<sha>.json`` outside local_dir."""
    planted = area / "planted"
    sha = str(planted) if kind == "absolute" else "../../../../../planted"
    _revision_sha(hub, sha)
    err = await failure(client.snapshot_download("acme/m", local_dir=area / "target" / "d"))
    assert outside(area) == []
    assert not list((area / "target" / "d").rglob("*.json"))
    assert isinstance(err, UnsafeServerValueError), repr(err)
    assert err.field == "commit sha"
    assert err.value == sha


async def test_commit_sha_checked_in_cache_mode(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    _revision_sha(hub, "../../../planted")
    with anyio.fail_after(10), pytest.raises(UnsafeServerValueError):
        await client.snapshot_download("acme/m")
    assert outside(area) == []


async def test_download_repos_refs_and_revision_lie(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """Item 1 through ``download_repos``: the refs listing and the revision answer both name
    a path; the repo fails (recorded in the report), nothing is written outside."""
    lie = "../" * 7 + "planted"  # from <target>/repos/acme/m/.cache/huggingface/trees
    refs = hub.refs()
    refs["branches"][0]["targetCommit"] = lie
    hub.server.on("GET", r"/api/models/acme/m/refs", lambda r: Reply.json(refs))
    _revision_sha(hub, lie)
    with anyio.fail_after(10):
        report = await client.download_repos(["acme/m"], local_dir=area / "target" / "repos")
    assert outside(area) == []
    assert report.results[0].errors
    assert "planted" in report.results[0].errors[0].message


async def test_download_repos_branch_name_cannot_leave_refs(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    refs = hub.refs()
    refs["branches"][0]["name"] = "../../../../../planted"
    hub.server.on("GET", r"/api/models/acme/m/refs", lambda r: Reply.json(refs))
    with anyio.fail_after(10):
        report = await client.download_repos(["acme/m"], cache_dir=area / "target")
    assert report.results[0].errors
    assert outside(area) == []


# ---------------------------------------------------------------------------------- item 2


@pytest.mark.parametrize("where", ["oid", "lfs.oid"])
async def test_tree_oid_cannot_name_the_temp_file(
    client: AsyncHubClient, hub: FakeHub, area: Path, where: str
) -> None:
    """Item 2: an oid like ``q/../../OUTSIDE/planted`` in the listing put the ``.incomplete``
    temp file (and its folders) outside local_dir."""
    lie = _UP_TO_AREA + "OUTSIDE/planted"
    tree = hub.tree()
    for entry in tree:
        if where == "oid" and "lfs" not in entry:
            entry["oid"] = lie
        if where == "lfs.oid" and "lfs" in entry:
            entry["lfs"]["oid"] = lie
    hub.server.on("GET", r"/api/models/acme/m/tree/.*", lambda r: Reply.json(tree))
    err = await failure(client.snapshot_download("acme/m", local_dir=area / "target" / "d"))
    assert outside(area) == []
    assert isinstance(err, UnsafeServerValueError), repr(err)
    assert err.value == lie


async def test_etag_cannot_name_the_temp_file(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """Item 2: an ``ETag`` holding ``/`` and ``..`` put the temp file outside local_dir and
    the download even returned success."""
    lie = _UP_TO_AREA + "OUTSIDE/planted"

    def resolve(request: Request) -> Reply:
        data = hub.files["README.md"]
        headers = [("x-repo-commit", hub.commit), ("etag", f'"{lie}"')]
        return Reply(200, headers, data)

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/README.md", resolve)
    err = await failure(
        client.hf_hub_download("acme/m", "README.md", local_dir=area / "target" / "d")
    )
    assert outside(area) == []
    assert isinstance(err, UnsafeServerValueError), repr(err)
    assert err.field == "ETag"


async def test_etag_checked_in_cache_mode(client: AsyncHubClient, hub: FakeHub, area: Path) -> None:
    def resolve(request: Request) -> Reply:
        headers = [("x-repo-commit", hub.commit), ("etag", '"..\\..\\planted"')]
        return Reply(200, headers, hub.files["README.md"])

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/README.md", resolve)
    with anyio.fail_after(10), pytest.raises(UnsafeServerValueError):
        await client.hf_hub_download("acme/m", "README.md")
    assert outside(area) == []


@pytest.mark.parametrize(
    "commit",
    ["../../../../planted", "0" * 39 + "/", "g" * 40],
)
async def test_x_repo_commit_cannot_name_a_folder(
    client: AsyncHubClient, hub: FakeHub, area: Path, commit: str
) -> None:
    def resolve(request: Request) -> Reply:
        data = hub.files["README.md"]
        return Reply(200, [("x-repo-commit", commit), ("etag", f'"{git_sha1(data)}"')], data)

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/README.md", resolve)
    for local_dir in (None, area / "target" / "d"):
        with anyio.fail_after(10), pytest.raises(UnsafeServerValueError):
            await client.hf_hub_download("acme/m", "README.md", local_dir=local_dir)
    assert outside(area) == []


# ---------------------------------------------------------------------------------- item 4


async def test_unknown_size_regular_file_is_verified(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """Item 4: with no size in the metadata, junk was stored under the git-sha1 name."""
    honest = hub.files["README.md"]

    def resolve(request: Request) -> Reply:
        headers = [("x-repo-commit", hub.commit), ("etag", f'"{git_sha1(honest)}"')]
        # no Content-Length on the HEAD nor on the GET (read until the connection closes)
        return Reply(200, headers, b"junk, not the file" * 1000, length=None)

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/README.md", resolve)
    err = await failure(client.hf_hub_download("acme/m", "README.md"))
    _blobs_verified(area / "target")
    assert not stored_blobs(area / "target")
    assert outside(area) == []
    assert isinstance(err, DownloadIntegrityError), repr(err)


async def test_unknown_size_honest_file_still_downloads(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    honest = hub.files["README.md"]

    def resolve(request: Request) -> Reply:
        headers = [("x-repo-commit", hub.commit), ("etag", f'"{git_sha1(honest)}"')]
        return Reply(200, headers, honest, length=None)

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/README.md", resolve)
    with anyio.fail_after(10):
        path = await client.hf_hub_download("acme/m", "README.md")
    assert await anyio.Path(str(path)).read_bytes() == honest
    _blobs_verified(area / "target")


async def test_unknown_size_lfs_file_is_verified(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    data = hub.files["w.bin"]

    def resolve(request: Request) -> Reply:
        headers = [
            ("x-repo-commit", hub.commit),
            ("x-linked-etag", f'"{sha256(data)}"'),
            ("etag", f'"{sha256(data)}"'),
        ]
        return Reply(200, headers, data[:-1] + b"X", length=None)

    hub.server.on("GET", r"/acme/m/resolve/[^/]+/w.bin", resolve)
    with anyio.fail_after(10), pytest.raises(DownloadIntegrityError):
        await client.hf_hub_download("acme/m", "w.bin")
    assert not stored_blobs(area / "target")


# ------------------------------------------------------------------- paths in the listing


@pytest.mark.parametrize(
    "path",
    [
        "../../planted",
        "/etc/planted",
        "a/../../planted",
        "C:/planted",
        "\\\\server\\share\\planted",
        "a\\..\\..\\planted",
        "nul\x00byte",
        "",
    ],
)
@pytest.mark.parametrize("mode", ["cache", "local_dir"])
async def test_tree_path_cannot_leave_the_target(
    client: AsyncHubClient, hub: FakeHub, area: Path, path: str, mode: str
) -> None:
    tree = [*hub.tree(), {"type": "file", "path": path, "size": 3, "oid": git_sha1(b"abc")}]
    hub.server.on("GET", r"/api/models/acme/m/tree/.*", lambda r: Reply.json(tree))
    local_dir = area / "target" / "d" if mode == "local_dir" else None
    with anyio.fail_after(10), pytest.raises(UnsafeServerValueError) as info:
        await client.snapshot_download("acme/m", local_dir=local_dir)
    assert info.value.field == "path"
    assert outside(area) == []


@pytest.mark.parametrize("path", [".git/hooks/post-checkout", "sub/.GIT/config", ".git"])
async def test_git_paths_refused_in_local_dir(
    client: AsyncHubClient, hub: FakeHub, area: Path, path: str
) -> None:
    """A local_dir may be a git checkout: a repo path under ``.git/`` would plant hooks."""
    hub.files[path] = b"#!/bin/sh\necho owned\n"
    target = area / "target" / "d"
    (target / ".git" / "hooks").mkdir(parents=True)
    with anyio.fail_after(10), pytest.raises(UnsafeServerValueError) as info:
        await client.snapshot_download("acme/m", local_dir=target)
    assert info.value.value == path
    assert not (target / ".git" / "hooks" / "post-checkout").exists()
    with anyio.fail_after(10), pytest.raises(HFValidationError):  # the caller's own path
        await client.hf_hub_download("acme/m", path, local_dir=target)


async def test_git_paths_allowed_when_asked(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    from hubclient import DownloadOptions

    hub.files[".git/notes"] = b"notes\n"
    target = area / "target" / "d"
    with anyio.fail_after(10):
        await client.snapshot_download(
            "acme/m", local_dir=target, options=DownloadOptions(allow_git_paths=True)
        )
    assert (target / ".git" / "notes").read_bytes() == b"notes\n"


async def test_bookkeeping_folder_cannot_be_overwritten(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """Case of our own: a repo path under ``.cache/huggingface/`` would overwrite the local
    dir's own metadata (and make a stale file look up to date)."""
    hub.files[".cache/huggingface/download/README.md.metadata"] = b"0" * 40 + b"\nx\n9e99\n"
    with anyio.fail_after(10), pytest.raises(UnsafeServerValueError):
        await client.snapshot_download("acme/m", local_dir=area / "target" / "d")


# ---------------------------------------------------------------- wrong-shape listings


async def test_tree_listing_that_is_an_object(
    client: AsyncHubClient, hub: FakeHub, area: Path
) -> None:
    """A listing that is an object gave an empty snapshot and no error."""
    hub.server.on("GET", r"/api/models/acme/m/tree/.*", lambda r: Reply.json({"files": hub.tree()}))
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError) as info:
        await client.snapshot_download("acme/m", local_dir=area / "target" / "d")
    assert "array" in info.value.expected


@pytest.mark.parametrize(
    "entry",
    [
        {"type": "file", "path": "x"},
        {"type": "file", "path": "x", "size": "many", "oid": "0" * 40},
        {"type": "file", "path": "x", "size": -1, "oid": "0" * 40},
        {"type": "file", "path": 3, "size": 1, "oid": "0" * 40},
        {"type": "file", "path": "x", "size": 1, "oid": "0" * 40, "lfs": "yes"},
        {"type": "file", "path": "x", "size": 1, "oid": "0" * 40, "lfs": {"size": 1}},
        {"type": "file", "path": "x", "size": 10**30, "oid": "0" * 40},
        "file",
    ],
)
async def test_tree_entry_of_the_wrong_shape(
    client: AsyncHubClient, hub: FakeHub, area: Path, entry: object
) -> None:
    tree = [*hub.tree(), entry]
    hub.server.on("GET", r"/api/models/acme/m/tree/.*", lambda r: Reply.json(tree))
    with anyio.fail_after(10), pytest.raises(UnexpectedResponseError):
        await client.snapshot_download("acme/m")
    assert outside(area) == []


async def test_everything_typed(client: AsyncHubClient, hub: FakeHub) -> None:
    """The errors above are hubclient errors carrying the URL and status of the answer."""
    _revision_sha(hub, "nope")
    with pytest.raises(HubClientError) as info:
        await client.snapshot_download("acme/m")
    err = info.value
    assert isinstance(err, UnsafeServerValueError)
    assert err.status_code == 200
    assert "/revision/" in err.url
    assert "'nope'" in str(err)
