"""Hub-wide content that is not a repo, as a test seeds it: papers (and their daily-papers
submissions) and dataset leaderboards. The handlers read the same documents."""

from __future__ import annotations

import datetime as _dt
import hashlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

from hubclient.testing._documents import Documents
from hubclient.testing._records import iso_date

__all__ = ["add_leaderboard_entry", "add_paper"]


def _user(name: str, hub_url: str) -> dict[str, Any]:
    return {
        "_id": name,
        "user": name,
        "fullname": name.capitalize(),
        "avatarUrl": f"{hub_url}/avatars/{name}.svg",
        "type": "user",
    }


def add_paper(
    documents: Documents,
    hub_url: str,
    paper_id: str,
    *,
    title: str,
    summary: str,
    authors: Sequence[str | Mapping[str, Any]],
    published_at: float | None,
    upvotes: int,
    submitted_by: str | None,
    submitted_at: float | None,
    comments: int,
    extra: Mapping[str, Any],
) -> None:
    if not paper_id or "/" in paper_id:
        raise ValueError(f"a paper id is an arXiv id such as '2305.13245', not {paper_id!r}")
    published = iso_date(time.time() if published_at is None else published_at)
    paper: dict[str, Any] = {
        "id": paper_id,
        "authors": [
            {"_id": f"{paper_id}-{i}", "name": a, "hidden": False}
            if isinstance(a, str)
            else dict(a)
            for i, a in enumerate(authors)
        ],
        "publishedAt": published,
        "title": title,
        "summary": summary,
        "upvotes": upvotes,
        "discussionId": hashlib.sha1(f"paper:{paper_id}".encode()).hexdigest()[:24],
        **extra,
    }
    if submitted_by is not None:
        when = time.time() if submitted_at is None else submitted_at
        day = _dt.datetime.fromtimestamp(when, tz=_dt.timezone.utc)
        year, week, _ = day.isocalendar()
        paper["submittedOnDailyAt"] = iso_date(when)
        paper["submittedOnDailyBy"] = _user(submitted_by, hub_url)
        paper["_daily"] = {
            "submittedAt": iso_date(when),
            "submittedBy": _user(submitted_by, hub_url),
            "numComments": comments,
            "_week": f"{year}-W{week:02d}",
        }
    doc = documents.hub("papers")
    with doc.lock:
        doc.data.setdefault("papers", {})[paper_id] = paper
        doc.save()


def add_leaderboard_entry(
    documents: Documents,
    dataset_id: str,
    *,
    model_id: str,
    value: float,
    filename: str,
    verified: bool,
    source: Mapping[str, Any] | None,
    pull_request: int | None,
    notes: str | None,
) -> None:
    entry: dict[str, Any] = {
        "modelId": model_id,
        "value": value,
        "filename": filename,
        "verified": verified,
    }
    if source is not None:
        entry["source"] = dict(source)
    if pull_request is not None:
        entry["pullRequest"] = pull_request
    if notes is not None:
        entry["notes"] = notes
    doc = documents.hub("leaderboards")
    with doc.lock:
        rows = doc.data.setdefault(dataset_id, [])
        rows[:] = [r for r in rows if r["modelId"] != model_id]
        rows.append(entry)
        doc.save()
