"""The errors the local Hub answers with, as exceptions its handlers raise."""

from __future__ import annotations

__all__ = ["HubError", "Redirect"]


class HubError(Exception):
    """An error answer: status, message (``{"error": ...}`` and ``X-Error-Message``), error code.

    `headers` are added to the answer (e.g. ``X-Repo-Commit`` on ``EntryNotFound``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})
        self.body = dict(body or {})

    @classmethod
    def repo_not_found(cls, repo_id: str, authenticated: bool) -> HubError:
        return cls(
            404 if authenticated else 401,
            f"Repository Not Found for url: {repo_id}. Please make sure you specified the correct "
            "`repo_id` and `repo_type`. If you are trying to access a private or gated repo, make "
            "sure you are authenticated.",
            "RepoNotFound",
        )

    @classmethod
    def revision_not_found(cls, revision: str) -> HubError:
        return cls(404, f"Invalid rev id: {revision}", "RevisionNotFound")

    @classmethod
    def entry_not_found(cls, path: str, commit: str | None, message: str | None = None) -> HubError:
        headers = {"X-Repo-Commit": commit} if commit else {}
        return cls(404, message or f"Entry not found: {path}", "EntryNotFound", headers)

    @classmethod
    def bad_request(cls, message: str) -> HubError:
        return cls(400, message)


class Redirect(Exception):
    """The repo was renamed: answer a relative 307 to the same URL under `new_id`."""

    def __init__(self, old_id: str, new_id: str) -> None:
        super().__init__(f"{old_id} moved to {new_id}")
        self.old_id = old_id
        self.new_id = new_id
