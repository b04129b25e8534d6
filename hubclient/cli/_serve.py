"""``hubclient serve``: the local Hub (``hubclient.testing``), served until SIGINT/SIGTERM.

It is ``python -m hubclient.testing serve`` under another name: the options come from
``add_serve_options`` and ``run_serve`` of :mod:`hubclient.testing.__main__` runs them (same
READY line, same clean stop). ``hubclient.testing`` needs the server extra and takes a while to
import, so it is imported only when ``serve`` is parsed (its ``parse_known_args`` adds the
options first), never for the other commands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import partial
from typing import Any

from hubclient.cli._common import wrap

__all__ = ["add_parser"]

_EXAMPLES = """examples:
  hubclient serve --port 8000 --token alice=hf_alice --data ./hub-data
  hubclient serve --token alice=hf_alice --org alice=acme --seed alice/model=./model

Once its origins listen it prints one line on stdout:
  READY hub=http://127.0.0.1:8000 storage=http://127.0.0.1:<port> cas=http://127.0.0.1:<port>
then point HF_ENDPOINT (or --endpoint) at the hub URL. Ctrl-C or SIGTERM stops it (exit 0).
Needs the server extra: pip install 'hubclient[cli]'.
"""

_MISSING_EXTRA = "error: serve needs the server extra (pip install 'hubclient[cli]'): {}\n"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``serve`` to ``commands``; ``common`` holds the global options (without ``--token``:
    here ``--token USER=TOKEN`` is a token the local Hub accepts)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve",
        parents=[common],
        help="run a local Hub (for tests and air-gapped trials)",
        description=wrap(
            "Serve hubclient's local Hugging Face Hub: a hub origin and a storage "
            "origin, with the users and tokens given. Data lives in --data (kept across restarts) "
            "or in a temporary folder removed on exit."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse = parser.parse_known_args

    def parse_known_args(
        args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # The serve options are added when serve is parsed (or asked for --help), not before.
        try:
            from hubclient.testing.__main__ import add_serve_options, run_serve
        except ImportError as exc:
            return argparse.Namespace(func=None, sync_func=partial(_needs_extra, exc)), []
        if parser.get_default("sync_func") is None:
            add_serve_options(parser, log_level="warning")
            parser.set_defaults(func=None, sync_func=run_serve)
        return parse(args, namespace)

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign,assignment]


def _needs_extra(exc: ImportError, args: argparse.Namespace) -> int:
    sys.stderr.write(_MISSING_EXTRA.format(exc))
    return 1
