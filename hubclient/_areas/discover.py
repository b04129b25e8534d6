"""Finding things on the Hub: the tag catalogues of models and datasets, and Space search."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from hubclient._answers import parse_json
from hubclient._areas._base import Area
from hubclient.models.discover import SpaceSearchResult

__all__ = ["DiscoverArea"]


def _tag_groups(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError(f"an object was expected, not {type(data).__name__}")
    return data


class DiscoverArea(Area):
    """Tags and search (``get_model_tags``, ``get_dataset_tags``, ``search_spaces``)."""

    async def get_model_tags(self) -> dict[str, Any]:
        """Every tag a model can have, grouped by type (``pipeline_tag``, ``library``, …).

        Example::

            tags = await client.get_model_tags()
            print([t["id"] for t in tags["library"]][:5])
        """
        response = await self._http.request("GET", "/api/models-tags-by-type")
        return parse_json(response, _tag_groups, expected="tags grouped by type")

    async def get_dataset_tags(self) -> dict[str, Any]:
        """Every tag a dataset can have, grouped by type (``task_categories``, ``language``, …).

        Example::

            tags = await client.get_dataset_tags()
            print(sorted(tags))
        """
        response = await self._http.request("GET", "/api/datasets-tags-by-type")
        return parse_json(response, _tag_groups, expected="tags grouped by type")

    async def search_spaces(
        self,
        query: str,
        *,
        filter: str | Iterable[str] | None = None,
        sdk: str | list[str] | None = None,
        include_non_running: bool = False,
        token: str | bool | None = None,
    ) -> AsyncIterator[SpaceSearchResult]:
        """Spaces matching ``query`` by meaning (semantic search), best first.

        ``filter`` keeps Spaces with these tags, ``sdk`` those of these SDKs; Spaces that are
        not running are left out unless ``include_non_running``. One request: the Hub answers
        with its best matches, not a paginated listing.

        Example::

            async for space in client.search_spaces("generate images", sdk="gradio"):
                print(space.id, space.semantic_relevancy_score)
        """
        params: dict[str, Any] = {"q": query}
        if filter is not None:
            params["filter"] = filter if isinstance(filter, str) else list(filter)
        if sdk is not None:
            params["sdk"] = sdk
        if include_non_running:
            params["includeNonRunning"] = True
        response = await self._http.request(
            "GET", "/api/spaces/semantic-search", params=params, token=token
        )
        found = parse_json(
            response,
            lambda items: [SpaceSearchResult.model_validate(item) for item in items],
            expected="a list of Spaces",
        )
        for space in found:
            yield space
