"""Collections: list, read, create, update and delete them and their items."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import Any, Literal
from urllib.parse import quote

from hubclient._areas._base import Area
from hubclient._areas._community import answer, parse_item
from hubclient._http import error_from_response
from hubclient.errors import HfHubHTTPError, HFValidationError
from hubclient.models.collections import Collection

__all__ = ["CollectionsArea"]

CollectionSort = Literal["lastModified", "trending", "upvotes"]
CollectionItemType = Literal["model", "dataset", "space", "paper", "collection"]


def _slug_path(collection_slug: str) -> str:
    parts = collection_slug.split("/") if isinstance(collection_slug, str) else []
    if len(parts) != 2 or not all(parts) or any(p in (".", "..") for p in parts):
        raise HFValidationError(
            f"Invalid collection slug {collection_slug!r}: expected 'namespace/title-id'"
        )
    return "/api/collections/" + "/".join(quote(p, safe="") for p in parts)


def _item_path(collection_slug: str, item_object_id: str) -> str:
    if not isinstance(item_object_id, str) or not item_object_id.isalnum():
        raise HFValidationError(f"Invalid item_object_id: {item_object_id!r}")
    return f"{_slug_path(collection_slug)}/items/{item_object_id}"


class CollectionsArea(Area):
    """Collections (``get_collection``, ``list_collections``, ``add_collection_item``, …)."""

    def _collection(self, response: Any, *, pick: Any = None) -> Collection:
        return answer(
            response, Collection, "a collection", pick=pick, extra={"endpoint": self._http.endpoint}
        )

    async def list_collections(
        self,
        *,
        owner: list[str] | str | None = None,
        item: list[str] | str | None = None,
        sort: CollectionSort | None = None,
        limit: int | None = None,
        token: str | bool | None = None,
    ) -> AsyncGenerator[Collection, None]:
        """Iterate over collections: by ``owner`` (users or organisations), holding ``item``
        (``"models/acme/bert"``, ``"papers/2311.12983"``…), sorted by ``lastModified``,
        ``trending`` or ``upvotes``, at most ``limit`` of them. Each collection's ``items``
        hold its first 4 items only (``get_collection`` for all of them).

        Example::

            async for collection in client.list_collections(owner="acme", sort="upvotes"):
                print(collection.slug, collection.upvotes)
        """
        params: list[tuple[str, Any]] = []
        for name, value in (("owner", owner), ("item", item)):
            values = [value] if isinstance(value, str) else list(value or [])
            params.extend((name, v) for v in values)
        if sort is not None:
            params.append(("sort", sort))
        if limit is not None:
            if limit <= 0:
                return
            params.append(("limit", limit))
        items = self._http.paginate("/api/collections", params=params, token=token)
        count = 0
        async with contextlib.aclosing(items):
            async for data in items:
                yield parse_item(data, Collection, "a collection", extra={"position": count})
                count += 1
                if limit is not None and count >= limit:
                    return

    async def get_collection(
        self, collection_slug: str, *, token: str | bool | None = None
    ) -> Collection:
        """A collection with all its items.

        Example::

            collection = await client.get_collection("acme/favourites-65f0a1b2c3d4e5f6a7b8c9d0")
            print(collection.title, [i.item_id for i in collection.items])
        """
        response = await self._http.request("GET", _slug_path(collection_slug), token=token)
        return self._collection(response)

    async def create_collection(
        self,
        title: str,
        *,
        namespace: str | None = None,
        description: str | None = None,
        private: bool = False,
        resource_group_id: str | None = None,
        exists_ok: bool = False,
        token: str | bool | None = None,
    ) -> Collection:
        """Create a collection in ``namespace`` (default: yours); ``exists_ok=True`` returns
        the existing one of the same title instead of failing with 409.

        Example::

            collection = await client.create_collection("ICCV 2023", private=True)
        """
        if namespace is None:
            namespace = await self._whoami_name(token)
        payload: dict[str, Any] = {"title": title, "namespace": namespace, "private": private}
        if description is not None:
            payload["description"] = description
        if resource_group_id is not None:
            payload["resourceGroupId"] = resource_group_id
        response = await self._http.request(
            "POST", "/api/collections", json=payload, token=token, raise_for_status=False
        )
        if exists_ok and response.status_code == 409:
            slug = answer(response, str, "the existing collection's slug", pick=lambda d: d["slug"])
            return await self.get_collection(slug, token=token)
        if response.status_code >= 400:
            raise error_from_response(response, method="POST")
        return self._collection(response)

    async def _whoami_name(self, token: str | bool | None) -> str:
        response = await self._http.request("GET", "/api/whoami-v2", token=token)
        return answer(response, str, "who you are", pick=lambda d: d["name"])

    async def update_collection_metadata(
        self,
        collection_slug: str,
        *,
        title: str | None = None,
        description: str | None = None,
        position: int | None = None,
        private: bool | None = None,
        theme: str | None = None,
        token: str | bool | None = None,
    ) -> Collection:
        """Change a collection's title, description, position, visibility or theme (only
        what is given). A new title changes the slug's title part; its trailing id stays.

        Example::

            collection = await client.update_collection_metadata(slug, title="ICCV Oct. 2023")
        """
        payload = {
            "position": position,
            "private": private,
            "theme": theme,
            "title": title,
            "description": description,
        }
        response = await self._http.request(
            "PATCH",
            _slug_path(collection_slug),
            json={k: v for k, v in payload.items() if v is not None},
            token=token,
        )
        return self._collection(response, pick=lambda d: d["data"])

    async def update_collection_resource_group(
        self,
        collection_slug: str,
        resource_group_id: str | None,
        *,
        token: str | bool | None = None,
    ) -> None:
        """Put an organisation's collection in a resource group (None: in none).

        Example::

            await client.update_collection_resource_group(slug, "66980ecfc1e12a49c8f0e42d")
        """
        await self._http.request(
            "POST",
            f"{_slug_path(collection_slug)}/resource-group",
            json={"resourceGroupId": resource_group_id},
            token=token,
        )

    async def delete_collection(
        self, collection_slug: str, *, missing_ok: bool = False, token: str | bool | None = None
    ) -> None:
        """Delete a collection (``missing_ok=True``: a missing one is no error).

        Example::

            await client.delete_collection(slug, missing_ok=True)
        """
        try:
            await self._http.request("DELETE", _slug_path(collection_slug), token=token)
        except HfHubHTTPError as err:
            if not (missing_ok and err.status_code == 404):
                raise

    async def add_collection_item(
        self,
        collection_slug: str,
        item_id: str,
        item_type: CollectionItemType,
        *,
        note: str | None = None,
        exists_ok: bool = False,
        token: str | bool | None = None,
    ) -> Collection:
        """Add a repo, paper or collection to a collection (with an optional note of at most
        500 characters); ``exists_ok=True`` makes a duplicate no error.

        Example::

            collection = await client.add_collection_item(slug, "acme/bert", "model", note="Ours")
        """
        if note is not None and len(note) > 500:
            raise HFValidationError("A collection item's note is at most 500 characters")
        payload: dict[str, Any] = {"item": {"id": item_id, "type": item_type}}
        if note is not None:
            payload["note"] = note
        try:
            response = await self._http.request(
                "POST", f"{_slug_path(collection_slug)}/items", json=payload, token=token
            )
        except HfHubHTTPError as err:
            if exists_ok and err.status_code == 409:
                return await self.get_collection(collection_slug, token=token)
            raise
        return self._collection(response)

    async def update_collection_item(
        self,
        collection_slug: str,
        item_object_id: str,
        *,
        note: str | None = None,
        position: int | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Change an item's note or position (by its ``item_object_id``).

        Example::

            item = collection.items[-1]
            await client.update_collection_item(slug, item.item_object_id, position=0)
        """
        payload = {"position": position, "note": note}
        await self._http.request(
            "PATCH",
            _item_path(collection_slug, item_object_id),
            json={k: v for k, v in payload.items() if v is not None},
            token=token,
        )

    async def delete_collection_item(
        self,
        collection_slug: str,
        item_object_id: str,
        *,
        missing_ok: bool = False,
        token: str | bool | None = None,
    ) -> None:
        """Remove an item from a collection (by its ``item_object_id``).

        Example::

            await client.delete_collection_item(slug, collection.items[0].item_object_id)
        """
        try:
            await self._http.request(
                "DELETE", _item_path(collection_slug, item_object_id), token=token
            )
        except HfHubHTTPError as err:
            if not (missing_ok and err.status_code == 404):
                raise
