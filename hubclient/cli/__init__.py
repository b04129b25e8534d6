"""The ``hubclient`` command line: download, upload, mirror, ls, info and serve.

Installed with the ``cli`` extra (``pip install 'hubclient[cli]'``, for the live progress of
rich and the local Hub's server). Run ``hubclient --help``; the reference is docs/cli.md.

Example::

    from hubclient.cli import main

    exit_code = main(["download", "acme/model", "config.json", "--json"])
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``hubclient --version`` answers before anything else is imported (it starts in a few
    tens of milliseconds); every other command loads the parser and the client.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        from hubclient._version import __version__

        sys.stdout.write(f"hubclient {__version__}\n")
        return 0
    from hubclient.cli._app import main as run

    return run(argv)
