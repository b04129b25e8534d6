"""huggingface_hub 2.4.0 and hubclient, against the same uvicorn-served local Hub, agree.

A plain (sync) test: huggingface_hub runs as users run it, hubclient runs on one event loop in a
blocking portal (as the sync facade runs it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

import pytest
from anyio.from_thread import start_blocking_portal

from hubclient import AsyncHubClient, RepoFile
from hubclient._urls import resolve_url
from hubclient.testing import ALICE_TOKEN

from .conftest import MODEL_FILES

T = TypeVar("T")


async def _collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


def _tree_key(entry: Any) -> tuple[Any, ...]:
    lfs = getattr(entry, "lfs", None)
    sha256 = (lfs.sha256 if hasattr(lfs, "sha256") else lfs["sha256"]) if lfs else None
    if hasattr(entry, "blob_id"):
        return ("file", entry.path, entry.size, entry.blob_id, sha256)
    return ("folder", entry.path, entry.tree_id)


def test_same_answers_as_huggingface_hub(served_hub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    from huggingface_hub import HfApi, constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)

    hub = served_hub.hub
    endpoint = served_hub.hub_url
    shas = [
        hub.seed_repo("alice/diff", MODEL_FILES, message="one"),
        hub.seed_repo("alice/diff", {**MODEL_FILES, "extra.txt": b"2"}, message="two"),
    ]
    ds_sha = hub.seed_repo("alice/diff-data", {"d.csv": b"a\n"}, repo_type="dataset")
    api = HfApi(endpoint=endpoint, token=ALICE_TOKEN)
    with start_blocking_portal() as portal:  # hubclient on one event loop, as HubClient does
        client = AsyncHubClient(endpoint, token=ALICE_TOKEN)

        def run(fn: Callable[[AsyncHubClient], Awaitable[T]]) -> T:
            return portal.call(fn, client)

        def call(method: str, *args: Any, **kwargs: Any) -> Any:
            return portal.call(partial(getattr(client, method), *args, **kwargs))

        try:
            # writes by one client are seen identically by the other
            api.create_branch("alice/diff", branch="dev", revision=shas[0])
            run(lambda c: c.create_tag("alice/diff", tag="v1", revision=shas[0]))
            api.create_tag("alice/diff", tag="v2")
            run(lambda c: c.create_repo("alice/diff-new"))

            theirs = api.model_info("alice/diff", files_metadata=True)
            ours = run(lambda c: c.model_info("alice/diff", files_metadata=True))
            assert (ours.id, ours.sha, ours.private) == (theirs.id, theirs.sha, theirs.private)
            assert ours.sha == shas[1]
            assert ours.last_modified == theirs.last_modified
            assert sorted((s.rfilename, s.size, s.blob_id) for s in ours.siblings or []) == sorted(
                (s.rfilename, s.size, s.blob_id) for s in theirs.siblings or []
            )

            for rev in ("dev", "v1", shas[0][:7]):
                assert call("model_info", "alice/diff", revision=rev).sha == (
                    api.model_info("alice/diff", revision=rev).sha
                )
            assert run(lambda c: c.dataset_info("alice/diff-data")).sha == ds_sha
            assert api.dataset_info("alice/diff-data").sha == ds_sha

            assert sorted(run(lambda c: c.list_repo_files("alice/diff"))) == sorted(
                api.list_repo_files("alice/diff")
            )
            assert sorted(
                run(lambda c: c.list_repo_files("alice/diff", revision=shas[0]))
            ) == sorted(api.list_repo_files("alice/diff", revision=shas[0]))

            ours_tree = run(lambda c: _collect(c.list_repo_tree("alice/diff", recursive=True)))
            theirs_tree = list(api.list_repo_tree("alice/diff", recursive=True))
            assert sorted(map(_tree_key, ours_tree)) == sorted(map(_tree_key, theirs_tree))
            sub_ours = run(lambda c: _collect(c.list_repo_tree("alice/diff", "sub")))
            assert sorted(map(_tree_key, sub_ours)) == sorted(
                map(_tree_key, api.list_repo_tree("alice/diff", "sub"))
            )

            paths = ["config.json", "sub", "weights.bin", "missing"]
            assert sorted(
                map(_tree_key, run(lambda c: c.get_paths_info("alice/diff", paths)))
            ) == sorted(map(_tree_key, api.get_paths_info("alice/diff", paths)))

            def refs_key(refs: Any) -> dict[str, list[tuple[str, str, str]]]:
                return {
                    kind: sorted((r.name, r.ref, r.target_commit) for r in getattr(refs, kind))
                    for kind in ("branches", "tags", "converts")
                }

            assert refs_key(run(lambda c: c.list_repo_refs("alice/diff"))) == refs_key(
                api.list_repo_refs("alice/diff")
            )

            ours_commits = run(lambda c: c.list_repo_commits("alice/diff"))
            theirs_commits = api.list_repo_commits("alice/diff")
            assert [(c.commit_id, c.title, c.authors, c.created_at) for c in ours_commits] == [
                (c.commit_id, c.title, c.authors, c.created_at) for c in theirs_commits
            ]

            assert sorted(
                m.id for m in run(lambda c: _collect(c.list_models(author="alice")))
            ) == sorted(m.id for m in api.list_models(author="alice"))

            for args in [("alice/diff", "config.json"), ("alice/diff", "nope"), ("alice/no", "x")]:
                assert call("file_exists", *args) == api.file_exists(*args)
            for repo in ("alice/diff", "alice/nope", "alice/diff-new"):
                assert call("repo_exists", repo) == api.repo_exists(repo)
            for rev in ("dev", "v2", "nope"):
                assert call("revision_exists", "alice/diff", rev) == (
                    api.revision_exists("alice/diff", rev)
                )

            url = resolve_url(endpoint, "alice/diff", "weights.bin")
            ours_meta = run(lambda c: c.get_hf_file_metadata(url=url))
            theirs_meta = api.get_hf_file_metadata(url=url)
            assert (ours_meta.commit_hash, ours_meta.etag, ours_meta.size, ours_meta.location) == (
                theirs_meta.commit_hash,
                theirs_meta.etag,
                theirs_meta.size,
                theirs_meta.location,
            )
            assert ours_meta.etag == hashlib.sha256(MODEL_FILES["weights.bin"]).hexdigest()

            assert run(lambda c: c.whoami()).name == api.whoami()["name"]
            tree_files = [e for e in ours_tree if isinstance(e, RepoFile)]
            assert tree_files
        finally:
            portal.call(client.aclose)
