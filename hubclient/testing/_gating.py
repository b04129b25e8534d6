"""Who may read a gated repo's files: the access requests of the repo (its ``access`` document).

A request is ``{"requestId", "status": "pending"|"accepted"|"rejected", "timestamp", "fields"}``
under the user's name; ``gate_allows`` answers for the file routes (see ``Ctx.check_gated``),
``_api_access_requests.py`` lists and handles the requests.
"""

from __future__ import annotations

from typing import Any

from hubclient.testing._documents import Document, Documents
from hubclient.testing._repo import Repo

__all__ = ["access_document", "gate_allows", "requests_of"]

AREA = "access"


def access_document(documents: Documents, repo: Repo) -> Document:
    return documents.repo(repo, AREA)


def requests_of(doc: Document) -> dict[str, dict[str, Any]]:
    """The requests of the document, by user (call it holding ``doc.lock`` to change them)."""
    found = doc.data.setdefault("requests", {})
    assert isinstance(found, dict)
    return found


def gate_allows(documents: Documents, repo: Repo, user: str | None) -> tuple[bool, str]:
    """Whether ``user`` (None: anonymous) may read the gated repo's files, and if not, the
    Hub's message for that case."""
    kind = {"model": "model", "dataset": "dataset", "space": "space"}.get(repo.type, "repo")
    if user is None:
        return False, (
            f"Access to {kind} {repo.id} is restricted. You must have access to it and be "
            "authenticated to access it. Please log in."
        )
    doc = access_document(documents, repo)
    with doc.lock:
        request = requests_of(doc).get(user)
        status = request.get("status") if request else None
    if status == "accepted":
        return True, ""
    if status == "pending":
        return False, (
            f"Your request to access {kind} {repo.id} is awaiting a review from the repo authors."
        )
    return False, (
        f"Access to {kind} {repo.id} is restricted and you are not in the authorized list. "
        f"Visit the repo page to ask for access."
    )
