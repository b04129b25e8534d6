"""Errors specific to uploads (the HTTP ones come from :mod:`hubclient.errors`)."""

from __future__ import annotations

from hubclient.errors import HfHubHTTPError, HubClientError

__all__ = ["CommitConflictError", "LfsUploadError", "hint_for_commit_error"]


class CommitConflictError(HfHubHTTPError):
    """The branch moved since ``parent_commit`` (HTTP 412) or another commit raced this one (409).

    Nothing was committed. Read the branch head again (``repo_info(...).sha``), check that your
    change still makes sense on top of it, and retry with the new ``parent_commit``.
    """


class LfsUploadError(HubClientError, ValueError):
    """The LFS batch endpoint refused objects, or the storage answered something unusable.

    Attributes:
        errors: ``(oid, code, message)`` for each object the server refused.
    """

    def __init__(self, message: str, errors: list[tuple[str, int, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])


def hint_for_commit_error(err: HfHubHTTPError, repo_id: str, *, deleting: bool) -> str | None:
    """A sentence saying what to do about a permanent error, or None."""
    from hubclient.errors import RemoteEntryNotFoundError, RepositoryNotFoundError

    if isinstance(err, RepositoryNotFoundError):
        return (
            f"\nThe repo {repo_id!r} was not found or your token cannot see it: check repo_id "
            "and repo_type, and create it first with create_repo() if it does not exist."
        )
    if isinstance(err, RemoteEntryNotFoundError):
        if deleting:
            return (
                "\nMake sure to tell file and folder paths apart in delete operations, with a "
                "trailing '/' or is_folder=True/False."
            )
        return None
    if err.status_code == 401:
        return (
            "\nThe Hub did not accept your token: pass token=... or set HF_TOKEN to a valid "
            "token with write access."
        )
    if err.status_code == 403:
        return (
            f"\nYour token is not allowed to write to {repo_id!r}: use a token with the 'write' "
            "role on that repo, or open a pull request with create_pr=True."
        )
    return None
