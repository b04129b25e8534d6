"""list_dataset_parquet_files against the local Hub's Dataset Viewer (the extra origin
``datasets-server``): entries, the config filter, access, where the token goes, and a client
of another Hub that names no viewer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from hubclient import (
    AsyncHubClient,
    DatasetParquetEntry,
    HFValidationError,
    HubClient,
    HubSettings,
    RepositoryNotFoundError,
    UnexpectedResponseError,
)
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub, standard_hub
from tests.client.conftest import make_client

pytestmark = pytest.mark.anyio

FILES = {
    "README.md": b"# corpus\n",
    "data/train-00000-of-00001.parquet": b"PAR1" + b"t" * 96 + b"PAR1",
    "data/test-00000-of-00001.parquet": b"PAR1" + b"s" * 40 + b"PAR1",
    "fr/validation/0000.parquet": b"PAR1" + b"v" * 12 + b"PAR1",
    "notes.csv": b"a,b\n",
}


@pytest.fixture
def viewer_hub(tmp_path: Path) -> Iterator[LocalHub]:
    with standard_hub(LocalHub(tmp_path / "hub", dataset_viewer=True)) as hub:
        yield hub


def viewer_client(hub: LocalHub, **kwargs: object) -> AsyncHubClient:
    return make_client(hub, datasets_server_url=hub.origin_urls["datasets-server"], **kwargs)


@pytest.fixture
async def client(viewer_hub: LocalHub) -> AsyncIterator[AsyncHubClient]:
    async with viewer_client(viewer_hub) as c:
        yield c


async def test_entries_name_config_split_url_and_size(
    client: AsyncHubClient, viewer_hub: LocalHub
) -> None:
    viewer_hub.seed_repo("acme/corpus", FILES, repo_type="dataset")
    entries = await client.list_dataset_parquet_files("acme/corpus")
    assert all(isinstance(e, DatasetParquetEntry) for e in entries)
    got = {(e.config, e.split, e.size) for e in entries}
    assert got == {("default", "train", 104), ("default", "test", 48), ("fr", "validation", 20)}
    by_split = {e.split: e for e in entries}
    train = by_split["train"]
    assert train.url == (
        f"{viewer_hub.hub_url}/datasets/acme/corpus/resolve/main/data/train-00000-of-00001.parquet"
    )
    assert train.dataset == "acme/corpus"
    assert train.filename == "train-00000-of-00001.parquet"
    # the URL downloads the file itself
    async with httpx.AsyncClient(transport=viewer_hub.async_transport()) as http:
        answer = await http.get(train.url, follow_redirects=True)
    assert answer.content == FILES["data/train-00000-of-00001.parquet"]

    only_fr = await client.list_dataset_parquet_files("acme/corpus", config="fr")
    assert [(e.config, e.split) for e in only_fr] == [("fr", "validation")]
    assert await client.list_dataset_parquet_files("acme/corpus", config="nope") == []


async def test_a_dataset_without_parquet_files_lists_none(
    client: AsyncHubClient, viewer_hub: LocalHub
) -> None:
    viewer_hub.seed_repo("acme/csv", {"a.csv": b"1\n"}, repo_type="dataset")
    assert await client.list_dataset_parquet_files("acme/csv") == []


async def test_missing_private_and_gated_datasets_look_absent(viewer_hub: LocalHub) -> None:
    viewer_hub.seed_repo("acme/private", FILES, repo_type="dataset", private=True)
    viewer_hub.seed_repo("acme/gated", FILES, repo_type="dataset", gated=True)
    async with (
        viewer_client(viewer_hub) as alice,
        viewer_client(viewer_hub, token=BOB_TOKEN) as bob,
        viewer_client(viewer_hub, token=False) as anonymous,
    ):
        assert len(await alice.list_dataset_parquet_files("acme/private")) == 3
        assert len(await alice.list_dataset_parquet_files("acme/gated")) == 3
        for who, status in ((bob, 404), (anonymous, 401)):
            for dataset in ("acme/private", "acme/gated", "acme/missing"):
                with pytest.raises(RepositoryNotFoundError) as info:
                    await who.list_dataset_parquet_files(dataset)
                assert info.value.status_code == status
                assert info.value.error_code in (
                    "ExternalAuthenticatedError",
                    "ExternalUnauthenticatedError",
                )
        # a token of the call is the one the viewer sees
        assert len(await bob.list_dataset_parquet_files("acme/private", token=ALICE_TOKEN)) == 3
    with pytest.raises(HFValidationError):
        async with viewer_client(viewer_hub) as c:
            await c.list_dataset_parquet_files("not a repo id")


async def test_the_viewer_gets_the_token_of_the_hub_it_serves(viewer_hub: LocalHub) -> None:
    viewer_hub.seed_repo("acme/corpus", FILES, repo_type="dataset")
    async with viewer_client(viewer_hub) as client:
        await client.list_dataset_parquet_files("acme/corpus", config="fr")
    [record] = viewer_hub.log.filter(origin="datasets-server")
    assert record.path == "/parquet"
    assert record.query == "dataset=acme%2Fcorpus&config=fr"
    assert record.headers.get("authorization") == f"Bearer {ALICE_TOKEN}"


async def test_a_client_of_another_hub_names_its_viewer(viewer_hub: LocalHub) -> None:
    """huggingface.co's viewer serves huggingface.co only: a client of another Hub that names
    no viewer raises before sending anything, and never sends that Hub's token there."""
    async with make_client(viewer_hub) as client:
        assert client.settings.datasets_server_url == "https://datasets-server.huggingface.co"
        with pytest.raises(HFValidationError, match="datasets_server_url"):
            await client.list_dataset_parquet_files("acme/corpus")
    assert viewer_hub.log.records == []


def test_which_settings_send_the_token_to_the_viewer() -> None:
    default = HubSettings()
    assert "https://datasets-server.huggingface.co" in default.token_origins
    other_hub = HubSettings(endpoint="http://hub.test")
    assert other_hub.viewer_serves_endpoint is False
    assert "https://datasets-server.huggingface.co" not in other_hub.token_origins
    named = HubSettings(endpoint="http://hub.test", datasets_server_url="http://viewer.test/")
    assert named.datasets_server_url == "http://viewer.test"
    # huggingface.co's Endpoints and Catalog APIs serve huggingface.co only: not this Hub's
    assert named.token_origins == frozenset({"http://hub.test", "http://viewer.test"})
    with pytest.raises(ValueError, match="http"):
        HubSettings(datasets_server_url="ftp://viewer.test")


async def test_with_options_can_point_at_another_viewer(viewer_hub: LocalHub) -> None:
    viewer_hub.seed_repo("acme/corpus", FILES, repo_type="dataset")
    async with make_client(viewer_hub) as client:
        copy = client.with_options(datasets_server_url=viewer_hub.origin_urls["datasets-server"])
        assert len(await copy.list_dataset_parquet_files("acme/corpus")) == 3


def test_the_sync_facade_lists_them(viewer_hub: LocalHub, tmp_path: Path) -> None:
    viewer_hub.seed_repo("acme/corpus", FILES, repo_type="dataset")
    with (
        viewer_hub.serve() as served,
        HubClient(
            served.hub_url,
            token=ALICE_TOKEN,
            datasets_server_url=served.url("datasets-server"),
            cache_dir=tmp_path / "cache",
        ) as client,
    ):
        entries = client.list_dataset_parquet_files("acme/corpus")
    assert sorted(e.split for e in entries) == ["test", "train", "validation"]
    assert all(e.url.startswith(served.hub_url) for e in entries)


async def test_an_answer_of_another_shape_is_a_typed_error() -> None:
    answers = iter([b"<html>busy</html>", b'{"parquet_files": 3}', b'{"pending": []}'])

    def viewer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=next(answers))

    async with AsyncHubClient(
        "http://hub.test",
        token=False,
        datasets_server_url="http://viewer.test",
        transport=httpx.MockTransport(viewer),
    ) as client:
        for _ in range(3):
            with pytest.raises(UnexpectedResponseError):
                await client.list_dataset_parquet_files("acme/corpus")
