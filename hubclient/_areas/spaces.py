"""Spaces: runtime, hardware, sleep, pause and restart, dev mode, secrets, variables, volumes,
logs, waits, templates, the ZeroGPU quota and ``duplicate_space``."""

from __future__ import annotations

import re
import warnings
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import httpx

from hubclient._answers import list_of, parse_json
from hubclient._areas._base import Area
from hubclient._events import StreamOptions, stream_events
from hubclient._urls import validate_repo_id
from hubclient._waits import wait_until
from hubclient.errors import HfHubHTTPError, HFValidationError
from hubclient.models.jobs import JobHardwareInfo
from hubclient.models.repos import RepoUrl
from hubclient.models.spaces import (
    INTERMEDIATE_SPACE_STAGES,
    SpaceHardware,
    SpaceRuntime,
    SpaceSecret,
    SpaceStorage,
    SpaceTemplate,
    SpaceVariable,
    Volume,
    ZeroGpuQuota,
)

__all__ = ["SpacesArea"]

_Entry = TypeVar("_Entry", SpaceSecret, SpaceVariable)

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,255}\Z")
_CPU_BASIC_SLEEP = (
    "If your Space runs on the default 'cpu-basic' hardware, it will go to sleep if inactive for "
    "more than 48 hours. This value is not configurable. If you don't want your Space to "
    "deactivate or if you want to set a custom sleep time, you need to upgrade to a paid Hardware."
)


def _space(repo_id: str) -> str:
    """``/api/spaces/<repo_id>`` for a checked ``namespace/name``."""
    validate_repo_id(repo_id)
    if "/" not in repo_id:
        raise HFValidationError(f"a Space id is 'namespace/name', not {repo_id!r}")
    return f"/api/spaces/{repo_id}"


def _key(key: str, what: str) -> str:
    """A secret's or variable's name: an environment variable name, checked before sending."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise HFValidationError(
            f"invalid {what} key {key!r}: it becomes an environment variable, so it must start "
            "with a letter or '_' and hold only letters, digits and '_' (at most 256 chars)"
        )
    return key


def _entries(response: httpx.Response, cls: type[_Entry]) -> dict[str, _Entry]:
    def entries(data: Any) -> dict[str, _Entry]:
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        return {
            key: cls.model_validate({**value, "key": key})
            for key, value in data.items()
            if isinstance(value, dict)
        }

    return parse_json(response, entries, expected="a JSON object of keys")


class SpacesArea(Area):
    """Spaces: what runs (``get_space_runtime``, ``wait_for_space``, ``fetch_space_logs``), on
    what (``request_space_hardware``, …), with what (secrets, variables, volumes)."""

    async def get_space_runtime(
        self, repo_id: str, *, token: bool | str | None = None
    ) -> SpaceRuntime:
        """The runtime of a Space: stage, hardware, sleep time, dev mode, volumes.

        Example::

            runtime = await client.get_space_runtime("acme/demo")
            print(runtime.stage, runtime.hardware)
        """
        response = await self._http.request("GET", f"{_space(repo_id)}/runtime", token=token)
        return parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")

    async def wait_for_space(
        self,
        repo_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        token: bool | str | None = None,
    ) -> SpaceRuntime:
        """Wait until the Space is no longer building or starting; return its runtime.

        Looks every ``poll_interval`` seconds; returns on any other stage (check
        ``runtime.stage``: ``RUNNING``, ``BUILD_ERROR``, …). Raises ``WaitTimeoutError`` (a
        ``TimeoutError``, with the last runtime as ``.last``) after ``timeout`` seconds, and
        ``RepositoryNotFoundError`` if the Space is deleted meanwhile. Cancelling stops it at
        once; many waits in one task group share the client's pool and 429 gate.

        Example::

            await client.restart_space("acme/demo")
            runtime = await client.wait_for_space("acme/demo", timeout=600)
        """
        return await wait_until(
            lambda: self.get_space_runtime(repo_id, token=token),
            lambda runtime: runtime.stage not in INTERMEDIATE_SPACE_STAGES,
            timeout=timeout,
            poll_interval=poll_interval,
            what=f"Space '{repo_id}'",
            describe=lambda runtime: f"still in stage '{runtime.stage}'",
        )

    async def fetch_space_logs(
        self,
        repo_id: str,
        *,
        build: bool = False,
        follow: bool = False,
        token: bool | str | None = None,
        idle_timeout: float | None = None,
        poll_interval: float = 1.0,
        max_reconnects: int = 5,
    ) -> AsyncIterator[str]:
        """The run logs of a Space (``build=True``: its build logs), line by line.

        Without ``follow``: the lines logged so far, then stop. With ``follow``: as they come,
        until the Hub ends the stream and the Space is no longer building or starting. A
        stream that breaks (even mid-line) is resumed where it was; after ``max_reconnects``
        breaks in a row it raises ``LogStreamError``. ``idle_timeout``: seconds of silence that
        end a replay (default 5) or, when following, make us look at the Space (default 120).

        Example::

            async for line in client.fetch_space_logs("acme/demo", build=True, follow=True):
                print(line, end="")
        """
        base = _space(repo_id)
        options = StreamOptions(
            follow=follow,
            idle_timeout=idle_timeout if idle_timeout is not None else (120.0 if follow else 5.0),
            poll_interval=poll_interval,
            max_reconnects=max_reconnects,
        )

        async def still_starting() -> bool:
            runtime = await self.get_space_runtime(repo_id, token=token)
            return runtime.stage in INTERMEDIATE_SPACE_STAGES

        url = f"{base}/logs/{'build' if build else 'run'}"
        async for event in stream_events(
            self._http, url, token=token, options=options, keep_going=still_starting
        ):
            data = event.get("data")
            if isinstance(data, str):
                yield data

    async def request_space_hardware(
        self,
        repo_id: str,
        hardware: SpaceHardware | str,
        *,
        token: bool | str | None = None,
        sleep_time: int | None = None,
    ) -> SpaceRuntime:
        """Ask for other hardware (the Space restarts on it). Hardware the Hub does not offer
        is refused with ``BadRequestError`` (``list_spaces_hardware`` lists what it offers).

        Example::

            runtime = await client.request_space_hardware("acme/demo", "t4-small")
        """
        if sleep_time is not None and hardware == SpaceHardware.CPU_BASIC:
            warnings.warn(_CPU_BASIC_SLEEP, UserWarning, stacklevel=2)
        payload: dict[str, Any] = {"flavor": str(hardware)}
        if sleep_time is not None:
            payload["sleepTimeSeconds"] = sleep_time
        response = await self._http.request(
            "POST", f"{_space(repo_id)}/hardware", json=payload, token=token
        )
        return parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")

    async def set_space_sleep_time(
        self, repo_id: str, sleep_time: int, *, token: bool | str | None = None
    ) -> SpaceRuntime:
        """Seconds of inactivity before the Space sleeps (-1: never; upgraded hardware only).

        Example::

            await client.set_space_sleep_time("acme/demo", 3600)
        """
        response = await self._http.request(
            "POST", f"{_space(repo_id)}/sleeptime", json={"seconds": sleep_time}, token=token
        )
        runtime = parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")
        if (runtime.requested_hardware or runtime.hardware) == SpaceHardware.CPU_BASIC:
            warnings.warn(_CPU_BASIC_SLEEP, UserWarning, stacklevel=2)
        return runtime

    async def pause_space(self, repo_id: str, *, token: bool | str | None = None) -> SpaceRuntime:
        """Pause the Space (stage ``PAUSED``, not billed) until ``restart_space``. Static Spaces
        cannot be paused (``BadRequestError``); only the owner may (403).

        Example::

            runtime = await client.pause_space("acme/demo")
        """
        response = await self._http.request("POST", f"{_space(repo_id)}/pause", token=token)
        return parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")

    async def restart_space(
        self, repo_id: str, *, token: bool | str | None = None, factory_reboot: bool = False
    ) -> SpaceRuntime:
        """Restart the Space (also after a pause); ``factory_reboot=True`` rebuilds it from
        scratch.

        Example::

            await client.restart_space("acme/demo")
            await client.wait_for_space("acme/demo")
        """
        response = await self._http.request(
            "POST",
            f"{_space(repo_id)}/restart",
            params={"factory": "true"} if factory_reboot else None,
            token=token,
        )
        return parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")

    async def enable_space_dev_mode(
        self, repo_id: str, *, token: bool | str | None = None
    ) -> SpaceRuntime:
        """Turn dev mode on (restart the app without stopping the container).

        Example::

            runtime = await client.enable_space_dev_mode("acme/demo")
        """
        response = await self._http.request(
            "POST", f"{_space(repo_id)}/dev-mode", json={"enabled": True}, token=token
        )
        return parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")

    async def disable_space_dev_mode(
        self, repo_id: str, *, token: bool | str | None = None
    ) -> SpaceRuntime:
        """Turn dev mode off.

        Example::

            runtime = await client.disable_space_dev_mode("acme/demo")
        """
        response = await self._http.request(
            "POST", f"{_space(repo_id)}/dev-mode", json={"enabled": False}, token=token
        )
        return parse_json(response, SpaceRuntime.model_validate, expected="a Space runtime")

    async def add_space_secret(
        self,
        repo_id: str,
        key: str,
        value: str,
        *,
        description: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Add or update a secret (an environment variable whose value cannot be read back).

        The key is checked before anything is sent (``HFValidationError``).

        Example::

            await client.add_space_secret("acme/demo", "OPENAI_KEY", "sk-…")
        """
        payload = {"key": _key(key, "secret"), "value": value}
        if description is not None:
            payload["description"] = description
        await self._http.request("POST", f"{_space(repo_id)}/secrets", json=payload, token=token)

    async def delete_space_secret(
        self, repo_id: str, key: str, *, token: bool | str | None = None
    ) -> None:
        """Delete a secret.

        Example::

            await client.delete_space_secret("acme/demo", "OPENAI_KEY")
        """
        await self._http.request(
            "DELETE", f"{_space(repo_id)}/secrets", json={"key": _key(key, "secret")}, token=token
        )

    async def get_space_secrets(
        self, repo_id: str, *, token: bool | str | None = None
    ) -> dict[str, SpaceSecret]:
        """The secrets of a Space by key (description and update time; never the values).

        Example::

            print(sorted(await client.get_space_secrets("acme/demo")))
        """
        response = await self._http.request("GET", f"{_space(repo_id)}/secrets", token=token)
        return _entries(response, SpaceSecret)

    async def get_space_variables(
        self, repo_id: str, *, token: bool | str | None = None
    ) -> dict[str, SpaceVariable]:
        """The environment variables of a Space by key.

        Example::

            variables = await client.get_space_variables("acme/demo")
            print(variables["MODEL_ID"].value)
        """
        response = await self._http.request("GET", f"{_space(repo_id)}/variables", token=token)
        return _entries(response, SpaceVariable)

    async def add_space_variable(
        self,
        repo_id: str,
        key: str,
        value: str,
        *,
        description: str | None = None,
        token: bool | str | None = None,
    ) -> dict[str, SpaceVariable]:
        """Add or update an environment variable; returns all of them.

        Example::

            await client.add_space_variable("acme/demo", "MODEL_ID", "acme/model")
        """
        payload = {"key": _key(key, "variable"), "value": value}
        if description is not None:
            payload["description"] = description
        response = await self._http.request(
            "POST", f"{_space(repo_id)}/variables", json=payload, token=token
        )
        return _entries(response, SpaceVariable)

    async def delete_space_variable(
        self, repo_id: str, key: str, *, token: bool | str | None = None
    ) -> dict[str, SpaceVariable]:
        """Delete an environment variable; returns those left.

        Example::

            await client.delete_space_variable("acme/demo", "MODEL_ID")
        """
        response = await self._http.request(
            "DELETE",
            f"{_space(repo_id)}/variables",
            json={"key": _key(key, "variable")},
            token=token,
        )
        return _entries(response, SpaceVariable)

    async def set_space_volumes(
        self, repo_id: str, volumes: list[Volume], *, token: bool | str | None = None
    ) -> None:
        """Mount these volumes (buckets or repos) in the Space, replacing the current ones.

        Example::

            await client.set_space_volumes(
                "acme/demo", [Volume(type="model", source="acme/weights", mount_path="/models")]
            )
        """
        payload = {"volumes": [Volume.model_validate(v).to_dict() for v in volumes]}
        await self._http.request("PUT", f"{_space(repo_id)}/volumes", json=payload, token=token)

    async def delete_space_volumes(self, repo_id: str, *, token: bool | str | None = None) -> None:
        """Unmount every volume (``BadRequestError`` when the Space has none).

        Example::

            await client.delete_space_volumes("acme/demo")
        """
        await self._http.request("DELETE", f"{_space(repo_id)}/volumes", token=token)

    async def list_spaces_hardware(self, token: bool | str | None = None) -> list[JobHardwareInfo]:
        """The hardware Spaces can run on, with prices.

        Example::

            names = [hw.name for hw in await client.list_spaces_hardware()]
        """
        response = await self._http.request("GET", "/api/spaces/hardware", token=token)
        return parse_json(response, list_of(JobHardwareInfo), expected="a list of hardware")

    async def list_space_templates(self, *, token: bool | str | None = None) -> list[SpaceTemplate]:
        """The official Space templates.

        Example::

            templates = await client.list_space_templates()
            print([t.repo_id for t in templates])
        """
        response = await self._http.request("GET", "/api/spaces/templates", token=token)
        return parse_json(
            response,
            lambda v: list_of(SpaceTemplate)(v["templates"]),
            expected='{"templates": [...]}',
        )

    async def get_zero_gpu_quota(self, *, token: bool | str | None = None) -> ZeroGpuQuota:
        """The ZeroGPU quota of the token's user, in GPU-seconds (a token is required).

        Example::

            quota = await client.get_zero_gpu_quota()
            print(f"{quota.remaining / 60:.1f} minutes left")
        """
        try:
            response = await self._http.request("GET", "/api/spaces/zero-gpu/quota", token=token)
        except HfHubHTTPError as err:
            if err.status_code == 401:  # not a missing "zero-gpu/quota" Space
                raise HfHubHTTPError(
                    "401 Unauthorized: a valid token is required to get the ZeroGPU quota.",
                    status_code=401,
                    url=err.url,
                    method="GET",
                    request_id=err.request_id,
                    server_message=err.server_message,
                    headers=err.headers,
                ) from None
            raise
        return parse_json(response, ZeroGpuQuota.model_validate, expected="a ZeroGPU quota")

    async def duplicate_space(
        self,
        from_id: str,
        to_id: str | None = None,
        private: bool | None = None,
        token: bool | str | None = None,
        exist_ok: bool = False,
        hardware: SpaceHardware | str | None = None,
        storage: SpaceStorage | str | None = None,
        sleep_time: int | None = None,
        secrets: list[dict[str, str]] | None = None,
        variables: list[dict[str, str]] | None = None,
        *,
        volumes: list[Volume] | None = None,
    ) -> RepoUrl:
        """Copy a Space (history, settings you pass) to ``to_id`` (default: same name, in the
        token's namespace). The seed-era name of ``duplicate_repo(repo_type="space")``; the Hub
        still serves it. ``exist_ok=True`` returns the URL of an existing destination.

        Example::

            url = await client.duplicate_space("acme/demo", "alice/demo-copy", private=True)
        """
        validate_repo_id(from_id)
        for secret in secrets or []:
            _key(secret.get("key", ""), "secret")
        for variable in variables or []:
            _key(variable.get("key", ""), "variable")
        name = (to_id or from_id).rsplit("/", 1)[-1]
        namespace = to_id.split("/", 1)[0] if to_id and "/" in to_id else None
        if namespace is None:
            namespace = await self._own_name(token)
        target = validate_repo_id(f"{namespace}/{name}")
        payload: dict[str, Any] = {"repository": target}
        for key, value in (
            ("private", private),
            ("hardware", None if hardware is None else str(hardware)),
            ("storageTier", None if storage is None else str(storage)),
            ("sleepTimeSeconds", sleep_time),
            ("secrets", secrets),
            ("variables", variables),
            ("volumes", [Volume.model_validate(v).to_dict() for v in volumes or []] or None),
        ):
            if value is not None:
                payload[key] = value
        try:
            response = await self._http.request(
                "POST", f"{_space(from_id)}/duplicate", json=payload, token=token
            )
        except HfHubHTTPError as err:
            if exist_ok and err.status_code == 409:
                return RepoUrl.parse(
                    f"{self._http.endpoint}/spaces/{target}", endpoint=self._http.endpoint
                )
            raise
        url = parse_json(response, lambda v: str(v["url"]), expected='{"url": ...}')
        return RepoUrl.parse(url, endpoint=self._http.endpoint)
