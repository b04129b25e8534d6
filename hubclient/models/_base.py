"""The base of every response model: wire names as aliases, unknown fields kept."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["HubModel"]


class HubModel(BaseModel):
    """A Hub JSON object.

    * attributes are snake_case (``last_modified``), read from the camelCase wire name
      (``lastModified``) or the attribute name;
    * fields the Hub adds tomorrow are kept (``model.some_new_field``, ``model.model_extra``)
      and never fail validation;
    * ``model_dump(by_alias=True)`` gives the wire shape back.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        arbitrary_types_allowed=False,
    )

    def to_dict(self) -> dict[str, Any]:
        """The wire-shaped JSON dict (camelCase keys, unknown fields included)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
