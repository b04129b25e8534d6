"""The runtime of the generated facade, driven through a sample client with every shape."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest

from hubclient._portal import ClientClosedError
from tests.sync.sample import import_sample, write_sample


@pytest.fixture(scope="module")
def fakehub(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    root = tmp_path_factory.mktemp("sample")
    write_sample(root)
    return import_sample(root)[1]


@pytest.fixture
def client(fakehub: ModuleType) -> Iterator[Any]:
    with fakehub.HubClient("main") as client:
        yield client


def portal_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("hubclient-portal")]


def wait_for_no_portal_threads(before: int) -> None:
    for _ in range(100):
        if len(portal_threads()) <= before:
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"portal threads left running: {portal_threads()}")


def log_of(client: Any) -> list[str]:
    return list(client._runner.client.log)


def test_arguments_results_and_errors_pass_through(client: Any) -> None:
    assert client.echo(2) == "2"
    assert client.echo(2, 3, 4, 5, sep="-", k="v") == "6-4-5-k=v"
    assert client.pick("int") == 1
    assert client.pick("str") == "one"
    assert client.ping() == "pong"  # inherited
    assert client.model_info("a/b") == {"id": "a/b", "revision": "main"}
    assert client.version(2) == "2.0"  # staticmethod
    assert client.label == "main"  # property
    with pytest.raises(ValueError, match="boom"):
        client.fail("boom")
    assert client.echo(1) == "1"  # still usable after an error


def test_client_lives_in_its_own_loop_thread_started_lazily(fakehub: ModuleType) -> None:
    before = len(portal_threads())
    client = fakehub.HubClient("lazy")
    assert len(portal_threads()) == before  # nothing started yet
    assert client.describe() == "lazy in hubclient-portal"  # plain methods run in the loop
    assert client._runner.client.thread == "hubclient-portal"  # built inside the loop
    assert len(portal_threads()) == before + 1
    assert log_of(client) == ["enter"]  # entered with `async with` inside the loop
    inner = client._runner.client
    client.close()
    assert inner.log == ["enter", "closed"]
    wait_for_no_portal_threads(before)
    client.close()  # idempotent
    with pytest.raises(ClientClosedError):
        client.echo(1)
    assert repr(client) == "<HubClient closed>"


def test_context_manager_closes(fakehub: ModuleType) -> None:
    before = len(portal_threads())
    with fakehub.HubClient("cm") as client:
        inner = client._runner.client
        assert client.echo(3) == "3"
    assert inner.log[-1] == "closed"
    wait_for_no_portal_threads(before)


def test_garbage_collection_stops_the_loop(fakehub: ModuleType) -> None:
    before = len(portal_threads())
    client = fakehub.HubClient("gc")
    client.echo(1)
    inner = client._runner.client
    del client
    gc.collect()
    wait_for_no_portal_threads(before)
    assert inner.log[-1] == "closed"


def test_iterators_are_lazy_and_close_the_async_iterator(client: Any) -> None:
    assert list(client.numbers(3)) == [0, 1, 2]
    assert log_of(client)[-1] == "numbers closed"

    numbers = client.numbers(100)
    assert next(numbers) == 0
    assert next(numbers) == 1
    assert log_of(client)[-2:] == ["yield 0", "yield 1"]  # no read-ahead
    numbers.close()
    assert log_of(client)[-1] == "numbers closed"

    abandoned = client.numbers(100)
    assert next(abandoned) == 0
    del abandoned
    gc.collect()
    for _ in range(100):
        if log_of(client)[-1] == "numbers closed":
            break
        threading.Event().wait(0.02)
    assert log_of(client)[-1] == "numbers closed"


def test_iterator_shapes(client: Any) -> None:
    assert list(client.letters("abc")) == ["a", "b", "c"]  # def returning an async iterator
    assert list(client.pages(2)) == [0, 1]  # coroutine returning an async iterator
    # An async generator holding a task group across its yields runs in one loop task.
    assert list(client.slow_numbers(0.01)) == [0, 1]


def test_async_context_manager_becomes_a_context_manager(client: Any) -> None:
    with client.session("tag") as value:
        assert value == "TAG"
        assert log_of(client)[-1] == "open tag"
    assert log_of(client)[-1] == "close tag"


def test_with_options_shares_the_loop_and_outlives_its_parent(fakehub: ModuleType) -> None:
    before = len(portal_threads())
    parent = fakehub.HubClient("parent")
    child = parent.with_options(name="child")
    assert isinstance(child, fakehub.HubClient)
    assert child.describe() == "child in hubclient-portal"
    assert parent.describe() == "parent in hubclient-portal"
    assert len(portal_threads()) == before + 1  # one loop for both
    child.close()
    assert parent.echo(1) == "1"
    other = parent.with_options(name="other")
    parent.close()
    assert other.echo(2) == "2"  # the loop lives while a client uses it
    other.close()
    wait_for_no_portal_threads(before)


def test_eight_threads_share_one_client(client: Any) -> None:
    before = len(portal_threads())
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            out = [client.echo(i, index) for i in range(25)]
            out.append(",".join(map(str, client.numbers(5))))
            with client.session(f"t{index}") as value:
                out.append(value)
            results[index] = out
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(results) == list(range(8))
    for index, out in results.items():
        assert out == [str(i * index) for i in range(25)] + ["0,1,2,3,4", f"T{index}"]
    assert len(portal_threads()) <= max(before, 1)  # still one loop


def test_works_inside_a_running_asyncio_loop(client: Any) -> None:
    async def notebook_cell() -> list[Any]:
        # A sync call inside a coroutine, as in a Jupyter cell: the portal is another thread.
        return [client.echo(7), list(client.numbers(2)), client.label]

    assert asyncio.run(notebook_cell()) == ["7", [0, 1], "main"]


def test_works_inside_a_running_trio_loop(client: Any) -> None:
    async def main() -> str:
        return str(client.echo(8))

    assert anyio.run(main, backend="trio") == "8"


def test_calling_from_its_own_loop_thread_fails_instead_of_deadlocking(client: Any) -> None:
    with pytest.raises(RuntimeError, match="event loop thread"):
        client._runner.call_sync(lambda inner: client.echo(1))


def test_bad_constructor_arguments_surface_on_first_use(fakehub: ModuleType) -> None:
    client = fakehub.HubClient(log="not a list")  # the sample appends to it: AttributeError
    with pytest.raises(AttributeError):
        client.echo(1)
    client.close()


def test_closed_while_running(fakehub: ModuleType, tmp_path: Path) -> None:
    client = fakehub.HubClient("closing")
    client.echo(1)
    marker = tmp_path / "nap"
    errors: list[BaseException] = []

    def nap() -> None:
        try:
            client.nap(30, str(marker))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=nap)
    thread.start()
    for _ in range(100):
        if client._runner.client.log:
            break
    threading.Event().wait(0.2)
    client.close()
    thread.join(10)
    assert not thread.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], ClientClosedError)
    assert marker.read_text() == "cleaned up"


def test_values_with_async_methods_come_back_as_sync_views(
    fakehub: ModuleType, client: Any
) -> None:
    with client.open_stream("hello big world") as stream:
        assert isinstance(stream, fakehub.SyncStream)
        assert stream.text == "hello big world"  # public fields become properties
        assert stream.length() == 15  # plain methods are called directly
        assert stream.read() == "hello big world"  # coroutines run on the loop
        assert list(stream) == ["hello", "big", "world"]  # __aiter__ -> __iter__
        assert list(stream.iter_words(upper=True)) == ["HELLO", "BIG", "WORLD"]
    assert log_of(client)[-1] == "stream hello big world closed"
    returned = client.get_stream("a b")
    assert isinstance(returned, fakehub.SyncStream)
    assert list(returned) == ["a", "b"]


def test_closed_during_an_iteration(fakehub: ModuleType) -> None:
    client = fakehub.HubClient("iterating")
    items = client.slow_numbers(30)
    assert next(items) == 0
    closer = threading.Timer(0.2, client.close)
    closer.start()
    with pytest.raises(ClientClosedError):
        next(items)
    closer.join()


def test_defaults_naming_module_constants(client: Any) -> None:
    assert client.limited() == "3 fast"
    assert client.limited(5, "slow") == "5 slow"
