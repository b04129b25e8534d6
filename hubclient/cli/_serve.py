"""``hubclient serve``: the local Hub (``hubclient.testing``), served until SIGINT/SIGTERM.

The work is done by ``python -m hubclient.testing serve`` (same code path, same READY line);
this module only translates the options.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hubclient.cli._common import wrap

__all__ = ["add_parser"]

_EXAMPLES = """examples:
  hubclient serve --port 8000 --token alice=hf_alice --data ./hub-data
  hubclient serve --token alice=hf_alice --org alice=acme --seed alice/model=./model

Once both origins listen it prints one line on stdout:
  READY hub=http://127.0.0.1:8000 storage=http://127.0.0.1:<port>
then point HF_ENDPOINT (or --endpoint) at the hub URL. Ctrl-C or SIGTERM stops it (exit 0).
Needs the server extra: pip install 'hubclient[cli]'.
"""


def _pair(text: str) -> str:
    left, sep, right = text.partition("=")
    if not sep or not left or not right:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return text


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
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
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="hub port (0: a free port)")
    parser.add_argument("--storage-port", type=int, default=0, help="storage port (0: a free port)")
    parser.add_argument("--data", metavar="DIR", type=Path, help="data folder (default: temp)")
    parser.add_argument(
        "--token",
        dest="serve_tokens",
        action="append",
        type=_pair,
        default=[],
        metavar="USER=TOKEN",
        help="a write token for USER; repeatable",
    )
    parser.add_argument(
        "--read-token",
        dest="serve_read_tokens",
        action="append",
        type=_pair,
        default=[],
        metavar="USER=TOKEN",
        help="a read-only token for USER; repeatable",
    )
    parser.add_argument(
        "--org",
        dest="serve_orgs",
        action="append",
        type=_pair,
        default=[],
        metavar="USER=ORG",
        help="make USER a member of ORG; repeatable",
    )
    parser.add_argument(
        "--seed",
        dest="serve_seeds",
        action="append",
        type=_pair,
        default=[],
        metavar="REPO_ID=FOLDER",
        help="commit FOLDER to the model repo REPO_ID before serving; repeatable",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        help="log level on stderr (warning)",
    )
    parser.set_defaults(func=None, sync_func=run)


def serve_argv(args: argparse.Namespace) -> list[str]:
    """The ``python -m hubclient.testing serve`` arguments for these options."""
    argv = [
        "serve",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--storage-port",
        str(args.storage_port),
        "--log-level",
        args.log_level,
    ]
    if args.data is not None:
        argv += ["--data", str(args.data)]
    for flag, values in (
        ("--token", args.serve_tokens),
        ("--read-token", args.serve_read_tokens),
        ("--org", args.serve_orgs),
        ("--seed", args.serve_seeds),
    ):
        for value in values:
            argv += [flag, value]
    return argv


def run(args: argparse.Namespace) -> int:
    try:
        from hubclient.testing.__main__ import main as serve_main
    except ImportError as exc:
        sys.stderr.write(
            f"error: serve needs the server extra (pip install 'hubclient[cli]'): {exc}\n"
        )
        return 1
    return serve_main(serve_argv(args))
