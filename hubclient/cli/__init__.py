"""The ``hubclient`` command line: download, upload, mirror, ls, info and serve.

Installed with the ``cli`` extra (``pip install 'hubclient[cli]'``, for the live progress of
rich and the local Hub's server). Run ``hubclient --help``; the reference is docs/cli.md.

Example::

    from hubclient.cli import main

    exit_code = main(["download", "acme/model", "config.json", "--json"])
"""

from __future__ import annotations

from hubclient.cli._app import main

__all__ = ["main"]
