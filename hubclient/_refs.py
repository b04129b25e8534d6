"""Refs and history: list refs and commits, create and delete branches and tags."""

from __future__ import annotations

from typing import Any

from hubclient import _urls
from hubclient._answers import parse_json
from hubclient._http import HubHttp
from hubclient.errors import HfHubHTTPError
from hubclient.models.refs import GitCommitInfo, GitRefs

__all__ = [
    "create_branch",
    "create_tag",
    "delete_branch",
    "delete_tag",
    "list_repo_commits",
    "list_repo_refs",
]


async def list_repo_refs(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None = None,
    include_pull_requests: bool = False,
    token: str | bool | None = None,
) -> GitRefs:
    response = await http.request(
        "GET",
        _urls.refs_path(repo_type, repo_id),
        params={"include_prs": 1} if include_pull_requests else None,
        token=token,
    )

    def convert(data: Any) -> GitRefs:
        if isinstance(data, dict) and not include_pull_requests:
            data = {**data, "pullRequests": None}
        return GitRefs.model_validate(data)

    return parse_json(response, convert, expected="an object with branches, converts and tags")


async def list_repo_commits(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None = None,
    token: str | bool | None = None,
    revision: str | None = None,
    formatted: bool = False,
) -> list[GitCommitInfo]:
    path = _urls.commits_path(repo_type, repo_id, revision)
    params = {"expand[]": "formatted"} if formatted else None
    return [
        item
        async for item in http.paginate(
            path,
            params=params,
            token=token,
            expected="a JSON array of commits",
            convert=GitCommitInfo.model_validate,
        )
    ]


async def create_branch(
    http: HubHttp,
    repo_id: str,
    *,
    branch: str,
    revision: str | None = None,
    token: str | bool | None = None,
    repo_type: str | None = None,
    exist_ok: bool = False,
) -> None:
    payload: dict[str, Any] = {}
    if revision is not None:
        payload["startingPoint"] = revision
    try:
        await http.request(
            "POST", _urls.branch_path(repo_type, repo_id, branch), json=payload, token=token
        )
    except HfHubHTTPError as err:
        if exist_ok and err.status_code == 409:
            return
        if exist_ok and err.status_code == 403:
            # No write access, but the branch may already exist.
            try:
                refs = await list_repo_refs(http, repo_id, repo_type=repo_type, token=token)
            except HfHubHTTPError:
                raise err from None
            if any(ref.name == branch for ref in refs.branches):
                return
        raise


async def delete_branch(
    http: HubHttp,
    repo_id: str,
    *,
    branch: str,
    token: str | bool | None = None,
    repo_type: str | None = None,
) -> None:
    await http.request(
        "DELETE", _urls.branch_path(repo_type, repo_id, branch), token=token, retry=False
    )


async def create_tag(
    http: HubHttp,
    repo_id: str,
    *,
    tag: str,
    tag_message: str | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    repo_type: str | None = None,
    exist_ok: bool = False,
) -> None:
    payload: dict[str, Any] = {"tag": tag}
    if tag_message is not None:
        payload["message"] = tag_message
    path = _urls.tag_path(repo_type, repo_id, revision or _urls.DEFAULT_REVISION)
    try:
        await http.request("POST", path, json=payload, token=token)
    except HfHubHTTPError as err:
        if not (exist_ok and err.status_code == 409):
            raise


async def delete_tag(
    http: HubHttp,
    repo_id: str,
    *,
    tag: str,
    token: str | bool | None = None,
    repo_type: str | None = None,
) -> None:
    await http.request("DELETE", _urls.tag_path(repo_type, repo_id, tag), token=token, retry=False)
