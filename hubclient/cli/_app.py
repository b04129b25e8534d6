"""The ``hubclient`` parser and ``main``: parse, run the command with anyio, map errors to
exit codes.

Example::

    from hubclient.cli import main

    code = main(["ls", "acme/model", "--json"])
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

import anyio

from hubclient import HfHubHTTPError, __version__
from hubclient.cli import _auth, _browse, _cache, _download, _mirror, _serve, _upload
from hubclient.cli._common import Output, wrap
from hubclient.cli._errors import (
    EXIT_CODES_HELP,
    ExitCode,
    error_line,
    error_message,
    exit_code_for,
)
from hubclient.cli._text import printable

__all__ = ["build_parser", "main"]

DEBUG_ENV = "HUBCLIENT_DEBUG"

_EPILOG = f"""examples:
  hubclient download acme/model config.json
  hubclient upload alice/model ./out
  hubclient ls acme/model -R
  hubclient info acme/model --json
  hubclient mirror --plan plan.txt --to https://hub.internal --report report.json
  hubclient serve --port 8000 --token alice=hf_alice
  hubclient cache ls
  hubclient auth login

Global options go before or after the command (hubclient --json ls X == hubclient ls X --json).
With --json, stdout holds exactly one JSON document, also on failure:
  {{"ok": false, "error": {{"type": ..., "message": ..., "status_code": ...}}}}

environment:
  HF_ENDPOINT          default --endpoint (https://huggingface.co)
  HF_TOKEN             default --token (else the token file of huggingface_hub)
  HF_HUB_CACHE         default cache folder
  HUBCLIENT_TO_TOKEN   default --to-token of mirror
  HUBCLIENT_DEBUG=1    tracebacks on errors (as --debug)

{EXIT_CODES_HELP}
"""


class _UsageExit(Exception):
    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that lets ``main`` report usage errors (JSON too), not exit.

    A command's options and positionals may come in any order, as ``hf`` takes them:
    ``download REPO --revision v1 FILE`` is ``download REPO FILE --revision v1``. Plain
    argparse hands every positional slot out at the first positional it meets, so a
    positional after an option is "unrecognized"; commands parse intermixed instead (the top
    parser, which holds the subcommands, cannot and need not).
    """

    _intermixing = False

    def error(self, message: str) -> NoReturn:
        raise _UsageExit(self, message)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._subparsers is not None or self._intermixing:
            return super().parse_known_args(args, namespace)
        self._intermixing = True  # parse_known_intermixed_args calls back in here
        try:
            parsed, extras = self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False
        if extras:  # said by the command, with its usage (not by the top parser)
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def _global_options(parser: argparse.ArgumentParser, *, top: bool, token: bool = True) -> None:
    """The options every command takes. On the top parser they have defaults; on the
    commands they are SUPPRESSed, so that a value given before the command survives."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--endpoint", metavar="URL", default=default(None), help="Hub URL (default HF_ENDPOINT)"
    )
    if token:
        group.add_argument(
            "--token",
            metavar="TOKEN",
            default=default(None),
            help="access token (default HF_TOKEN or the saved token)",
        )
    group.add_argument(
        "--max-retries",
        type=_non_negative_int,
        metavar="N",
        default=default(None),
        help="retries of a failed request (default 5; 0: none)",
    )
    group.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="SECONDS",
        default=default(None),
        help="seconds per network operation (default 60)",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="print only results"
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print one JSON document on stdout",
    )
    group.add_argument(
        "--debug", action="store_true", default=default(False), help="tracebacks and debug logs"
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole ``hubclient`` parser (commands and options)."""
    parser = _Parser(
        prog="hubclient",
        description=wrap(
            "Download, upload, list and mirror Hugging Face Hub repos; serve a local Hub."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hubclient {__version__}")
    _global_options(parser, top=True)
    common = _Parser(add_help=False)
    _global_options(common, top=False)
    no_token = _Parser(add_help=False)
    _global_options(no_token, top=False, token=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    _download.add_parser(commands, common)
    _upload.add_parser(commands, common)
    _mirror.add_parser(commands, common)
    _browse.add_ls_parser(commands, common)
    _browse.add_info_parser(commands, common)
    _serve.add_parser(commands, no_token)
    _cache.add_parser(commands, no_token)
    _auth.add_parser(commands, common)
    return parser


def _wants_json(argv: Sequence[str]) -> bool:
    return "--json" in argv


def _report(exc: BaseException, code: ExitCode, *, as_json: bool, debug: bool) -> None:
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    line = "interrupted" if code is ExitCode.INTERRUPTED else error_line(exc)
    sys.stderr.write(f"error: {line}\n")
    sys.stderr.flush()
    if as_json:
        status = exc.status_code if isinstance(exc, HfHubHTTPError) else None
        error = {
            "type": type(exc).__name__,
            "message": error_message(exc) or line,
            "status_code": status,
            "exit_code": int(code),
        }
        Output(json=True).json_document({"ok": False, "error": error})


def _warning_printer(*, quiet: bool) -> Callable[..., None]:
    """Library warnings as one ``warning: ...`` line on stderr (none with ``--quiet``)."""

    def show(message: Warning | str, *args: object, **kwargs: object) -> None:
        if not quiet:
            sys.stderr.write(f"warning: {printable(' '.join(str(message).split()))}\n")

    return show


class _WarningLines(logging.Handler):
    """The library's warnings (a retry and its wait, ...) as ``warning: ...`` lines on stderr,
    looked up at each line (rich's live display redirects it above the bars)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"warning: {' '.join(record.getMessage().split())}\n")
            sys.stderr.flush()
        except Exception:  # pragma: no cover - logging must never break the command
            self.handleError(record)


@contextmanager
def _library_warnings(*, quiet: bool, debug: bool) -> Iterator[None]:
    """Show the ``hubclient`` logger's warnings on stderr while a command runs (none with
    ``--quiet``; with ``--debug`` the root handler shows every record already)."""
    library = logging.getLogger("hubclient")
    handler = _WarningLines(logging.WARNING)
    if quiet:
        handler.setLevel(logging.CRITICAL + 1)
    if not debug:
        library.addHandler(handler)
    try:
        yield
    finally:
        library.removeHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hubclient`` with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    Example::

        raise SystemExit(main(["download", "acme/model", "config.json"]))
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageExit as exc:
        exc.parser.print_usage(sys.stderr)
        sys.stderr.write(f"{exc.parser.prog}: error: {exc.message}\n")
        if _wants_json(argv):
            error = {"type": "UsageError", "message": exc.message, "status_code": None}
            Output(json=True).json_document({"ok": False, "error": {**error, "exit_code": 2}})
        return int(ExitCode.USAGE)
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    if args.command is None:
        parser.print_help(sys.stderr)
        return int(ExitCode.USAGE)
    debug = bool(args.debug) or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    if debug:
        logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    try:
        with (
            warnings.catch_warnings(),
            _library_warnings(quiet=bool(args.quiet), debug=debug),
        ):
            warnings.showwarning = _warning_printer(quiet=bool(args.quiet))
            if args.func is None:
                return int(args.sync_func(args))
            return int(anyio.run(args.func, args))
    except KeyboardInterrupt as exc:
        _report(exc, ExitCode.INTERRUPTED, as_json=bool(args.json), debug=debug)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        code = exit_code_for(exc)
        if code is ExitCode.FAILURE and isinstance(exc, ValueError):
            code = ExitCode.USAGE  # a bad argument the library refused before any request
        _report(exc, code, as_json=bool(args.json), debug=debug)
        return int(code)
