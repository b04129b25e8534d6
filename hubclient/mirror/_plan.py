"""PLACEHOLDER (helper M2 replaces this module): the plan file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from hubclient.mirror._types import MirrorPlanItem

__all__ = ["MirrorPlan", "PlanError"]


class PlanError(ValueError):
    """A plan file that cannot be read: says which line and why."""


class MirrorPlan(BaseModel):
    items: list[MirrorPlanItem] = Field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> MirrorPlan:
        raise NotImplementedError

    @classmethod
    def parse(cls, text: str, *, format: str | None = None) -> MirrorPlan:
        raise NotImplementedError
