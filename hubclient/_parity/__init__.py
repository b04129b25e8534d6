"""The parity ledger: hubclient against huggingface_hub's ``HfApi`` and module-level functions.

    python -m hubclient._parity            # write docs/parity.md
    python -m hubclient._parity --check    # exit 1 when it is stale (CI), or a reason is missing

A development tool (it imports huggingface_hub, from the ``test`` extra); nothing in the client
imports it. Reasons for deviations live next to the code they explain (``DEVIATIONS`` and
``NOTES`` in each area module); ``_plan.py`` holds what has no code yet.
"""

from hubclient._parity._compat import CLIENT_SETTINGS, Problem, call_problems, signature_of
from hubclient._parity._ledger import Ledger, Row, build
from hubclient._parity._render import render
from hubclient._parity._run import main

__all__ = [
    "CLIENT_SETTINGS",
    "Ledger",
    "Problem",
    "Row",
    "build",
    "call_problems",
    "main",
    "render",
    "signature_of",
]
