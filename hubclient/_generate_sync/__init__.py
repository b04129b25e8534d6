"""Write the sync facade (`hubclient/_sync/`, `HubClient`) and the module-level functions
(`hubclient/_functions/`) from `AsyncHubClient` (`hubclient/_client.py` and its area classes).

    python -m hubclient._generate_sync            # regenerate
    python -m hubclient._generate_sync --check    # exit 1 when a generated file is stale (CI)

The generator reads `AsyncHubClient` and its bases in the package from *source* (their AST), so
annotations and defaults are reproduced exactly as written, and writes one sync twin per area
class (`_sync/<area>.py`), `HubClient` composed of them (`_sync/__init__.py`), and one module of
module of module-level functions per area (`_functions/<area>.py`): every public method of an
area class but those of NOT_MODULE_FUNCTIONS. The methods:

* `async def m(...) -> T`            -> `def m(...) -> T`, the coroutine run on the client's loop;
* async generators, and methods returning `AsyncIterator[T]` / `AsyncIterable[T]` /
  `AsyncGenerator[T, S]` -> methods returning `Iterator[T]` / `Iterable[T]` /
  `Generator[T, S, None]`, pulling items lazily through the loop;
* `@asynccontextmanager` methods and methods returning `AbstractAsyncContextManager[T]` ->
  sync context managers;
* properties -> properties; plain methods -> run in the loop thread;
* methods returning the class itself (`with_options`) -> return a `HubClient` sharing the loop;
* `aclose()` -> `close()`, plus `__enter__` / `__exit__`.

The output is passed through `ruff check --select I --fix` and `ruff format` when ruff can be
found (next to the interpreter, on PATH, or as `python -m ruff`); the text is generated so that
those steps leave it unchanged anyway, which tests/sync verifies.
"""

from hubclient._generate_sync._layout import GENERATED_DIRS, render
from hubclient._generate_sync._names import NOT_MODULE_FUNCTIONS, GenerationError
from hubclient._generate_sync._run import format_source, generate, main, ruff_command

__all__ = [
    "GENERATED_DIRS",
    "NOT_MODULE_FUNCTIONS",
    "GenerationError",
    "format_source",
    "generate",
    "main",
    "render",
    "ruff_command",
]
