"""A delay-and-rate TCP proxy: a far-away network in front of a local server, for benchmarks.

Kernel ``netem`` is not available to us, so this process stands in for it. Each listening
port forwards to one upstream origin; every connection through it behaves like a path with a
round-trip time ``rtt`` and, optionally, a per-connection rate cap in each direction:

* a new connection pays one RTT before its first byte leaves for the server (the TCP handshake);
* every byte reaches the other side ``rtt / 2`` after the proxy read it, in order (so a request
  on a fresh connection is answered after 2 RTT, on a kept-alive one after 1 RTT);
* each direction of each connection is paced to at most ``rate`` bytes per second;
* at most ``window`` bytes are in flight in one direction (read but not yet written): the proxy
  stops reading, as a TCP receive window would, instead of buffering a whole upload.

Bytes are forwarded as they are, so the ``Host`` header the server sees is the proxy's address.
Run it in its own process (it then shares no GIL with the client or the server)::

    python -m tests.benchmarks._proxy --rtt 0.08 --rate 40e6 --listen 2
    # prints: PROXY http://127.0.0.1:<port> http://127.0.0.1:<port>
    # then reads one line from stdin: the upstream URLs in the same order
    # then prints: FORWARDING

:func:`proxied` does all of it for a benchmark (see ``_served.served_hub(..., rtt=...)``).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import pathlib
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

_READ = 256 * 1024


@dataclass(frozen=True)
class Network:
    """The network a proxy emulates: round-trip time (s), rate cap per connection and direction
    (bytes/s, 0 = none), bytes in flight per direction."""

    rtt: float
    rate: float = 0.0
    window: int = 4 * 1024 * 1024


async def _pipe(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    path: Network,
    not_before: float,
) -> None:
    """Copy ``reader`` to ``writer`` with the delay and the pace of ``path``."""
    loop = asyncio.get_running_loop()
    queue: collections.deque[tuple[float, bytes]] = collections.deque()
    queued = 0
    wake_reader = asyncio.Event()
    wake_writer = asyncio.Event()
    done = False

    async def read() -> None:
        nonlocal queued, done
        try:
            while True:
                while queued >= path.window:
                    wake_reader.clear()
                    await wake_reader.wait()
                data = await reader.read(_READ)
                if not data:
                    break
                queue.append((loop.time(), data))
                queued += len(data)
                wake_writer.set()
        except (ConnectionError, OSError):
            pass
        finally:
            done = True
            wake_writer.set()

    async def write() -> None:
        nonlocal queued
        free_at = 0.0  # when the paced link is done with what it was given
        try:
            while True:
                if not queue:
                    if done:
                        break
                    wake_writer.clear()
                    await wake_writer.wait()
                    continue
                arrived, data = queue.popleft()
                queued -= len(data)
                wake_reader.set()
                when = max(arrived, not_before) + path.rtt / 2
                if path.rate:  # the link takes the chunk once it is free, at the capped pace
                    free_at = max(when, free_at) + len(data) / path.rate
                    when = free_at
                delay = when - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            pass

    reading = asyncio.ensure_future(read())
    try:
        await write()
    finally:
        reading.cancel()


async def _connection(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream: tuple[str, int],
    path: Network,
) -> None:
    loop = asyncio.get_running_loop()
    handshake_done = loop.time() + path.rtt
    try:
        server_reader, server_writer = await asyncio.open_connection(*upstream)
    except OSError:
        client_writer.close()
        return
    try:
        await asyncio.gather(
            _pipe(client_reader, server_writer, path, handshake_done),
            _pipe(server_reader, client_writer, path, handshake_done),
        )
    finally:
        for w in (client_writer, server_writer):
            w.close()


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


async def _main(args: argparse.Namespace) -> None:
    path = Network(args.rtt, args.rate, args.window)
    targets: list[tuple[str, int]] = []
    ready = asyncio.Event()
    running: set[asyncio.Task[None]] = set()

    def handler(
        index: int,
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            running.add(task)
            try:
                await ready.wait()
                await _connection(r, w, targets[index], path)
            except asyncio.CancelledError:
                pass  # the proxy is stopping
            finally:
                running.discard(task)

        return handle

    servers = [
        await asyncio.start_server(handler(i), args.host, 0, backlog=2048)
        for i in range(args.listen)
    ]
    urls = []
    for server in servers:
        host, port = server.sockets[0].getsockname()[:2]
        urls.append(f"http://{host}:{port}")
    print("PROXY", *urls, flush=True)
    line = await loop_readline()
    targets.extend(_host_port(url) for url in line.split())
    if len(targets) != args.listen:
        raise SystemExit(f"expected {args.listen} upstream URLs, got {line!r}")
    ready.set()
    print("FORWARDING", flush=True)
    await loop_readline()  # stdin closed (or any line): stop
    for server in servers:
        server.close()
    for task in list(running):
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)


async def loop_readline() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt", type=float, default=0.0, help="round-trip time, seconds")
    parser.add_argument("--rate", type=float, default=0.0, help="bytes/s per connection, 0: none")
    parser.add_argument("--window", type=int, default=4 * 1024 * 1024, help="bytes in flight")
    parser.add_argument("--listen", type=int, default=2, help="how many origins to forward")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        asyncio.run(_main(args))
    else:
        uvloop.run(_main(args))


@dataclass(frozen=True)
class Proxy:
    """A running proxy: ``urls`` are its listening origins, in the order of the upstreams."""

    urls: list[str]
    process: subprocess.Popen[str]

    def forward(self, upstreams: list[str]) -> None:
        """Tell the proxy where each of its origins goes; returns once it forwards."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(" ".join(upstreams) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line.startswith("FORWARDING"):
            raise RuntimeError(f"the proxy did not start forwarding: {line!r}")


@contextmanager
def proxied(
    path: Network, *, cwd: pathlib.Path, origins: int = 2, env: dict[str, str] | None = None
) -> Iterator[Proxy]:
    """A proxy process for the ``with`` block: it listens now and forwards once told where
    (:meth:`Proxy.forward`), so its URLs can be handed to the server it stands in front of."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.benchmarks._proxy",
            "--rtt",
            str(path.rtt),
            "--rate",
            str(path.rate),
            "--window",
            str(path.window),
            "--listen",
            str(origins),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PROXY"):
            raise RuntimeError(f"the proxy did not start: {line!r}")
        yield Proxy(line.split()[1:], process)
    finally:
        if process.stdin is not None:
            with suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
