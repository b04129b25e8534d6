"""A small sample package whose `AsyncHubClient` uses every shape the generator must mirror.

`write_sample(root)` writes `root/fakehub/` (an `_client.py` with a base class in another
module, async generators, a def returning an async iterator, a coroutine returning one, an
`@asynccontextmanager`, overloads, a property, a staticmethod, `with_options`, `aclose`) and
generates `root/fakehub/_sync/` and `root/fakehub/_functions/` from it with hubclient's
generator.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from hubclient._generate_sync import render

BASE = '''\
from __future__ import annotations

import anyio


class Base:
    """Inherited members must be mirrored too."""

    async def ping(self, text: str = "ping") -> str:
        """Answer ``pong``.

        Example::

            await client.ping()
        """
        await anyio.sleep(0)
        return text.replace("ping", "pong")

    async def model_info(self, repo_id: str, *, revision: str | None = None) -> dict[str, str]:
        """A fake model info."""
        return {"id": repo_id, "revision": revision or "main"}
'''

STREAM = '''\
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio


@dataclass
class Stream:
    """A value with async methods.

    Example::

        async for chunk in stream:
            print(chunk)
    """

    text: str
    _secret: int = 0

    def __aiter__(self) -> AsyncIterator[str]:
        return self.aiter_words()

    async def read(self) -> str:
        """All of it."""
        await anyio.sleep(0)
        return self.text

    async def aiter_words(self, upper: bool = False) -> AsyncIterator[str]:
        """Word by word."""
        for word in self.text.split():
            await anyio.sleep(0)
            yield word.upper() if upper else word

    def length(self) -> int:
        """A plain method."""
        return len(self.text)
'''

CLIENT = '''\
from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Literal, overload

import anyio

from fakehub._base import Base
from fakehub._stream import Stream

LIMIT = 3


class AsyncHubClient(Base):
    """Asynchronous sample client.

    Example::

        async with AsyncHubClient() as client:
            print(await client.echo(1))
    """

    def __init__(
        self, name: str = "sample", *, log: list[str] | None = None, marker_dir: str | None = None
    ) -> None:
        self.name = name
        self.log: list[str] = log if log is not None else []
        self.marker_dir = marker_dir
        self.thread = threading.current_thread().name

    async def __aenter__(self) -> AsyncHubClient:
        self.log.append("enter")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the sample (``aclose`` becomes ``close``)."""
        self.log.append("closed")
        if self.marker_dir is not None:
            Path(self.marker_dir, "closed").write_text(self.name)

    @property
    def label(self) -> str:
        """The client's name."""
        return self.name

    async def echo(
        self, value: int, /, scale: int = 1, *rest: int, sep: str = ",", **extra: str
    ) -> str:
        """Echo the arguments."""
        await anyio.sleep(0)
        parts = [str(value * scale), *map(str, rest), *(f"{k}={v}" for k, v in extra.items())]
        return sep.join(parts)

    async def limited(
        self,
        n: int = LIMIT,
        mode: Literal[
            "fast",
            "slow",
        ] = "fast",
    ) -> str:
        """A default naming a module constant, an annotation over several lines."""
        return f"{n} {mode}"

    async def fail(self, message: str) -> None:
        """Raise ValueError(message)."""
        await anyio.sleep(0)
        raise ValueError(message)

    async def nap(self, seconds: float, marker: str | None = None) -> None:
        """Sleep; write ``marker`` when the sleep ends or is cancelled."""
        try:
            await anyio.sleep(seconds)
        finally:
            if marker is not None:
                Path(marker).write_text("cleaned up")

    async def numbers(self, count: int, marker: str | None = None) -> AsyncIterator[int]:
        """Yield 0..count-1, logging each step.

        Example::

            async for n in client.numbers(3):
                print(n)
        """
        try:
            for i in range(count):
                await anyio.sleep(0)
                self.log.append(f"yield {i}")
                yield i
        finally:
            self.log.append("numbers closed")
            if marker is not None:
                Path(marker).write_text("closed")

    async def slow_numbers(self, delay: float) -> AsyncIterator[int]:
        """Yield 0, then sleep for ``delay`` before yielding 1, inside a task group."""
        async with anyio.create_task_group():
            yield 0
            await anyio.sleep(delay)
            yield 1

    def letters(self, text: str) -> AsyncIterator[str]:
        """A plain def returning an async iterator."""
        return self._letters(text)

    async def _letters(self, text: str) -> AsyncIterator[str]:
        for char in text:
            yield char

    async def pages(self, count: int) -> AsyncIterator[int]:
        """A coroutine returning an async iterator."""
        await anyio.sleep(0)
        return self.numbers(count)

    @asynccontextmanager
    async def session(self, tag: str) -> AsyncIterator[str]:
        """An async context manager."""
        self.log.append(f"open {tag}")
        try:
            with anyio.CancelScope():
                yield tag.upper()
        finally:
            self.log.append(f"close {tag}")

    @asynccontextmanager
    async def open_stream(self, text: str) -> AsyncIterator[Stream]:
        """Yield an object with async methods: the facade yields a sync view of it."""
        stream = Stream(text)
        try:
            yield stream
        finally:
            self.log.append(f"stream {text} closed")

    async def get_stream(self, text: str) -> Stream:
        """Return an object with async methods."""
        return Stream(text)

    @overload
    async def pick(self, kind: Literal["int"]) -> int: ...

    @overload
    async def pick(self, kind: Literal["str"]) -> str: ...

    async def pick(self, kind: Literal["int", "str"]) -> int | str:
        """Overloaded."""
        return 1 if kind == "int" else "one"

    @staticmethod
    def version(major: int = 1) -> str:
        """A staticmethod."""
        return f"{major}.0"

    def describe(self) -> str:
        """A plain method: runs in the loop thread."""
        return f"{self.name} in {threading.current_thread().name}"

    def with_options(self, *, name: str | None = None) -> AsyncHubClient:
        """A copy sharing the log."""
        return AsyncHubClient(name or self.name, log=self.log, marker_dir=self.marker_dir)
'''


def write_sample(root: Path) -> Path:
    """Write the sample package under `root` and generate its facade; return the package."""
    package = root / "fakehub"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "_base.py").write_text(BASE)
    (package / "_stream.py").write_text(STREAM)
    (package / "_client.py").write_text(CLIENT)
    for relative, text in render(package, package / "_client.py").items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def import_sample(root: Path) -> tuple[ModuleType, ModuleType]:
    """Import (fakehub._client, fakehub._sync) from `root`."""
    sys.path.insert(0, str(root))
    try:
        for name in [n for n in sys.modules if n == "fakehub" or n.startswith("fakehub.")]:
            del sys.modules[name]
        return importlib.import_module("fakehub._client"), importlib.import_module("fakehub._sync")
    finally:
        sys.path.remove(str(root))
