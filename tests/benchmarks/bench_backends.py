"""Benchmark: client CPU per HTTP request, by backend, against a minimal server.

The server (its own process, uvicorn on uvloop + httptools) answers every GET with the same
2 KB JSON, so what is measured is the client: ``time.process_time`` of a fresh interpreter
sending 2,000 GETs, 16 in flight, after 200 warm-up GETs. Variants, interleaved round by round
(medians of the rounds are printed):

* ``hubclient/httpx``, ``hubclient/aiohttp``: ``HubHttp.request`` (hubclient's one network door:
  auth per origin, retries, the 429 gate, typed errors) on each backend;
* ``httpx``: a bare ``httpx.AsyncClient`` (the floor of the httpx backend);
* ``httpx+httpx-aiohttp``: httpx over the ``httpx-aiohttp`` transport, when installed;
* ``aiohttp``: a bare ``aiohttp.ClientSession`` (the floor of the aiohttp backend).

    pytest -m benchmark -s tests/benchmarks/bench_backends.py
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.benchmarks._served import ROOT, bench_env

pytestmark = pytest.mark.benchmark

CALLS = 2000
IN_FLIGHT = 16
ROUNDS = 3

_SERVER = """
    import json, socket, sys, uvicorn
    from hubclient.testing._serve import bind, url_of
    SIBLINGS = [{"rfilename": f"f{i}.bin"} for i in range(60)]
    BODY = json.dumps({"id": "alice/m", "siblings": SIBLINGS}).encode()
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(BODY)).encode())]})
        await send({"type": "http.response.body", "body": BODY})
    sock = bind("127.0.0.1", 0)
    print(url_of(sock), flush=True)
    config = uvicorn.Config(app, loop="uvloop", http="httptools", log_level="warning",
                            access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
"""

_CLIENT = """
    import asyncio, json, sys, time
    variant, url, calls, in_flight = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

    async def drive(get):
        async def worker(n):
            for _ in range(n):
                await get()
        await asyncio.gather(*(worker(200 // in_flight) for _ in range(in_flight)))  # warm up
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(calls // in_flight) for _ in range(in_flight)))
        return time.process_time() - cpu, time.perf_counter() - wall

    async def main():
        if variant.startswith("hubclient/"):
            from hubclient._http import HubHttp
            from hubclient._settings import HubSettings
            settings = HubSettings(endpoint=url, token="hf_x", http_backend=variant.split("/")[1])
            http = HubHttp(settings)
            async def get():
                (await http.request("GET", "/api/models/alice/m")).json()
            result = await drive(get)
            assert http._pool.backend_name == variant.split("/")[1]
            await http.aclose()
        elif variant in ("httpx", "httpx+httpx-aiohttp"):
            import httpx
            kwargs = {}
            if variant == "httpx+httpx-aiohttp":
                from httpx_aiohttp import AiohttpTransport
                kwargs["transport"] = AiohttpTransport()
            async with httpx.AsyncClient(**kwargs) as client:
                async def get():
                    (await client.get(url + "/api/models/alice/m")).json()
                result = await drive(get)
        else:
            import aiohttp
            async with aiohttp.ClientSession() as session:
                async def get():
                    async with session.get(url + "/api/models/alice/m") as r:
                        json.loads(await r.read())
                result = await drive(get)
        print(json.dumps({"cpu": result[0], "wall": result[1]}))

    asyncio.run(main())
"""


@contextmanager
def _server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_SERVER)],
        stdout=subprocess.PIPE,
        text=True,
        env=bench_env(),
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _variants() -> list[str]:
    names = ["hubclient/httpx", "hubclient/aiohttp", "httpx", "aiohttp"]
    if importlib.util.find_spec("httpx_aiohttp") is not None:
        names.insert(3, "httpx+httpx-aiohttp")
    return names


def _one(variant: str, url: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CLIENT), variant, url, str(CALLS), str(IN_FLIGHT)],
        capture_output=True,
        text=True,
        env=bench_env(),
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    if out.returncode != 0:
        raise AssertionError(f"{variant} failed:\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_client_cpu_per_request_by_backend() -> None:
    variants = _variants()
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    wall: dict[str, list[float]] = {v: [] for v in variants}
    with _server() as url:
        for _ in range(ROUNDS):
            for variant in variants:  # interleaved: every variant once per round
                figures = _one(variant, url)
                cpu[variant].append(figures["cpu"] / CALLS * 1000)
                wall[variant].append(CALLS / figures["wall"])
    base = statistics.median(cpu["hubclient/httpx"])
    print(f"\nclient CPU per request, {CALLS} GETs, {IN_FLIGHT} in flight, median of {ROUNDS}:")
    for variant in variants:
        ms = statistics.median(cpu[variant])
        rate = statistics.median(wall[variant])
        print(f"  {variant:22s} {ms:6.3f} ms/request  {rate:7.0f} req/s  x{base / ms:.2f} CPU")
