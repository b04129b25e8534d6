"""Where the time of one multipart LFS upload goes, on loopback, for both clients and the Hub.

Not a test (no ``test_``/``bench_`` prefix): a one-off measuring script. It serves one local Hub
(``python -m hubclient.testing serve``, in a subprocess), then alternates hubclient and
huggingface_hub uploads of the same file (``--rounds`` times each, every upload to a repo of its
own), and prints per run:

* the wall time and the client's CPU seconds (user+system, all threads; ``loop`` = the CPU of
  the thread running the event loop, for hubclient);
* hubclient's phases (wall and process CPU between their first start and last end):
  preupload, hash, LFS batch, parts, completion, verify, commit;
* the Hub's CPU seconds during the upload, per thread group (its event loop, its worker
  threads, its sha256 follower) and per MB uploaded;

then the medians and the ratio::

    python -m tests.benchmarks.measure_upload --size-mib 256 --rounds 3
    python -m tests.benchmarks.measure_upload --size-mib 256 --clients hubclient --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from tests.benchmarks._served import ROOT, Server, bench_env, serve_command, stop_hub
from tests.benchmarks.bench_upload import _big_file

MIB = 2**20

_HUBCLIENT = """
    import json, os, resource, sys, threading, time
    import anyio
    from hubclient import AsyncHubClient
    from hubclient import _http
    from hubclient.upload import _lfs, _plan
    spans = {}
    def note(name, t0, c0):
        t1, c1 = time.perf_counter(), time.process_time()
        first = spans.setdefault(name, [t0, t1, c0, c1, 0])
        first[0], first[2] = min(first[0], t0), min(first[2], c0)
        first[1], first[3] = max(first[1], t1), max(first[3], c1)
        first[4] += 1
    def timed(name, fn):
        async def wrapper(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return await fn(*args, **kwargs)
            finally:
                note(name, t0, c0)
        return wrapper
    _plan.hash_source = timed("hash", _plan.hash_source)
    _lfs._request_batches = timed("batch", _lfs._request_batches)
    _lfs._FileUpload.put_range = timed("parts", _lfs._FileUpload.put_range)
    request = _http.HubHttp.request
    KINDS = (("/preupload/", "preupload"), ("/api/lfs/complete/", "completion"),
             ("/objects/verify", "verify"), ("/commit/", "commit"))
    async def classified(self, method, url, **kwargs):
        name = next((n for key, n in KINDS if key in url), None)
        if name is None:
            return await request(self, method, url, **kwargs)
        return await timed(name, request)(self, method, url, **kwargs)
    _http.HubHttp.request = classified
    if os.environ.get("BENCH_OPTIONS"):  # e.g. max_parts_per_file=4 (UploadOptions fields)
        import functools
        from hubclient.upload import _commit
        fields = dict(kv.split("=") for kv in os.environ["BENCH_OPTIONS"].split(","))
        _commit.UploadOptions = functools.partial(
            _commit.UploadOptions, **{k: int(v) for k, v in fields.items()})
    loop_cpu = [0.0]
    async def main():
        token = os.environ["BENCH_TOKEN"]
        async with AsyncHubClient(endpoint=sys.argv[1], token=token) as client:
            await client.create_repo(sys.argv[2], exist_ok=True)
            c0, l0 = time.process_time(), time.thread_time()
            start = time.perf_counter()
            await client.upload_file(path_or_fileobj=sys.argv[3], path_in_repo="big.bin",
                                     repo_id=sys.argv[2])
            seconds = time.perf_counter() - start
            loop_cpu[0] = time.thread_time() - l0
            return seconds, time.process_time() - c0, start
    seconds, cpu, start = anyio.run(main)
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    phases = {n: {"start": s[0] - start, "wall": s[1] - s[0], "cpu": s[3] - s[2], "n": s[4]}
              for n, s in spans.items()}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "loop_cpu": loop_cpu[0],
                      "rss_peak_kib": peak, "phases": phases}))
"""

_HF = """
    import json, os, sys, time
    from huggingface_hub import HfApi
    api = HfApi(endpoint=sys.argv[1], token=os.environ["BENCH_TOKEN"])
    api.create_repo(sys.argv[2], exist_ok=True)
    c0 = time.process_time()
    start = time.perf_counter()
    api.upload_file(path_or_fileobj=sys.argv[3], path_in_repo="big.bin", repo_id=sys.argv[2])
    seconds = time.perf_counter() - start
    cpu = time.process_time() - c0
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_peak_kib": peak}))
"""

_TICK = os.sysconf("SC_CLK_TCK")

# The Hub runs with its Python thread names given to the OS threads too (Python 3.11 does not),
# so that /proc tells its event loop, its worker threads and its sha256 follower apart.
_NAMED_THREADS = """
import ctypes, runpy, sys, threading
_libc = ctypes.CDLL(None)
_inner = threading.Thread._bootstrap_inner
def _named(self):
    _libc.prctl(15, self.name[:15].encode())
    _inner(self)
threading.Thread._bootstrap_inner = _named
sys.argv = ["hubclient.testing", *sys.argv[1:]]
runpy.run_module("hubclient.testing", run_name="__main__", alter_sys=True)
"""


def _env(root: Path, options: str = "") -> dict[str, str]:
    """bench_env() with ``root`` (a checkout) first on the path instead of this one."""
    env = bench_env()
    env["BENCH_OPTIONS"] = options
    env["PYTHONPATH"] = str(root) + os.pathsep + env["PYTHONPATH"]
    return env


def _run(script: str, root: Path, options: str, *args: str) -> dict[str, Any]:
    """``script`` in a fresh interpreter running in ``root``: its last line of JSON."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        env=_env(root, options),
        cwd=root,
        timeout=600,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"child failed:\n{out.stdout}\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _start_hub(data: Path, root: Path) -> Server:
    command = serve_command(data)
    process = subprocess.Popen(
        [sys.executable, "-c", _NAMED_THREADS, *command[3:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(root),
        cwd=root,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("READY"):
            fields = dict(part.split("=", 1) for part in line.split()[1:])
            return Server(fields["hub"], process, f"loop={fields['loop']} http={fields['http']}")
    process.kill()
    raise SystemExit("the local Hub did not start")


def _thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of each thread group of process ``pid``, by thread name."""
    out: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICK
        group = (
            "loop"
            if name.startswith("hubclient-loca")
            else "sha256"
            if name.startswith("localhub-sha")
            else "main"
            if task.name == str(pid)
            else "workers"
            if name.startswith("AnyIO")
            else name
        )
        out[group] = out.get(group, 0.0) + seconds
    return out


def _delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: round(v - before.get(k, 0.0), 3) for k, v in after.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", default="hubclient,hf")
    parser.add_argument(
        "--options", default="", help="hubclient's UploadOptions, e.g. max_parts_per_file=4"
    )
    parser.add_argument(
        "--hub-root", type=Path, default=ROOT, help="the checkout the Hub runs from (A/B runs)"
    )
    parser.add_argument(
        "--client-root", type=Path, default=ROOT, help="the checkout hubclient runs from"
    )
    args = parser.parse_args()
    scripts = {"hubclient": _HUBCLIENT, "hf": _HF}
    clients = args.clients.split(",")
    results: dict[str, list[dict[str, Any]]] = {c: [] for c in clients}
    with tempfile.TemporaryDirectory(prefix="measure-upload-") as scratch:
        root = Path(scratch)
        big = root / "big.bin"
        _big_file(big, args.size_mib * MIB, 11)
        server = _start_hub(root / "hub", args.hub_root.resolve())
        print(f"hub from {args.hub_root}, hubclient from {args.client_root}")
        print(f"local Hub: {server.engine}")
        try:
            for i in range(args.rounds):
                for client in clients:
                    os.sync()
                    before = _thread_cpu(server.process.pid)
                    figures: dict[str, Any] = _run(
                        scripts[client], args.client_root.resolve(), args.options, server.hub_url,
                        f"alice/m-{client}-{i}", str(big),
                    )  # fmt: skip
                    hub = _delta(_thread_cpu(server.process.pid), before)
                    figures["hub_cpu"] = hub
                    figures["hub_cpu_per_mb_ms"] = round(
                        sum(hub.values()) / (args.size_mib * MIB / 1e6) * 1000, 3
                    )
                    results[client].append(figures)
                    print(client, json.dumps(figures), flush=True)
        finally:
            stop_hub(server)
    print()
    for client, runs in results.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        hub = statistics.median(sum(r["hub_cpu"].values()) for r in runs)
        rss = max(r["rss_peak_kib"] for r in runs) / 1024
        print(
            f"{client}: median wall {seconds:.3f}s, client CPU {cpu:.3f}s, "
            f"hub CPU {hub:.3f}s, peak RSS {rss:.0f} MiB"
        )
        phases = runs[0].get("phases")
        if phases:
            for name in phases:
                wall = statistics.median(r["phases"][name]["wall"] for r in runs)
                pcpu = statistics.median(r["phases"][name]["cpu"] for r in runs)
                at = statistics.median(r["phases"][name]["start"] for r in runs)
                print(f"  {name:<11} at {at:.3f}s wall {wall:.3f}s cpu {pcpu:.3f}s")
    if "hubclient" in results and "hf" in results:
        ours = statistics.median(r["seconds"] for r in results["hubclient"])
        theirs = statistics.median(r["seconds"] for r in results["hf"])
        print(f"ratio x{theirs / ours:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
