"""Jobs: run (Docker image or uv script), list, inspect, cancel, rerun, wait, logs and metrics
(streamed), labels, exposed ports, scheduled jobs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, overload

import anyio

from hubclient import _jobspec
from hubclient._answers import list_of, parse_json
from hubclient._areas._base import Area, call_timeout
from hubclient._events import StreamOptions, stream_events
from hubclient._waits import check_wait_args, wait_until
from hubclient.buckets._batch import require_xet
from hubclient.buckets._ids import check_path
from hubclient.buckets._volume import sync_volume
from hubclient.download._groups import unwrap_groups
from hubclient.errors import HFValidationError
from hubclient.models.jobs import (
    TERMINAL_JOB_STAGES,
    JobHardware,
    JobHardwareInfo,
    JobInfo,
    JobStage,
    ScheduledJobInfo,
)
from hubclient.models.spaces import Volume

__all__ = ["JobsArea"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}\Z")
_NAMESPACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}\Z")
_STARTED = "===== Job started"


def _segment(value: str, what: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise HFValidationError(f"not a valid {what}: {value!r}")
    return value


class JobsArea(Area):
    """Compute Jobs on the Hub (``run_job``, ``wait_for_job``, ``fetch_job_logs``, …)."""

    async def _jobs(self, namespace: str | None, token: bool | str | None) -> str:
        owner = namespace if namespace is not None else await self._own_name(token)
        return f"/api/jobs/{_segment(owner, 'namespace', _NAMESPACE)}"

    async def _scheduled(self, namespace: str | None, token: bool | str | None) -> str:
        owner = namespace if namespace is not None else await self._own_name(token)
        return f"/api/scheduled-jobs/{_segment(owner, 'namespace', _NAMESPACE)}"

    def _job(self, data: Any) -> JobInfo:
        return JobInfo.model_validate({**data, "endpoint": self._http.endpoint})

    async def run_job(
        self,
        *,
        image: str,
        command: list[str],
        env: dict[str, Any] | None = None,
        secrets: dict[str, Any] | None = None,
        flavor: JobHardware | str | None = None,
        timeout: int | float | str | None = None,  # noqa: ASYNC109 (the job's, not the call's)
        attempts: int | None = None,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        volumes: list[Volume] | None = None,
        expose: list[int] | None = None,
        expose_public: list[int] | None = None,
        ssh: bool = False,
        network_group: str | None = None,
        network_aliases: list[str] | None = None,
        resource_group_id: str | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo:
        """Run a command in a Docker image (or a Space's image: ``hf.co/spaces/<id>``) on Hub
        hardware; returns the job, usually ``SCHEDULING``. ``timeout``: the job's own limit
        (``300``, ``"5m"``, ``"2h"``).

        Example::

            job = await client.run_job(image="python:3.12", command=["python", "-c", "print(1)"])
            job = await client.wait_for_job(job.id)
        """
        if name is None and not (labels and "name" in labels):
            name = _jobspec.default_name_from_image(image, command)
        spec = _jobspec.job_spec(
            image=image,
            command=command,
            env=env,
            secrets=secrets,
            flavor=flavor,
            timeout=timeout,
            attempts=attempts,
            name=name,
            labels=labels,
            volumes=volumes,
            expose=expose,
            expose_public=expose_public,
            ssh=ssh,
            network_group=network_group,
            network_aliases=network_aliases,
            resource_group_id=resource_group_id,
        )
        base = await self._jobs(namespace, token)
        response = await self._http.request("POST", base, json=spec, token=token)
        return parse_json(response, self._job, expected="a job")

    async def run_uv_job(
        self,
        script: str,
        *,
        script_args: list[str] | None = None,
        dependencies: list[str] | None = None,
        python: str | None = None,
        image: str | None = None,
        env: dict[str, Any] | None = None,
        secrets: dict[str, Any] | None = None,
        flavor: JobHardware | str | None = None,
        timeout: int | float | str | None = None,  # noqa: ASYNC109 (the job's, not the call's)
        attempts: int | None = None,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        volumes: list[Volume] | None = None,
        expose: list[int] | None = None,
        expose_public: list[int] | None = None,
        ssh: bool = False,
        network_group: str | None = None,
        network_aliases: list[str] | None = None,
        resource_group_id: str | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo:
        """Run a uv script (a local file, a URL, or a command such as ``lighteval``) with its
        dependencies. Local files are shipped with the job (at most 1 MiB, under ``/data``).

        Example::

            job = await client.run_uv_job("train.py", script_args=["--epochs", "3"],
                                          dependencies=["torch"], flavor="a10g-small")
        """
        if name is None and not (labels and "name" in labels):
            name = _jobspec.default_name_from_script(script, script_args or [])
        command, all_secrets = await anyio.to_thread.run_sync(
            _jobspec.uv_command, script, script_args, dependencies, python, secrets, volumes
        )
        return await self.run_job(
            image=image or _jobspec.DEFAULT_UV_IMAGE,
            command=command,
            env=env,
            secrets=all_secrets or None,
            flavor=flavor,
            timeout=timeout,
            attempts=attempts,
            name=name,
            labels=labels,
            volumes=volumes,
            expose=expose,
            expose_public=expose_public,
            ssh=ssh,
            network_group=network_group,
            network_aliases=network_aliases,
            resource_group_id=resource_group_id,
            namespace=namespace,
            token=token,
        )

    async def list_jobs(
        self,
        *,
        status: list[JobStage | str] | JobStage | str | None = None,
        labels: dict[str, str] | None = None,
        timeout: int | None = None,  # noqa: ASYNC109
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> AsyncIterator[JobInfo]:
        """The jobs of a namespace (default: the token's user), newest first, page by page;
        ``status`` and ``labels`` (all must match) filter them on the Hub.

        Example::

            async for job in client.list_jobs(status="RUNNING", labels={"team": "ml"}):
                print(job.id, job.status.stage)
        """
        params: list[tuple[str, Any]] = []
        if status is not None:
            stages = [status] if isinstance(status, str) else status
            params.extend(("stage", str(stage).upper()) for stage in stages)
        for key, value in (labels or {}).items():
            params.append(("label", f"{key}={value}"))
        base = await self._jobs(namespace, token)
        async for item in self._http.paginate(
            base, params=params or None, token=token, timeout=call_timeout(timeout)
        ):
            yield self._job(item)

    async def list_jobs_hardware(self, token: bool | str | None = None) -> list[JobHardwareInfo]:
        """The hardware Jobs can run on, with prices.

        Example::

            gpus = [hw.name for hw in await client.list_jobs_hardware() if hw.accelerator]
        """
        response = await self._http.request("GET", "/api/jobs/hardware", token=token)
        return parse_json(response, list_of(JobHardwareInfo), expected="a list of hardware")

    async def inspect_job(
        self, *, job_id: str, namespace: str | None = None, token: bool | str | None = None
    ) -> JobInfo:
        """A job as it is now (``job.status.stage``, ``durations``, …).

        Example::

            job = await client.inspect_job(job_id="6875e8c2d3a1")
        """
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}"
        response = await self._http.request("GET", url, token=token)
        return parse_json(response, self._job, expected="a job")

    @overload
    async def wait_for_job(
        self,
        job_id: str,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        poll_interval: float = 1.0,
        stages: list[JobStage] | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo: ...

    @overload
    async def wait_for_job(
        self,
        job_id: list[str],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        poll_interval: float = 1.0,
        stages: list[JobStage] | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> list[JobInfo]: ...

    async def wait_for_job(
        self,
        job_id: str | list[str],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (the wait's deadline)
        poll_interval: float = 1.0,
        stages: list[JobStage] | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo | list[JobInfo]:
        """Wait until a job (or each of a list, concurrently) reaches one of ``stages``
        (default: a terminal stage: COMPLETED, CANCELED, ERROR, DELETED; terminal stages always
        end a wait). A failed job does not raise: read ``job.status.stage``. Raises
        ``WaitTimeoutError`` (a ``TimeoutError``; ``.last`` is the last job seen) after
        ``timeout`` seconds; cancelling stops it at once.

        Example::

            done = await client.wait_for_job([a.id, b.id], timeout=3600, poll_interval=5)
        """
        check_wait_args(timeout, poll_interval)
        targets = {*(str(s) for s in stages or ()), *(str(s) for s in TERMINAL_JOB_STAGES)}
        owner = namespace if namespace is not None else await self._own_name(token)
        deadline = None if timeout is None else anyio.current_time() + timeout

        async def one(single: str) -> JobInfo:
            left = None if deadline is None else max(0.0, deadline - anyio.current_time())
            return await wait_until(
                lambda: self.inspect_job(job_id=single, namespace=owner, token=token),
                lambda job: str(job.status.stage) in targets,
                timeout=left,
                poll_interval=poll_interval,
                what=f"Job '{single}'",
                describe=lambda job: f"still in stage '{job.status.stage}'",
            )

        if isinstance(job_id, str):
            return await one(job_id)
        results: list[JobInfo | None] = [None] * len(job_id)

        async def store(index: int, single: str) -> None:
            results[index] = await one(single)

        with unwrap_groups():
            async with anyio.create_task_group() as group:
                for index, single in enumerate(job_id):
                    group.start_soon(store, index, single)
        return [job for job in results if job is not None]

    async def rerun_job(
        self, *, job_id: str, namespace: str | None = None, token: bool | str | None = None
    ) -> JobInfo:
        """Start a new job with the spec of an existing one.

        Example::

            again = await client.rerun_job(job_id=job.id)
        """
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}/duplicate"
        response = await self._http.request("POST", url, token=token)
        return parse_json(response, self._job, expected="a job")

    async def cancel_job(
        self, *, job_id: str, namespace: str | None = None, token: bool | str | None = None
    ) -> None:
        """Cancel a job (its stage becomes CANCELED).

        Example::

            await client.cancel_job(job_id=job.id)
        """
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}/cancel"
        await self._http.request("POST", url, token=token)

    async def update_job_expose(
        self,
        *,
        job_id: str,
        expose: list[int] | None = None,
        expose_public: list[int] | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo:
        """Replace the ports a running job exposes (neither list: close them all).

        Example::

            job = await client.update_job_expose(job_id=job.id, expose=[8000])
        """
        payload = _jobspec.expose_payload(expose, expose_public)
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}/expose"
        response = await self._http.request("PUT", url, json=payload, token=token)
        return parse_json(response, self._job, expected="a job")

    async def update_job_labels(
        self,
        *,
        job_id: str,
        labels: dict[str, str],
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo:
        """Replace the labels of a job.

        Example::

            job = await client.update_job_labels(job_id=job.id, labels={"team": "ml"})
        """
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}/labels"
        response = await self._http.request("PUT", url, json={"labels": labels}, token=token)
        return parse_json(response, self._job, expected="a job")

    async def fetch_job_logs(
        self,
        *,
        job_id: str,
        namespace: str | None = None,
        follow: bool = False,
        tail: int | None = None,
        token: bool | str | None = None,
        idle_timeout: float | None = None,
        poll_interval: float = 1.0,
        max_reconnects: int = 5,
    ) -> AsyncIterator[str]:
        """The log lines of a job: those so far, or (``follow``) until the job is over.

        ``tail``: only the last lines. A stream that breaks is resumed where it was; after
        ``max_reconnects`` breaks in a row, ``LogStreamError``.

        Example::

            async for line in client.fetch_job_logs(job_id=job.id, follow=True):
                print(line)
        """
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}/logs"
        owner = base.rsplit("/", 1)[1]

        async def running() -> bool:
            job = await self.inspect_job(job_id=job_id, namespace=owner, token=token)
            return job.status.stage not in TERMINAL_JOB_STAGES

        options = StreamOptions(
            follow=follow,
            idle_timeout=idle_timeout if idle_timeout is not None else (120.0 if follow else 5.0),
            poll_interval=poll_interval,
            max_reconnects=max_reconnects,
        )
        params = {"tail": tail} if tail is not None else None
        async for event in stream_events(
            self._http, url, token=token, options=options, params=params, keep_going=running
        ):
            data = event.get("data")
            if isinstance(data, str) and not data.startswith(_STARTED):
                yield data

    async def fetch_job_metrics(
        self,
        *,
        job_id: str,
        namespace: str | None = None,
        follow: bool = False,
        token: bool | str | None = None,
        idle_timeout: float | None = None,
        poll_interval: float = 1.0,
    ) -> AsyncIterator[dict[str, Any]]:
        """A running job's metrics (CPU, memory, network, GPUs): the current sample, or
        (``follow``) one a second until the job is over. Nothing once the job has finished.

        Example::

            async for sample in client.fetch_job_metrics(job_id=job.id, follow=True):
                print(sample["cpu_usage_pct"])
        """
        base = await self._jobs(namespace, token)
        url = f"{base}/{_segment(job_id, 'job id', _ID)}/metrics"
        owner = base.rsplit("/", 1)[1]

        async def running() -> bool:
            job = await self.inspect_job(job_id=job_id, namespace=owner, token=token)
            return job.status.stage not in TERMINAL_JOB_STAGES

        options = StreamOptions(
            follow=follow,
            idle_timeout=idle_timeout if idle_timeout is not None else 10.0,
            poll_interval=poll_interval,
            replay=False,
            tolerated_statuses=(406, 500),
            retry=False,
        )
        async for sample in stream_events(
            self._http, url, token=token, options=options, keep_going=running
        ):
            yield sample
            if not follow:
                return

    # ------------------------------------------------------------------ scheduled jobs

    async def create_scheduled_job(
        self,
        *,
        image: str,
        command: list[str],
        schedule: str,
        suspend: bool | None = None,
        concurrency: bool | None = None,
        env: dict[str, Any] | None = None,
        secrets: dict[str, Any] | None = None,
        flavor: JobHardware | str | None = None,
        timeout: int | float | str | None = None,  # noqa: ASYNC109 (each run's limit)
        attempts: int | None = None,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        volumes: list[Volume] | None = None,
        expose: list[int] | None = None,
        expose_public: list[int] | None = None,
        resource_group_id: str | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> ScheduledJobInfo:
        """Run a job on a schedule: ``@hourly``, ``@daily``, … or a CRON line (``0 9 * * 1``).

        Example::

            nightly = await client.create_scheduled_job(
                image="python:3.12", command=["python", "etl.py"], schedule="@daily"
            )
        """
        if name is None and not (labels and "name" in labels):
            name = _jobspec.default_name_from_image(image, command)
        spec = _jobspec.job_spec(
            image=image,
            command=command,
            env=env,
            secrets=secrets,
            flavor=flavor,
            timeout=timeout,
            attempts=attempts,
            name=name,
            labels=labels,
            volumes=volumes,
            expose=expose,
            expose_public=expose_public,
            resource_group_id=resource_group_id,
        )
        payload: dict[str, Any] = {"jobSpec": spec, "schedule": schedule}
        if concurrency is not None:
            payload["concurrency"] = concurrency
        if suspend is not None:
            payload["suspend"] = suspend
        base = await self._scheduled(namespace, token)
        response = await self._http.request("POST", base, json=payload, token=token)
        return parse_json(response, ScheduledJobInfo.model_validate, expected="a scheduled job")

    async def create_scheduled_uv_job(
        self,
        script: str,
        *,
        script_args: list[str] | None = None,
        schedule: str,
        suspend: bool | None = None,
        concurrency: bool | None = None,
        dependencies: list[str] | None = None,
        python: str | None = None,
        image: str | None = None,
        env: dict[str, Any] | None = None,
        secrets: dict[str, Any] | None = None,
        flavor: JobHardware | str | None = None,
        timeout: int | float | str | None = None,  # noqa: ASYNC109 (each run's limit)
        attempts: int | None = None,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        volumes: list[Volume] | None = None,
        expose: list[int] | None = None,
        expose_public: list[int] | None = None,
        resource_group_id: str | None = None,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> ScheduledJobInfo:
        """Run a uv script on a schedule (local files are shipped with it, as ``run_uv_job``).

        Example::

            await client.create_scheduled_uv_job("report.py", schedule="0 6 * * *")
        """
        if name is None and not (labels and "name" in labels):
            name = _jobspec.default_name_from_script(script, script_args or [])
        command, all_secrets = await anyio.to_thread.run_sync(
            _jobspec.uv_command, script, script_args, dependencies, python, secrets, volumes
        )
        return await self.create_scheduled_job(
            image=image or _jobspec.DEFAULT_UV_IMAGE,
            command=command,
            schedule=schedule,
            suspend=suspend,
            concurrency=concurrency,
            env=env,
            secrets=all_secrets or None,
            flavor=flavor,
            timeout=timeout,
            attempts=attempts,
            name=name,
            labels=labels,
            volumes=volumes,
            expose=expose,
            expose_public=expose_public,
            resource_group_id=resource_group_id,
            namespace=namespace,
            token=token,
        )

    async def list_scheduled_jobs(
        self,
        *,
        labels: dict[str, str] | None = None,
        timeout: int | None = None,  # noqa: ASYNC109
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> list[ScheduledJobInfo]:
        """The scheduled jobs of a namespace; ``labels`` (all must match) filter them.

        Example::

            for scheduled in await client.list_scheduled_jobs():
                print(scheduled.id, scheduled.schedule, scheduled.status.next_job_run_at)
        """
        params = None
        if labels:  # the Hub filters on one label; the others are checked here
            key, value = next(iter(labels.items()))
            params = {"label": f"{key}={value}"}
        base = await self._scheduled(namespace, token)
        response = await self._http.request(
            "GET", base, params=params, token=token, timeout=call_timeout(timeout)
        )
        jobs = parse_json(response, list_of(ScheduledJobInfo), expected="a list of scheduled jobs")
        return [
            job
            for job in jobs
            if all((job.job_spec.labels or {}).get(k) == v for k, v in (labels or {}).items())
        ]

    async def _scheduled_url(
        self, scheduled_job_id: str, namespace: str | None, token: bool | str | None, tail: str = ""
    ) -> str:
        base = await self._scheduled(namespace, token)
        return f"{base}/{_segment(scheduled_job_id, 'scheduled job id', _ID)}{tail}"

    async def inspect_scheduled_job(
        self,
        *,
        scheduled_job_id: str,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> ScheduledJobInfo:
        """A scheduled job as it is now (``status.last_job``, ``status.next_job_run_at``).

        Example::

            scheduled = await client.inspect_scheduled_job(scheduled_job_id=nightly.id)
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token)
        response = await self._http.request("GET", url, token=token)
        return parse_json(response, ScheduledJobInfo.model_validate, expected="a scheduled job")

    async def delete_scheduled_job(
        self,
        *,
        scheduled_job_id: str,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Delete a scheduled job (runs already started go on).

        Example::

            await client.delete_scheduled_job(scheduled_job_id=nightly.id)
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token)
        await self._http.request("DELETE", url, token=token)

    async def suspend_scheduled_job(
        self,
        *,
        scheduled_job_id: str,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Stop starting runs until ``resume_scheduled_job``.

        Example::

            await client.suspend_scheduled_job(scheduled_job_id=nightly.id)
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token, "/suspend")
        await self._http.request("POST", url, token=token)

    async def resume_scheduled_job(
        self,
        *,
        scheduled_job_id: str,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> None:
        """Start runs on schedule again.

        Example::

            await client.resume_scheduled_job(scheduled_job_id=nightly.id)
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token, "/resume")
        await self._http.request("POST", url, token=token)

    async def update_scheduled_job_schedule(
        self,
        *,
        scheduled_job_id: str,
        schedule: str,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> ScheduledJobInfo:
        """Change when a scheduled job runs (its spec, labels and suspension are kept).

        Example::

            await client.update_scheduled_job_schedule(scheduled_job_id=s.id, schedule="@hourly")
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token, "/schedule")
        response = await self._http.request("POST", url, json={"schedule": schedule}, token=token)
        return parse_json(response, ScheduledJobInfo.model_validate, expected="a scheduled job")

    async def trigger_scheduled_job(
        self,
        *,
        scheduled_job_id: str,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> JobInfo:
        """Run a scheduled job once, now (the schedule is unchanged). 409 if a run is going
        and the scheduled job does not allow concurrent runs.

        Example::

            job = await client.trigger_scheduled_job(scheduled_job_id=nightly.id)
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token, "/run")
        response = await self._http.request("POST", url, token=token)
        return parse_json(response, self._job, expected="a job")

    async def update_scheduled_job_labels(
        self,
        *,
        scheduled_job_id: str,
        labels: dict[str, str],
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> ScheduledJobInfo:
        """Replace the labels of a scheduled job.

        Example::

            await client.update_scheduled_job_labels(scheduled_job_id=s.id, labels={"env": "prod"})
        """
        url = await self._scheduled_url(scheduled_job_id, namespace, token, "/labels")
        response = await self._http.request("PUT", url, json={"labels": labels}, token=token)
        return parse_json(response, ScheduledJobInfo.model_validate, expected="a scheduled job")

    async def sync_job_volume(
        self,
        source: str | Path,
        mount_path: str,
        *,
        remote_name: str | None = None,
        read_only: bool = True,
        namespace: str | None = None,
        token: bool | str | None = None,
    ) -> Volume:
        """Sync a local folder to the private ``jobs-artifacts`` storage bucket of ``namespace``
        (default: the token owner's) and return the volume that mounts it in a Job.

        The folder goes to ``remote_name`` (default ``{dirname}-{hash}``, the same for the same
        folder on the same machine, so a second sync sends only what changed); an empty folder
        gets a ``.keep`` file. Uploads go through Xet (the ``xet`` extra). ``read_only=False``
        lets the Job write back (fetch its outputs with ``sync_bucket``).

        Example::

            volume = await client.sync_job_volume("./inputs", "/inputs")
            await client.run_job(image="python:3.12", command=["ls", "/inputs"], volumes=[volume])
        """
        if not mount_path.startswith("/"):
            raise HFValidationError(
                "Mount path must be an absolute path inside the container (e.g. '/data'), "
                f"got {mount_path!r}."
            )
        folder = Path(await (await anyio.Path(source).expanduser()).absolute())
        if not await anyio.Path(folder).is_dir():
            raise HFValidationError(f"Source must be an existing local directory: '{source}'.")
        if remote_name:  # "" or None: the folder's own name, as huggingface_hub
            check_path(remote_name, "remote_name")
        if namespace is not None:
            _segment(namespace, "namespace", _NAMESPACE)
        require_xet(self._http, "sync_job_volume")  # before the bucket is made: nothing half-done
        owner = namespace if namespace is not None else await self._own_name(token)
        return await sync_volume(
            self._http,
            folder,
            mount_path,
            namespace=_segment(owner, "namespace", _NAMESPACE),
            remote_name=remote_name,
            read_only=read_only,
            token=token,
        )
