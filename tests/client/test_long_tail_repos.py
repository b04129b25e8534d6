"""The repo long tail: duplicate_repo, super_squash_history, LFS files, kernels, auth_check,
get_full_repo_name, list_user_repos and the seed-era aliases, against the local Hub."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hubclient import (
    AsyncHubClient,
    DuplicatedRepoUrl,
    GatedRepoError,
    HfHubHTTPError,
    KernelInfo,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.testing import ALICE_READ_TOKEN, BOB_TOKEN, LocalHub

from .conftest import MODEL_FILES, make_client

pytestmark = pytest.mark.anyio

LFS = MODEL_FILES["weights.bin"]


def _disk(path: str) -> bytes:
    return Path(path).read_bytes()


async def _history(client: AsyncHubClient, repo_id: str, revision: str = "main") -> list[str]:
    return [c.commit_id for c in await client.list_repo_commits(repo_id, revision=revision)]


async def test_duplicate_repo_keeps_the_history_refs_and_lfs_objects(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.seed_repo("alice/source", MODEL_FILES, message="one")
    local_hub.seed_repo("alice/source", {"extra.txt": b"2"}, message="two")
    await client.create_branch("alice/source", branch="dev")
    await client.create_tag("alice/source", tag="v1")
    url = await client.duplicate_repo("alice/source", "acme/copy", private=True)
    assert isinstance(url, DuplicatedRepoUrl)
    assert (url.repo_id, url.repo_type, url.files_copy_pending) == ("acme/copy", "model", False)
    assert str(url) == f"{client.endpoint}/acme/copy"
    assert await _history(client, "acme/copy") == await _history(client, "alice/source")
    refs = await client.list_repo_refs("acme/copy")
    assert sorted(b.name for b in refs.branches) == ["dev", "main"]
    assert [t.name for t in refs.tags] == ["v1"]
    assert (await client.model_info("acme/copy")).private is True
    # the LFS objects are the copy's own: they download, and a commit can point at them
    path = await client.hf_hub_download("acme/copy", "weights.bin")
    assert _disk(path) == LFS
    # the source is untouched and the copy is independent
    await client.delete_file("extra.txt", "acme/copy")
    assert "extra.txt" in await client.list_repo_files("alice/source")


async def test_duplicate_repo_names_and_conflicts(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.seed_repo("acme/data", {"a.csv": b"x\n"}, repo_type="dataset")
    # no namespace: the token's user; a repo URL or an hf:// URI are read as huggingface_hub does
    url = await client.duplicate_repo("acme/data", repo_type="dataset")
    assert url.repo_id == "alice/data"
    assert url.repo_type == "dataset"
    again = await client.duplicate_repo(
        "acme/data", "hf://datasets/alice/data", repo_type="dataset", exist_ok=True
    )
    assert again.repo_id == "alice/data"
    with pytest.raises(HfHubHTTPError) as info:
        await client.duplicate_repo("acme/data", "alice/data", repo_type="dataset")
    assert info.value.status_code == 409
    with pytest.raises(RepositoryNotFoundError):
        await client.duplicate_repo("acme/missing", "alice/x")
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        with pytest.raises(HfHubHTTPError) as info:
            await bob.duplicate_repo("acme/data", "alice/stolen", repo_type="dataset")
        assert info.value.status_code == 403


async def test_super_squash_history(client: AsyncHubClient, local_hub: LocalHub) -> None:
    for i in range(3):
        local_hub.seed_repo("alice/squash", {f"f{i}.txt": str(i).encode()}, message=f"c{i}")
    files = sorted(await client.list_repo_files("alice/squash"))
    await client.super_squash_history("alice/squash", commit_message="one commit")
    commits = await client.list_repo_commits("alice/squash")
    assert [c.title for c in commits] == ["one commit"]
    assert sorted(await client.list_repo_files("alice/squash")) == files
    await client.create_tag("alice/squash", tag="v1")
    with pytest.raises(HfHubHTTPError):
        await client.super_squash_history("alice/squash", branch="v1")
    with pytest.raises(RevisionNotFoundError):
        await client.super_squash_history("alice/squash", branch="nope")


async def test_list_and_permanently_delete_lfs_files(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    heavy, light = bytes(range(256)) * 40, b"\0lfs small"
    local_hub.seed_repo("alice/lfs", {"a.bin": heavy, "b.bin": light, "c.txt": b"text"})
    await client.create_branch("alice/lfs", branch="side")
    local_hub.seed_repo("alice/lfs", {"side.bin": b"\0on the side"}, revision="side")
    files = [f async for f in client.list_lfs_files("alice/lfs")]
    assert {(f.filename, f.ref) for f in files} == {
        ("a.bin", "main"),
        ("b.bin", "main"),
        ("side.bin", "side"),
    }
    by_name = {f.filename: f for f in files}
    assert by_name["a.bin"].file_oid == hashlib.sha256(heavy).hexdigest()
    assert by_name["a.bin"].size == len(heavy)
    head = (await client.model_info("alice/lfs")).sha

    # delete the objects on main, rewriting history: their files are gone from every commit
    on_main = [f for f in files if f.ref == "main"]
    await client.permanently_delete_lfs_files("alice/lfs", on_main)
    assert [f.filename async for f in client.list_lfs_files("alice/lfs")] == ["side.bin"]
    assert sorted(await client.list_repo_files("alice/lfs")) == [".gitattributes", "c.txt"]
    assert (await client.model_info("alice/lfs")).sha != head
    with pytest.raises(RemoteEntryNotFoundError):
        await client.hf_hub_download("alice/lfs", "a.bin")

    # without rewriting: the pointer stays, the object no longer downloads
    await client.permanently_delete_lfs_files(
        "alice/lfs", client.list_lfs_files("alice/lfs"), rewrite_history=False
    )
    assert "side.bin" in await client.list_repo_files("alice/lfs", revision="side")
    with pytest.raises(RemoteEntryNotFoundError):
        await client.hf_hub_download("alice/lfs", "side.bin", revision="side")
    async with make_client(local_hub, token=ALICE_READ_TOKEN) as reader:
        with pytest.raises(HfHubHTTPError) as info:
            await reader.permanently_delete_lfs_files("alice/lfs", files[:1])
        assert info.value.status_code == 403
        with pytest.raises(HfHubHTTPError):
            [f async for f in reader.list_lfs_files("alice/lfs")]


async def test_kernel_repos(client: AsyncHubClient) -> None:
    url = await client.create_repo("alice/kern", repo_type="kernel")
    assert (url.repo_type, str(url)) == ("kernel", f"{client.endpoint}/kernels/alice/kern")
    await client.upload_file(
        path_or_fileobj=b"__global__ void k() {}\n",
        path_in_repo="kernel.cu",
        repo_id="alice/kern",
        repo_type="kernel",
    )
    info = await client.kernel_info("alice/kern")
    assert isinstance(info, KernelInfo)
    assert info.id == "alice/kern"
    assert info.sha == (await client.repo_info("alice/kern", repo_type="kernel")).sha
    path = await client.hf_hub_download("alice/kern", "kernel.cu", repo_type="kernel")
    assert "kernels--alice--kern" in path
    assert await client.list_repo_files("alice/kern", repo_type="kernel") == [
        ".gitattributes",
        "kernel.cu",
    ]
    with pytest.raises(RepositoryNotFoundError):
        await client.kernel_info("alice/missing")


async def test_auth_check(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/mine", {"a": b"a"})
    local_hub.seed_repo("bob/private", {"a": b"a"}, private=True)
    local_hub.seed_repo("bob/gated", {"a": b"a"}, gated=True)
    await client.auth_check("alice/mine")
    await client.auth_check("alice/mine", write=True)
    with pytest.raises(RepositoryNotFoundError):
        await client.auth_check("bob/private")
    with pytest.raises(GatedRepoError):
        await client.auth_check("bob/gated")
    with pytest.raises(HfHubHTTPError) as info:
        await client.auth_check("bob/gated", write=True)
    assert info.value.status_code == 403
    async with make_client(local_hub, token=ALICE_READ_TOKEN) as reader:
        await reader.auth_check("alice/mine")
        with pytest.raises(HfHubHTTPError):
            await reader.auth_check("alice/mine", write=True)


async def test_get_full_repo_name(client: AsyncHubClient) -> None:
    assert await client.get_full_repo_name("model") == "alice/model"
    assert await client.get_full_repo_name("model", organization="acme") == "acme/model"
    assert await client.get_full_repo_name("bob/model") == "bob/model"


async def test_list_user_repos(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/big", {"w.bin": LFS})
    local_hub.seed_repo("alice/small", {"a.txt": b"a"}, repo_type="dataset", private=True)
    local_hub.seed_repo("acme/org-model", {"a.txt": b"a"})
    mine = {r.id: r async for r in client.list_user_repos()}
    assert set(mine) == {"alice/big", "alice/small"}
    assert mine["alice/small"].type == "dataset"
    assert mine["alice/small"].visibility == "private"
    assert mine["alice/big"].storage > mine["alice/small"].storage > 0
    assert round(sum(r.storage_percent for r in mine.values())) == 100
    assert [r.id async for r in client.list_user_repos("acme")] == ["acme/org-model"]
    async with make_client(local_hub, token=BOB_TOKEN) as bob:
        with pytest.raises(HfHubHTTPError) as info:
            [r async for r in bob.list_user_repos("acme")]
        assert info.value.status_code == 403


async def test_seed_era_aliases(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/vis", MODEL_FILES)
    await client.update_repo_visibility("alice/vis", private=True)
    assert (await client.model_info("alice/vis")).private is True
    await client.update_repo_visibility("alice/vis")
    assert (await client.model_info("alice/vis")).private is False

    assert await client.get_token_permission() == "write"
    assert await client.get_token_permission(ALICE_READ_TOKEN) == "read"
    assert await client.get_token_permission("hf_not_a_token") is None
    assert await client.get_token_permission(False) is None

    everything = sorted([f.path async for f in client.list_files_info("alice/vis")])
    assert everything == sorted([".gitattributes", *MODEL_FILES])
    some = sorted(
        [f.path async for f in client.list_files_info("alice/vis", ["config.json", "sub"])]
    )
    assert some == ["config.json", "sub/dir/notes.txt", "sub/top.txt"]
    assert [f async for f in client.list_files_info("alice/vis", "missing")] == []


async def test_create_repo_from_a_space_template_with_volumes(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    from hubclient.models.spaces import Volume

    app = b"import gradio as gr\n"
    local_hub.seed_repo("gradio-templates/chatbot", {"app.py": app}, repo_type="space")
    url = await client.create_repo(
        "alice/bot",
        repo_type="space",
        space_template="gradio",  # a template's name, in any case, or its repo id
        space_volumes=[Volume(type="model", source="acme/weights", mount_path="/models")],
    )
    assert url.repo_type == "space"
    info = await client.space_info("alice/bot")
    assert info.sdk == "gradio"
    assert "app.py" in await client.list_repo_files("alice/bot", repo_type="space")
    runtime = await client.get_space_runtime("alice/bot")
    assert [(v.source, v.mount_path) for v in runtime.volumes or []] == [
        ("acme/weights", "/models")
    ]
    with pytest.raises(ValueError, match="Unknown Space template"):
        await client.create_repo("alice/bot2", repo_type="space", space_template="nope")
    with pytest.raises(ValueError, match="must match the SDK"):
        await client.create_repo(
            "alice/bot3", repo_type="space", space_sdk="docker", space_template="Gradio"
        )
    with pytest.raises(ValueError, match="only be used with repo_type 'space'"):
        await client.create_repo("alice/m", space_template="Gradio")


async def test_duplicate_a_space_through_duplicate_repo(
    client: AsyncHubClient, local_hub: LocalHub
) -> None:
    local_hub.seed_repo("acme/demo", {"app.py": b"import gradio\n"}, repo_type="space")
    url = await client.duplicate_repo(
        "acme/demo", repo_type="space", space_hardware="cpu-upgrade", space_sleep_time=300
    )
    assert (url.repo_id, url.repo_type) == ("alice/demo", "space")
    runtime = await client.get_space_runtime("alice/demo")
    assert runtime.requested_hardware == "cpu-upgrade"
    assert await client.list_repo_files("alice/demo", repo_type="space") == [
        ".gitattributes",
        "app.py",
    ]
    local_hub.seed_repo("acme/plain", {"a.txt": b"a"})
    with pytest.warns(UserWarning, match="Ignoring provided space options"):
        await client.duplicate_repo("acme/plain", space_hardware="t4-small")
