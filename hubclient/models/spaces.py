"""Space models: runtime (stage, hardware, sleep time, dev mode, volumes), secrets, variables,
templates, the ZeroGPU quota, and the stage/hardware enums.

Attribute names are huggingface_hub 2.4.0's (``stage``, ``hardware``, ``requested_hardware``,
``sleep_time``, ``dev_mode``…); the wire shape (``{"hardware": {"current", "requested"},
"gcTimeout", "devMode"}``) is what they are read from, and ``raw`` keeps it whole. Stages and
hardware the Hub adds later parse as values this release does not know (``.known`` is False).

Example::

    runtime = SpaceRuntime.model_validate({"stage": "RUNNING", "hardware": {"current": "t4-small"}})
    runtime.stage is SpaceStage.RUNNING, runtime.hardware   # (True, <SpaceHardware.T4_SMALL…>)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from hubclient.models._base import HubModel
from hubclient.models._enums import OpenEnum

__all__ = [
    "INTERMEDIATE_SPACE_STAGES",
    "TERMINAL_SPACE_STAGES",
    "SpaceHardware",
    "SpaceHotReloading",
    "SpaceRuntime",
    "SpaceSecret",
    "SpaceStage",
    "SpaceStorage",
    "SpaceTemplate",
    "SpaceVariable",
    "Volume",
    "ZeroGpuQuota",
]


class SpaceStage(OpenEnum):
    """The stage of a Space (``runtime.stage``); compares equal to its string."""

    NO_APP_FILE = "NO_APP_FILE"
    CONFIG_ERROR = "CONFIG_ERROR"
    BUILDING = "BUILDING"
    BUILD_ERROR = "BUILD_ERROR"
    RUNNING = "RUNNING"
    RUNNING_BUILDING = "RUNNING_BUILDING"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    DELETING = "DELETING"
    STOPPED = "STOPPED"
    PAUSED = "PAUSED"
    APP_STARTING = "APP_STARTING"
    RUNNING_APP_STARTING = "RUNNING_APP_STARTING"


INTERMEDIATE_SPACE_STAGES: frozenset[SpaceStage] = frozenset(
    {
        SpaceStage.BUILDING,
        SpaceStage.RUNNING_BUILDING,
        SpaceStage.APP_STARTING,
        SpaceStage.RUNNING_APP_STARTING,
    }
)
"""Stages a Space leaves by itself: ``wait_for_space`` waits while the stage is one of these."""

TERMINAL_SPACE_STAGES: frozenset[SpaceStage] = frozenset(
    {
        SpaceStage.RUNNING,
        SpaceStage.BUILD_ERROR,
        SpaceStage.RUNTIME_ERROR,
        SpaceStage.CONFIG_ERROR,
        SpaceStage.NO_APP_FILE,
        SpaceStage.STOPPED,
        SpaceStage.PAUSED,
        SpaceStage.DELETING,
    }
)
"""Stages a Space stays in until someone acts (a commit, a restart, a hardware request)."""


class SpaceHardware(OpenEnum):
    """Hardware a Space can run on (``request_space_hardware``); compares equal to its string."""

    CPU_BASIC = "cpu-basic"
    CPU_UPGRADE = "cpu-upgrade"
    ZERO_A10G = "zero-a10g"
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
    RTX_PRO_6000 = "rtx-pro-6000"
    RTX_PRO_6000X2 = "rtx-pro-6000x2"
    RTX_PRO_6000X4 = "rtx-pro-6000x4"
    RTX_PRO_6000X8 = "rtx-pro-6000x8"


class SpaceStorage(OpenEnum):
    """Persistent storage tiers of a Space (seed-era; the Hub now mounts volumes instead)."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Volume(HubModel):
    """A volume mounted in a Space or a Job container: a bucket or a repo at a path.

    Example::

        Volume(type="model", source="acme/weights", mount_path="/models")
        Volume(type="bucket", source="acme/scratch", mount_path="/data", read_only=False)
    """

    type: str = "model"
    """``bucket``, ``model``, ``dataset`` or ``space``."""
    source: str
    mount_path: str
    revision: str | None = None
    read_only: bool | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON the Hub expects (``mountPath``, ``readOnly``; unset fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class SpaceHotReloading(HubModel):
    """The state of a hot reload (``runtime.hot_reloading``)."""

    status: str
    replica_statuses: list[Any] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _keep_raw(cls, data: Any) -> Any:
        if isinstance(data, dict) and "raw" not in data:
            return {**data, "raw": dict(data)}
        return data


class SpaceRuntime(HubModel):
    """What a Space runs: stage, current and requested hardware, sleep time, dev mode, volumes.

    ``raw`` is the Hub's answer as it came (replicas, cpu and memory, …).
    """

    stage: SpaceStage | None = None
    hardware: SpaceHardware | None = None
    """The hardware it runs on now (``None`` while it builds for the first time or is paused)."""
    requested_hardware: SpaceHardware | None = None
    sleep_time: int | None = Field(
        default=None, validation_alias=AliasChoices("gcTimeout", "sleepTime", "sleep_time")
    )
    """Seconds of inactivity before it sleeps (-1: never); 48 h on ``cpu-basic``, fixed."""
    storage: SpaceStorage | None = None
    dev_mode: bool = False
    hot_reloading: SpaceHotReloading | None = None
    volumes: list[Volume] | None = None
    raw: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "raw" in data:
            return data
        out = dict(data)
        hardware = out.get("hardware")
        if isinstance(hardware, dict):
            out["hardware"] = hardware.get("current")
            out["requested_hardware"] = hardware.get("requested")
        if out.get("devMode") is None and out.get("dev_mode") is None:
            out.pop("devMode", None)
        if isinstance(out.get("storage"), dict):  # an older shape: {"current": …}
            out["storage"] = out["storage"].get("current")
        out["raw"] = dict(data)
        return out


class SpaceSecret(HubModel):
    """A secret of a Space: its key, description and last update (values are write-only)."""

    key: str
    description: str | None = None
    updated_at: datetime | None = None


class SpaceVariable(HubModel):
    """An environment variable of a Space."""

    key: str
    value: str
    description: str | None = None
    updated_at: datetime | None = None


class SpaceTemplate(HubModel):
    """An official Space template (``list_space_templates``): pass its ``repo_id`` to
    ``create_repo(space_template=...)``."""

    name: str
    repo_id: str
    sdk: str
    preferred_private: bool = False


class ZeroGpuQuota(HubModel):
    """The ZeroGPU quota of the authenticated user, in GPU-seconds."""

    base: float
    remaining: float = Field(validation_alias=AliasChoices("current", "remaining"))
    resets_at: datetime | None = None
    overquota_used: float | None = None
