"""Inference Endpoints models: an endpoint (an object you can await: ``wait()``, ``fetch()``,
``pause()``…), its status and type, the hardware catalogue, and the Inference Catalog.

``InferenceEndpoint`` reads huggingface_hub 2.4.0's fields from the Endpoints API's JSON
(``raw`` keeps it whole) and keeps the client it came from: its methods call that client and
update the object in place, as huggingface_hub's do.

Example::

    endpoint = await client.get_inference_endpoint("my-endpoint")
    await endpoint.resume()
    await endpoint.wait(timeout=600)        # running, and its health route answers
    print(endpoint.status, endpoint.url)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import AliasChoices, Field, PrivateAttr

from hubclient.models._base import HubModel
from hubclient.models._enums import OpenEnum

__all__ = [
    "InferenceCatalogModel",
    "InferenceCatalogRecipe",
    "InferenceEndpoint",
    "InferenceEndpointHardware",
    "InferenceEndpointScalingMetric",
    "InferenceEndpointStatus",
    "InferenceEndpointType",
]


class InferenceEndpointStatus(OpenEnum):
    """The state of an endpoint (``endpoint.status``); compares equal to its string."""

    PENDING = "pending"
    INITIALIZING = "initializing"
    UPDATING = "updating"
    UPDATE_FAILED = "updateFailed"
    RUNNING = "running"
    PAUSED = "paused"
    FAILED = "failed"
    SCALED_TO_ZERO = "scaledToZero"


class InferenceEndpointType(OpenEnum):
    """Who may call an endpoint: anyone (public), a token (authenticated), a private link."""

    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    PRIVATE = "private"


class InferenceEndpointScalingMetric(OpenEnum):
    """What drives autoscaling."""

    PENDING_REQUESTS = "pendingRequests"
    HARDWARE_USAGE = "hardwareUsage"


class _Client(Protocol):
    """What an endpoint needs of the client it came from (the Inference Endpoints area)."""

    async def _refresh_endpoint(
        self, endpoint: InferenceEndpoint, action: str, **kw: Any
    ) -> Any: ...

    async def _wait_for_endpoint(
        self, endpoint: InferenceEndpoint, timeout: float | None, refresh_every: float
    ) -> Any: ...


def endpoint_fields(raw: dict[str, Any], namespace: str) -> dict[str, Any]:
    """The attributes of an endpoint, read from the API's JSON (missing parts are None)."""
    model = raw.get("model") or {}
    status = raw.get("status") or {}
    return {
        "name": raw.get("name"),
        "namespace": namespace,
        "repository": model.get("repository"),
        "status": status.get("state"),
        "url": status.get("url"),
        "health_route": raw.get("healthRoute") or "/health",
        "framework": model.get("framework"),
        "revision": model.get("revision"),
        "task": model.get("task"),
        "created_at": status.get("createdAt"),
        "updated_at": status.get("updatedAt"),
        "type": raw.get("type"),
        "raw": raw,
    }


class InferenceEndpoint(HubModel):
    """A deployed Inference Endpoint, whose methods are awaitable and update it in place.

    ``wait()`` returns once it is ``running`` and its health route answers 200, and raises
    ``InferenceEndpointError`` if it ends ``failed`` or ``updateFailed``.
    """

    name: str
    namespace: str
    repository: str | None = None
    status: InferenceEndpointStatus | None = None
    url: str | None = None
    """Where it answers once deployed (None before)."""
    health_route: str = "/health"
    framework: str | None = None
    revision: str | None = None
    task: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    type: InferenceEndpointType | None = None
    raw: dict[str, Any] = Field(default_factory=dict)
    _client: Any = PrivateAttr(default=None)
    _token: str | bool | None = PrivateAttr(default=None)

    def _bind(self, client: _Client | None, token: str | bool | None) -> InferenceEndpoint:
        self._client, self._token = client, token
        return self

    def _replace_with(self, other: InferenceEndpoint) -> None:
        for key in type(self).model_fields:
            setattr(self, key, getattr(other, key))

    async def fetch(self) -> InferenceEndpoint:
        """Read it again from the API (this object is updated and returned)."""
        return await self._call("fetch")

    async def wait(
        self, timeout: float | None = None, refresh_every: float = 5
    ) -> InferenceEndpoint:
        """Wait until it runs and answers its health route (``timeout`` seconds at most;
        ``InferenceEndpointTimeoutError`` after; ``InferenceEndpointError`` if it fails). One
        scaled to zero is woken by the first look at its health route. Cancelling stops it at
        once."""
        if self._client is None:
            raise RuntimeError("this InferenceEndpoint is not bound to a client")
        latest = await self._client._wait_for_endpoint(self, timeout, refresh_every)
        self._replace_with(latest)
        return self

    async def update(
        self,
        *,
        accelerator: str | None = None,
        instance_size: str | None = None,
        instance_type: str | None = None,
        min_replica: int | None = None,
        max_replica: int | None = None,
        scale_to_zero_timeout: int | None = None,
        repository: str | None = None,
        framework: str | None = None,
        revision: str | None = None,
        task: str | None = None,
        custom_image: dict[str, Any] | None = None,
        container_command: list[str] | None = None,
        container_args: list[str] | None = None,
        tensor_parallel_size: int | None = None,
        data_parallel_size: int | None = None,
        secrets: dict[str, str] | None = None,
    ) -> InferenceEndpoint:
        """Change its compute or model (see ``update_inference_endpoint``)."""
        return await self._call(
            "update",
            accelerator=accelerator,
            instance_size=instance_size,
            instance_type=instance_type,
            min_replica=min_replica,
            max_replica=max_replica,
            scale_to_zero_timeout=scale_to_zero_timeout,
            repository=repository,
            framework=framework,
            revision=revision,
            task=task,
            custom_image=custom_image,
            container_command=container_command,
            container_args=container_args,
            tensor_parallel_size=tensor_parallel_size,
            data_parallel_size=data_parallel_size,
            secrets=secrets,
        )

    async def pause(self) -> InferenceEndpoint:
        """Pause it (not billed; ``resume()`` starts it again)."""
        return await self._call("pause")

    async def resume(self, running_ok: bool = True) -> InferenceEndpoint:
        """Start it again after a pause (already running: fine unless ``running_ok=False``)."""
        return await self._call("resume", running_ok=running_ok)

    async def scale_to_zero(self) -> InferenceEndpoint:
        """Scale it to zero replicas (the next request starts it, after a cold start)."""
        return await self._call("scale_to_zero")

    async def delete(self) -> None:
        """Delete it (cannot be undone)."""
        await self._call("delete")

    async def _call(self, action: str, **kw: Any) -> InferenceEndpoint:
        if self._client is None:
            raise RuntimeError("this InferenceEndpoint is not bound to a client")
        latest = await self._client._refresh_endpoint(self, action, **kw)
        if latest is not None:
            self._replace_with(latest)
        return self


class InferenceEndpointHardware(HubModel):
    """Hardware an endpoint can be deployed on: the exact ``vendor``, ``region``,
    ``accelerator``, ``instance_type`` and ``instance_size`` to pass to
    ``create_inference_endpoint``, its price and the namespace's quota."""

    id: str
    vendor: str
    region: str
    accelerator: str
    instance_type: str
    instance_size: str
    architecture: str
    num_accelerators: int
    num_cpus: int | None = None
    memory_gb: float
    gpu_memory_gb: int | None = None
    price_per_hour: float
    status: str
    max_accelerators: int
    used_accelerators: int


class InferenceCatalogRecipe(HubModel):
    """A tested way of deploying a catalog model (hardware and engine)."""

    id: str = Field(validation_alias=AliasChoices("publicId", "id"))
    accelerator: str
    engine: str = Field(validation_alias=AliasChoices("engineType", "engine"))
    gguf_file: str | None = None
    revision: str | None = None


class InferenceCatalogModel(HubModel):
    """A model of the Inference Catalog, with its tested recipes."""

    repo_id: str
    name: str = Field(validation_alias=AliasChoices("modelName", "name"))
    author: str = Field(validation_alias=AliasChoices("authorName", "author"))
    license: str | None = None
    task: str | None = None
    created_at: datetime | None = None
    recipes: list[InferenceCatalogRecipe] = Field(default_factory=list)
