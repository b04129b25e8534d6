"""Deploy several Spaces at once: upload, secrets, variables, hardware, restart, then wait for all
of them while their build and run logs stream, and report.

Run it (against the Hub, or a local one: ``python -m hubclient.testing serve --token alice=hf_x``)::

    HF_ENDPOINT=http://127.0.0.1:8000 HF_TOKEN=hf_x \\
        python examples/deploy_spaces.py --namespace alice --count 5 --app ./my_app \\
        --hardware cpu-upgrade --secret OPENAI_KEY=sk-... --variable MODEL_ID=acme/model

Every Space is its own task in one task group, on one client (one connection pool, one 429
gate): creating the repos, uploading the app, setting secrets and hardware, restarting, waiting
and streaming logs all overlap. A Space that fails (BUILD_ERROR, RUNTIME_ERROR, a timeout, an HTTP
error) is reported as failed; it does not stop the others. Ctrl-C cancels everything at once.
Exit status: 0 when every Space runs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import anyio

from hubclient import AsyncHubClient, HubClientError, SpaceStage

__all__ = ["DeployPlan", "DeployResult", "deploy", "main"]

LOG_GRACE = 1.0
"""Seconds the run logs keep streaming after a Space is up (its first lines)."""


@dataclass(frozen=True)
class DeployPlan:
    """What to deploy: ``count`` Spaces named ``{namespace}/{prefix}-{i}`` from ``app``."""

    namespace: str
    count: int = 5
    prefix: str = "demo"
    app: Path | dict[str, bytes] = field(default_factory=lambda: {"app.py": b"print('hi')\n"})
    sdk: str = "gradio"
    hardware: str = "cpu-basic"
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    timeout: float = 900.0
    poll_interval: float = 2.0

    def space_ids(self) -> list[str]:
        return [f"{self.namespace}/{self.prefix}-{i}" for i in range(self.count)]


@dataclass
class DeployResult:
    """How one Space went."""

    space_id: str
    stage: str = "NOT_STARTED"
    hardware: str | None = None
    seconds: float = 0.0
    log_lines: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.stage == SpaceStage.RUNNING


async def _upload(client: AsyncHubClient, space_id: str, app: Path | dict[str, bytes]) -> None:
    if isinstance(app, dict):
        for name in sorted(app):
            await client.upload_file(
                path_or_fileobj=app[name], path_in_repo=name, repo_id=space_id, repo_type="space"
            )
        return
    await client.upload_folder(
        folder_path=app, repo_id=space_id, repo_type="space", commit_message="deploy"
    )


async def _stream_logs(
    client: AsyncHubClient, space_id: str, result: DeployResult, on_line: Callable[[str], None]
) -> None:
    """Build logs until the build is over, then run logs (until cancelled)."""
    for build in (True, False):
        async for line in client.fetch_space_logs(
            space_id, build=build, follow=True, poll_interval=0.5
        ):
            result.log_lines += 1
            on_line(f"[{space_id}{' build' if build else ''}] {line.rstrip()}")


async def deploy_one(
    client: AsyncHubClient, plan: DeployPlan, space_id: str, on_line: Callable[[str], None]
) -> DeployResult:
    result = DeployResult(space_id)
    started = time.monotonic()
    try:
        await client.create_repo(space_id, repo_type="space", space_sdk=plan.sdk, exist_ok=True)
        await _upload(client, space_id, plan.app)
        for key, value in plan.secrets.items():
            await client.add_space_secret(space_id, key, value)
        for key, value in plan.variables.items():
            await client.add_space_variable(space_id, key, value)
        if plan.hardware != "cpu-basic":
            await client.request_space_hardware(space_id, plan.hardware)
        await client.restart_space(space_id)
        async with anyio.create_task_group() as logs:
            logs.start_soon(_stream_logs, client, space_id, result, on_line)
            runtime = await client.wait_for_space(
                space_id, timeout=plan.timeout, poll_interval=plan.poll_interval
            )
            await anyio.sleep(LOG_GRACE)  # the first run log lines
            logs.cancel_scope.cancel()
        result.stage = str(runtime.stage)
        result.hardware = None if runtime.hardware is None else str(runtime.hardware)
    except HubClientError as err:  # a timeout, an HTTP error, a broken log stream…
        result.error = f"{type(err).__name__}: {str(err).splitlines()[0]}"
    finally:
        result.seconds = time.monotonic() - started
    return result


async def deploy(
    client: AsyncHubClient, plan: DeployPlan, on_line: Callable[[str], None] = print
) -> list[DeployResult]:
    """Deploy every Space of ``plan`` at once; the results in the order of ``plan.space_ids()``."""
    ids = plan.space_ids()
    results: list[DeployResult | None] = [None] * len(ids)

    async def one(index: int, space_id: str) -> None:
        results[index] = await deploy_one(client, plan, space_id, on_line)

    async with anyio.create_task_group() as group:
        for index, space_id in enumerate(ids):
            group.start_soon(one, index, space_id)
    return [r for r in results if r is not None]


def report(results: Sequence[DeployResult]) -> str:
    lines = [f"{'space':40} {'stage':14} {'hardware':12} {'seconds':>8} {'log lines':>9}  error"]
    for r in results:
        lines.append(
            f"{r.space_id:40} {r.stage:14} {r.hardware or '-':12} {r.seconds:8.1f} "
            f"{r.log_lines:9d}  {r.error or ''}"
        )
    running = sum(r.ok for r in results)
    lines.append(f"{running} of {len(results)} Spaces running")
    return "\n".join(lines)


def _pairs(values: Sequence[str], flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise SystemExit(f"{flag} expects KEY=VALUE, got {value!r}")
        out[key] = rest
    return out


def main(argv: Sequence[str] | None = None, *, client: AsyncHubClient | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespace", required=True, help="user or organisation of the Spaces")
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--prefix", default="demo")
    parser.add_argument("--app", type=Path, help="folder of the app (default: a tiny app.py)")
    parser.add_argument("--sdk", default="gradio")
    parser.add_argument("--hardware", default="cpu-basic")
    parser.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--variable", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--poll-interval", type=float, default=2.0)
    args = parser.parse_args(argv)
    plan = DeployPlan(
        namespace=args.namespace,
        count=args.count,
        prefix=args.prefix,
        sdk=args.sdk,
        hardware=args.hardware,
        secrets=_pairs(args.secret, "--secret"),
        variables=_pairs(args.variable, "--variable"),
        timeout=args.timeout,
        poll_interval=args.poll_interval,
        **({"app": args.app} if args.app else {}),
    )

    async def run() -> list[DeployResult]:
        if client is not None:
            return await deploy(client, plan)
        async with AsyncHubClient() as own:  # HF_ENDPOINT, HF_TOKEN
            return await deploy(own, plan)

    results = anyio.run(run)
    print(report(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
