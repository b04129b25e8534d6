"""What the benchmarks share: the environment of their child processes, the local Hub served in
a subprocess (``python -m hubclient.testing serve``), and running one timed child script.

Every client under test runs in a fresh interpreter (no GIL shared with the Hub or the other
client) with ``HF_HUB_DISABLE_XET=1`` (plain LFS, as the local Hub speaks it) and no token or
endpoint inherited from the caller's environment. Example::

    with served_hub(data_dir, token=TOKEN) as server:
        figures = run_child(SCRIPT, server.hub_url, "alice/repo", env=bench_env(token=TOKEN))
        print(figures["seconds"])
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.benchmarks._proxy import Network, proxied

ROOT = Path(__file__).resolve().parents[2]
"""The checkout: the children run there, with it first on ``PYTHONPATH``."""

TOKEN = "hf_alice_write"
"""The write token of user ``alice`` on every benchmark Hub."""

# Settings of the caller that would send a child elsewhere, offline, or to a shared cache.
_INHERITED = ("HF_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_HUB_CACHE", "HF_HOME")


@dataclass(frozen=True)
class Server:
    """A local Hub running in a subprocess; ``hub_url`` is the API origin clients use (the
    proxy's, when one stands in front); ``engine`` names its event loop and HTTP parser."""

    hub_url: str
    process: subprocess.Popen[str]
    engine: str = ""
    bound: tuple[str, str] = ("", "")
    storage_url: str = ""
    """The storage origin clients are sent to (the proxy's, when one stands in front)."""
    """Where the hub and storage origins listen (the proxy's upstreams)."""


def bench_env(work: Path | None = None, *, token: str = TOKEN) -> dict[str, str]:
    """The environment of a benchmark child: quiet huggingface_hub without Xet, the checkout
    importable, ``BENCH_TOKEN`` set to ``token``.

    With ``work``, every file the child writes lands under it: ``HF_HOME`` is ``work/home``,
    ``TMPDIR`` ``work/tmp`` and ``BENCH_CACHE`` ``work/cache`` (all three created).

    >>> env = bench_env(token="hf_x")
    >>> env["HF_HUB_DISABLE_XET"], env["BENCH_TOKEN"], "HF_TOKEN" in env
    ('1', 'hf_x', False)
    """
    env = dict(os.environ)
    for name in _INHERITED:
        env.pop(name, None)
    env.update(
        HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_DISABLE_UPDATE_CHECK="1",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        BENCH_TOKEN=token,
    )
    if work is not None:
        for name in ("home", "tmp", "cache"):
            (work / name).mkdir(parents=True, exist_ok=True)
        env.update(
            HF_HOME=str(work / "home"),
            TMPDIR=str(work / "tmp"),
            BENCH_CACHE=str(work / "cache"),
        )
    return env


def serve_command(data: Path, *, token: str = TOKEN, public: list[str] | None = None) -> list[str]:
    """The command serving the Hub stored in ``data``, ``token`` belonging to ``alice``;
    ``public``: the hub and storage origins clients reach it through.

    >>> serve_command(Path("d"), token="t")[2:]
    ['hubclient.testing', 'serve', '--data', 'd', '--token', 'alice=t', '--log-level', 'warning']
    """
    through = ["--public-url", public[0], "--storage-public-url", public[1]] if public else []
    return [
        sys.executable,
        "-m",
        "hubclient.testing",
        "serve",
        "--data",
        str(data),
        "--token",
        f"alice={token}",
        "--log-level",
        "warning",
        *through,
    ]


def start_hub(data: Path, *, token: str = TOKEN, public: list[str] | None = None) -> Server:
    """Serve the Hub stored in ``data`` in a subprocess and wait for its ``READY`` line; fails
    the test if it exits or prints none. Stop it with :func:`stop_hub` (or use
    :func:`served_hub`). ``public``: see :func:`serve_command`; the returned URLs are those.
    """
    process = subprocess.Popen(
        serve_command(data, token=token, public=public),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=bench_env(token=token),
        cwd=ROOT,
    )
    assert process.stdout is not None
    for _ in range(100):
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("READY"):
            fields = dict(part.split("=", 1) for part in line.split()[1:])
            return Server(
                fields["hub"],
                process,
                f"loop={fields['loop']} http={fields['http']}",
                (fields["bound-hub"], fields["bound-storage"]),
                fields["storage"],
            )
    process.kill()
    pytest.fail(f"the local Hub in {data} did not start")


def stop_hub(server: Server) -> None:
    """Stop a Hub started by :func:`start_hub`: terminate, then kill after 10 s."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@contextmanager
def served_hub(
    data: Path, *, token: str = TOKEN, network: Network | None = None
) -> Iterator[Server]:
    """:func:`start_hub` for the ``with`` block, :func:`stop_hub` after it. With ``network``
    (a round-trip time, a rate cap), both origins are served through a delay-and-rate proxy
    (``_proxy.py``) and every URL the Hub hands out points at the proxy.

    Example: ``with served_hub(tmp_path / "hub", network=Network(rtt=0.08)) as server: ...``
    """
    if network is None or (network.rtt == 0 and network.rate == 0):
        server = start_hub(data, token=token)
        try:
            yield server
        finally:
            stop_hub(server)
        return
    with proxied(network, cwd=ROOT, env=bench_env(token=token)) as proxy:
        server = start_hub(data, token=token, public=proxy.urls)
        try:
            proxy.forward(list(server.bound))
            yield server
        finally:
            stop_hub(server)


def run_child(script: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    """Run ``script`` (dedented) in a fresh interpreter with ``args`` as ``sys.argv[1:]``; its
    last stdout line is one JSON object of figures, returned. Fails with both streams if the
    child fails; gives up after an hour.

    Example: ``run_child('import json; print(json.dumps({"seconds": 1.5}))', env=bench_env())``
    """
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=3600,
        check=False,
    )
    if out.returncode != 0:
        raise AssertionError(f"benchmark child failed:\n{out.stdout}\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
