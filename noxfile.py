"""Developer sessions: `nox -l` lists them; `nox` runs tests, lint, typecheck and sync."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "tests-httpx", "lint", "typecheck", "sync", "parity"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = ["3.11"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The default test run: fast, in-process local Hub, asyncio (aiohttp backend) and trio."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON, name="tests-httpx")
def tests_httpx(session: nox.Session) -> None:
    """The default test run again on the httpx backend under asyncio (the default run covers
    aiohttp under asyncio, and trio, which always uses httpx)."""
    session.install("-e", ".[test]")
    session.run(
        "pytest", "-k", "not trio", *session.posargs, env={"HUBCLIENT_HTTP_BACKEND": "httpx"}
    )


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """huggingface_hub (Xet disabled), git and git-lfs against the served local Hub; then
    huggingface_hub 2.4 again with Xet on, as hf_xet makes it by default.

    The clients that are not Python packages come from tests/conformance/install-clients."""
    session.install("-e", ".[test]")
    session.run("bash", "tests/conformance/install-clients", external=True)
    session.run("pytest", "-m", "conformance", "tests/conformance", *session.posargs)
    session.run(
        "pytest",
        "-m",
        "conformance",
        "tests/conformance",
        "--ignore=tests/conformance/test_git.py",
        "--ignore=tests/conformance/test_hf1.py",
        "--ignore=tests/conformance/test_hub_js.py",
        *session.posargs,
        env={"HUBCLIENT_CONFORMANCE_XET": "1"},
    )


@nox.session(python=PYTHON)
def slow(session: nox.Session) -> None:
    """Heavy suites kept out of the default run (big files, chaos, several processes, a local
    Ray cluster)."""
    session.install("-e", ".[test,ray]")
    session.run("pytest", "-m", "slow", *session.posargs)


@nox.session(python=PYTHON)
def benchmarks(session: nox.Session) -> None:
    """hubclient against huggingface_hub on the same local Hub, one machine against a local Ray
    cluster; prints ratios."""
    session.install("-e", ".[test,ray]")
    session.run("pytest", "-m", "benchmark", "-s", "tests/benchmarks", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, the tests and the examples."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python=PYTHON)
def sync(session: nox.Session) -> None:
    """Fail when the generated sync facade (hubclient/_sync/, hubclient/_functions/) is stale."""
    session.install("-e", ".")
    session.run("python", "-m", "hubclient._generate_sync", "--check")


@nox.session(python=PYTHON)
def parity(session: nox.Session) -> None:
    """Fail when docs/parity.md (the ledger against huggingface_hub's HfApi) is stale, or when a
    deviation has no reason; `nox -s parity -- --write` regenerates it."""
    session.install("-e", ".[test]")
    args = [] if "--write" in session.posargs else ["--check"]
    session.run("python", "-m", "hubclient._parity", *args)


@nox.session(python=PYTHON, name="generate-sync")
def generate_sync(session: nox.Session) -> None:
    """Regenerate hubclient/_sync/ and hubclient/_functions/ from AsyncHubClient."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "hubclient._generate_sync")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site with warnings as errors (``mkdocs serve`` to browse it)."""
    session.install("-e", ".[docs]")
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    session.run("mkdocs", "build", "--strict", *session.posargs)
