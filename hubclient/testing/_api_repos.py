"""Hub API handlers for accounts and repos: whoami, create/delete/move, settings, info, lists."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from starlette.responses import Response

from hubclient.testing import _spaces
from hubclient.testing._api_commit import clean_path, regular_put
from hubclient.testing._api_spaces import check_volumes
from hubclient.testing._card import card_data, card_tags
from hubclient.testing._errors import HubError
from hubclient.testing._events import HubEvent
from hubclient.testing._operations import Put
from hubclient.testing._records import iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._snapshot import Snapshot
from hubclient.testing._store import REPO_TYPES
from hubclient.testing._web import Ctx, json_response

__all__ = [
    "card_of",
    "create_repo",
    "delete_repo",
    "list_repos",
    "move_repo",
    "repo_info",
    "repo_info_json",
    "space_runtime_of",
    "update_settings",
    "whoami",
]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}\Z")
_CARD_CACHE = 512


def _hex_id(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:24]


async def whoami(ctx: Ctx) -> Response:
    identity = ctx.identity
    if identity is None:
        raise HubError(401, "Invalid credentials in Authorization header")
    return json_response(
        {
            "type": "user",
            "id": _hex_id(f"user:{identity.user}"),
            "name": identity.user,
            "fullname": identity.user.capitalize(),
            "email": f"{identity.user}@example.com",
            "emailVerified": True,
            "canPay": False,
            "isPro": False,
            "periodEnd": None,
            "avatarUrl": f"{ctx.hub_url}/avatars/{identity.user}.svg",
            "orgs": [
                {
                    "type": "org",
                    "id": _hex_id(f"org:{org}"),
                    "name": org,
                    "fullname": org.capitalize(),
                    "email": None,
                    "canPay": False,
                    "isEnterprise": False,
                    "avatarUrl": f"{ctx.hub_url}/avatars/{org}.svg",
                    "roleInOrg": "write",
                }
                for org in identity.orgs
            ],
            "auth": {
                "type": "access_token",
                "accessToken": {
                    "displayName": f"{identity.user}-{identity.role}",
                    "role": identity.role,
                    "createdAt": "2024-01-01T00:00:00.000Z",
                },
            },
        }
    )


def _repo_type(value: Any) -> str:
    repo_type = value or "model"
    if repo_type not in REPO_TYPES:
        raise HubError.bad_request(f"Invalid repo type: {repo_type}")
    return str(repo_type)


def _repo_id(body: dict[str, Any], ctx: Ctx) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise HubError.bad_request("Missing 'name'")
    organization = body.get("organization")
    if "/" in name and not organization:
        organization, name = name.split("/", 1)
    namespace = organization or ctx.require_identity().user
    return f"{namespace}/{name}"


def _check_name(repo_id: str) -> None:
    namespace, _, name = repo_id.partition("/")
    if not (_NAME.match(namespace) and _NAME.match(name)) or "--" in name or ".." in name:
        raise HubError.bad_request(f"Invalid repo name: {repo_id}")
    if name.endswith((".git", ".")):
        raise HubError.bad_request(f"Invalid repo name: {repo_id}")


def _visibility(body: dict[str, Any]) -> bool | None:
    visibility = body.get("visibility")
    if visibility is not None:
        if visibility not in ("public", "private", "protected"):
            raise HubError.bad_request(f"Invalid visibility: {visibility}")
        return bool(visibility != "public")
    private = body.get("private")
    return None if private is None else bool(private)


def _gated(value: Any) -> str | bool:
    if value in (False, None, "false", "False"):
        return False
    if value is True or value == "true":
        return "auto"
    if value in ("auto", "manual"):
        return str(value)
    raise HubError.bad_request(f"Invalid gated value: {value}")


def _initial_files(ctx: Ctx, files: Any) -> list[Put]:
    """The ``files`` of a create request (regular content, as a commit's ``file`` lines)."""
    if files is None:
        return []
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise HubError.bad_request("'files' must be a list of {path, content, encoding}")
    return [regular_put(ctx, clean_path(f.get("path")), f) for f in files]


def _template_files(ctx: Ctx, template: Any) -> list[Put]:
    """A Space template's files (``create_repo(space_template=...)``): the template Space's
    head, when the local Hub holds it (the official ones are listed, not seeded)."""
    if not isinstance(template, str) or template.count("/") != 1:
        raise HubError.bad_request(f"Invalid template: {template!r}")
    source = ctx.store.find("space", template)
    if source is None or not ctx.can_read(source):
        return []
    snapshot = source.snapshot(source.resolve(None).commit)
    objects = ctx.store.objects
    return [
        Put(path, e.sha256, e.size, e.lfs, None if e.lfs else objects.read_bytes(e.sha256))
        for path, e in sorted(snapshot.files.items())
    ]


async def create_repo(ctx: Ctx) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    repo_type = _repo_type(body.get("type"))
    repo_id = _repo_id(body, ctx)
    _check_name(repo_id)
    identity = ctx.check_write(repo_id.split("/", 1)[0])
    url = f"{ctx.hub_url}/{'' if repo_type == 'model' else repo_type + 's/'}{repo_id}"
    meta: dict[str, Any] = {"private": bool(_visibility(body))}
    files = _initial_files(ctx, body.get("files"))
    volumes: list[dict[str, Any]] | None = None
    if repo_type == "space":
        meta["sdk"] = body.get("sdk") or "gradio"
        if body.get("template") is not None:
            meta["template"] = body["template"]
            files += _template_files(ctx, body["template"])
        if body.get("volumes") is not None:
            volumes = check_volumes(body["volumes"])
    repo, created = ctx.store.create(
        repo_type, repo_id, author=identity.user, initial=not files, **meta
    )
    if not created:
        raise HubError(409, f"You already created this {repo_type} repo", body={"url": url})
    if volumes:
        doc = _spaces.space_doc(ctx.state, repo)
        with doc.lock:
            doc.data["volumes"] = volumes
            doc.save()
    if files:  # huggingface.js createRepo({files}), a Space template: the first commit
        repo.apply(
            repo.default_branch,
            [*files],
            title="initial commit",
            description="",
            author=identity.user,
            parent_commit=None,
            create_pr=False,
            object_size=ctx.store.objects.size,
            store_regular=ctx.store.objects.put_bytes,
        )
    ctx.state.events.publish(HubEvent("repo", "create", repo, ctx.hub_url, identity.user))
    return json_response({"url": url, "name": repo_id, "id": _hex_id(repo.meta["uid"])})


async def delete_repo(ctx: Ctx) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    repo_type = _repo_type(body.get("type"))
    repo_id = _repo_id(body, ctx)
    repo = ctx.writable_repo(repo_type, repo_id)
    event = HubEvent("repo", "delete", repo, ctx.hub_url, ctx.require_identity().user)
    ctx.store.delete(repo)
    ctx.state.events.publish(event)
    return json_response({})


async def move_repo(ctx: Ctx) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    repo_type = _repo_type(body.get("type"))
    source, target = body.get("fromRepo"), body.get("toRepo")
    if not isinstance(source, str) or not isinstance(target, str) or target.count("/") != 1:
        raise HubError.bad_request("Expected 'fromRepo' and 'toRepo' as namespace/name")
    _check_name(target)
    repo = ctx.writable_repo(repo_type, source)
    identity = ctx.check_write(target.split("/", 1)[0])
    event = HubEvent("repo", "move", repo, ctx.hub_url, identity.user, moved_to=target)
    ctx.store.move(repo, target)
    ctx.state.events.publish(event)
    return json_response(
        {"url": f"{ctx.hub_url}/{'' if repo_type == 'model' else repo_type + 's/'}{target}"}
    )


async def update_settings(ctx: Ctx, repo: Repo) -> Response:
    ctx.check_write(repo.namespace)
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    changes: dict[str, Any] = {}
    private = _visibility(body)
    if private is not None:
        changes["private"] = private
    if "gated" in body:
        changes["gated"] = _gated(body["gated"])
    for key in ("discussionsDisabled", "xetEnabled"):
        if key in body:
            changes[key] = bool(body[key])
    repo.update_meta(**changes)
    reported = {k: v for k, v in changes.items() if k in ("private", "xetEnabled")}
    user = ctx.identity.user if ctx.identity else None
    ctx.state.events.publish(
        HubEvent("repo.config", "update", repo, ctx.hub_url, user, updated_config=reported)
    )
    return json_response({"success": True})


# --- repo info ---


def _card(ctx: Ctx, snapshot: Snapshot) -> dict[str, Any] | None:
    entry = snapshot.files.get("README.md")
    if entry is None or entry.lfs or entry.size > 1_000_000:
        return None
    cache = ctx.state.cards
    if entry.sha256 in cache:
        return cache.get(entry.sha256)
    text = ctx.store.objects.read_bytes(entry.sha256).decode("utf-8", "replace")
    data = card_data(text)
    if len(cache) >= _CARD_CACHE:
        cache.clear()
    cache[entry.sha256] = data
    return data


def _siblings(snapshot: Snapshot, blobs: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in snapshot.sorted_paths:
        sibling: dict[str, Any] = {"rfilename": path}
        if blobs:
            entry = snapshot.files[path]
            sibling["size"] = entry.size
            sibling["blobId"] = entry.oid
            if entry.lfs:
                sibling["lfs"] = {
                    "sha256": entry.sha256,
                    "size": entry.size,
                    "pointerSize": entry.pointer_size,
                }
        out.append(sibling)
    return out


def card_of(ctx: Ctx, repo: Repo) -> dict[str, Any] | None:
    """The card data (README front matter) of the repo's default branch, if any."""
    try:
        head = repo.resolve(None).commit
    except HubError:  # no commit yet
        return None
    return _card(ctx, repo.snapshot(head))


def space_runtime_of(ctx: Ctx, repo: Repo) -> dict[str, Any]:
    """The runtime a Space reports (its simulated lifecycle)."""
    return _spaces.runtime_json(ctx.state, repo)


def repo_info_json(
    ctx: Ctx,
    repo: Repo,
    commit_id: str,
    *,
    blobs: bool = False,
    expand: list[str] | None = None,
    listing: bool = False,
    full: bool = True,
) -> dict[str, Any]:
    """The repo info object; `expand` keeps only the listed keys (plus ``_id`` and ``id``)."""
    commit = repo.commit(commit_id)
    snapshot = repo.snapshot(commit_id)
    card = _card(ctx, snapshot)
    tags = card_tags(card)
    values: dict[str, Any] = {
        "author": repo.namespace,
        "sha": commit_id,
        "lastModified": commit.date,
        "createdAt": iso_date(float(repo.meta.get("created_at", commit.timestamp))),
        "private": repo.private,
        "gated": repo.gated,
        "disabled": bool(repo.meta.get("disabled", False)),
        "downloads": 0,
        "downloadsAllTime": 0,
        "likes": 0,
        "trendingScore": 0,
        "tags": tags,
        "usedStorage": sum(e.size for e in snapshot.files.values()),
        "xetEnabled": ctx.state.xet is not None and "cas" in ctx.origins,
    }
    if card is not None:
        values["cardData"] = card
    if repo.type == "model":
        values["modelId"] = repo.id
        if card is not None:
            for key in ("library_name", "pipeline_tag"):
                if card.get(key) is not None:
                    values[key] = card[key]
    if repo.type == "dataset":
        values["description"] = None
    if repo.type == "space":
        values["sdk"] = repo.meta.get("sdk", "gradio")
        values["subdomain"] = repo.id.replace("/", "-").replace("_", "-").lower()
        values["host"] = f"{ctx.hub_url}/spaces/{repo.id}"
        values["runtime"] = _spaces.runtime_json(ctx.state, repo)
    head: dict[str, Any] = {"_id": repo.meta["uid"][:24], "id": repo.id}
    if expand:
        keys = [k for k in expand if k in values or k == "siblings"]
    elif listing and not full:
        keys = [
            "likes",
            "downloads",
            "tags",
            "pipeline_tag",
            "library_name",
            "createdAt",
            "private",
            "trendingScore",
        ]
        if repo.type == "model":
            keys.append("modelId")
    else:
        keys = [k for k in values if k not in ("downloadsAllTime", "trendingScore", "xetEnabled")]
        keys.append("siblings")
    out = dict(head)
    for key in keys:
        if key == "siblings":
            out["siblings"] = _siblings(snapshot, blobs)
        elif key in values:
            out[key] = values[key]
    if blobs and not expand:
        out["siblings"] = _siblings(snapshot, True)
    return out


async def repo_info(ctx: Ctx, repo: Repo, revision: str | None) -> Response:
    resolved = repo.resolve(revision)
    expand = ctx.query_list("expand")
    data = repo_info_json(
        ctx, repo, resolved.commit, blobs=ctx.flag("blobs"), expand=expand or None
    )
    if ctx.flag("securityStatus") and not expand:
        data["securityRepoStatus"] = {"scansDone": True, "filesWithIssues": []}
    return json_response(data)


_FILTER_KEYS = [
    "tags",
    "downloads",
    "likes",
    "trendingScore",
    "lastModified",
    "createdAt",
    "cardData",
]
_SORT_KEYS = {
    "downloads": "downloads",
    "likes": "likes",
    "trendingScore": "trendingScore",
    "trending_score": "trendingScore",
    "lastModified": "lastModified",
    "last_modified": "lastModified",
    "createdAt": "createdAt",
    "created_at": "createdAt",
}


async def list_repos(ctx: Ctx, repo_type: str) -> Response:
    search = (ctx.query("search") or "").lower()
    author = ctx.query("author")
    wanted = ctx.query_list("filter")
    for key in ("pipeline_tag", "library", "language", "license"):
        value = ctx.query(key)
        if value:
            wanted.append(f"license:{value}" if key == "license" else value)
    gated = ctx.query("gated")
    candidates: list[tuple[Repo, str]] = []
    for repo in ctx.store.repos(repo_type):
        if not ctx.can_read(repo):
            continue
        if search and search not in repo.id.lower():
            continue
        if author and repo.namespace != author:
            continue
        if gated is not None and bool(repo.gated) != (gated.lower() in ("1", "true")):
            continue
        head = repo.resolve(None).commit
        candidates.append((repo, head))
    expand = ctx.query_list("expand") or None
    full = ctx.flag("full")
    sort = _SORT_KEYS.get(ctx.query("sort") or "")
    # the per-repo summary is only computed for every candidate when filters or sort need it
    everyone = bool(wanted) or sort is not None
    items: list[tuple[Repo, str, dict[str, Any]]] = []
    for repo, head in candidates:
        data = (
            repo_info_json(ctx, repo, head, expand=_FILTER_KEYS, listing=True) if everyone else {}
        )
        if wanted and not all(tag in data.get("tags", []) for tag in wanted):
            continue
        items.append((repo, head, data))
    items.sort(key=lambda item: item[0].id)
    if sort is not None:
        items.sort(key=lambda item: item[2].get(sort) or 0, reverse=True)
    page_items, headers = ctx.page(items, ctx.config.page_size)
    out = [
        repo_info_json(ctx, repo, head, expand=expand, listing=True, full=full)
        for repo, head, _ in page_items
    ]
    if ctx.flag("cardData") or ctx.flag("card_data"):
        for item, (repo, head, _) in zip(out, page_items, strict=True):
            card = repo_info_json(ctx, repo, head, expand=["cardData"]).get("cardData")
            if card is not None:
                item["cardData"] = card
    return json_response(out, headers=headers)


async def _repo_root_info(ctx: Ctx, repo: Repo) -> Response:
    return await repo_info(ctx, repo, None)


ROUTES = [
    Route("GET", "/api/whoami-v2", whoami),
    Route("POST", "/api/repos/create", create_repo),
    Route("DELETE", "/api/repos/delete", delete_repo),
    Route("POST", "/api/repos/move", move_repo),
    Route("GET", "/api/{types}", list_repos),
    Route("GET", "/api/{types}/{repo}", _repo_root_info),
    Route("GET", "/api/{types}/{repo}/", _repo_root_info),
    Route("GET", "/api/{types}/{repo}/revision/{rev}", repo_info),
    Route("PUT", "/api/{types}/{repo}/settings", update_settings),
]
