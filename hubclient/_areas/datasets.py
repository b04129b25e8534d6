"""What the Hub knows about datasets beyond their files: leaderboards and the Parquet
conversion."""

from __future__ import annotations

from hubclient import _urls
from hubclient._areas._base import Area, call_timeout
from hubclient.models.datasets import DatasetLeaderboardEntry

__all__ = ["DatasetsArea"]


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
        return [DatasetLeaderboardEntry.model_validate(item) for item in response.json()]
