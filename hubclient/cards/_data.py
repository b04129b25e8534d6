"""The metadata of a card (its YAML front matter) as typed models.

``ModelCardData``, ``DatasetCardData`` and ``SpaceCardData`` name the fields the Hub knows and
keep every other key as it is (``data.some_key``, ``data["some-key"]``, in ``model_extra``);
``to_dict()`` gives the front matter back, with ``model-index`` rebuilt from ``eval_results``.
The field names and the ``model-index`` ⇄ ``eval_results`` mapping are huggingface_hub's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hubclient.errors import RepoCardError

__all__ = [
    "CardData",
    "DatasetCardData",
    "EvalResult",
    "ModelCardData",
    "SpaceCardData",
    "eval_results_to_model_index",
    "model_index_to_eval_results",
]


class EvalResult(BaseModel):
    """One reported metric of a model on a task and dataset (a ``model-index`` entry)."""

    model_config = ConfigDict(extra="forbid")

    task_type: str
    dataset_type: str
    dataset_name: str
    metric_type: str
    metric_value: Any
    task_name: str | None = None
    dataset_config: str | None = None
    dataset_split: str | None = None
    dataset_revision: str | None = None
    dataset_args: dict[str, Any] | None = None
    metric_name: str | None = None
    metric_config: str | None = None
    metric_args: dict[str, Any] | None = None
    verified: bool | None = None
    verify_token: str | None = None
    source_name: str | None = None
    source_url: str | None = None

    @model_validator(mode="after")
    def _source(self) -> EvalResult:
        if self.source_name is not None and self.source_url is None:
            raise ValueError("If `source_name` is provided, `source_url` must also be provided.")
        return self

    @property
    def unique_identifier(self) -> tuple[Any, ...]:
        """What groups results into one ``model-index`` entry: task, dataset and its split."""
        return (
            self.task_type,
            self.dataset_type,
            self.dataset_config,
            self.dataset_split,
            self.dataset_revision,
        )

    def is_equal_except_value(self, other: EvalResult) -> bool:
        """The same metric (a new value of it, perhaps)."""
        skip = {"metric_value", "verify_token"}
        return all(
            getattr(self, name) == getattr(other, name)
            for name in type(self).model_fields
            if name not in skip
        )


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


def model_index_to_eval_results(model_index: list[dict[str, Any]]) -> tuple[str, list[EvalResult]]:
    """``model-index`` → (model name, results); ``KeyError``/``TypeError`` on a wrong shape."""
    if not model_index:
        raise ValueError("`model_index` must be a non-empty list.")
    name = ""
    results: list[EvalResult] = []
    for entry in model_index:
        name = entry["name"]
        for result in entry["results"]:
            task, dataset = result["task"], result["dataset"]
            source = result.get("source") or {}
            for metric in result["metrics"]:
                results.append(
                    EvalResult(
                        task_type=task["type"],
                        task_name=task.get("name"),
                        dataset_type=dataset["type"],
                        dataset_name=dataset["name"],
                        dataset_config=dataset.get("config"),
                        dataset_split=dataset.get("split"),
                        dataset_revision=dataset.get("revision"),
                        dataset_args=dataset.get("args"),
                        metric_type=metric["type"],
                        metric_value=metric["value"],
                        metric_name=metric.get("name"),
                        metric_config=metric.get("config"),
                        metric_args=metric.get("args"),
                        verified=metric.get("verified"),
                        verify_token=metric.get("verifyToken"),
                        source_name=source.get("name"),
                        source_url=source.get("url"),
                    )
                )
    return name, results


def eval_results_to_model_index(model_name: str, results: list[EvalResult]) -> list[dict[str, Any]]:
    """(model name, results) → ``model-index`` (results of one task and dataset grouped)."""
    groups: dict[tuple[Any, ...], list[EvalResult]] = {}
    for result in results:
        groups.setdefault(result.unique_identifier, []).append(result)
    entries: list[dict[str, Any]] = []
    for group in groups.values():
        first = group[0]
        entry: dict[str, Any] = {
            "task": {"type": first.task_type, "name": first.task_name},
            "dataset": {
                "name": first.dataset_name,
                "type": first.dataset_type,
                "config": first.dataset_config,
                "split": first.dataset_split,
                "revision": first.dataset_revision,
                "args": first.dataset_args,
            },
            "metrics": [
                {
                    "type": r.metric_type,
                    "value": r.metric_value,
                    "name": r.metric_name,
                    "config": r.metric_config,
                    "args": r.metric_args,
                    "verified": r.verified,
                    "verifyToken": r.verify_token,
                }
                for r in group
            ],
        }
        if first.source_url is not None:
            entry["source"] = {"url": first.source_url, "name": first.source_name}
        entries.append(entry)
    return _drop_none([{"name": model_name, "results": entries}])  # type: ignore[no-any-return]


def _unique(tags: Any) -> Any:
    if tags is None:
        return None
    if isinstance(tags, str):
        tags = [tags]
    return list(dict.fromkeys(tags)) if isinstance(tags, list) else tags


class CardData(BaseModel):
    """The front matter of a card: named fields, and every other key kept as written.

    Reads like huggingface_hub's ``CardData``: ``data.license``, ``data["license"]``,
    ``data.get("x", default)``, ``"x" in data``, ``data["x"] = 1``, ``data.to_dict()``.
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True, populate_by_name=True)

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise RepoCardError(f"{name}: {' '.join(str(exc).split())}") from exc

    def _entries(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in type(self).model_fields}
        out.update(self.model_extra or {})
        return out

    def to_dict(self) -> dict[str, Any]:
        """The front matter as a dict (``None`` values left out), ready to dump as YAML."""
        return {k: v for k, v in self._entries().items() if v is not None}

    def get(self, key: str, default: Any = None) -> Any:
        value = self._entries().get(key)
        return default if value is None else value

    def pop(self, key: str, default: Any = None) -> Any:
        if key in type(self).model_fields:
            value = getattr(self, key)
            setattr(self, key, None)
            return default if value is None else value
        extra = self.model_extra or {}
        return extra.pop(key, default)

    def __getitem__(self, key: str) -> Any:
        entries = self._entries()
        if key not in entries:
            raise KeyError(key)
        return entries[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key in type(self).model_fields:
            setattr(self, key, value)
        else:
            extra = self.__pydantic_extra__
            assert extra is not None
            extra[key] = value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._entries().get(key) is not None

    def __len__(self) -> int:
        return len(self.to_dict())

    def keys(self) -> Iterator[str]:
        return iter(self.to_dict())


class ModelCardData(CardData):
    """A model card's front matter; ``model-index`` is read into ``eval_results``."""

    base_model: str | list[str] | None = None
    datasets: str | list[str] | None = None
    eval_results: list[EvalResult] | None = None
    language: str | list[str] | None = None
    library_name: str | None = None
    license: str | list[str] | None = None
    license_name: str | None = None
    license_link: str | None = None
    metrics: str | list[str] | None = None
    model_name: str | None = None
    pipeline_tag: str | None = None
    tags: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _model_index(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "tags" in data:
            data["tags"] = _unique(data["tags"])
        index = data.pop("model-index", None)
        if index:
            try:
                data["model_name"], data["eval_results"] = model_index_to_eval_results(index)
            except (KeyError, TypeError) as exc:
                raise ValueError(f"Invalid `model-index` in the metadata: {exc!r}") from exc
        return data

    def model_post_init(self, context: Any, /) -> None:
        self._check_results()

    def _check_results(self) -> None:
        if self.eval_results and self.model_name is None:
            raise RepoCardError("Passing `eval_results` requires `model_name` to be set.")

    def to_dict(self) -> dict[str, Any]:
        self._check_results()
        out = super().to_dict()
        results = out.pop("eval_results", None)
        if results is not None:
            name = out.pop("model_name", None)
            out["model-index"] = eval_results_to_model_index(name or "", results)
        return {k: (v.model_dump() if isinstance(v, BaseModel) else v) for k, v in out.items()}


class DatasetCardData(CardData):
    """A dataset card's front matter."""

    annotations_creators: str | list[str] | None = None
    language_creators: str | list[str] | None = None
    language: str | list[str] | None = None
    license: str | list[str] | None = None
    multilinguality: str | list[str] | None = None
    size_categories: str | list[str] | None = None
    source_datasets: list[str] | None = None
    task_categories: str | list[str] | None = None
    task_ids: str | list[str] | None = None
    paperswithcode_id: str | None = None
    pretty_name: str | None = None
    config_names: str | list[str] | None = None
    train_eval_index: dict[str, Any] | list[dict[str, Any]] | None = Field(
        default=None, alias="train-eval-index"
    )

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if "train_eval_index" in out:
            out["train-eval-index"] = out.pop("train_eval_index")
        return out


class SpaceCardData(CardData):
    """A Space card's front matter."""

    title: str | None = None
    sdk: str | None = None
    sdk_version: str | None = None
    python_version: str | None = None
    app_file: str | None = None
    app_port: int | None = None
    license: str | list[str] | None = None
    duplicated_from: str | None = None
    models: list[str] | None = None
    datasets: list[str] | None = None
    tags: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _tags(cls, data: Any) -> Any:
        if isinstance(data, dict) and "tags" in data:
            data = {**data, "tags": _unique(data["tags"])}
        return data
