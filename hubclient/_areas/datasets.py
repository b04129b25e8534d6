"""What the Hub knows about datasets beyond their files: leaderboards and the Parquet
conversion."""

from __future__ import annotations

from hubclient import _urls
from hubclient._answers import parse_json
from hubclient._areas._base import Area, call_timeout
from hubclient.models.datasets import DatasetLeaderboardEntry, DatasetParquetEntry

__all__ = ["NOTES", "DatasetsArea"]

#: Behaviour the signatures do not show (the parity ledger, docs/parity.md, reads it).
NOTES: dict[str, str] = {
    "list_dataset_parquet_files": (
        "asks the Dataset Viewer at the client's datasets_server_url, which may serve another "
        "Hub when set (huggingface_hub knows only huggingface.co's)"
    ),
}


class DatasetsArea(Area):
    """Dataset extras (``get_dataset_leaderboard``, ``list_dataset_parquet_files``)."""

    async def get_dataset_leaderboard(
        self,
        repo_id: str,
        *,
        base_model_only: bool | None = None,
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> list[DatasetLeaderboardEntry]:
        """The leaderboard of a benchmark dataset: models ranked by their scores on it.

        By default the Hub lists only models that declare no ``base_model`` (as its
        leaderboard page does); ``base_model_only=False`` includes every submitted result.
        Raises ``RepositoryNotFoundError``, or ``HfHubHTTPError`` when the dataset has no
        leaderboard.

        Example::

            for entry in await client.get_dataset_leaderboard("acme/bench"):
                print(entry.rank, entry.model_id, entry.value)
        """
        params = {} if base_model_only is None else {"base_model": base_model_only}
        response = await self._http.request(
            "GET",
            f"{_urls.api_prefix('dataset', repo_id)}/leaderboard",
            params=params,
            token=token,
            timeout=call_timeout(timeout),
        )
        return parse_json(
            response,
            lambda items: [DatasetLeaderboardEntry.model_validate(item) for item in items],
            expected="a list of leaderboard entries",
        )

    async def list_dataset_parquet_files(
        self,
        repo_id: str,
        *,
        config: str | None = None,
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> list[DatasetParquetEntry]:
        """The Parquet files of a dataset, as the Dataset Viewer converted it: each with its
        config, split, URL and size (``config=``: only that config's).

        Asks the client's ``datasets_server_url`` (``GET /parquet?dataset=…``), which gets the
        token too. huggingface.co's viewer serves huggingface.co only: a client of another Hub
        raises ``HFValidationError`` unless it names that Hub's viewer. A dataset that is
        missing, or private or gated to the caller, raises ``RepositoryNotFoundError``.

        Example::

            for entry in await client.list_dataset_parquet_files("acme/corpus", config="en"):
                print(entry.split, entry.url, entry.size)
        """
        viewer = self._settings.url_for_this_hub("datasets_server_url", "Dataset Viewer")
        params = {"dataset": _urls.validate_repo_id(repo_id)}
        if config is not None:
            params["config"] = config
        response = await self._http.request(
            "GET",
            f"{viewer}/parquet",
            params=params,
            token=token,
            timeout=call_timeout(timeout),
        )
        return parse_json(
            response,
            lambda answer: [
                DatasetParquetEntry.model_validate(item) for item in answer["parquet_files"]
            ],
            expected="the Dataset Viewer's parquet_files",
        )
