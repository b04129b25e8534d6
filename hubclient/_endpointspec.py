"""What the Inference Endpoints API is sent: the create and update payloads, the image.

Payloads are huggingface_hub 2.4.0's (``compute``, ``model``, ``provider``, ``route``,
``privateService``…), so an endpoint made by either client is the same endpoint.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from hubclient.errors import HFValidationError

__all__ = ["create_payload", "image_payload", "set_parallelism", "update_payload"]

_TENSOR_PARALLEL_IMAGES = ("sGLang", "vLLM")
_DATA_PARALLEL_IMAGES = ("vLLM",)


def image_payload(
    custom_image: Mapping[str, Any],
    *,
    registry_username: str | None = None,
    registry_password: str | None = None,
) -> dict[str, Any]:
    """``model.image``: a dict keyed by variant (``{"vLLM": {...}}``) goes as it is; a flat
    container (it has a ``url``) is wrapped in ``{"custom": ...}``, with registry credentials."""
    image = {"custom": dict(custom_image)} if "url" in custom_image else dict(custom_image)
    if registry_password is not None and registry_username is None:
        raise HFValidationError(
            "`container_registry_password` requires `container_registry_username`."
        )
    if registry_username is None:
        return image
    custom = image.get("custom")
    if not isinstance(custom, dict):
        raise HFValidationError(
            "Container registry credentials can only be set for a custom image."
        )
    credentials = {"username": registry_username}
    if registry_password is not None:
        credentials["password"] = registry_password
    return {**image, "custom": {**custom, "credentials": credentials}}


def set_parallelism(
    image: Mapping[str, Any], *, tensor_parallel_size: int | None, data_parallel_size: int | None
) -> dict[str, Any]:
    """The image with the parallelism sizes written into its engine config."""
    key = next(iter(image), None)
    if key is None:
        raise HFValidationError("Cannot set the parallelism sizes: the image payload is empty.")
    for value, name, supported in (
        (tensor_parallel_size, "tensor_parallel_size", _TENSOR_PARALLEL_IMAGES),
        (data_parallel_size, "data_parallel_size", _DATA_PARALLEL_IMAGES),
    ):
        if value is not None and key not in supported:
            warnings.warn(
                f"`{name}` is not a known setting of the '{key}' image: the API will silently "
                f"drop it. Engines that support it: {', '.join(supported)}.",
                UserWarning,
                stacklevel=3,
            )
    config = dict(image[key])
    if tensor_parallel_size is not None:
        config["tensorParallelSize"] = tensor_parallel_size
    if data_parallel_size is not None:
        config["dataParallelSize"] = data_parallel_size
    return {key: config}


def create_payload(
    name: str,
    *,
    repository: str,
    framework: str,
    accelerator: str,
    instance_size: str,
    instance_type: str,
    region: str,
    vendor: str,
    private_link_account_id: str | None,
    private_link_region: str | None,
    min_replica: int,
    max_replica: int,
    scaling_metric: str | None,
    scaling_threshold: float | None,
    scale_to_zero_timeout: int | None,
    revision: str | None,
    task: str | None,
    custom_image: Mapping[str, Any] | None,
    registry_username: str | None,
    registry_password: str | None,
    container_command: Sequence[str] | None,
    container_args: Sequence[str] | None,
    env: Mapping[str, str] | None,
    secrets: Mapping[str, str] | None,
    type: str,
    domain: str | None,
    path: str | None,
    cache_http_responses: bool | None,
    tags: Sequence[str] | None,
) -> dict[str, Any]:
    if str(type) == "protected":
        raise HFValidationError(
            "`type='protected'` is no longer supported. Use `type='authenticated'` instead."
        )
    if custom_image is None:
        if registry_password is not None and registry_username is None:
            raise HFValidationError(
                "`container_registry_password` requires `container_registry_username`."
            )
        if registry_username is not None:
            raise HFValidationError(
                "`custom_image` is required when setting container registry credentials."
            )
        image: dict[str, Any] = {"huggingface": {}}
    else:
        image = image_payload(
            custom_image, registry_username=registry_username, registry_password=registry_password
        )
    payload: dict[str, Any] = {
        "compute": {
            "accelerator": accelerator,
            "instanceSize": instance_size,
            "instanceType": instance_type,
            "scaling": {
                "maxReplica": max_replica,
                "minReplica": min_replica,
                "scaleToZeroTimeout": scale_to_zero_timeout,
            },
        },
        "model": {
            "framework": framework,
            "repository": repository,
            "revision": revision,
            "image": image,
        },
        "name": name,
        "provider": {"region": region, "vendor": vendor},
        "type": str(type),
    }
    if private_link_account_id is not None:
        if private_link_region is None:
            raise HFValidationError(
                "`private_link_region` is required with `private_link_account_id`: the AWS region "
                "of the PrivateLink entry point, 'us-east-1' or 'eu-west-1'."
            )
        payload["privateService"] = {
            "accountId": private_link_account_id,
            "region": private_link_region,
        }
    if scaling_metric:
        payload["compute"]["scaling"]["measure"] = {str(scaling_metric): scaling_threshold}
    model = payload["model"]
    if task is not None:  # not nullable on the API's side, unlike revision
        model["task"] = task
    if container_command is not None:
        model["command"] = list(container_command)
    if container_args is not None:
        model["args"] = list(container_args)
    if env:
        model["env"] = dict(env)
    if secrets:
        model["secrets"] = dict(secrets)
    if domain is not None or path is not None:
        payload["route"] = {k: v for k, v in (("domain", domain), ("path", path)) if v is not None}
    if cache_http_responses is not None:
        payload["cacheHttpResponses"] = cache_http_responses
    if tags is not None:
        payload["tags"] = list(tags)
    return payload


def update_payload(**fields: Any) -> dict[str, Any]:
    """The update body: only what is given (``HFValidationError`` when nothing is)."""
    payload: dict[str, dict[str, Any]] = {"compute": {}, "model": {}, "route": {}}
    scaling: dict[str, Any] = {}
    compute = (
        ("accelerator", "accelerator"),
        ("instance_size", "instanceSize"),
        ("instance_type", "instanceType"),
    )
    for arg, key in compute:
        if fields.get(arg) is not None:
            payload["compute"][key] = fields[arg]
    for arg, key in (
        ("max_replica", "maxReplica"),
        ("min_replica", "minReplica"),
        ("scale_to_zero_timeout", "scaleToZeroTimeout"),
    ):
        if fields.get(arg) is not None:
            scaling[key] = fields[arg]
    if fields.get("scaling_metric"):
        scaling["measure"] = {str(fields["scaling_metric"]): fields.get("scaling_threshold")}
    if scaling:
        payload["compute"]["scaling"] = scaling
    for arg, key in (
        ("repository", "repository"),
        ("framework", "framework"),
        ("revision", "revision"),
        ("task", "task"),
        ("container_command", "command"),
        ("container_args", "args"),
        ("env", "env"),
        ("secrets", "secrets"),
    ):
        if fields.get(arg) is not None:
            payload["model"][key] = fields[arg]
    if fields.get("custom_image") is not None:
        payload["model"]["image"] = image_payload(fields["custom_image"])
    if fields.get("image") is not None:
        payload["model"]["image"] = fields["image"]
    for arg in ("domain", "path"):
        if fields.get(arg) is not None:
            payload["route"][arg] = fields[arg]
    out: dict[str, Any] = {k: v for k, v in payload.items() if v}
    if fields.get("cache_http_responses") is not None:
        out["cacheHttpResponses"] = fields["cache_http_responses"]
    if fields.get("tags") is not None:
        out["tags"] = list(fields["tags"])
    if not out:
        raise HFValidationError("update_inference_endpoint: give at least one thing to change")
    return out
