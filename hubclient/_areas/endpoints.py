"""Inference Endpoints: create (also from the Inference Catalog), get, list, update, pause,
resume, scale to zero, delete, the hardware list, and ``InferenceEndpoint.wait()``.

The Endpoints API lives on its own origin (setting ``inference_endpoints_url``, default
``https://api.endpoints.huggingface.cloud/v2``) and so does the Catalog
(``inference_catalog_url``); both get the token, as huggingface_hub sends it (see
``hubclient._http``), once they serve the client's Hub: a client of another Hub names its own,
so huggingface.co never gets that Hub's token. Requests share the client's pool, retries and
429 gates (one per origin).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from hubclient import _endpointspec
from hubclient._answers import list_of, parse_json
from hubclient._areas._base import Area
from hubclient._waits import check_wait_args, wait_until
from hubclient.errors import (
    HfHubHTTPError,
    HFValidationError,
    InferenceEndpointError,
    InferenceEndpointTimeoutError,
)
from hubclient.models.endpoints import (
    InferenceCatalogModel,
    InferenceEndpoint,
    InferenceEndpointHardware,
    InferenceEndpointScalingMetric,
    InferenceEndpointStatus,
    InferenceEndpointType,
    endpoint_fields,
)

__all__ = ["EndpointsArea"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}\Z")
_FAILED = {
    InferenceEndpointStatus.FAILED: "failed to deploy",
    InferenceEndpointStatus.UPDATE_FAILED: "failed to update",
}


def _segment(value: str, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise HFValidationError(f"not a valid {what}: {value!r}")
    return value


class EndpointsArea(Area):
    """Inference Endpoints (``create_inference_endpoint``, ``get_inference_endpoint``, …)."""

    def _api(self, path: str) -> str:
        api = self._settings.url_for_this_hub("inference_endpoints_url", "Inference Endpoints API")
        return f"{api}{path}"

    def _catalog(self, path: str) -> str:
        catalog = self._settings.url_for_this_hub("inference_catalog_url", "Inference Catalog")
        return f"{catalog}{path}"

    async def _namespace(self, namespace: str | None, token: bool | str | None) -> str:
        return _segment(namespace if namespace else await self._own_name(token), "namespace")

    def _endpoint(self, raw: Any, namespace: str, token: bool | str | None) -> InferenceEndpoint:
        if not isinstance(raw, dict):  # typed by parse_json, with the answer's URL
            raise TypeError("not an endpoint object")
        endpoint = InferenceEndpoint.model_validate(endpoint_fields(raw, namespace))
        return endpoint._bind(self, token)

    async def list_inference_endpoints(
        self, namespace: str | None = None, *, token: bool | str | None = None
    ) -> list[InferenceEndpoint]:
        """The endpoints of a namespace (default: the token's user; ``"*"``: the user's and
        those of every organisation they belong to that lets them see endpoints).

        Example::

            for endpoint in await client.list_inference_endpoints():
                print(endpoint.name, endpoint.status)
        """
        if namespace == "*":
            me = await self._whoami_for_endpoints(token)
            found = await self.list_inference_endpoints(me[0], token=token)
            for org in me[1]:
                try:
                    found += await self.list_inference_endpoints(org, token=token)
                except HfHubHTTPError as err:
                    if err.status_code != 401:  # no billing or no access: skipped
                        raise
            return found
        owner = await self._namespace(namespace, token)
        response = await self._http.request("GET", self._api(f"/endpoint/{owner}"), token=token)
        return parse_json(
            response,
            lambda v: [self._endpoint(item, owner, token) for item in v["items"]],
            expected='{"items": [endpoints]}',
        )

    async def _whoami_for_endpoints(self, token: bool | str | None) -> tuple[str, list[str]]:
        """The token's user and organisations (the namespaces of ``"*"``)."""
        name = await self._own_name(token)
        me = self._whoami_cache[self._http.resolve_token(token) or ""]
        return name, [org.name for org in me.orgs or []]

    async def create_inference_endpoint(
        self,
        name: str,
        *,
        repository: str,
        framework: str,
        accelerator: str,
        instance_size: str,
        instance_type: str,
        region: str,
        vendor: str,
        account_id: str | None = None,
        private_link_account_id: str | None = None,
        private_link_region: str | None = None,
        min_replica: int = 1,
        max_replica: int = 1,
        scaling_metric: InferenceEndpointScalingMetric | None = None,
        scaling_threshold: float | None = None,
        scale_to_zero_timeout: int | None = None,
        revision: str | None = None,
        task: str | None = None,
        custom_image: dict[str, Any] | None = None,
        container_registry_username: str | None = None,
        container_registry_password: str | None = None,
        container_command: list[str] | None = None,
        container_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
        type: InferenceEndpointType | str = InferenceEndpointType.AUTHENTICATED,
        domain: str | None = None,
        path: str | None = None,
        cache_http_responses: bool | None = None,
        tags: list[str] | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> InferenceEndpoint:
        """Deploy ``repository`` on an endpoint (``list_inference_endpoints_hardware`` lists the
        vendor/region/accelerator/instance combinations); returns it, ``pending``.
        ``account_id`` is ignored, as by huggingface_hub (use the PrivateLink arguments).

        Example::

            endpoint = await client.create_inference_endpoint(
                "my-endpoint", repository="acme/model", framework="pytorch", task="text-generation",
                accelerator="cpu", vendor="aws", region="us-east-1", instance_size="x2",
                instance_type="intel-icl",
            )
            await endpoint.wait(timeout=900)
        """
        payload = _endpointspec.create_payload(
            _segment(name, "endpoint name"),
            repository=repository,
            framework=framework,
            accelerator=accelerator,
            instance_size=instance_size,
            instance_type=instance_type,
            region=region,
            vendor=vendor,
            private_link_account_id=private_link_account_id,
            private_link_region=private_link_region,
            min_replica=min_replica,
            max_replica=max_replica,
            scaling_metric=scaling_metric,
            scaling_threshold=scaling_threshold,
            scale_to_zero_timeout=scale_to_zero_timeout,
            revision=revision,
            task=task,
            custom_image=custom_image,
            registry_username=container_registry_username,
            registry_password=container_registry_password,
            container_command=container_command,
            container_args=container_args,
            env=env,
            secrets=secrets,
            type=str(type),
            domain=domain,
            path=path,
            cache_http_responses=cache_http_responses,
            tags=tags,
        )
        owner = await self._namespace(namespace, token)
        response = await self._http.request(
            "POST", self._api(f"/endpoint/{owner}"), json=payload, token=token
        )
        return parse_json(
            response, lambda v: self._endpoint(v, owner, token), expected="an Inference Endpoint"
        )

    async def create_inference_endpoint_from_catalog(
        self,
        repo_id: str | None = None,
        *,
        recipe_id: str | None = None,
        name: str | None = None,
        accelerator: str | None = None,
        gguf_file: str | None = None,
        token: bool | str | None = None,
        namespace: str | None = None,
    ) -> InferenceEndpoint:
        """Deploy a model of the Inference Catalog: its default recipe (``repo_id``, narrowed
        by ``accelerator`` and ``gguf_file``) or an exact one (``recipe_id``).

        Example::

            endpoint = await client.create_inference_endpoint_from_catalog("Qwen/Qwen2.5-7B")
        """
        if token is False:
            raise HFValidationError(
                "Cannot use `token=False` with `create_inference_endpoint_from_catalog`: it "
                "requires authentication."
            )
        if (repo_id is None) == (recipe_id is None):
            raise HFValidationError("Provide exactly one of `repo_id` or `recipe_id`.")
        if recipe_id is not None and (accelerator is not None or gguf_file is not None):
            raise HFValidationError(
                "`accelerator` and `gguf_file` cannot be used with `recipe_id`, which already is "
                "a recipe."
            )
        owner = await self._namespace(namespace, token)
        payload: dict[str, Any] = {"namespace": owner}
        if name is not None:
            payload["config"] = {"name": _segment(name, "endpoint name")}
        if recipe_id is not None:
            url = self._catalog(f"/recipe/{_segment(recipe_id, 'recipe id')}/deploy")
        else:
            assert repo_id is not None
            if repo_id.count("/") != 1 or not all(_NAME.match(p) for p in repo_id.split("/")):
                raise HFValidationError(f"not a model id (namespace/name): {repo_id!r}")
            url = self._catalog(f"/model/{repo_id}/deploy")
            if accelerator is not None:
                payload["accelerator"] = accelerator
            if gguf_file is not None:
                payload["ggufFile"] = gguf_file
        response = await self._http.request("POST", url, json=payload, token=token)
        return parse_json(
            response,
            lambda v: self._endpoint(v["endpoint"], owner, token),
            expected='{"endpoint": ...}',
        )

    async def list_inference_catalog(
        self,
        *,
        accelerator: str | None = None,
        engine: str | None = None,
        license: str | None = None,
        task: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        token: bool | str | None = None,
    ) -> list[InferenceCatalogModel]:
        """The models of the Inference Catalog, each with its tested recipes.

        Example::

            for model in await client.list_inference_catalog(task="text-generation"):
                print(model.repo_id, [r.id for r in model.recipes])
        """
        params = {
            "accelerator": accelerator,
            "engine": engine,
            "license": license,
            "task": task,
            "search": search,
            "limit": limit,
        }
        response = await self._http.request(
            "GET", self._catalog("/list"), params=params, token=token
        )
        return parse_json(
            response,
            lambda v: list_of(InferenceCatalogModel)(v["items"]),
            expected='{"items": [catalog models]}',
        )

    async def get_inference_endpoint(
        self, name: str, *, namespace: str | None = None, token: bool | str | None = None
    ) -> InferenceEndpoint:
        """An endpoint as it is now.

        Example::

            endpoint = await client.get_inference_endpoint("my-endpoint")
            print(endpoint.status, endpoint.url)
        """
        owner = await self._namespace(namespace, token)
        url = self._api(f"/endpoint/{owner}/{_segment(name, 'endpoint name')}")
        response = await self._http.request("GET", url, token=token)
        return parse_json(
            response, lambda v: self._endpoint(v, owner, token), expected="an Inference Endpoint"
        )

    async def update_inference_endpoint(
        self,
        name: str,
        *,
        accelerator: str | None = None,
        instance_size: str | None = None,
        instance_type: str | None = None,
        min_replica: int | None = None,
        max_replica: int | None = None,
        scale_to_zero_timeout: int | None = None,
        scaling_metric: InferenceEndpointScalingMetric | None = None,
        scaling_threshold: float | None = None,
        repository: str | None = None,
        framework: str | None = None,
        revision: str | None = None,
        task: str | None = None,
        custom_image: dict[str, Any] | None = None,
        container_command: list[str] | None = None,
        container_args: list[str] | None = None,
        tensor_parallel_size: int | None = None,
        data_parallel_size: int | None = None,
        env: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
        domain: str | None = None,
        path: str | None = None,
        cache_http_responses: bool | None = None,
        tags: list[str] | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> InferenceEndpoint:
        """Change an endpoint's compute, model, route or tags (only what is given); returns it,
        usually ``updating``. The parallelism sizes are written into the image the endpoint
        runs (fetched first unless ``custom_image`` is given).

        Example::

            await client.update_inference_endpoint("my-endpoint", min_replica=0, max_replica=4)
        """
        owner = await self._namespace(namespace, token)
        image = None
        if tensor_parallel_size is not None or data_parallel_size is not None:
            if custom_image is not None:
                image = _endpointspec.image_payload(custom_image)
            else:
                current = await self.get_inference_endpoint(name, namespace=owner, token=token)
                image = (current.raw.get("model") or {}).get("image") or {}
                if "credentials" in next(iter(image.values()), {}):
                    raise HFValidationError(
                        f"Endpoint '{name}' runs an image with registry credentials, which "
                        "cannot be round-tripped. Pass the full image to set the parallelism."
                    )
            image = _endpointspec.set_parallelism(
                image,
                tensor_parallel_size=tensor_parallel_size,
                data_parallel_size=data_parallel_size,
            )
        payload = _endpointspec.update_payload(
            accelerator=accelerator,
            instance_size=instance_size,
            instance_type=instance_type,
            min_replica=min_replica,
            max_replica=max_replica,
            scale_to_zero_timeout=scale_to_zero_timeout,
            scaling_metric=scaling_metric,
            scaling_threshold=scaling_threshold,
            repository=repository,
            framework=framework,
            revision=revision,
            task=task,
            custom_image=custom_image if image is None else None,
            image=image,
            container_command=container_command,
            container_args=container_args,
            env=env,
            secrets=secrets,
            domain=domain,
            path=path,
            cache_http_responses=cache_http_responses,
            tags=tags,
        )
        url = self._api(f"/endpoint/{owner}/{_segment(name, 'endpoint name')}")
        response = await self._http.request("PUT", url, json=payload, token=token)
        return parse_json(
            response, lambda v: self._endpoint(v, owner, token), expected="an Inference Endpoint"
        )

    async def delete_inference_endpoint(
        self, name: str, *, namespace: str | None = None, token: bool | str | None = None
    ) -> None:
        """Delete an endpoint (cannot be undone; ``pause`` or ``scale_to_zero`` stop billing).

        Example::

            await client.delete_inference_endpoint("my-endpoint")
        """
        owner = await self._namespace(namespace, token)
        url = self._api(f"/endpoint/{owner}/{_segment(name, 'endpoint name')}")
        await self._http.request("DELETE", url, token=token)

    async def _action(
        self, name: str, action: str, namespace: str | None, token: bool | str | None
    ) -> InferenceEndpoint:
        owner = await self._namespace(namespace, token)
        url = self._api(f"/endpoint/{owner}/{_segment(name, 'endpoint name')}/{action}")
        response = await self._http.request("POST", url, token=token)
        return parse_json(
            response, lambda v: self._endpoint(v, owner, token), expected="an Inference Endpoint"
        )

    async def pause_inference_endpoint(
        self, name: str, *, namespace: str | None = None, token: bool | str | None = None
    ) -> InferenceEndpoint:
        """Pause an endpoint (not billed until ``resume_inference_endpoint``).

        Example::

            endpoint = await client.pause_inference_endpoint("my-endpoint")
        """
        return await self._action(name, "pause", namespace, token)

    async def resume_inference_endpoint(
        self,
        name: str,
        *,
        namespace: str | None = None,
        running_ok: bool = True,
        token: bool | str | None = None,
    ) -> InferenceEndpoint:
        """Start a paused endpoint again; an endpoint already running is fine (returned as it
        is) unless ``running_ok=False``.

        Example::

            endpoint = await client.resume_inference_endpoint("my-endpoint")
        """
        try:
            return await self._action(name, "resume", namespace, token)
        except HfHubHTTPError as err:
            if running_ok and err.status_code == 400 and "already running" in str(err):
                return await self.get_inference_endpoint(name, namespace=namespace, token=token)
            raise

    async def scale_to_zero_inference_endpoint(
        self, name: str, *, namespace: str | None = None, token: bool | str | None = None
    ) -> InferenceEndpoint:
        """Scale an endpoint to zero replicas (its next request wakes it, after a cold start).

        Example::

            endpoint = await client.scale_to_zero_inference_endpoint("my-endpoint")
        """
        return await self._action(name, "scale-to-zero", namespace, token)

    async def list_inference_endpoints_hardware(
        self, *, namespace: str | None = None, token: bool | str | None = None
    ) -> list[InferenceEndpointHardware]:
        """The hardware endpoints can run on, in every vendor and region, with prices and the
        namespace's accelerator quota.

        Example::

            gpus = [hw.id for hw in await client.list_inference_endpoints_hardware()
                    if hw.accelerator == "gpu" and hw.status == "available"]
        """
        owner = await self._namespace(namespace, token)
        response = await self._http.request("GET", self._api(f"/provider/{owner}"), token=token)
        return parse_json(response, _hardware, expected='{"vendors": [...]}')

    # ------------------------------------------------------------------ InferenceEndpoint

    async def _refresh_endpoint(
        self, endpoint: InferenceEndpoint, action: str, **kw: Any
    ) -> InferenceEndpoint | None:
        """What ``InferenceEndpoint.fetch()``, ``.pause()``… do: the call, by its name."""
        name, namespace, token = endpoint.name, endpoint.namespace, endpoint._token
        if action == "fetch":
            return await self.get_inference_endpoint(name, namespace=namespace, token=token)
        if action == "update":
            return await self.update_inference_endpoint(
                name, **kw, namespace=namespace, token=token
            )
        if action == "pause":
            return await self.pause_inference_endpoint(name, namespace=namespace, token=token)
        if action == "resume":
            return await self.resume_inference_endpoint(
                name, namespace=namespace, running_ok=bool(kw.get("running_ok", True)), token=token
            )
        if action == "scale_to_zero":
            return await self.scale_to_zero_inference_endpoint(
                name, namespace=namespace, token=token
            )
        if action == "delete":
            await self.delete_inference_endpoint(name, namespace=namespace, token=token)
            return None
        raise ValueError(f"unknown endpoint action {action!r}")

    async def _wait_for_endpoint(
        self, endpoint: InferenceEndpoint, timeout: float | None, refresh_every: float
    ) -> InferenceEndpoint:
        """``InferenceEndpoint.wait()``: running, and its health route answers 200."""
        check_wait_args(timeout, refresh_every)

        async def look() -> tuple[InferenceEndpoint, bool]:
            latest = await self.get_inference_endpoint(
                endpoint.name, namespace=endpoint.namespace, token=endpoint._token
            )
            if latest.status in _FAILED:
                raise InferenceEndpointError(
                    f"Inference Endpoint {latest.name} {_FAILED[latest.status]}: "
                    f"{(latest.raw.get('status') or {}).get('message') or 'see its logs'}"
                )
            # scaled to zero, it wakes at the first request: the health route is that request
            awake = (InferenceEndpointStatus.RUNNING, InferenceEndpointStatus.SCALED_TO_ZERO)
            if latest.status not in awake or not latest.url:
                return latest, False
            health = f"{latest.url.rstrip('/')}/{latest.health_route.lstrip('/')}"
            try:
                answer = await self._http.request(
                    "GET", health, token=endpoint._token, retry=False, raise_for_status=False
                )
            except httpx.TransportError:
                return latest, False  # not reachable yet
            ready = latest.status == InferenceEndpointStatus.RUNNING
            return latest, ready and answer.status_code == 200

        try:
            latest, _ = await wait_until(
                look,
                lambda seen: seen[1],
                timeout=timeout,
                poll_interval=refresh_every,
                what=f"Inference Endpoint '{endpoint.name}'",
                describe=lambda seen: f"still {seen[0].status} (not deployed)",
                error=InferenceEndpointTimeoutError,
            )
        except InferenceEndpointTimeoutError as err:
            if isinstance(err.last, tuple):
                err.last = err.last[0]  # the endpoint, not the look's (endpoint, healthy)
            raise
        return latest


def _hardware(value: Any) -> list[InferenceEndpointHardware]:
    """The flat list of computes of the ``/provider`` answer (vendor > region > compute)."""
    out: list[InferenceEndpointHardware] = []
    for vendor in value["vendors"]:
        for region in vendor["regions"]:
            for compute in region["computes"]:
                quota = compute.get("quota") or {}
                out.append(
                    InferenceEndpointHardware.model_validate(
                        {
                            **compute,
                            "vendor": vendor["name"],
                            "region": region["name"],
                            "maxAccelerators": quota.get("maxAccelerators", 0),
                            "usedAccelerators": quota.get("usedAccelerators", 0),
                        }
                    )
                )
    return out
