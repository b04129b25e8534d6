"""What a Job runs, as the Jobs API wants it: the job spec, default names, uv commands.

The payload is huggingface_hub 2.4.0's (``dockerImage`` or ``spaceId``, ``command``,
``environment``, ``secrets``, ``flavor``, ``timeoutSeconds``, ``labels``, ``volumes``,
``expose``, ``ssh``, ``network``, ``attempts``, ``resourceGroupId``), so a job started by either
client is the same job.

``run_uv_job`` with local files: huggingface_hub 2.4.0 uploads them to a ``jobs-artifacts``
storage bucket mounted at ``/data``. hubclient ships them inside the spec instead (base64 in
the ``HF_JOB_FILES`` secret, at most `MAX_INLINE_FILES` bytes, written to ``/data`` by the
command before ``uv run``): the job sees the same paths, and no bucket is needed for a script;
bigger inputs go in a volume (``sync_job_volume``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hubclient.errors import HFValidationError
from hubclient.models.jobs import DEFAULT_UV_IMAGE
from hubclient.models.spaces import Volume

__all__ = [
    "ARTIFACTS_MOUNT",
    "DEFAULT_UV_IMAGE",
    "MAX_INLINE_FILES",
    "default_name_from_image",
    "default_name_from_script",
    "expose_payload",
    "job_spec",
    "uv_command",
]

ARTIFACTS_MOUNT = "/data"
MAX_INLINE_FILES = 1024 * 1024
_SPACE_IMAGE_PREFIXES = (
    "https://huggingface.co/spaces/",
    "https://hf.co/spaces/",
    "huggingface.co/spaces/",
    "hf.co/spaces/",
)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SCRIPT_SUFFIXES = (".py", ".sh", ".yaml", ".yml", ".toml")


def _sanitize(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", name)


def _short_hash(parts: Sequence[str]) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8]


def default_name_from_image(image: str, command: Sequence[str]) -> str:
    """``python-3-12-1a2b3c4d`` for ``python:3.12`` (huggingface_hub's default job name)."""
    for prefix in _SPACE_IMAGE_PREFIXES:
        if image.startswith(prefix):
            base = _sanitize(image[len(prefix) :] or image)
            break
    else:
        base = _sanitize(image.rstrip("/").split("/")[-1] or image)
    return f"{base}-{_short_hash([image, *command])}"


def default_name_from_script(script: str, script_args: Sequence[str]) -> str:
    """``my_script-1a2b3c4d`` for ``my_script.py`` (huggingface_hub's default uv job name)."""
    name = script.split("?", 1)[0].split("#", 1)[0].rstrip("/").split("/")[-1]
    name = name.removesuffix(".py")
    return f"{_sanitize(name or script)}-{_short_hash([script, *script_args])}"


def expose_payload(expose: Sequence[int] | None, expose_public: Sequence[int] | None) -> Any:
    """``{"ports", "portsPublic"}``: public ports are exposed too (a subset of ``ports``)."""
    public = list(dict.fromkeys(expose_public or []))
    for port in [*(expose or []), *public]:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise HFValidationError(f"a port is an integer from 1 to 65535, not {port!r}")
    return {"ports": list(dict.fromkeys([*(expose or []), *public])), "portsPublic": public}


def _timeout_seconds(timeout: int | float | str) -> int:
    if isinstance(timeout, str):
        text = timeout.strip()
        factor = _UNITS.get(text[-1:])
        number = text[:-1] if factor is not None else text
        try:
            value = float(number) * (factor or 1)
        except ValueError:
            raise HFValidationError(
                f"timeout is a number of seconds or a duration like '30m', not {timeout!r}"
            ) from None
    else:
        value = float(timeout)
    if not value > 0:
        raise HFValidationError(f"timeout must be positive, not {timeout!r}")
    return int(value)


def job_spec(
    *,
    image: str,
    command: Sequence[str],
    env: Mapping[str, Any] | None,
    secrets: Mapping[str, Any] | None,
    flavor: str | None,
    timeout: int | float | str | None,
    name: str | None = None,
    labels: Mapping[str, str] | None = None,
    volumes: Sequence[Volume] | None = None,
    expose: Sequence[int] | None = None,
    expose_public: Sequence[int] | None = None,
    ssh: bool = False,
    network_group: str | None = None,
    network_aliases: Sequence[str] | None = None,
    resource_group_id: str | None = None,
    attempts: int | None = None,
) -> dict[str, Any]:
    """The JSON of a job spec (``HFValidationError`` for arguments that cannot go together)."""
    if not isinstance(image, str) or not image.strip():
        raise HFValidationError("image must be a non-empty string")
    if isinstance(command, str) or not all(isinstance(part, str) for part in command):
        raise HFValidationError("command is a list of strings, e.g. ['python', '-c', 'print(1)']")
    if network_aliases and not network_group:
        raise HFValidationError("`network_aliases` requires `network_group`.")
    if name is not None:
        if labels is not None and "name" in labels:
            raise HFValidationError(
                "`name` and the `name` key in `labels` cannot both be provided."
            )
        labels = {**(labels or {}), "name": name}
    spec: dict[str, Any] = {
        "command": list(command),
        "arguments": [],
        "environment": dict(env or {}),
        "flavor": str(flavor) if flavor else "cpu-basic",
    }
    if secrets:
        spec["secrets"] = dict(secrets)
    if timeout:
        spec["timeoutSeconds"] = _timeout_seconds(timeout)
    if attempts is not None:
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise HFValidationError(f"attempts is an integer >= 1, not {attempts!r}")
        spec["attempts"] = attempts
    if labels:
        spec["labels"] = dict(labels)
    if volumes:
        spec["volumes"] = [Volume.model_validate(v).to_dict() for v in volumes]
    if expose or expose_public:
        spec["expose"] = expose_payload(expose, expose_public)
    if ssh:
        spec["ssh"] = {"enabled": True}
    if network_group:
        network: dict[str, Any] = {"group": network_group}
        if network_aliases:
            network["aliases"] = list(network_aliases)
        spec["network"] = network
    if resource_group_id:
        spec["resourceGroupId"] = resource_group_id
    for prefix in _SPACE_IMAGE_PREFIXES:
        if image.startswith(prefix):
            spec["spaceId"] = image[len(prefix) :]
            break
    else:
        spec["dockerImage"] = image
    return spec


def uv_command(
    script: str,
    script_args: Sequence[str] | None,
    dependencies: Sequence[str] | None,
    python: str | None,
    secrets: Mapping[str, Any] | None,
    volumes: Sequence[Volume] | None,
) -> tuple[list[str], dict[str, Any]]:
    """The command that runs ``script`` with ``uv run``, and the secrets to send with it.

    Local files among ``script`` and ``script_args`` are shipped in the spec (see the module
    docstring); URLs and commands (``lighteval``) are passed as they are.
    """
    args = list(script_args or [])
    uv_args: list[str] = []
    for dependency in dependencies or []:
        uv_args += ["--with", dependency]
    if python:
        uv_args += ["--python", python]
    candidates = [script, *args]
    missing = [
        c
        for c in candidates
        if not Path(c).is_file()
        and Path(c).suffix in _SCRIPT_SUFFIXES
        and not c.startswith(("http://", "https://"))
    ]
    if missing:
        raise FileNotFoundError(", ".join(sorted(set(missing))))
    local = list(dict.fromkeys(c for c in candidates if Path(c).is_file()))
    out_secrets = dict(secrets or {})
    if not local:
        return ["uv", "run", *uv_args, script, *args], out_secrets
    if any(Volume.model_validate(v).mount_path == ARTIFACTS_MOUNT for v in volumes or []):
        raise HFValidationError(
            f"Mount path {ARTIFACTS_MOUNT!r} is reserved for the files of a uv job. "
            "Mount your volume at a different path."
        )
    remote: dict[str, str] = {}
    files: dict[str, str] = {}
    total = 0
    for path in local:
        stem, suffix = Path(path).stem.replace(" ", "_"), Path(path).suffix
        name, n = f"{stem}{suffix}", 0
        while name in files:
            name, n = f"{stem}({n}){suffix}", n + 1
        data = Path(path).read_bytes()
        total += len(data)
        if total > MAX_INLINE_FILES:
            raise HFValidationError(
                f"the local files of a uv job are shipped in its spec, at most {MAX_INLINE_FILES} "
                "bytes in all; for more, sync them with sync_job_volume and mount the volume"
            )
        files[name] = base64.b64encode(data).decode("ascii")
        remote[path] = f"{ARTIFACTS_MOUNT}/{name}"
    out_secrets["HF_JOB_FILES"] = json.dumps(files, separators=(",", ":"))
    unpack = (
        "python3 -c 'import base64,json,os,pathlib;"
        '[pathlib.Path("/data",k).write_bytes(base64.b64decode(v)) '
        'for k,v in json.loads(os.environ["HF_JOB_FILES"]).items()]\''
    )
    run = shlex.join(
        ["uv", "run", *uv_args, remote.get(script, script), *(remote.get(a, a) for a in args)]
    )
    return ["bash", "-c", f"mkdir -p {ARTIFACTS_MOUNT} && {unpack} && exec {run}"], out_secrets
