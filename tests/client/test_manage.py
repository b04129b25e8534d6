"""create_repo, delete_repo, move_repo, update_repo_settings."""

from __future__ import annotations

import pytest

from hubclient import AsyncHubClient, HfHubHTTPError, RepositoryNotFoundError, RepoUrl
from hubclient.testing import BOB_TOKEN, LocalHub

pytestmark = pytest.mark.anyio


async def test_create_repo(client: AsyncHubClient) -> None:
    url = await client.create_repo("alice/fresh")
    assert isinstance(url, RepoUrl)
    assert url.repo_id == "alice/fresh"
    assert url.repo_type == "model"
    assert str(url) == f"{client.endpoint}/alice/fresh"
    info = await client.model_info("alice/fresh")
    assert info.private is False
    assert info.sha is not None
    assert ".gitattributes" in await client.list_repo_files("alice/fresh")


async def test_create_repo_without_namespace_uses_token_user(client: AsyncHubClient) -> None:
    url = await client.create_repo("solo")
    assert url.repo_id == "alice/solo"


async def test_create_repo_types_and_visibility(client: AsyncHubClient) -> None:
    ds = await client.create_repo("alice/ds", repo_type="dataset", private=True)
    assert ds.repo_type == "dataset"
    assert str(ds).endswith("/datasets/alice/ds")
    assert (await client.dataset_info("alice/ds")).private is True
    sp = await client.create_repo("alice/sp", repo_type="space", space_sdk="gradio")
    assert sp.repo_type == "space"
    with pytest.raises(ValueError, match="space_sdk"):
        await client.create_repo("alice/sp2", repo_type="space")
    with pytest.raises(ValueError, match="protected"):
        await client.create_repo("alice/p", visibility="protected")
    with pytest.raises(ValueError, match="both"):
        await client.create_repo("alice/p", private=True, visibility="private")


async def test_create_repo_exist_ok(client: AsyncHubClient) -> None:
    await client.create_repo("alice/twice")
    with pytest.raises(HfHubHTTPError) as err:
        await client.create_repo("alice/twice")
    assert err.value.status_code == 409
    again = await client.create_repo("alice/twice", exist_ok=True)
    assert again.repo_id == "alice/twice"


async def test_create_repo_in_org_and_forbidden_namespace(client: AsyncHubClient) -> None:
    assert (await client.create_repo("acme/team-model")).repo_id == "acme/team-model"
    with pytest.raises(HfHubHTTPError) as err:
        await client.create_repo("bob/not-yours")
    assert err.value.status_code in (401, 403)


async def test_create_repo_exist_ok_without_write_access(client: AsyncHubClient) -> None:
    await client.create_repo("alice/shared")
    # bob may not create in alice's namespace, but the repo exists: exist_ok returns its URL
    url = await client.create_repo("alice/shared", exist_ok=True, token=BOB_TOKEN)
    assert url.repo_id == "alice/shared"


async def test_delete_repo(client: AsyncHubClient) -> None:
    await client.create_repo("alice/doomed")
    await client.delete_repo("alice/doomed")
    assert await client.repo_exists("alice/doomed") is False
    with pytest.raises(RepositoryNotFoundError):
        await client.delete_repo("alice/doomed")
    await client.delete_repo("alice/doomed", missing_ok=True)


async def test_move_repo_and_redirect(client: AsyncHubClient, local_hub: LocalHub) -> None:
    sha = local_hub.seed_repo("alice/before", {"a.txt": b"x"})
    await client.move_repo("alice/before", "acme/after")
    assert (await client.model_info("acme/after")).sha == sha
    # the old name answers with a relative redirect, which we follow within the hub origin
    local_hub.log.clear()
    info = await client.model_info("alice/before")
    assert info.id == "acme/after"
    assert info.sha == sha
    assert any(r.status in (301, 302, 307, 308) for r in local_hub.log.filter(origin="hub"))
    assert await client.file_exists("alice/before", "a.txt") is True
    with pytest.raises(ValueError, match="namespace"):
        await client.move_repo("nonamespace", "acme/x")


async def test_update_repo_settings(client: AsyncHubClient) -> None:
    await client.create_repo("alice/settings")
    await client.update_repo_settings("alice/settings", private=True)
    assert (await client.model_info("alice/settings")).private is True
    await client.update_repo_settings("alice/settings", visibility="public", gated="manual")
    info = await client.model_info("alice/settings")
    assert info.private is False
    assert info.gated == "manual"
    await client.update_repo_settings("alice/settings", gated=False)
    assert (await client.model_info("alice/settings")).gated is False
    with pytest.raises(ValueError, match="At least one"):
        await client.update_repo_settings("alice/settings")
    with pytest.raises(ValueError, match="gated"):
        await client.update_repo_settings("alice/settings", gated="sometimes")  # type: ignore[arg-type]
    with pytest.raises(RepositoryNotFoundError):
        await client.update_repo_settings("alice/nope", private=True)
