"""Moved: the Reporter of both engines is :class:`hubclient._reporting.Reporter`.

Kept only for tests/upload/test_commit_local_hub.py, which imports it from here; delete this
module once that test imports ``hubclient._reporting``.
"""

from hubclient._reporting import Reporter

__all__ = ["Reporter"]
