"""``python -m hubclient.cli``: the same as the ``hubclient`` command."""

from __future__ import annotations

import sys

from hubclient.cli import main

if __name__ == "__main__":
    sys.exit(main())
