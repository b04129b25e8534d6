"""Tags, Space search, papers and dataset leaderboards, against the local Hub."""

from __future__ import annotations

import calendar

import pytest

from hubclient import (
    AsyncHubClient,
    DatasetLeaderboardEntry,
    HfHubHTTPError,
    Organization,
    PaperInfo,
    RepositoryNotFoundError,
    SpaceSearchResult,
    User,
)
from hubclient.testing import LocalHub

pytestmark = pytest.mark.anyio


def _day(date: str) -> float:
    year, month, day = (int(x) for x in date.split("-"))
    return float(calendar.timegm((year, month, day, 12, 0, 0)))


async def test_tag_catalogues(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/m", {"README.md": b"---\nlicense: bsd\ntags:\n- robots\n---\n"})
    local_hub.seed_repo("bob/hidden", {"README.md": b"---\ntags:\n- secret\n---\n"}, private=True)
    models = await client.get_model_tags()
    assert {"pipeline_tag", "library", "license", "other"} <= set(models)
    assert {"id": "license:bsd", "label": "bsd", "type": "license"} in models["license"]
    assert "robots" in [t["id"] for t in models["other"]]
    assert "secret" not in [t["id"] for t in models["other"]]
    first = models["pipeline_tag"][0]
    assert set(first) >= {"id", "label", "type", "subType"}
    datasets = await client.get_dataset_tags()
    assert "task_categories" in datasets


async def test_search_spaces(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.spaces.plan(build_seconds=0, start_seconds=0)  # running as soon as committed
    app = b"import gradio\n"
    card = "---\ntitle: Image Maker\nemoji: 🎨\nsdk: gradio\ntags:\n- art\n---\n"
    local_hub.seed_repo(
        "alice/image-maker", {"README.md": card.encode(), "app.py": app}, repo_type="space"
    )
    local_hub.seed_repo(
        "acme/chat", {"README.md": b"---\ntitle: Chat\n---\n", "app.py": app}, repo_type="space"
    )
    local_hub.seed_repo("bob/image-hidden", {"app.py": app}, repo_type="space", private=True)
    local_hub.seed_repo("alice/image-draft", {"README.md": b"# no app yet\n"}, repo_type="space")
    found = [s async for s in client.search_spaces("generate an image")]
    assert [s.id for s in found] == ["alice/image-maker"]
    best = found[0]
    assert isinstance(best, SpaceSearchResult)
    assert (best.title, best.emoji, best.sdk, best.author) == (
        "Image Maker",
        "🎨",
        "gradio",
        "alice",
    )
    assert best.semantic_relevancy_score is not None
    assert 0 < best.semantic_relevancy_score <= 1
    assert best.runtime is not None
    assert best.runtime.stage == "RUNNING"
    assert [s.id async for s in client.search_spaces("image", filter="nope")] == []
    assert [s.id async for s in client.search_spaces("image", sdk=["docker"])] == []
    assert [s.id async for s in client.search_spaces("chat")] == ["acme/chat"]
    # a Space that is not running (no app file) shows only when asked for
    drafts = [s async for s in client.search_spaces("image draft", include_non_running=True)]
    assert [s.id for s in drafts][:1] == ["alice/image-draft"]
    assert drafts[0].runtime is not None
    assert drafts[0].runtime.stage == "NO_APP_FILE"


async def test_papers(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.add_paper(
        "2305.13245",
        title="Grouped Query Attention",
        summary="We study attention heads.",
        authors=["Joshua A", "Yury B"],
        published_at=_day("2023-05-22"),
        upvotes=7,
        submitted_by="alice",
        submitted_at=_day("2024-02-01"),
        comments=3,
        githubRepo="https://github.com/acme/gqa",
    )
    local_hub.add_paper("2401.00001", title="Other", summary="nothing about it", upvotes=30)
    local_hub.seed_repo("acme/gqa-model", {"README.md": b"---\ntags:\n- arxiv:2305.13245\n---\n"})
    paper = await client.paper_info("2305.13245")
    assert isinstance(paper, PaperInfo)
    assert paper.title == "Grouped Query Attention"
    assert [a.name for a in paper.authors or []] == ["Joshua A", "Yury B"]
    assert paper.published_at is not None
    assert paper.published_at.year == 2023
    assert paper.github_repo == "https://github.com/acme/gqa"
    assert [m.id for m in paper.linked_models or []] == ["acme/gqa-model"]
    assert paper.num_total_models == 1
    text = await client.read_paper("2305.13245")
    assert text.startswith("# Grouped Query Attention")
    with pytest.raises(HfHubHTTPError) as info:
        await client.paper_info("0000.00000")
    assert info.value.status_code == 404
    with pytest.raises(ValueError, match="arXiv"):
        await client.paper_info("../etc")

    assert [p.id async for p in client.list_papers(query="attention")] == ["2305.13245"]
    assert len([p async for p in client.list_papers()]) == 2
    assert len([p async for p in client.list_papers(limit=1)]) == 1

    daily = [p async for p in client.list_daily_papers()]
    assert [p.id for p in daily] == ["2305.13245"]
    entry = daily[0]
    assert entry.submitted_by is not None
    assert entry.submitted_by.username == "alice"
    assert entry.comments == 3
    assert entry.submitted_at is not None
    assert entry.submitted_at.date().isoformat() == "2024-02-01"
    assert [p.id async for p in client.list_daily_papers(date="2024-02-01")] == ["2305.13245"]
    assert [p.id async for p in client.list_daily_papers(month="2024-02")] == ["2305.13245"]
    assert [p.id async for p in client.list_daily_papers(week="2024-W05")] == ["2305.13245"]
    assert [p.id async for p in client.list_daily_papers(date="2024-02-02")] == []
    assert [p.id async for p in client.list_daily_papers(submitter="bob")] == []


async def test_dataset_leaderboard(client: AsyncHubClient, local_hub: LocalHub) -> None:
    local_hub.seed_repo("acme/bench", {"data.csv": b"q,a\n"}, repo_type="dataset")
    local_hub.seed_repo("alice/base", {"README.md": b"# base\n"})
    local_hub.seed_repo("acme/tuned", {"README.md": b"---\nbase_model: alice/base\n---\n"})
    local_hub.add_leaderboard_entry("acme/bench", model_id="alice/base", value=0.5, verified=True)
    local_hub.add_leaderboard_entry("acme/bench", model_id="acme/tuned", value=0.9, notes="ft")
    board = await client.get_dataset_leaderboard("acme/bench")
    assert [(e.rank, e.model_id) for e in board] == [(1, "alice/base")]
    assert isinstance(board[0], DatasetLeaderboardEntry)
    assert isinstance(board[0].author, User)
    assert board[0].author.username == "alice"
    assert board[0].verified is True
    full = await client.get_dataset_leaderboard("acme/bench", base_model_only=False)
    assert [(e.rank, e.model_id, e.value) for e in full] == [
        (1, "acme/tuned", 0.9),
        (2, "alice/base", 0.5),
    ]
    assert isinstance(full[0].author, Organization)
    assert full[0].author.name == "acme"
    assert full[0].notes == "ft"
    local_hub.seed_repo("acme/no-board", {"a.csv": b"a\n"}, repo_type="dataset")
    with pytest.raises(HfHubHTTPError) as info:
        await client.get_dataset_leaderboard("acme/no-board")
    assert info.value.status_code == 404
    with pytest.raises(RepositoryNotFoundError):
        await client.get_dataset_leaderboard("acme/missing")
