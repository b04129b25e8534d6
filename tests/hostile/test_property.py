"""Property tests: random server-controlled names never write outside the target; the
incremental JSON parser agrees with ``json.loads`` however the bytes are cut.

The names (commit shas, blob oids, LFS oids, ETags, X-Repo-Commit, repo paths) are drawn
from pieces that matter to file systems (``..``, ``.``, ``/``, ``\\``, drive letters, NUL,
``.git``, ``.cache/huggingface``, long and non-ASCII names) mixed with honest values, and
sent by the lying Hub to ``snapshot_download`` and ``hf_hub_download``, in the cache and in
a local dir. Every call either succeeds or raises a hubclient error; afterwards every file
and folder lies under the target.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubclient import AsyncHubClient, HubClientError
from hubclient._answers import _ArrayParser
from tests.hostile._server import COMMIT, FakeHub, Reply, Request, Servers, git_sha1, sha256
from tests.hostile.conftest import outside

_PIECES = [
    "..", ".", "", "/", "\\", "..\\", "../", "C:", "c:\\", "\\\\host\\share", "\x00", ".git",
    ".GIT", ".cache/huggingface", "OUTSIDE", "planted", "a", "b.bin", "é", "~", "%2e%2e",
    "x" * 300, "0" * 40, "f" * 64, "W/", '"',
]  # fmt: skip
_piece = st.sampled_from(_PIECES) | st.text(max_size=8)
_name = st.lists(_piece, min_size=1, max_size=6).map("".join)
_path = st.lists(_name, min_size=1, max_size=5).map("/".join) | _name
_hex40 = st.text("0123456789abcdef", min_size=40, max_size=40)
_hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)


def _maybe(honest: st.SearchStrategy[str], hostile: st.SearchStrategy[str]) -> Any:
    return st.one_of(honest, hostile)


_case = st.fixed_dictionaries(
    {
        "sha": _maybe(st.just(COMMIT), _name),
        "path": _path,
        "oid": _maybe(_hex40, _name),
        "lfs": st.booleans(),
        "lfs_oid": _maybe(_hex64, _name),
        "etag": _maybe(_hex40, _name),
        "commit_header": _maybe(st.just(COMMIT), _name),
        "local_dir": st.booleans(),
    }
)


def _lie(hub: FakeHub, case: dict[str, Any]) -> None:
    data = b"content"
    entry: dict[str, Any] = {"type": "file", "path": case["path"], "size": len(data)}
    entry["oid"] = case["oid"]
    if case["lfs"]:
        entry["lfs"] = {"oid": case["lfs_oid"], "size": len(data), "pointerSize": 130}
    info = {**hub.info(), "sha": case["sha"]}
    hub.server.on("GET", r"/api/models/acme/m/revision/.+", lambda r: Reply.json(info))
    hub.server.on("GET", r"/api/models/acme/m/tree/.+", lambda r: Reply.json([entry]))

    def resolve(request: Request) -> Reply:
        headers = [("x-repo-commit", case["commit_header"]), ("etag", f'"{case["etag"]}"')]
        return Reply(200, headers, data)

    hub.server.on("GET", r"/acme/m/resolve/.+", resolve)


async def _downloads(hub: FakeHub, area: Path, case: dict[str, Any]) -> None:
    target = area / "target"
    local_dir = target / "d" if case["local_dir"] else None
    async with AsyncHubClient(
        endpoint=hub.server.url, cache_dir=target / "cache", max_retries=0, token=False
    ) as client:
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: client.snapshot_download("acme/m", local_dir=local_dir),
            lambda: client.hf_hub_download("acme/m", case["path"], local_dir=local_dir),
            lambda: client.hf_hub_download("acme/m", "README.md", local_dir=local_dir),
        ]
        for call in calls:
            try:
                with anyio.fail_after(10):
                    await call()
            except HubClientError:
                pass


@pytest.fixture(scope="module")
def lying_hub() -> Any:
    group = Servers()
    try:
        yield FakeHub(group.new(), group.new(), files={"README.md": b"# hi\n"})
    finally:
        group.close()


_counter = itertools.count()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_case)
def test_server_names_never_leave_the_target(
    lying_hub: FakeHub, tmp_path: Path, backend: str, case: dict[str, Any]
) -> None:
    area = tmp_path / f"area{next(_counter)}"
    (area / "target").mkdir(parents=True)
    _lie(lying_hub, case)
    anyio.run(_downloads, lying_hub, area, case, backend=backend)
    assert outside(area) == []
    for root, _dirs, files in os.walk(area / "target"):
        for name in files:
            assert "\x00" not in name
            assert Path(root, name).resolve().is_relative_to((area / "target").resolve())
    # whatever was stored under a hash name holds that hash
    for blob in (area / "target" / "cache").glob("*/blobs/*"):
        if not blob.name.endswith((".incomplete", ".parts")):
            data = blob.read_bytes()
            assert blob.name in (git_sha1(data), sha256(data))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(_json, max_size=8), cuts=st.lists(st.integers(0, 10_000), max_size=8),
       indent=st.sampled_from([None, 0, 2]))  # fmt: skip
def test_array_parser_agrees_with_json_loads(
    items: list[Any], cuts: list[int], indent: int | None
) -> None:
    text = json.dumps(items, indent=indent, ensure_ascii=False)
    bounds = sorted({c % (len(text) + 1) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)], strict=True)]
    parser = _ArrayParser()
    got: list[Any] = []
    for piece in pieces:
        got += parser.feed(piece)
    got += parser.feed("", final=True)
    assert got == json.loads(text)
