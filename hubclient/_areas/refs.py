"""Branches, tags and commit history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubclient import _refs, _urls
from hubclient._areas._base import Area
from hubclient.models.refs import GitCommitInfo, GitRefs

if TYPE_CHECKING:
    pass

__all__ = ["RefsArea"]


class RefsArea(Area):
    """Branches, tags and history (``list_repo_refs``, ``create_branch``, …)."""

    async def list_repo_refs(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        include_pull_requests: bool = False,
        token: str | bool | None = None,
    ) -> GitRefs:
        """Branches, tags and converts (and PRs with ``include_pull_requests=True``).

        Example::

            refs = await client.list_repo_refs("acme/model")
            print({b.name: b.target_commit for b in refs.branches})
        """
        return await _refs.list_repo_refs(
            self._http,
            repo_id,
            repo_type=repo_type,
            include_pull_requests=include_pull_requests,
            token=token,
        )

    async def list_repo_commits(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
        revision: str | None = None,
        formatted: bool = False,
    ) -> list[GitCommitInfo]:
        """Commits reachable from ``revision``, newest first (all pages).

        Example::

            commits = await client.list_repo_commits("acme/model")
            print(commits[0].commit_id, commits[0].title)
        """
        return await _refs.list_repo_commits(
            self._http,
            repo_id,
            repo_type=repo_type,
            token=token,
            revision=revision,
            formatted=formatted,
        )

    async def create_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        revision: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Create ``branch`` at ``revision`` (default: head of the default branch).

        Raises ``HfHubHTTPError`` (409) if it exists, unless ``exist_ok``.

        Example::

            await client.create_branch("acme/model", branch="dev", exist_ok=True)
        """
        await _refs.create_branch(
            self._http,
            repo_id,
            branch=branch,
            revision=revision,
            token=token,
            repo_type=repo_type,
            exist_ok=exist_ok,
        )

    async def delete_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Delete a branch.

        Example::

            await client.delete_branch("acme/model", branch="dev")
        """
        await _refs.delete_branch(
            self._http, repo_id, branch=branch, token=token, repo_type=repo_type
        )

    async def create_tag(
        self,
        repo_id: str,
        *,
        tag: str,
        tag_message: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Tag ``revision`` (default ``main``). 409 if the tag exists, unless ``exist_ok``.

        Example::

            await client.create_tag("acme/model", tag="v1.0", tag_message="first release")
        """
        await _refs.create_tag(
            self._http,
            repo_id,
            tag=tag,
            tag_message=tag_message,
            revision=revision,
            token=token,
            repo_type=repo_type,
            exist_ok=exist_ok,
        )

    async def delete_tag(
        self,
        repo_id: str,
        *,
        tag: str,
        token: str | bool | None = None,
        repo_type: str | None = None,
    ) -> None:
        """Delete a tag.

        Example::

            await client.delete_tag("acme/model", tag="v1.0")
        """
        await _refs.delete_tag(self._http, repo_id, tag=tag, token=token, repo_type=repo_type)

    async def super_squash_history(
        self,
        repo_id: str,
        *,
        branch: str | None = None,
        commit_message: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Squash the history of ``branch`` (default ``main``) into one commit of its files.

        Irreversible: the old commits are gone from the branch, which can no longer be merged
        into branches that kept them. Raises ``RevisionNotFoundError`` for a missing branch and
        ``BadRequestError`` for a tag.

        Example::

            await client.super_squash_history("acme/dataset", repo_type="dataset")
        """
        kind = _urls.normalize_repo_type(repo_type)
        if kind == "kernel":
            raise ValueError("Invalid repo type")
        branch = branch or _urls.DEFAULT_REVISION
        message = commit_message or f"Super-squash branch '{branch}' using hubclient"
        path = f"{_urls.api_prefix(kind, repo_id)}/super-squash/{_urls.quote_revision(branch)}"
        await self._http.request("POST", path, json={"message": message}, token=token)
