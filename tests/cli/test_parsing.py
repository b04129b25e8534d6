"""The parser, --help, usage errors, and the small pieces (sizes, exit-code mapping)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import httpx
import pytest

from hubclient import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    LocalTokenNotFoundError,
    MirrorError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    __version__,
)
from hubclient.cli import _browse
from hubclient.cli._app import build_parser
from hubclient.cli._common import human_size, parse_size, resolve_repo
from hubclient.cli._errors import (
    ExitCode,
    UsageError,
    error_line,
    exit_code_for,
    exit_code_for_mirror_errors,
)
from hubclient.cli._mirror import mirror_options
from tests.cli.conftest import Run

COMMANDS = ["download", "upload", "mirror", "ls", "info", "serve"]


def test_top_help_lists_commands_and_exit_codes(run: Run) -> None:
    ran = run("--help")
    assert ran.code == 0
    for command in COMMANDS:
        assert f"\n    {command} " in ran.out
    assert "exit codes:" in ran.out
    assert "130  interrupted" in ran.out


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(run: Run, command: str) -> None:
    ran = run(command, "--help")
    assert ran.code == 0
    assert ran.out.startswith(f"usage: hubclient {command}")
    assert "examples:" in ran.out
    assert f"hubclient {command}" in ran.out.split("examples:")[1]


def test_version(run: Run) -> None:
    ran = run("--version")
    assert ran.code == 0
    assert ran.out.strip() == f"hubclient {__version__}"


def test_no_command_is_usage(run: Run) -> None:
    ran = run()
    assert ran.code == 2
    assert "usage: hubclient" in ran.err


@pytest.mark.parametrize(
    "argv",
    [
        ["nope"],
        ["ls"],
        ["download", "a/b", "--max-workers", "many"],
        ["mirror", "a/b"],  # neither --to nor --to-dir
        ["mirror", "a/b", "--to", "http://x", "--to-dir", "d"],
        ["mirror", "a/b", "--to", "http://x", "--max-bytes-in-flight", "lots"],
        ["mirror", "a/b", "--to", "http://x", "--max-files", "0"],
        ["info", "a/b", "--max-retries", "-1"],
        ["info", "a/b", "--repo-type", "kernel"],
    ],
)
def test_bad_usage_is_2(run: Run, argv: list[str]) -> None:
    ran = run(*argv)
    assert ran.code == 2
    assert "error:" in ran.err
    assert ran.out == ""


def test_bad_usage_with_json_prints_a_document(run: Run) -> None:
    ran = run("--json", "mirror", "a/b")
    assert ran.code == 2
    doc = ran.json()
    assert doc == {
        "ok": False,
        "error": {
            "type": "UsageError",
            "message": "one of the arguments --to --to-dir is required",
            "status_code": None,
            "exit_code": 2,
        },
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mirror", "--to", "http://x"], "one of SRC_REPO, --plan FILE or --author"),
        (
            ["mirror", "a/b", "--plan", "p.txt", "--to", "http://x"],
            "one of SRC_REPO, --plan FILE or --author",
        ),
        (["mirror", "a/b", "c/d", "--to-dir", "d"], "DEST_REPO is for --to"),
        (["mirror", "a/b", "--to", "http://x", "--local-dir-layout"], "goes with --to-dir"),
        (["mirror", "--plan", "missing.txt", "--to-dir", "d"], "does not exist"),
        (["mirror", "a/b", "--to", "ftp://x", "--max-retries", "0"], "must be a Hub URL"),
    ],
)
def test_mirror_argument_mistakes_are_2(run: Run, argv: list[str], message: str) -> None:
    ran = run(*argv)
    assert ran.code == 2, ran.err
    assert message in ran.err


def test_global_options_before_or_after_the_command() -> None:
    parser = build_parser()
    before = parser.parse_args(["--json", "--endpoint", "http://e", "ls", "a/b"])
    after = parser.parse_args(["ls", "a/b", "--json", "--endpoint", "http://e"])
    neither = parser.parse_args(["ls", "a/b"])
    assert (before.json, before.endpoint) == (after.json, after.endpoint) == (True, "http://e")
    assert (neither.json, neither.endpoint, neither.token) == (False, None, None)


def test_serve_token_is_user_token_pairs() -> None:
    args = build_parser().parse_args(["serve", "--token", "alice=t1", "--token", "bob=t2"])
    assert args.tokens == [("alice", "t1"), ("bob", "t2")]
    assert args.token is None
    assert build_parser().parse_args(["--token", "x", "serve"]).token == "x"
    assert build_parser().parse_args(["--token", "x", "serve", "--token", "a=b"]).token == "x"


def test_serve_has_the_options_of_the_testing_serve() -> None:
    from hubclient.testing.__main__ import run_serve

    args = build_parser().parse_args(
        ["serve", "--read-token", "carol=r", "--org", "carol=acme", "--seed", "carol/m=./m",
         "--page-size", "7", "--signed-url-ttl", "5", "--data", "d"]
    )  # fmt: skip
    assert (args.read_tokens, args.orgs, args.seeds) == (
        [("carol", "r")],
        [("carol", "acme")],
        [("carol/m", "./m")],
    )
    assert (args.page_size, args.signed_url_ttl, str(args.data)) == (7, 5.0, "d")
    assert (args.host, args.port, args.log_level) == ("127.0.0.1", 0, "warning")
    assert args.sync_func is run_serve


def test_serve_bad_pair_is_2(run: Run) -> None:
    ran = run("serve", "--token", "no-equals-sign")
    assert ran.code == 2
    assert "expected NAME=VALUE" in ran.err


_WITHOUT_SERVER_EXTRA = """
import sys
sys.modules["starlette"] = None  # as if the server extra were not installed
from hubclient.cli import main
from hubclient.cli._app import build_parser
build_parser().parse_args(["ls", "a/b"])
assert not any(m.startswith("hubclient.testing") for m in sys.modules), "imported eagerly"
sys.exit(main(sys.argv[1:]))
"""


def test_serve_without_the_server_extra_says_so() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_SERVER_EXTRA, "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: serve needs the server extra (pip install"), done.stderr
    assert done.stdout == ""


def test_mirror_options_from_flags() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["mirror", "a/b", "--to", "http://x", "--max-repos", "2", "--max-files", "3",
         "--max-bytes-in-flight", "64M", "--commit-every-files", "10",
         "--commit-every-bytes", "1G", "--no-delete", "--via-cache", "--include-prs"]
    )  # fmt: skip
    options = mirror_options(args)
    assert options.max_concurrent_repos == 2
    assert options.max_concurrent_files == 3
    assert options.max_bytes_in_flight == 64 * 1024**2
    assert options.commit_every_files == 10
    assert options.commit_every_bytes == 1024**3
    assert (options.delete_extraneous, options.via_cache, options.include_prs) == (
        False,
        True,
        True,
    )
    defaults = mirror_options(parser.parse_args(["mirror", "a/b", "--to-dir", "d"]))
    assert defaults.max_concurrent_repos == 4
    assert defaults.delete_extraneous is True


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("4096", 4096),
        ("512M", 512 * 1024**2),
        ("2G", 2 * 1024**3),
        ("2g", 2 * 1024**3),
        ("1.5GiB", int(1.5 * 1024**3)),
        ("100MB", 100 * 1000**2),
        ("10K", 10 * 1024),
        ("1 T", 1024**4),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "M", "-1", "0", "12X", "1.2.3G", "10i", "5iB"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size(text)


def test_human_size() -> None:
    assert human_size(None) == "-"
    assert human_size(0) == "0 B"
    assert human_size(1023) == "1023 B"
    assert human_size(1536) == "1.5 KiB"
    assert human_size(3 * 1024**3) == "3.0 GiB"


def test_resolve_repo() -> None:
    assert resolve_repo("acme/m", None) == ("acme/m", "model")
    assert resolve_repo("acme/m", "dataset") == ("acme/m", "dataset")
    assert resolve_repo("spaces/acme/demo", None) == ("acme/demo", "space")
    assert resolve_repo("datasets/acme/c", "dataset") == ("acme/c", "dataset")
    with pytest.raises(UsageError):
        resolve_repo("datasets/acme/c", "model")


def _http(cls: type[HfHubHTTPError], status: int) -> HfHubHTTPError:
    return cls("boom", status_code=status, url="http://hub/x", server_message="why")


def _local_not_found(cause: BaseException | None) -> LocalEntryNotFoundError:
    try:
        raise LocalEntryNotFoundError("not cached") from cause
    except LocalEntryNotFoundError as exc:
        return exc


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (_http(RepositoryNotFoundError, 404), ExitCode.NOT_FOUND),
        (_http(RepositoryNotFoundError, 401), ExitCode.NOT_FOUND),
        (_http(RevisionNotFoundError, 404), ExitCode.NOT_FOUND),
        (_http(RemoteEntryNotFoundError, 404), ExitCode.NOT_FOUND),
        (EntryNotFoundError("x"), ExitCode.NOT_FOUND),
        (_local_not_found(None), ExitCode.NOT_FOUND),
        (_local_not_found(httpx.ConnectError("refused")), ExitCode.NETWORK),
        (_http(GatedRepoError, 403), ExitCode.AUTH),
        (_http(HfHubHTTPError, 401), ExitCode.AUTH),
        (_http(HfHubHTTPError, 403), ExitCode.AUTH),
        (LocalTokenNotFoundError("no token"), ExitCode.AUTH),
        (httpx.ConnectError("refused"), ExitCode.NETWORK),
        (httpx.ReadTimeout("slow"), ExitCode.NETWORK),
        (ConnectionResetError(), ExitCode.NETWORK),
        (_http(HfHubHTTPError, 500), ExitCode.FAILURE),
        (HFValidationError("bad id"), ExitCode.USAGE),
        (UsageError("bad"), ExitCode.USAGE),
        (RuntimeError("bug"), ExitCode.FAILURE),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED),
    ],
)
def test_exit_code_for(exc: BaseException, code: ExitCode) -> None:
    assert exit_code_for(exc) is code


def _m(type_: str, status: int | None = None) -> MirrorError:
    return MirrorError(type=type_, message="m", status_code=status)


@pytest.mark.parametrize(
    ("errors", "code"),
    [
        ([], ExitCode.OK),
        ([_m("RepositoryNotFoundError", 404)], ExitCode.NOT_FOUND),
        ([_m("RepositoryNotFoundError", 401)], ExitCode.NOT_FOUND),
        ([_m("RevisionNotFoundError", 404)], ExitCode.NOT_FOUND),
        ([_m("GatedRepoError", 403)], ExitCode.AUTH),
        ([_m("HfHubHTTPError", 401)], ExitCode.AUTH),
        ([_m("ConnectError")], ExitCode.NETWORK),
        ([_m("ReadTimeout")], ExitCode.NETWORK),
        ([_m("LfsUploadError")], ExitCode.FAILURE),
        ([_m("HfHubHTTPError", 404)], ExitCode.NOT_FOUND),
        ([_m("LfsUploadError"), _m("RepositoryNotFoundError", 404)], ExitCode.NOT_FOUND),
        ([_m("RepositoryNotFoundError", 404), _m("ConnectError")], ExitCode.NETWORK),
    ],
)
def test_exit_code_for_mirror_errors(errors: list[MirrorError], code: ExitCode) -> None:
    assert exit_code_for_mirror_errors(errors) is code


def test_error_line_is_one_line() -> None:
    exc = HfHubHTTPError("401 Client error for GET x\n\n  (id: 7)", status_code=401, url="x",
                         server_message="Invalid credentials")  # fmt: skip
    assert error_line(exc) == (
        "HfHubHTTPError: 401 Client error for GET x. (id: 7) (Invalid credentials)"
    )
    request = httpx.Request("GET", "http://127.0.0.1:9/api/models/a/b?x=1")
    assert error_line(httpx.ConnectError("refused", request=request)) == (
        "ConnectError: cannot connect to 127.0.0.1:9 (refused) (GET http://127.0.0.1:9/api/models/a/b)"
    )


def test_ctrl_c_is_130(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    async def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(_browse, "run_ls", interrupted)
    ran = run("--json", "ls", "a/b")
    assert ran.code == 130
    assert ran.err == "error: interrupted\n"
    assert ran.json()["error"]["type"] == "KeyboardInterrupt"


def test_progress_renderers_follow_the_events() -> None:
    from hubclient import (
        FileProgress,
        FileState,
        MirrorProgress,
        MirrorStage,
        Phase,
        PhaseChanged,
        TotalProgress,
    )
    from hubclient.cli._progress import MirrorBars, TransferBars

    assert TransferBars(enabled=False, label="x").callback is None
    assert MirrorBars(enabled=False, repos=1).callback is None
    with TransferBars(enabled=True, label="up") as bars:
        callback = bars.callback
        assert callback is not None
        callback(PhaseChanged(Phase.UPLOADING, files=1, total_bytes=4 << 20))
        callback(FileProgress("w.bin", FileState.UPLOADING, 1 << 20, 4 << 20))
        callback(TotalProgress(0, 1, 1 << 20, 4 << 20))
        progress = bars._progress
        assert progress is not None
        assert [t.description for t in progress.tasks] == ["up (uploading)", "  send  w.bin"]
        callback(FileProgress("w.bin", FileState.DONE, 4 << 20, 4 << 20))
        callback(PhaseChanged(Phase.DONE))
        (total,) = progress.tasks
        assert (total.completed, total.total) == (4 << 20, 4 << 20)
    with MirrorBars(enabled=True, repos=2) as mirror:
        on = mirror.callback
        assert on is not None
        on(MirrorProgress("a/b", "model", MirrorStage.COPYING, bytes_done=5, bytes_total=10))
        on(MirrorProgress("a/c", "model", MirrorStage.FAILED))
        progress = mirror._progress
        assert progress is not None
        descriptions = [t.description for t in progress.tasks]
        assert descriptions == ["mirror: 1/2 repos, 1 failed", "  a/b (copying)"]
        on(MirrorProgress("a/b", "model", MirrorStage.DONE, bytes_done=7, bytes_total=10))
        (total,) = progress.tasks
        assert total.description == "mirror: 2/2 repos, 1 failed"
        assert (total.completed, total.total) == (10, 10)
