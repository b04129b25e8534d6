"""Bucket management against the in-process local Hub: create (and exist_ok), info, list
(paged, searched), settings, move, delete, and the typed errors of each."""

from __future__ import annotations

import pytest

from hubclient import (
    BucketInfo,
    BucketNotFoundError,
    BucketUrl,
    HfHubHTTPError,
    HFValidationError,
    RepositoryNotFoundError,
)
from hubclient.testing import ALICE_READ_TOKEN, BOB_TOKEN, LocalHub
from tests.buckets.conftest import in_process

pytestmark = pytest.mark.anyio


async def test_create_a_bucket_by_bare_name_in_the_token_owners_namespace(hub: LocalHub) -> None:
    async with in_process(hub) as c:
        url = await c.create_bucket("checkpoints")
        assert isinstance(url, BucketUrl)
        assert url.bucket_id == "alice/checkpoints"
        assert url.namespace == "alice"
        assert str(url) == f"{hub.hub_url}/buckets/alice/checkpoints"
        assert url.uri.to_uri() == "hf://buckets/alice/checkpoints"
        (create,) = hub.log.filter(method="POST", path=r"^/api/buckets/")
        assert create.path == "/api/buckets/me/checkpoints"  # as huggingface_hub sends it
        info = await c.bucket_info("alice/checkpoints")
        assert isinstance(info, BucketInfo)
        assert (info.id, info.private, info.size, info.total_files) == (
            "alice/checkpoints",
            False,
            0,
            0,
        )
        assert info.created_at is not None
        # the other spellings of a bucket id name the same bucket
        assert (await c.bucket_info("hf://buckets/alice/checkpoints")).id == info.id
        assert (await c.bucket_info("checkpoints")).id == info.id


async def test_create_twice_conflicts_unless_exist_ok(hub: LocalHub) -> None:
    async with in_process(hub) as c:
        await c.create_bucket("acme/shared", visibility="private")
        with pytest.raises(HfHubHTTPError) as caught:
            await c.create_bucket("acme/shared")
        assert getattr(caught.value, "status_code", None) == 409
        again = await c.create_bucket("acme/shared", exist_ok=True)
        assert again.bucket_id == "acme/shared"
        again = await c.create_bucket("shared-too", exist_ok=True)
        assert (await c.create_bucket("shared-too", exist_ok=True)).bucket_id == "alice/shared-too"
        assert (await c.bucket_info("acme/shared")).private is True


async def test_exist_ok_without_the_right_to_create_finds_the_existing_bucket(
    hub: LocalHub,
) -> None:
    async with in_process(hub) as alice:
        await alice.create_bucket("alice/public-one")
    async with in_process(hub, BOB_TOKEN) as bob:
        url = await bob.create_bucket("alice/public-one", exist_ok=True)  # 403, then it exists
        assert url.bucket_id == "alice/public-one"
        with pytest.raises(HfHubHTTPError) as caught:
            await bob.create_bucket("alice/not-there", exist_ok=True)
        assert getattr(caught.value, "status_code", None) == 403


async def test_visibility_choices_are_checked_before_anything_is_sent(hub: LocalHub) -> None:
    async with in_process(hub) as c:
        hub.log.clear()
        with pytest.raises(HFValidationError):
            await c.create_bucket("b", private=True, visibility="public")
        with pytest.raises(HFValidationError):
            await c.create_bucket("b", visibility="protected")  # type: ignore[arg-type]
        for bad in ("alice/a/b", "alice/", "alice/..x", "al ice/x", "alice/x.git"):
            with pytest.raises(HFValidationError):
                await c.create_bucket(bad)
            with pytest.raises(HFValidationError):
                await c.bucket_info(bad)
        with pytest.raises(HFValidationError):
            await c.bucket_info("hf://buckets/alice/x/some/path")  # names a path, not a bucket
        assert hub.log.count() == 0


async def test_private_buckets_are_hidden_from_others(hub: LocalHub) -> None:
    async with in_process(hub) as alice:
        await alice.create_bucket("secret", private=True)
        await alice.create_bucket("open")
    async with in_process(hub, BOB_TOKEN) as bob:
        with pytest.raises(BucketNotFoundError) as caught:
            await bob.bucket_info("alice/secret")
        assert caught.value.bucket_id == "alice/secret"
        assert isinstance(caught.value, RepositoryNotFoundError)
        assert [b.id async for b in bob.list_buckets("alice")] == ["alice/open"]
        with pytest.raises(BucketNotFoundError):
            await bob.delete_bucket("alice/secret")
    async with in_process(hub, None) as anonymous:
        with pytest.raises(BucketNotFoundError):
            await anonymous.bucket_info("alice/secret")
        assert (await anonymous.bucket_info("alice/open")).private is False


async def test_list_buckets_pages_and_searches(hub: LocalHub) -> None:
    names = [f"run-{i:02d}" for i in range(8)] + ["other"]
    async with in_process(hub) as c:
        for name in names:
            await c.create_bucket(name)
        await c.create_bucket("acme/org-bucket")
        hub.log.clear()
        mine = [b.id async for b in c.list_buckets()]
        assert sorted(mine) == sorted(f"alice/{n}" for n in names)
        assert hub.log.count(method="GET", path=r"^/api/buckets/me$") == 3  # 9 buckets, pages of 3
        assert [b.id async for b in c.list_buckets(search="other")] == ["alice/other"]
        assert len([b async for b in c.list_buckets("alice", search="RUN-")]) == 8
        assert [b.id async for b in c.list_buckets("acme")] == ["acme/org-bucket"]
        assert [b async for b in c.list_buckets("bob")] == []


async def test_settings_move_and_delete(hub: LocalHub) -> None:
    async with in_process(hub) as c:
        await c.create_bucket("alice/old-name")
        await c.update_bucket_settings("alice/old-name", private=True)
        assert (await c.bucket_info("alice/old-name")).private is True
        await c.update_bucket_settings("old-name", private=False)
        assert (await c.bucket_info("alice/old-name")).private is False
        with pytest.raises(HFValidationError):
            await c.update_bucket_settings("alice/old-name", private="yes")  # type: ignore[arg-type]

        await c.move_bucket("alice/old-name", "acme/new-name")
        with pytest.raises(BucketNotFoundError):
            await c.bucket_info("alice/old-name")
        assert (await c.bucket_info("acme/new-name")).id == "acme/new-name"
        for bad in ("new-name", "acme/new/name"):
            with pytest.raises(HFValidationError):
                await c.move_bucket("acme/new-name", bad)
        with pytest.raises(BucketNotFoundError):
            await c.move_bucket("alice/never-was", "alice/whatever")

        await c.delete_bucket("acme/new-name")
        with pytest.raises(BucketNotFoundError):
            await c.bucket_info("acme/new-name")
        with pytest.raises(BucketNotFoundError):
            await c.delete_bucket("acme/new-name")
        await c.delete_bucket("acme/new-name", missing_ok=True)
        # a repo move still goes to the repos' handler
        await c.create_repo("alice/a-model")
        await c.move_repo("alice/a-model", "alice/b-model")
        assert (await c.model_info("alice/b-model")).id == "alice/b-model"


async def test_a_read_token_cannot_change_a_bucket(hub: LocalHub) -> None:
    async with in_process(hub) as alice:
        await alice.create_bucket("alice/guarded")
    async with in_process(hub, ALICE_READ_TOKEN) as reader:
        assert (await reader.bucket_info("alice/guarded")).id == "alice/guarded"
        for call in (
            reader.update_bucket_settings("alice/guarded", private=True),
            reader.delete_bucket("alice/guarded"),
            reader.create_bucket("alice/another"),
        ):
            with pytest.raises(HfHubHTTPError) as caught:
                await call
            assert getattr(caught.value, "status_code", None) in (401, 403)
