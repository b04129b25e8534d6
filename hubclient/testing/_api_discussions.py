"""Hub handlers of discussions and pull requests.

A repo's discussions live in its ``discussions`` document: ``{"items": {"<num>": record}}``,
a record holding ``num``, ``title``, ``status``, ``author``, ``isPullRequest``, ``createdAt``,
``events`` (each ``{"id", "type", "createdAt", "author", "data"}``) and, for a pull request,
``base`` (``refs/heads/<branch>``) and ``mergeCommitId``. Numbers come from the repo's refs
(``Repo.allocate_number``): discussions and pull requests share one sequence, as on the Hub. A
pull request is its ``refs/pr/<num>`` ref; commits land there (``_api_commit.py`` calls
:func:`pr_commit_landed`), merging moves the target branch (``Repo.merge_pr``).
"""

from __future__ import annotations

import difflib
import html
import time
import uuid
from typing import Any

from starlette.responses import Response

from hubclient.testing._accounts import Identity
from hubclient.testing._documents import Document
from hubclient.testing._errors import HubError
from hubclient.testing._events import HubEvent
from hubclient.testing._people import author_json
from hubclient.testing._records import Commit, iso_date
from hubclient.testing._repo import Repo
from hubclient.testing._routes import Route
from hubclient.testing._web import PREFIXES, Ctx, json_response

__all__ = ["ROUTES", "check_pr_push", "pr_commit_landed", "pr_created_by_commit"]

_PAGE = 50
_TITLE_MIN, _TITLE_MAX = 3, 200
_COMMENT_MAX = 65536


# --- the document ---


def _doc(ctx: Ctx, repo: Repo) -> Document:
    return ctx.state.documents.repo(repo, "discussions")


def _items(doc: Document) -> dict[str, dict[str, Any]]:
    items = doc.data.setdefault("items", {})
    assert isinstance(items, dict)
    return items


def _now() -> str:
    return iso_date(time.time())


def _new_id() -> str:
    return uuid.uuid4().hex[:24]


def _render(text: str) -> str:
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in paragraphs)


def _comment_event(author: str, text: str) -> dict[str, Any]:
    moment = _now()
    version = {"raw": text, "html": _render(text), "updatedAt": moment, "author": author}
    return {
        "id": _new_id(),
        "type": "comment",
        "createdAt": moment,
        "author": author,
        "data": {"edited": False, "hidden": False, "latest": version, "history": [version]},
    }


def _event(kind: str, author: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": _new_id(), "type": kind, "createdAt": _now(), "author": author, "data": data}


def _record(ctx: Ctx, repo: Repo, num: str) -> dict[str, Any]:
    if not num.isdigit():
        raise HubError(404, f"Discussion #{num} not found")
    record = _items(_doc(ctx, repo)).get(str(int(num)))
    if record is None:
        raise HubError(404, f"Discussion #{int(num)} not found")
    return record


# --- answers ---


def _event_json(ctx: Ctx, repo: Repo, event: dict[str, Any]) -> dict[str, Any]:
    out = dict(event)
    out["author"] = author_json(
        ctx.state.accounts, ctx.hub_url, event.get("author"), owner_namespace=repo.namespace
    )
    if event["type"] == "comment":
        data = dict(event["data"])
        versions = [
            {
                **v,
                "author": author_json(
                    ctx.state.accounts, ctx.hub_url, v.get("author"), owner_namespace=repo.namespace
                ),
            }
            for v in data.get("history", [])
        ]
        latest = dict(versions[0]) if versions else {}
        if data.get("hidden"):
            latest = {**latest, "raw": "This comment has been hidden", "html": ""}
            versions = []
        data["latest"] = latest
        data["history"] = versions
        data["numEdits"] = max(0, len(event["data"].get("history", [])) - 1)
        data.setdefault("reactions", [])
        out["data"] = data
    return out


def _summary(ctx: Ctx, repo: Repo, record: dict[str, Any]) -> dict[str, Any]:
    comments = [e for e in record["events"] if e["type"] == "comment"]
    return {
        "num": record["num"],
        "title": record["title"],
        "status": record["status"],
        "createdAt": record["createdAt"],
        "author": author_json(
            ctx.state.accounts, ctx.hub_url, record.get("author"), owner_namespace=repo.namespace
        ),
        "repo": {"name": repo.id, "type": repo.type},
        "isPullRequest": record["isPullRequest"],
        "numComments": len(comments),
        "pinned": bool(record.get("pinned", False)),
        "topReactions": [],
    }


def _details(ctx: Ctx, repo: Repo, record: dict[str, Any], diff: bool) -> dict[str, Any]:
    out = _summary(ctx, repo, record)
    out["events"] = [_event_json(ctx, repo, e) for e in record["events"]]
    out["isReport"] = False
    out["locked"] = False
    if record["isPullRequest"]:
        changes: dict[str, Any] = {"base": record["base"]}
        if record.get("mergeCommitId"):
            changes["mergeCommitId"] = record["mergeCommitId"]
        out["changes"] = changes
        out["filesWithConflicts"] = _conflicts(repo, record)
        if diff:
            out["diff"] = _diff(ctx, repo, record)
    return out


def _branch_of(record: dict[str, Any]) -> str:
    base = str(record["base"])
    return base[len("refs/heads/") :] if base.startswith("refs/heads/") else base


def _conflicts(repo: Repo, record: dict[str, Any]) -> list[str]:
    if record["status"] not in ("open", "draft"):
        return []
    head = repo.refs_copy().prs.get(record["num"])
    target = repo.refs_copy().heads.get(_branch_of(record))
    if head is None or target is None:
        return []
    return repo.merge_plan(head, target)[1]


def _diff(ctx: Ctx, repo: Repo, record: dict[str, Any]) -> str:
    refs = repo.refs_copy()
    head = refs.prs.get(record["num"])
    target = refs.heads.get(_branch_of(record))
    if head is None or target is None:
        return ""
    base_id = repo.merge_base(target, head) if record["status"] != "merged" else None
    base_id = base_id or (repo.commit(head).parents[0] if repo.commit(head).parents else None)
    before = repo.snapshot(base_id).files if base_id else {}
    after = repo.snapshot(head).files
    out: list[str] = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old is not None and new is not None and old.oid == new.oid:
            continue
        out.append(f"diff --git a/{path} b/{path}")
        if old is None:
            out.append("new file mode 100644")
        elif new is None:
            out.append("deleted file mode 100644")
        out.append(
            f"index {old.oid[:7] if old else '0000000'}..{new.oid[:7] if new else '0000000'}"
        )
        if (old and old.lfs) or (new and new.lfs):
            out.append(f"Binary files a/{path} and b/{path} differ")
            continue
        read = ctx.store.objects.read_bytes
        lines_old = read(old.sha256).decode("utf-8", "replace").splitlines() if old else []
        lines_new = read(new.sha256).decode("utf-8", "replace").splitlines() if new else []
        out.extend(
            difflib.unified_diff(
                lines_old,
                lines_new,
                f"a/{path}" if old else "/dev/null",
                f"b/{path}" if new else "/dev/null",
                lineterm="",
            )
        )
    return "\n".join(out) + ("\n" if out else "")


def _discussion_url(ctx: Ctx, repo: Repo, num: int) -> str:
    return f"{ctx.hub_url}/{PREFIXES[repo.type]}{repo.id}/discussions/{num}"


def _publish(
    ctx: Ctx,
    repo: Repo,
    scope: str,
    action: str,
    record: dict[str, Any],
    comment: dict[str, Any] | None = None,
    actor: str | None = None,
) -> None:
    ctx.state.events.publish(
        HubEvent(
            scope,
            action,
            repo,
            ctx.hub_url,
            actor=actor,
            discussion=dict(record, events=[]),
            comment=dict(comment) if comment else None,
        )
    )


# --- permissions ---


def _can_write_repo(identity: Identity, repo: Repo) -> bool:
    return identity.member_of(repo.namespace) and identity.role == "write"


def _writer(ctx: Ctx, repo: Repo) -> Identity:
    identity = ctx.require_identity()
    if identity.role != "write":
        raise HubError(
            403, "This operation requires a token with write access (your token is read-only)"
        )
    if repo.meta.get("discussionsDisabled"):
        raise HubError(403, "Discussions are disabled for this repo")
    return identity


def _author_or_owner(ctx: Ctx, repo: Repo, record: dict[str, Any]) -> Identity:
    identity = _writer(ctx, repo)
    if identity.user != record.get("author") and not _can_write_repo(identity, repo):
        raise HubError(403, "Only the author of the discussion or the repo's owners can do this")
    return identity


# --- handlers ---


async def list_discussions(ctx: Ctx, repo: Repo) -> Response:
    kind = ctx.query("type") or "all"
    status = ctx.query("status") or "all"
    author = ctx.query("author")
    search = (ctx.query("search") or "").lower()
    page = ctx.query("p") or "0"
    if kind not in ("all", "discussion", "pull_request"):
        raise HubError.bad_request(f"Invalid type: {kind}")
    if status not in ("all", "open", "closed"):
        raise HubError.bad_request(f"Invalid status: {status}")
    if not page.isdigit():
        raise HubError.bad_request(f"Invalid page: {page}")
    doc = _doc(ctx, repo)
    with doc.lock:
        records = [dict(r) for r in _items(doc).values()]
    chosen = []
    for record in records:
        if kind != "all" and record["isPullRequest"] != (kind == "pull_request"):
            continue
        if status == "open" and record["status"] not in ("open", "draft"):
            continue
        if status == "closed" and record["status"] not in ("closed", "merged"):
            continue
        if author is not None and record.get("author") != author:
            continue
        if search and search not in record["title"].lower():
            continue
        chosen.append(record)
    chosen.sort(key=lambda r: -int(r["num"]))
    size = min(_PAGE, ctx.config.page_size)
    start = int(page) * size
    answer = {
        "discussions": [_summary(ctx, repo, r) for r in chosen[start : start + size]],
        "count": len(chosen),
        "start": start,
        "numClosedDiscussions": sum(r["status"] in ("closed", "merged") for r in records),
    }
    return json_response(answer)


async def get_discussion(ctx: Ctx, repo: Repo, num: str) -> Response:
    doc = _doc(ctx, repo)
    with doc.lock:
        record = dict(_record(ctx, repo, num))
    return json_response(_details(ctx, repo, record, ctx.flag("diff")))


async def create_discussion(ctx: Ctx, repo: Repo) -> Response:
    identity = _writer(ctx, repo)
    body = await ctx.json_body()
    if not isinstance(body, dict):
        raise HubError.bad_request("Expected a JSON object")
    title = body.get("title")
    if not isinstance(title, str) or not _TITLE_MIN <= len(title.strip()) <= _TITLE_MAX:
        raise HubError.bad_request(
            f"title must be between {_TITLE_MIN} and {_TITLE_MAX} characters long"
        )
    description = body.get("description")
    if not isinstance(description, str) or not description.strip():
        raise HubError.bad_request("description must be a non-empty string")
    pull_request = bool(body.get("pullRequest", False))
    number = repo.allocate_number()
    record: dict[str, Any] = {
        "num": number,
        "title": title.strip(),
        "status": "draft" if pull_request else "open",
        "author": identity.user,
        "isPullRequest": pull_request,
        "createdAt": _now(),
        "events": [_comment_event(identity.user, description)],
    }
    if pull_request:
        record["base"] = "refs/heads/main"
        head = repo.open_pr_ref(number, "main")
        ctx.state.events.publish(
            HubEvent(
                "repo.content",
                "update",
                repo,
                ctx.hub_url,
                actor=identity.user,
                updated_refs=[(f"refs/pr/{number}", None, head)],
            )
        )
    doc = _doc(ctx, repo)
    with doc.lock:
        _items(doc)[str(number)] = record
        doc.save()
    _publish(ctx, repo, "discussion", "create", record, record["events"][0], identity.user)
    return json_response(
        {
            "num": number,
            "url": {"web": _discussion_url(ctx, repo, number)},
            "pullRequest": pull_request,
        }
    )


async def comment(ctx: Ctx, repo: Repo, num: str) -> Response:
    identity = _writer(ctx, repo)
    body = await ctx.json_body()
    text = body.get("comment") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > _COMMENT_MAX:
        raise HubError.bad_request("comment must be a non-empty string")
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _record(ctx, repo, num)
        event = _comment_event(identity.user, text)
        record["events"].append(event)
        doc.save()
        snapshot = dict(record)
    _publish(ctx, repo, "discussion.comment", "create", snapshot, event, identity.user)
    return json_response({"newMessage": _event_json(ctx, repo, event)})


def _find_comment(record: dict[str, Any], comment_id: str) -> dict[str, Any]:
    for event in record["events"]:
        if event["type"] == "comment" and event["id"] == comment_id.lower():
            found: dict[str, Any] = event
            return found
    raise HubError(404, f"Comment {comment_id} not found")


async def edit_comment(ctx: Ctx, repo: Repo, num: str, comment_id: str) -> Response:
    identity = _writer(ctx, repo)
    body = await ctx.json_body()
    text = body.get("content") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > _COMMENT_MAX:
        raise HubError.bad_request("content must be a non-empty string")
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _record(ctx, repo, num)
        event = _find_comment(record, comment_id)
        if event["author"] != identity.user:
            raise HubError(403, "Only the author of a comment can edit it")
        if event["data"]["hidden"]:
            raise HubError.bad_request("A hidden comment cannot be edited")
        moment = _now()
        version = {"raw": text, "html": _render(text), "updatedAt": moment, "author": identity.user}
        event["data"]["history"].insert(0, version)
        event["data"]["latest"] = version
        event["data"]["edited"] = True
        doc.save()
        snapshot = dict(record)
    _publish(ctx, repo, "discussion.comment", "update", snapshot, event, identity.user)
    return json_response({"updatedComment": _event_json(ctx, repo, event)})


async def hide_comment(ctx: Ctx, repo: Repo, num: str, comment_id: str) -> Response:
    identity = _writer(ctx, repo)
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _record(ctx, repo, num)
        event = _find_comment(record, comment_id)
        if event["author"] != identity.user and not _can_write_repo(identity, repo):
            raise HubError(403, "Only the author of a comment or the repo's owners can hide it")
        event["data"]["hidden"] = True
        doc.save()
        snapshot = dict(record)
    _publish(ctx, repo, "discussion.comment", "update", snapshot, event, identity.user)
    return json_response({"updatedComment": _event_json(ctx, repo, event)})


async def rename(ctx: Ctx, repo: Repo, num: str) -> Response:
    body = await ctx.json_body()
    title = body.get("title") if isinstance(body, dict) else None
    if not isinstance(title, str) or not _TITLE_MIN <= len(title.strip()) <= _TITLE_MAX:
        raise HubError.bad_request(
            f"title must be between {_TITLE_MIN} and {_TITLE_MAX} characters long"
        )
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _record(ctx, repo, num)
        identity = _author_or_owner(ctx, repo, record)
        event = _event(
            "title-change", identity.user, {"from": record["title"], "to": title.strip()}
        )
        record["title"] = title.strip()
        record["events"].append(event)
        doc.save()
        snapshot = dict(record)
    _publish(ctx, repo, "discussion", "update", snapshot, None, identity.user)
    return json_response({"newTitle": _event_json(ctx, repo, event)})


def _change_status(record: dict[str, Any], user: str, status: str, text: Any) -> dict[str, Any]:
    """Set the status: the optional comment, then the status-change event (returned)."""
    if isinstance(text, str) and text.strip():
        record["events"].append(_comment_event(user, text.strip()))
    event = _event("status-change", user, {"status": status})
    record["events"].append(event)
    record["status"] = status
    return event


async def change_status(ctx: Ctx, repo: Repo, num: str) -> Response:
    body = await ctx.json_body()
    status = body.get("status") if isinstance(body, dict) else None
    text = body.get("comment") if isinstance(body, dict) else None
    if status not in ("open", "closed"):
        raise HubError.bad_request("status must be 'open' or 'closed'")
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _record(ctx, repo, num)
        identity = _author_or_owner(ctx, repo, record)
        if record["status"] == "merged":
            raise HubError.bad_request("This Pull Request is merged: its status cannot change")
        if record["status"] == status:
            raise HubError.bad_request(f"This discussion is already {status}")
        event = _change_status(record, identity.user, status, text)
        doc.save()
        snapshot = dict(record)
    _publish(ctx, repo, "discussion", "update", snapshot, None, identity.user)
    return json_response({"newStatus": _event_json(ctx, repo, event)})


async def merge(ctx: Ctx, repo: Repo, num: str) -> Response:
    identity = ctx.check_write(repo.namespace)
    body = await ctx.json_body()
    text = body.get("comment") if isinstance(body, dict) else None
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _record(ctx, repo, num)
        if not record["isPullRequest"]:
            raise HubError.bad_request("This discussion is not a Pull Request")
        if record["status"] == "draft":
            raise HubError.bad_request(
                "This Pull Request is a draft: publish it (status 'open') before merging"
            )
        if record["status"] != "open":
            raise HubError.bad_request(
                f"This Pull Request is {record['status']} and cannot be merged"
            )
        number = int(record["num"])
        branch = _branch_of(record)
        old = repo.refs_copy().heads.get(branch)
        if old is None:
            raise HubError.bad_request(f"The target branch {branch} does not exist any more")
        merged = repo.merge_pr(
            number,
            branch,
            title=f"Merge refs/pr/{number}: {record['title']}",
            message=f"Merged pull request #{number} ({record['title']})",
            author=identity.user,
        )
        if not isinstance(merged, Commit):
            raise HubError(
                409,
                "This Pull Request has conflicts with "
                f"{branch}: {', '.join(merged)}. Resolve them before merging.",
            )
        event = _change_status(record, identity.user, "merged", text)
        record["mergeCommitId"] = merged.id
        doc.save()
        snapshot = dict(record)
    ctx.state.events.publish(
        HubEvent(
            "repo.content",
            "update",
            repo,
            ctx.hub_url,
            actor=identity.user,
            updated_refs=[(f"refs/heads/{branch}", old, merged.id)],
        )
    )
    _publish(ctx, repo, "discussion", "update", snapshot, None, identity.user)
    return json_response({"newStatus": _event_json(ctx, repo, event)})


# --- what the commit handler calls ---


def pr_number_of(revision: str) -> int | None:
    """``refs/pr/<n>`` → n, else None."""
    if revision.startswith("refs/pr/") and revision[len("refs/pr/") :].isdigit():
        return int(revision[len("refs/pr/") :])
    return None


def check_pr_push(ctx: Ctx, repo: Repo, number: int) -> Identity:
    """Who may commit to ``refs/pr/<number>``: its author or the repo's writers, while it is
    open (or a draft)."""
    identity = ctx.check_contribute(repo)
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _items(doc).get(str(number))
        if record is None:
            raise HubError.revision_not_found(f"refs/pr/{number}")
        if identity.user != record.get("author") and not _can_write_repo(identity, repo):
            raise HubError(403, "Only the author of the Pull Request or the repo's owners can push")
        if record["status"] not in ("open", "draft"):
            raise HubError.bad_request(f"This Pull Request is {record['status']}: no more commits")
    return identity


def pr_created_by_commit(
    ctx: Ctx, repo: Repo, number: int, commit: Commit, branch: str, author: str
) -> None:
    """A commit with ``create_pr=1`` opened pull request ``number`` (open, not a draft)."""
    description = commit.message.split("\n\n", 1)[1] if "\n\n" in commit.message else ""
    record: dict[str, Any] = {
        "num": number,
        "title": commit.title,
        "status": "open",
        "author": author,
        "isPullRequest": True,
        "createdAt": _now(),
        "base": f"refs/heads/{branch}",
        "events": [
            _comment_event(author, description or f"Pull request opened with {commit.title}"),
            _event("commit", author, {"subject": commit.title, "oid": commit.id}),
        ],
    }
    doc = _doc(ctx, repo)
    with doc.lock:
        _items(doc)[str(number)] = record
        doc.save()
    _publish(ctx, repo, "discussion", "create", record, record["events"][0], author)


def pr_commit_landed(ctx: Ctx, repo: Repo, number: int, commit: Commit, author: str) -> None:
    """A commit landed on ``refs/pr/<number>``: a ``commit`` event of the pull request."""
    doc = _doc(ctx, repo)
    with doc.lock:
        record = _items(doc).get(str(number))
        if record is None:
            return
        record["events"].append(
            _event("commit", author, {"subject": commit.title, "oid": commit.id})
        )
        doc.save()


_ATTACHMENTS = {
    "image/png": (".png", 10),
    "image/jpeg": (".jpg", 10),
    "image/gif": (".gif", 10),
    "image/webp": (".webp", 10),
    "video/mp4": (".mp4", 50),
    "video/quicktime": (".mov", 50),
    "video/webm": (".webm", 50),
    "audio/mpeg": (".mp3", 10),
    "audio/wav": (".wav", 10),
}


async def upload_attachment(ctx: Ctx) -> Response:
    """``POST /uploads``: an image, video or audio file for comments; answers its URL."""
    ctx.require_identity()
    content_type = (ctx.request.headers.get("content-type") or "").split(";", 1)[0].strip()
    if content_type not in _ATTACHMENTS:
        raise HubError.bad_request(f"Unsupported attachment type: {content_type or 'none'}")
    suffix, megabytes = _ATTACHMENTS[content_type]
    data = await ctx.request.body()
    if not data or len(data) > megabytes * 1024 * 1024:
        raise HubError(413 if data else 400, f"Attachments are 1 byte to {megabytes} MB")
    sha256 = ctx.store.objects.put_bytes(data)
    return Response(f"{ctx.hub_url}/uploads/{sha256}{suffix}\n", media_type="text/plain")


async def get_attachment(ctx: Ctx, name: str) -> Response:
    sha256, _, suffix = name.partition(".")
    types = {s: t for t, (s, _) in _ATTACHMENTS.items()}
    size = ctx.store.objects.size(sha256) if len(sha256) == 64 and sha256.isalnum() else None
    if size is None or f".{suffix}" not in types:
        raise HubError(404, f"Not found: {name}")
    return Response(ctx.store.objects.read_bytes(sha256), media_type=types[f".{suffix}"])


ROUTES = [
    Route("POST", "/uploads", upload_attachment),
    Route("GET", "/uploads/{name}", get_attachment),
    Route("GET", "/api/{types}/{repo}/discussions", list_discussions),
    Route("POST", "/api/{types}/{repo}/discussions", create_discussion),
    Route("GET", "/api/{types}/{repo}/discussions/{num}", get_discussion),
    Route("POST", "/api/{types}/{repo}/discussions/{num}/comment", comment),
    Route("POST", "/api/{types}/{repo}/discussions/{num}/comment/{comment_id}/edit", edit_comment),
    Route("POST", "/api/{types}/{repo}/discussions/{num}/comment/{comment_id}/hide", hide_comment),
    Route("POST", "/api/{types}/{repo}/discussions/{num}/title", rename),
    Route("POST", "/api/{types}/{repo}/discussions/{num}/status", change_status),
    Route("POST", "/api/{types}/{repo}/discussions/{num}/merge", merge),
]
