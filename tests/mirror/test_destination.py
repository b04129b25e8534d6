"""The forms of a mirror's destination (a URL with its token, HubSettings, a client, the same
Hub) on real sockets, and what each Hub sees of the other's credentials: nothing."""

from __future__ import annotations

import anyio
import pytest

from hubclient import AsyncHubClient, HubClient, HubSettings, MirrorOptions
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, ServedHub
from tests.mirror.test_repo import BIG, MID

pytestmark = pytest.mark.anyio

SRC = "alice/model"
FILES: dict[str, bytes | str] = {"config.json": "{}\n", "w.bin": MID, "big.bin": BIG}


def _auths(hub: ServedHub) -> set[str | None]:
    """The Authorization headers the Hub received (its CAS gets only Xet tokens it issued)."""
    cas = {r.headers.get("authorization") for r in hub.hub.log.filter(origin="cas")}
    assert all(a is None or a.startswith("Bearer xet_") for a in cas)
    return {r.headers.get("authorization") for r in hub.hub.log.records if r.origin != "cas"}


def _headers(hub: ServedHub, name: str) -> set[str | None]:
    return {r.headers.get(name) for r in hub.hub.log.records}


async def test_a_url_and_its_token(served_pair: tuple[ServedHub, ServedHub]) -> None:
    src, dst = served_pair
    src.hub.seed_repo(SRC, FILES)
    async with AsyncHubClient(
        endpoint=src.hub_url, token=ALICE_TOKEN, headers={"x-source-secret": "s3cret"}
    ) as source:
        result = await source.mirror_repo(
            SRC, to=dst.hub_url, to_token=BOB_TOKEN, dest_repo_id="bob/m"
        )
    assert result.ok, result.errors
    assert result.destination.startswith(dst.hub_url)
    assert _auths(dst) <= {f"Bearer {BOB_TOKEN}", None}
    assert _auths(src) <= {f"Bearer {ALICE_TOKEN}", None}
    # the source's extra headers stay with the source Hub
    assert _headers(dst, "x-source-secret") == {None}
    assert "s3cret" in _headers(src, "x-source-secret")


async def test_a_url_without_a_token_is_anonymous(
    served_pair: tuple[ServedHub, ServedHub],
) -> None:
    src, dst = served_pair
    src.hub.seed_repo(SRC, FILES)
    async with AsyncHubClient(endpoint=src.hub_url, token=ALICE_TOKEN) as source:
        result = await source.mirror_repo(SRC, to=dst.hub_url)
    assert not result.ok
    assert result.errors[0].status_code == 401
    assert _auths(dst) == {None}  # the source token never went there


async def test_the_same_hub_reuses_the_clients_token(
    served_pair: tuple[ServedHub, ServedHub],
) -> None:
    src, _ = served_pair
    src.hub.seed_repo(SRC, FILES)
    async with AsyncHubClient(endpoint=src.hub_url, token=ALICE_TOKEN) as source:
        result = await source.mirror_repo(SRC, to=src.hub_url + "/", dest_repo_id="acme/copy")
        assert result.ok, result.errors
        files = await source.list_repo_files("acme/copy")
    assert sorted(files) == sorted([".gitattributes", *FILES])


async def test_settings_of_another_client(served_pair: tuple[ServedHub, ServedHub]) -> None:
    src, dst = served_pair
    src.hub.seed_repo(SRC, FILES)
    settings = HubSettings.from_env(endpoint=dst.hub_url, token=BOB_TOKEN, env={})
    async with AsyncHubClient(endpoint=src.hub_url, token=ALICE_TOKEN) as source:
        result = await source.mirror_repo(SRC, to=settings, dest_repo_id="bob/m")
    assert result.ok, result.errors
    assert _auths(dst) <= {f"Bearer {BOB_TOKEN}", None}


async def test_bad_destinations_raise(served_pair: tuple[ServedHub, ServedHub]) -> None:
    src, dst = served_pair
    async with (
        AsyncHubClient(endpoint=src.hub_url, token=ALICE_TOKEN) as source,
        AsyncHubClient(endpoint=dst.hub_url, token=BOB_TOKEN) as dest,
    ):
        for bad in ("dest-hub", "ftp://dest-hub", ""):
            with pytest.raises(ValueError, match="URL"):
                await source.mirror_repo(SRC, to=bad)
        with pytest.raises(ValueError, match="to_token"):
            await source.mirror_repo(SRC, to=dest, to_token=BOB_TOKEN)
    assert len(dst.hub.log) == 0


def test_the_sync_facade_mirrors_to_a_url(served_pair: tuple[ServedHub, ServedHub]) -> None:
    src, dst = served_pair
    src.hub.seed_repo(SRC, FILES)
    with HubClient(endpoint=src.hub_url, token=ALICE_TOKEN) as source:
        result = source.mirror_repo(SRC, to=dst.hub_url, to_token=BOB_TOKEN, dest_repo_id="bob/m")
        again = source.mirror_repos([f"{SRC} bob/m"], to=dst.hub_url, to_token=BOB_TOKEN)
    assert result.ok, result.errors
    assert result.files_copied == len(FILES)
    assert again.ok
    assert again.files_copied == 0
    assert again.commits == 0


@pytest.mark.parametrize("to", ["url", "self", "copy"])
async def test_the_destination_has_a_pool_of_its_own(
    served_pair: tuple[ServedHub, ServedHub], to: str
) -> None:
    # A destination PUT streams its body from a source GET: with one shared pool of 4
    # connections and 4 objects in flight, every connection would be held by a PUT waiting for
    # a GET that can never get one.
    src, dst = served_pair
    src.hub.seed_repo(SRC, {f"w{i}.bin": MID[: len(MID) - i] for i in range(4)})
    async with AsyncHubClient(endpoint=src.hub_url, token=ALICE_TOKEN, max_connections=4) as source:
        targets: dict[str, str | AsyncHubClient] = {
            "url": dst.hub_url,
            "self": source,  # the same Hub, another repo
            "copy": source.with_options(timeout=30.0),  # shares the source's pool
        }
        target = targets[to]
        with anyio.fail_after(60):
            result = await source.mirror_repo(
                SRC,
                to=target,
                to_token=BOB_TOKEN if to == "url" else None,
                dest_repo_id="bob/m" if to == "url" else "acme/m",
                options=MirrorOptions(max_concurrent_files=4),
            )
    assert result.ok, result.errors
    assert result.files_copied == 4


async def test_to_token_true_never_means_the_source_token_elsewhere(
    served_pair: tuple[ServedHub, ServedHub],
) -> None:
    src, dst = served_pair
    async with AsyncHubClient(endpoint=src.hub_url, token=ALICE_TOKEN) as source:
        with pytest.raises(ValueError, match="another Hub"):
            await source.mirror_repo(SRC, to=dst.hub_url, to_token=True)
    assert len(dst.hub.log) == 0
