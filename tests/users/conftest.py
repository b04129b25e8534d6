"""Fixtures of the likes and people tests (shared with the other community suites)."""

from tests._community import clean_env, client, make_client, repo

__all__ = ["clean_env", "client", "make_client", "repo"]
