"""Repo info and listing models: ModelInfo, DatasetInfo, SpaceInfo, RepoUrl and their parts.

Attribute names are huggingface_hub's (``sha``, ``last_modified``, ``siblings``,
``card_data``…); wire names (``lastModified``, ``cardData``…) are accepted as aliases and
every unknown field is kept.

Example::

    info = ModelInfo.model_validate({"id": "acme/m", "sha": "0" * 40, "likes": 3})
    info.sha, info.likes, info.siblings   # ('000…', 3, None)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from hubclient.models._base import HubModel
from hubclient.models.files import RepoSibling
from hubclient.models.spaces import SpaceRuntime

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "CardData",
    "DatasetInfo",
    "DuplicatedRepoUrl",
    "KernelInfo",
    "ModelInfo",
    "RepoInfo",
    "RepoUrl",
    "SafeTensorsInfo",
    "SpaceInfo",
    "SpaceRuntime",
    "TransformersInfo",
]


class CardData(BaseModel):
    """The YAML metadata of a repo card, as the Hub parsed it.

    Any key is an attribute (``card.license``) and an item (``card["license"]``).
    """

    model_config = ConfigDict(extra="allow")

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.to_dict().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class SafeTensorsInfo(HubModel):
    """Parameter counts per dtype and in total."""

    parameters: dict[str, int] = Field(default_factory=dict)
    total: int = 0


class TransformersInfo(HubModel):
    """How transformers loads the model."""

    auto_model: str = Field(default="", alias="auto_model")
    custom_class: str | None = Field(default=None, alias="custom_class")
    pipeline_tag: str | None = Field(default=None, alias="pipeline_tag")
    processor: str | None = None


class _RepoInfoBase(HubModel):
    id: str
    author: str | None = None
    sha: str | None = None
    created_at: datetime | None = None
    last_modified: datetime | None = None
    private: bool | None = None
    gated: str | bool | None = None
    """``False``, ``"auto"`` or ``"manual"``."""
    disabled: bool | None = None
    likes: int | None = None
    tags: list[str] | None = None
    trending_score: float | None = None
    used_storage: int | None = None
    resource_group: dict[str, Any] | None = None
    siblings: list[RepoSibling] | None = None
    card_data: CardData | None = None
    xet_enabled: bool | None = None

    @property
    def repo_id(self) -> str:
        return self.id


class ModelInfo(_RepoInfoBase):
    """A model repo (``model_info``, ``list_models``).

    Most fields are optional: listings return a reduced set, ``expand=`` selects fields.
    """

    model_id: str | None = None
    downloads: int | None = None
    downloads_all_time: int | None = None
    library_name: str | None = Field(default=None, alias="library_name")
    pipeline_tag: str | None = Field(default=None, alias="pipeline_tag")
    mask_token: str | None = Field(default=None, alias="mask_token")
    widget_data: Any = None
    model_index: Any = Field(
        default=None,
        validation_alias=AliasChoices("model-index", "model_index", "modelIndex"),
        serialization_alias="model-index",
    )
    config: dict[str, Any] | None = None
    transformers_info: TransformersInfo | None = None
    safetensors: SafeTensorsInfo | None = None
    gguf: dict[str, Any] | None = None
    inference: str | None = None
    inference_provider_mapping: Any = None
    spaces: list[str] | None = None
    security_repo_status: dict[str, Any] | None = None
    base_models: Any = None
    children_model_count: int | None = None
    eval_results: Any = None


class DatasetInfo(_RepoInfoBase):
    """A dataset repo (``dataset_info``, ``list_datasets``)."""

    downloads: int | None = None
    downloads_all_time: int | None = None
    citation: str | None = None
    description: str | None = None
    main_size: int | None = None
    paperswithcode_id: str | None = Field(default=None, alias="paperswithcode_id")


class SpaceInfo(_RepoInfoBase):
    """A Space repo (``space_info``, ``list_spaces``)."""

    sdk: str | None = None
    host: str | None = None
    subdomain: str | None = None
    runtime: SpaceRuntime | None = None
    models: list[str] | None = None
    datasets: list[str] | None = None
    region: str | None = None


class KernelInfo(_RepoInfoBase):
    """A kernel repo (``kernel_info``, ``repo_info(repo_type="kernel")``)."""

    downloads: int | None = None


RepoInfo = ModelInfo | DatasetInfo | SpaceInfo | KernelInfo

_TYPE_PREFIXES: dict[str, Literal["dataset", "space", "kernel"]] = {
    "datasets": "dataset",
    "spaces": "space",
    "kernels": "kernel",
}


class RepoUrl(BaseModel):
    """The URL of a repo on a Hub, parsed (what ``create_repo`` returns).

    ``str(url)`` is the URL. Attributes: ``endpoint``, ``repo_type``, ``repo_id``,
    ``namespace``, ``repo_name``.

    Example::

        url = RepoUrl.parse("http://127.0.0.1:8000/datasets/acme/data", endpoint="http://127.0.0.1:8000")
        url.repo_type, url.repo_id   # ('dataset', 'acme/data')
    """

    model_config = ConfigDict(frozen=True)

    url: str
    endpoint: str
    repo_type: Literal["model", "dataset", "space", "kernel"]
    repo_id: str
    namespace: str
    repo_name: str

    @classmethod
    def parse(cls, url: str, *, endpoint: str) -> Self:
        """Parse ``<endpoint>/[datasets/|spaces/|kernels/]<namespace>/<name>``.

        The URL must be on the endpoint (a path prefix of the endpoint is allowed) or on
        ``huggingface.co``; anything else raises ``ValueError``.
        """
        endpoint = endpoint.rstrip("/")
        if url.startswith(endpoint + "/"):
            rest = url[len(endpoint) + 1 :]
        else:
            parts = urlsplit(url)
            if parts.hostname not in ("huggingface.co", "hf.co"):
                raise ValueError(f"{url!r} is not a repo URL on {endpoint!r}")
            rest = parts.path.lstrip("/")
        segments = [s for s in rest.split("?")[0].split("/") if s]
        repo_type: Literal["model", "dataset", "space", "kernel"] = "model"
        if segments and segments[0] in _TYPE_PREFIXES:
            repo_type = _TYPE_PREFIXES[segments.pop(0)]
        if len(segments) < 2:
            raise ValueError(f"{url!r} does not name a repo (namespace/name)")
        namespace, name = segments[0], segments[1]
        return cls(
            url=url,
            endpoint=endpoint,
            repo_type=repo_type,
            repo_id=f"{namespace}/{name}",
            namespace=namespace,
            repo_name=name,
        )

    def __str__(self) -> str:
        return self.url


class DuplicatedRepoUrl(RepoUrl):
    """The URL of a repo made by ``duplicate_repo``; ``files_copy_pending`` is True while the
    Hub still copies LFS objects in the background (their downloads may fail until then)."""

    files_copy_pending: bool = False
