"""Jobs models: a job and its status, specs, scheduled jobs, and the hardware catalogue.

Attribute names are huggingface_hub 2.4.0's (``docker_image``, ``status.stage``,
``expose``/``expose_public``, ``job_spec``…), read from the wire's camelCase. Stages and
flavors the Hub adds later parse as values this release does not know (``.known`` is False).

Example::

    job = JobInfo.model_validate(
        {"id": "6875", "status": {"stage": "RUNNING"}, "owner": {"id": "1", "name": "alice",
         "type": "user"}, "endpoint": "https://huggingface.co"}
    )
    job.url, job.status.stage.is_terminal   # ('https://huggingface.co/jobs/alice/6875', False)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel
from hubclient.models._enums import OpenEnum
from hubclient.models.spaces import Volume

__all__ = [
    "DEFAULT_UV_IMAGE",
    "TERMINAL_JOB_STAGES",
    "JobAccelerator",
    "JobDurations",
    "JobHardware",
    "JobHardwareInfo",
    "JobInfo",
    "JobInitiator",
    "JobNetwork",
    "JobOwner",
    "JobSpec",
    "JobStage",
    "JobStatus",
    "LastJobInfo",
    "ScheduledJobInfo",
    "ScheduledJobStatus",
]

DEFAULT_UV_IMAGE = "ghcr.io/astral-sh/uv:python3.12-bookworm"
"""The image ``run_uv_job`` uses by default: Debian with Python 3.12 and ``uv``."""


class JobStage(OpenEnum):
    """The stage of a Job (``job.status.stage``); compares equal to its string."""

    COMPLETED = "COMPLETED"
    CANCELED = "CANCELED"
    ERROR = "ERROR"
    DELETED = "DELETED"
    SCHEDULING = "SCHEDULING"
    RUNNING = "RUNNING"

    @property
    def is_terminal(self) -> bool:
        """Whether a job in this stage will not run any further."""
        return self in TERMINAL_JOB_STAGES


TERMINAL_JOB_STAGES: frozenset[JobStage] = frozenset(
    {JobStage.COMPLETED, JobStage.CANCELED, JobStage.ERROR, JobStage.DELETED}
)
"""Stages a job never leaves: ``wait_for_job`` always stops at them."""


class JobHardware(OpenEnum):
    """Hardware flavors a Job can run on; compares equal to its string."""

    CPU_BASIC = "cpu-basic"
    CPU_UPGRADE = "cpu-upgrade"
    CPU_PERFORMANCE = "cpu-performance"
    CPU_XL = "cpu-xl"
    T4_SMALL = "t4-small"
    T4_MEDIUM = "t4-medium"
    L4X1 = "l4x1"
    L4X4 = "l4x4"
    L40SX1 = "l40sx1"
    L40SX4 = "l40sx4"
    L40SX8 = "l40sx8"
    A10G_SMALL = "a10g-small"
    A10G_LARGE = "a10g-large"
    A10G_LARGEX2 = "a10g-largex2"
    A10G_LARGEX4 = "a10g-largex4"
    A100_LARGE = "a100-large"
    A100X4 = "a100x4"
    A100X8 = "a100x8"
    H200 = "h200"
    H200X2 = "h200x2"
    H200X4 = "h200x4"
    H200X8 = "h200x8"
    RTX_PRO_6000 = "rtx-pro-6000"
    RTX_PRO_6000X2 = "rtx-pro-6000x2"
    RTX_PRO_6000X4 = "rtx-pro-6000x4"
    RTX_PRO_6000X8 = "rtx-pro-6000x8"


class JobStatus(HubModel):
    """Where a job is: its stage, the message that goes with it, its URLs."""

    stage: JobStage
    message: str | None = None
    expose_urls: list[str] | None = None
    ssh_url: str | None = None


class JobOwner(HubModel):
    """The user or organisation a job runs for."""

    id: str
    name: str
    type: str


class JobNetwork(HubModel):
    """The network group a job joined and the aliases it claims there."""

    group: str
    aliases: list[str] = Field(default_factory=list)


class JobDurations(HubModel):
    """Seconds spent scheduling, running, and in total (computed by the Hub)."""

    scheduling_secs: int | None = None
    running_secs: int | None = None
    total_secs: int | None = None


class JobInitiator(HubModel):
    """What started a job: a user, an organisation, a scheduled job, a rerun."""

    type: str
    id: str
    name: str | None = None


def _expose(data: dict[str, Any]) -> dict[str, Any]:
    """``{"expose": {"ports", "portsPublic"}}`` on the wire, two lists here."""
    out = dict(data)
    expose = out.get("expose")
    if isinstance(expose, dict):
        out["expose"] = expose.get("ports")
        out["expose_public"] = expose.get("portsPublic")
    return out


class JobInfo(HubModel):
    """A Job: what it runs, on what, where it is (``status.stage``), and its labels.

    ``url`` is its page on the Hub (``{endpoint}/jobs/{owner}/{id}``).
    """

    id: str
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    docker_image: str | None = None
    space_id: str | None = None
    command: list[str] | None = None
    arguments: list[str] | None = None
    environment: dict[str, Any] | None = None
    secrets: dict[str, Any] | None = None
    flavor: JobHardware | None = None
    labels: dict[str, str] | None = None
    volumes: list[Volume] | None = None
    status: JobStatus
    durations: JobDurations | None = None
    owner: JobOwner
    initiator: JobInitiator | None = None
    network: JobNetwork | None = None
    retry: int | None = None
    expose: list[int] | None = None
    """Every port exposed through the Jobs proxy (public ones included)."""
    expose_public: list[int] | None = None
    """The exposed ports reachable without a token."""
    endpoint: str = "https://huggingface.co"
    """The Hub this job was read from (it names ``url``)."""

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        return _expose(data) if isinstance(data, dict) else data

    @property
    def url(self) -> str:
        """The job's page on the Hub."""
        return f"{self.endpoint}/jobs/{self.owner.name}/{self.id}"


class JobSpec(HubModel):
    """What a scheduled job runs each time (``ScheduledJobInfo.job_spec``)."""

    docker_image: str | None = None
    space_id: str | None = None
    command: list[str] | None = None
    arguments: list[str] | None = None
    environment: dict[str, Any] | None = None
    secrets: dict[str, Any] | None = None
    flavor: JobHardware | None = None
    timeout: int | None = Field(
        default=None, validation_alias=AliasChoices("timeoutSeconds", "timeout")
    )
    tags: list[str] | None = None
    arch: str | None = None
    labels: dict[str, str] | None = None
    volumes: list[Volume] | None = None
    retry: int | None = None
    expose: list[int] | None = None
    expose_public: list[int] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        return _expose(data) if isinstance(data, dict) else data


class LastJobInfo(HubModel):
    """The last run of a scheduled job."""

    id: str
    at: datetime


class ScheduledJobStatus(HubModel):
    """The last run of a scheduled job and when the next one is due."""

    last_job: LastJobInfo | None = None
    next_job_run_at: datetime | None = None


class ScheduledJobInfo(HubModel):
    """A scheduled job: its spec, its schedule (``@hourly`` or CRON), suspended or not."""

    id: str
    created_at: datetime | None = None
    job_spec: JobSpec = Field(default_factory=JobSpec)
    schedule: str | None = None
    suspend: bool | None = None
    concurrency: bool | None = None
    status: ScheduledJobStatus = Field(default_factory=ScheduledJobStatus)
    owner: JobOwner


class JobAccelerator(HubModel):
    """The GPU of a hardware flavor."""

    type: str
    model: str
    quantity: str
    vram: str
    manufacturer: str


class JobHardwareInfo(HubModel):
    """A hardware flavor Jobs (and Spaces) run on, with its price."""

    name: str
    pretty_name: str
    cpu: str
    ram: str
    ephemeral_storage: str = "N/A"
    accelerator: JobAccelerator | None = None
    unit_cost_micro_usd: int = Field(alias="unitCostMicroUSD")
    unit_cost_usd: float = Field(alias="unitCostUSD")
    unit_label: str
