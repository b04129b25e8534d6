"""Collections: curated lists of models, datasets, Spaces, papers and other collections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel

__all__ = ["Collection", "CollectionItem", "CollectionOwner"]


class CollectionOwner(HubModel):
    """The user or organisation a collection belongs to (``owner["name"]`` works too, as with
    huggingface_hub's plain dict)."""

    name: str = ""
    fullname: str | None = None
    avatar_url: str | None = None
    type: str | None = None

    def __getitem__(self, key: str) -> Any:
        return self.model_dump(mode="json", by_alias=True)[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.model_dump(mode="json", by_alias=True).get(key, default)


class CollectionItem(HubModel):
    """One item of a collection. Update or delete it by ``item_object_id`` (the Hub's id of
    the entry), not by ``item_id`` (the repo id, paper id or collection slug).

    Example::

        collection = await client.get_collection("acme/favourites-65f0…")
        for item in collection.items:
            print(item.position, item.item_type, item.item_id, item.note)
    """

    item_object_id: str = Field(validation_alias=AliasChoices("_id", "item_object_id"))
    item_id: str = ""
    item_type: str = ""
    position: int = 0
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        if "id" in out and "item_id" not in out:
            out["item_id"] = out.pop("id")
        if isinstance(out.get("slug"), str):  # an item that is a collection: its slug
            out["item_id"] = out["slug"]
        if "type" in out and "item_type" not in out:
            out["item_type"] = out.pop("type")
        note = out.get("note")
        if isinstance(note, dict):
            text = note.get("text")
            out["note"] = text if isinstance(text, str) else None
        return out


class Collection(HubModel):
    """A collection (``list_collections`` truncates ``items`` to the first 4).

    Example::

        collection = await client.create_collection("ICCV 2023", description="My demos")
        print(collection.slug, collection.url)
    """

    slug: str
    title: str
    owner: CollectionOwner = Field(default_factory=CollectionOwner)
    items: list[CollectionItem] = Field(default_factory=list)
    last_updated: datetime | None = None
    position: int = 0
    private: bool = False
    theme: str = "default"
    upvotes: int = 0
    description: str | None = None
    endpoint: str = "https://huggingface.co"

    @model_validator(mode="before")
    @classmethod
    def _owner_from_wire(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("owner"), str):
            data = {**data, "owner": {"name": data["owner"]}}
        return data

    @property
    def url(self) -> str:
        """The collection's page on the Hub."""
        return f"{self.endpoint}/collections/{self.slug}"
