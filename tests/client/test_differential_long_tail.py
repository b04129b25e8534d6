"""hubclient and huggingface_hub 2.4.0 return the same data for each long-tail method, on the
same served local Hub (hubclient through its sync facade, as a script would use it)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubclient import HubClient, RepoFile
from hubclient.testing import ALICE_TOKEN, LocalHub, ServedHub, standard_hub

LFS = bytes(range(256)) * 48


@pytest.fixture
def both(
    served_hub: ServedHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[HubClient, Any, ServedHub]]:
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    from huggingface_hub import HfApi, constants

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    api = HfApi(endpoint=served_hub.hub_url, token=ALICE_TOKEN)
    with HubClient(
        served_hub.hub_url, token=ALICE_TOKEN, cache_dir=tmp_path / "ours-cache"
    ) as client:
        yield client, api, served_hub


def test_repos_and_storage(both: tuple[HubClient, Any, ServedHub]) -> None:
    ours, theirs, served = both
    hub = served.hub
    hub.seed_repo("acme/src", {"w.bin": LFS, "a.txt": b"a"}, message="one")
    hub.seed_repo("acme/src", {"b.bin": b"\0second"}, message="two")

    for name in ("mine", "theirs"):
        client = ours if name == "mine" else theirs
        url = client.duplicate_repo("acme/src", f"alice/dup-{name}")
        assert url.repo_id == f"alice/dup-{name}"
    assert [c.commit_id for c in ours.list_repo_commits("alice/dup-mine")] == [
        c.commit_id for c in theirs.list_repo_commits("alice/dup-theirs")
    ]

    def lfs_key(f: Any) -> tuple[Any, ...]:
        return (f.file_oid, f.filename, f.size, f.ref, f.pushed_at)

    assert sorted(map(lfs_key, ours.list_lfs_files("acme/src"))) == sorted(
        map(lfs_key, theirs.list_lfs_files("acme/src"))
    )

    def storage_key(r: Any) -> tuple[Any, ...]:
        return (r.id, r.type, r.visibility, r.storage, r.storage_percent, r.updated_at)

    assert sorted(map(storage_key, ours.list_user_repos())) == sorted(
        map(storage_key, theirs.list_user_repos())
    )
    assert sorted(map(storage_key, ours.list_user_repos("acme"))) == sorted(
        map(storage_key, theirs.list_user_repos("acme"))
    )
    assert ours.get_full_repo_name("x") == theirs.get_full_repo_name("x")
    assert ours.get_full_repo_name("x", organization="acme") == theirs.get_full_repo_name(
        "x", organization="acme"
    )

    # one squash each, on twin repos: the same files, one commit titled as asked
    for name, client in (("mine", ours), ("theirs", theirs)):
        client.super_squash_history(f"alice/dup-{name}", commit_message="squashed")
    assert [c.title for c in ours.list_repo_commits("alice/dup-mine")] == [
        c.title for c in theirs.list_repo_commits("alice/dup-theirs")
    ]
    assert ours.list_repo_files("alice/dup-mine") == theirs.list_repo_files("alice/dup-theirs")

    # permanent deletion on twin repos leaves the same files
    for name, client in (("mine", ours), ("theirs", theirs)):
        victims = [f for f in client.list_lfs_files(f"alice/dup-{name}") if f.filename == "w.bin"]
        client.permanently_delete_lfs_files(f"alice/dup-{name}", victims)
    assert ours.list_repo_files("alice/dup-mine") == theirs.list_repo_files("alice/dup-theirs")
    assert [f.filename for f in ours.list_lfs_files("alice/dup-mine")] == [
        f.filename for f in theirs.list_lfs_files("alice/dup-theirs")
    ]

    hub.seed_repo("alice/kern", {"k.cu": b"k"}, repo_type="kernel")
    a, b = ours.kernel_info("alice/kern"), theirs.kernel_info("alice/kern")
    assert (a.id, a.sha, a.private, a.last_modified) == (b.id, b.sha, b.private, b.last_modified)
    ours.auth_check("acme/src", write=True)
    theirs.auth_check("acme/src", write=True)


def test_files_copies_and_checksums(both: tuple[HubClient, Any, ServedHub], tmp_path: Path) -> None:
    ours, theirs, served = both
    served.hub.seed_repo("alice/src", {"w.bin": LFS, "dir/a.txt": b"a", "dir/b/c.txt": b"c"})
    for name, client in (("mine", ours), ("theirs", theirs)):
        client.create_repo(f"alice/copy-{name}")
        client.copy_files("hf://alice/src/dir", f"hf://alice/copy-{name}/")
        client.copy_files("hf://alice/src/dir/", f"hf://alice/copy-{name}/merged/")
        client.copy_files("hf://alice/src/w.bin", "hf://alice/src/" + f"w-{name}.bin")
    assert ours.list_repo_files("alice/copy-mine") == theirs.list_repo_files("alice/copy-theirs")
    tree = {
        f.path: f.blob_id
        for f in ours.list_repo_tree("alice/src", recursive=True)
        if isinstance(f, RepoFile)
    }
    assert tree["w-mine.bin"] == tree["w-theirs.bin"] == tree["w.bin"]

    revision = ours.resolve_revision("alice/src")
    assert (
        revision.resolved
        == theirs.resolve_revision("alice/src", cache_dir=tmp_path / "theirs").resolved
    )
    folder = tmp_path / "local"
    ours.snapshot_download("alice/src", local_dir=folder)
    (folder / "dir" / "a.txt").write_bytes(b"changed")
    (folder / "extra.txt").write_text("x")

    def verify_key(v: Any) -> tuple[Any, ...]:
        mismatches = sorted((m["path"], m["algorithm"], m["expected"]) for m in v.mismatches)
        return (v.checked_count, mismatches, v.missing_paths, v.extra_paths, v.revision)

    assert verify_key(ours.verify_repo_checksums("alice/src", local_dir=folder)) == verify_key(
        theirs.verify_repo_checksums("alice/src", local_dir=folder)
    )


def test_discovery_papers_and_leaderboards(both: tuple[HubClient, Any, ServedHub]) -> None:
    ours, theirs, served = both
    hub = served.hub
    hub.seed_repo("alice/m", {"README.md": b"---\nlicense: mit\ntags:\n- arxiv:2402.00002\n---\n"})
    hub.spaces.plan(build_seconds=0, start_seconds=0)
    hub.seed_repo(
        "alice/draw",
        {"README.md": b"---\ntitle: Draw It\n---\n", "app.py": b"import gradio\n"},
        repo_type="space",
    )
    assert ours.get_model_tags() == theirs.get_model_tags()
    assert ours.get_dataset_tags() == theirs.get_dataset_tags()

    def search_key(s: Any) -> tuple[Any, ...]:
        return (s.id, s.title, s.sdk, s.semantic_relevancy_score, s.runtime.stage)

    found = [search_key(s) for s in ours.search_spaces("draw it")]
    assert [key[0] for key in found] == ["alice/draw"]
    assert found == [search_key(s) for s in theirs.search_spaces("draw it")]

    day = float(calendar.timegm((2024, 2, 6, 8, 0, 0)))
    hub.add_paper(
        "2402.00002",
        title="Twin Paper",
        summary="The same for both.",
        authors=["Ann", "Bo"],
        upvotes=9,
        submitted_by="alice",
        submitted_at=day,
        comments=2,
        ai_keywords=["twins"],
    )

    def paper_key(p: Any, page: bool = True) -> tuple[Any, ...]:
        return (
            p.id,
            p.title,
            p.summary,
            p.upvotes,
            [a.name for a in p.authors or []],
            p.published_at,
            p.submitted_at,
            p.submitted_by.username if p.submitted_by else None,
            p.comments,
            # huggingface_hub reads ai_keywords of a listing only outside the nested paper
            p.ai_keywords if page else None,
            [m.id for m in p.linked_models or []],
        )

    assert paper_key(ours.paper_info("2402.00002")) == paper_key(theirs.paper_info("2402.00002"))
    assert ours.read_paper("2402.00002") == theirs.read_paper("2402.00002")
    assert [paper_key(p, False) for p in ours.list_papers(query="twin")] == [
        paper_key(p, False) for p in theirs.list_papers(query="twin")
    ]
    assert [p.ai_keywords for p in ours.list_papers(query="twin")] == [["twins"]]
    selections: list[dict[str, Any]] = [
        {},
        {"date": "2024-02-06"},
        {"week": "2024-W06"},
        {"sort": "trending"},
    ]
    for kwargs in selections:
        assert [paper_key(p, False) for p in ours.list_daily_papers(**kwargs)] == [
            paper_key(p, False) for p in theirs.list_daily_papers(**kwargs)
        ]

    hub.seed_repo("acme/bench", {"d.csv": b"1\n"}, repo_type="dataset")
    hub.add_leaderboard_entry("acme/bench", model_id="alice/m", value=0.4, verified=True)
    hub.add_leaderboard_entry("acme/bench", model_id="acme/other", value=0.8, notes="n")

    def board_key(e: Any) -> tuple[Any, ...]:
        author = getattr(e.author, "username", None) or getattr(e.author, "name", None)
        return (e.rank, e.model_id, e.value, e.filename, e.verified, e.notes, author)

    for only in (None, False):
        assert [
            board_key(e) for e in ours.get_dataset_leaderboard("acme/bench", base_model_only=only)
        ] == [
            board_key(e) for e in theirs.get_dataset_leaderboard("acme/bench", base_model_only=only)
        ]


def test_list_models_emissions_thresholds(both: tuple[HubClient, Any, ServedHub]) -> None:
    ours, theirs, served = both
    for name, grams in (("light", 5), ("mid", 50), ("heavy", 500)):
        card = f"---\nco2_eq_emissions: {grams}\n---\n".encode()
        served.hub.seed_repo(f"alice/{name}", {"README.md": card})
    for bounds in ((0, 100), (40, 1000)):
        assert sorted(
            m.id
            for m in ours.list_models(author="alice", cardData=True, emissions_thresholds=bounds)
        ) == sorted(
            m.id
            for m in theirs.list_models(author="alice", cardData=True, emissions_thresholds=bounds)
        )


def test_dataset_parquet_files(
    tmp_path: Path, isolated_hf_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both clients ask the served Hub's Dataset Viewer (huggingface_hub through its constants,
    since it knows only huggingface.co's viewer)."""
    from huggingface_hub import HfApi, constants

    hub = standard_hub(LocalHub(tmp_path / "viewer-hub", dataset_viewer=True))
    hub.seed_repo(
        "acme/corpus",
        {
            "data/train-00000-of-00001.parquet": b"PAR1" + b"t" * 64 + b"PAR1",
            "data/validation-00000-of-00001.parquet": b"PAR1" + b"v" * 32 + b"PAR1",
            "de/test/0000.parquet": b"PAR1" + b"d" * 16 + b"PAR1",
        },
        repo_type="dataset",
    )
    try:
        with hub.serve() as served:
            viewer = served.url("datasets-server")
            monkeypatch.setattr(constants, "_HF_DEFAULT_ENDPOINT", served.hub_url)
            monkeypatch.setattr(constants, "DATASETS_SERVER_ENDPOINT", viewer)
            theirs = HfApi(endpoint=served.hub_url, token=ALICE_TOKEN)
            with HubClient(
                served.hub_url,
                token=ALICE_TOKEN,
                datasets_server_url=viewer,
                cache_dir=tmp_path / "ours-cache",
            ) as ours:

                def key(e: Any) -> tuple[Any, ...]:
                    return (e.config, e.split, e.url, e.size)

                for config in (None, "default", "de", "missing"):
                    mine = [
                        key(e)
                        for e in ours.list_dataset_parquet_files("acme/corpus", config=config)
                    ]
                    assert mine == [
                        key(e)
                        for e in theirs.list_dataset_parquet_files("acme/corpus", config=config)
                    ]
                    assert mine or config == "missing"
    finally:
        hub.close()
