"""What a failed command says: one line per error, each sentence once, a type that names the
failure, and never a raw validation dump (the first-hour report, items 2 and 8)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hubclient.cli._errors import error_line, one_line
from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, FaultRule, ServedHub
from tests.cli.conftest import Run


def test_an_unreachable_endpoint_says_so_and_shows_its_retry(run: Run, closed_port: str) -> None:
    ran = run("--endpoint", closed_port, "info", "alice/model")  # default retries
    assert ran.code == 5
    warning, error = ran.err.splitlines()
    assert warning.startswith(f"warning: GET {closed_port}/api/models/alice/model failed")
    assert "retry 1/1 in" in warning
    host = closed_port.removeprefix("http://")
    assert error == (
        f"error: ConnectError: {host} refused the connection (is the Hub running there?) "
        f"(GET {closed_port}/api/models/alice/model)"
    )
    quiet = run("--endpoint", closed_port, "-q", "info", "alice/model")
    assert quiet.code == 5
    assert not quiet.err.startswith("warning:")


@pytest.mark.parametrize("files", [[], ["config.json"]], ids=["snapshot", "one-file"])
def test_a_dry_run_against_an_unreachable_endpoint_is_a_network_failure(
    run: Run, closed_port: str, files: list[str]
) -> None:
    ran = run("--endpoint", closed_port, "-q", "download", "alice/model", *files, "--dry-run")
    assert ran.code == 5, ran.err  # not 3 (not found): the Hub was never asked
    assert "LocalEntryNotFoundError" in ran.err


def test_a_host_that_does_not_resolve_says_so(run: Run) -> None:
    ran = run("--endpoint", "http://hub.invalid", "info", "alice/model")
    assert ran.code == 5
    assert "ConnectError: cannot resolve the host name 'hub.invalid'" in ran.err


def test_a_missing_repo_gives_its_advice_once(run: Run, hub: ServedHub) -> None:
    ran = run("--endpoint", hub.hub_url, "info", "alice/missing")
    assert ran.code == 3
    assert ran.err.startswith("error: RepositoryNotFoundError: ")
    assert ran.err.count("authenticated") == 1


def test_a_forbidden_write_is_typed_and_its_sentences_stay_apart(
    run: Run, hub: ServedHub, tmp_path: Path
) -> None:
    source = tmp_path / "x.txt"
    source.write_text("x")
    ran = run("--endpoint", hub.hub_url, "--token", BOB_TOKEN, "upload", "alice/model", str(source))
    assert ran.code == 4
    assert ran.err.startswith("error: ForbiddenError: 403 Forbidden for POST ")
    assert "to write to alice. Your token is not allowed" in ran.err
    doc = run(
        "--endpoint", hub.hub_url, "--token", BOB_TOKEN, "--json", "upload", "alice/model",
        str(source),
    ).json()  # fmt: skip
    assert doc["error"]["type"] == "ForbiddenError"
    assert "alice. Your token" in doc["error"]["message"]


def test_a_refused_token_is_typed(run: Run, hub: ServedHub) -> None:
    ran = run("--endpoint", hub.hub_url, "--token", "hf_nope", "--json", "ls", "alice/model")
    assert ran.code == 4
    assert ran.json()["error"]["type"] == "UnauthorizedError"
    assert ran.err.startswith("error: UnauthorizedError: 401 Unauthorized for GET ")


def test_a_timeout_says_what_timed_out(run: Run, hub: ServedHub) -> None:
    rule = hub.hub.faults.add(
        FaultRule(action="delay", delay=1.5, path=r"^/api/models/alice/model")
    )
    try:
        ran = run(
            "--endpoint", hub.hub_url, "--token", ALICE_TOKEN, "--timeout", "0.3",
            "--max-retries", "0", "info", "alice/model",
        )  # fmt: skip
        assert hub.hub.faults.fired(rule) == 1
    finally:
        hub.hub.faults.clear()
    assert ran.code == 5
    host = hub.hub_url.removeprefix("http://")
    assert ran.err.startswith(
        f"error: ReadTimeout: {host} sent nothing for 0.3 s (see --timeout) (GET {hub.hub_url}/"
    )


@pytest.mark.parametrize("endpoint", ["foo", "ftp://hub.example", "localhost:8000"])
def test_a_bad_endpoint_is_a_usage_error_in_one_line(run: Run, endpoint: str) -> None:
    ran = run("--endpoint", endpoint, "info", "alice/model")
    assert ran.code == 2
    assert ran.err == (
        "error: HFValidationError: invalid client settings: endpoint: must be an http(s) URL "
        f"such as https://huggingface.co, got {endpoint!r}\n"
    )


def test_one_line_keeps_sentences_apart() -> None:
    assert one_line("403 Forbidden\n\nNo rights to write to alice\nUse a write token.") == (
        "403 Forbidden. No rights to write to alice. Use a write token."
    )
    assert one_line("a:\n  b\n") == "a: b"


def test_a_timeout_without_a_request_still_says_something() -> None:
    assert error_line(httpx.ReadTimeout("")) == (
        "ReadTimeout: the server sent nothing in time (see --timeout)"
    )
