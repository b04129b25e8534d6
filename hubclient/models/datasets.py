"""Dataset-specific answers: the Parquet conversion of a dataset, its leaderboard."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from hubclient.models._base import HubModel
from hubclient.models.users import Organization, User

__all__ = ["DatasetLeaderboardEntry", "DatasetParquetEntry"]


class DatasetParquetEntry(HubModel):
    """One Parquet file of a dataset's conversion by the Dataset Viewer."""

    config: str
    split: str
    url: str
    size: int
    dataset: str | None = None
    filename: str | None = None


class DatasetLeaderboardEntry(HubModel):
    """One row of a benchmark dataset's leaderboard (``get_dataset_leaderboard``).

    ``author`` is an :class:`~hubclient.models.users.Organization` when the wire says
    ``"type": "org"``, else a :class:`~hubclient.models.users.User`.
    """

    rank: int
    model_id: str
    value: float
    filename: str
    verified: bool
    source: dict[str, Any] | None = None
    author: User | Organization
    pull_request: int | None = None
    notes: str | None = None
    raw_author: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _author_by_type(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("author"), dict):
            return data
        author = dict(data["author"])
        out = dict(data)
        out["raw_author"] = author
        if author.get("type") == "org":
            out["author"] = Organization.model_validate(author)
        else:
            out["author"] = User.model_validate({**author, "user": author.get("name", "")})
        return out
