"""``hubclient mirror`` end to end between two served local Hubs, and onto local disk."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub, ServedHub, standard_hub
from tests.cli.conftest import FILES, Run


@pytest.fixture(scope="module")
def dest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHub]:
    """A second served Hub (bob writes there; each test writes repos of its own)."""
    hub = standard_hub(LocalHub(tmp_path_factory.mktemp("dest-hub"), page_size=10))
    try:
        with hub.serve() as served:
            yield served
    finally:
        hub.close()


@pytest.fixture
def src(hub: ServedHub) -> list[str]:
    """Global options for alice on the source Hub (no retries: failures stay quick)."""
    return ["--endpoint", hub.hub_url, "--token", ALICE_TOKEN, "--max-retries", "0"]


def _dest_files(run: Run, dest: ServedHub, repo_id: str, revision: str = "main") -> set[str]:
    ran = run(
        "--endpoint", dest.hub_url, "--token", BOB_TOKEN, "-q", "ls", repo_id, "-R",
        "--revision", revision,
    )  # fmt: skip
    assert ran.code == 0, ran.err
    return set(ran.out.split())


def test_one_repo_then_rerun_sends_nothing(run: Run, src: list[str], dest: ServedHub) -> None:
    ran = run(*src, "mirror", "alice/model", "bob/copy", "--to", dest.hub_url,
              "--to-token", BOB_TOKEN)  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.out.startswith("ok     model:alice/model -> bob/copy: ")
    assert "History is not replayed" in ran.err
    assert _dest_files(run, dest, "bob/copy") >= set(FILES) | {"docs"}
    assert "extra.txt" in _dest_files(run, dest, "bob/copy", "dev")
    again = run(*src, "--json", "mirror", "alice/model", "bob/copy", "--to", dest.hub_url,
                "--to-token", BOB_TOKEN)  # fmt: skip
    assert again.code == 0, again.err
    doc = again.json()
    assert doc["ok"] is True
    assert doc["dest_repo_id"] == "bob/copy"
    assert doc["files_copied"] == 0
    assert doc["bytes_copied"] == 0
    assert doc["errors"] == []
    assert {ref["name"] for ref in doc["refs"]} == {"main", "dev"}
    quiet_rerun = run(*src, "mirror", "alice/model", "bob/copy", "--to", dest.hub_url,
                      "--to-token", BOB_TOKEN)  # fmt: skip
    assert quiet_rerun.code == 0, quiet_rerun.err
    assert "History is not replayed" not in quiet_rerun.err  # no new commit, nothing to say


def test_plan_with_a_missing_repo_is_3_and_writes_the_report(
    run: Run, src: list[str], dest: ServedHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("# two repos\nalice/model bob/model\nalice/missing bob/missing\n")
    report = tmp_path / "out" / "report.json"
    monkeypatch.setenv("HUBCLIENT_TO_TOKEN", BOB_TOKEN)
    ran = run(*src, "--json", "mirror", "--plan", str(plan), "--to", dest.hub_url,
              "--report", str(report), "--max-repos", "2",
              "--max-bytes-in-flight", "1M")  # fmt: skip
    assert ran.code == 3, ran.err
    doc = ran.json()
    assert doc == json.loads(report.read_text())
    assert doc["ok"] is False
    assert doc["totals"]["repos"] == 2
    assert doc["totals"]["repos_failed"] == 1
    by_id = {r["repo_id"]: r for r in doc["results"]}
    assert by_id["alice/model"]["errors"] == []
    assert by_id["alice/missing"]["errors"][0]["type"] == "RepositoryNotFoundError"
    assert "error: alice/missing: RepositoryNotFoundError: " in ran.err
    assert _dest_files(run, dest, "bob/model") >= set(FILES)


def test_plan_all_ok_is_0_with_totals(
    run: Run, src: list[str], dest: ServedHub, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("alice/model bob/a\nmodel:alice/model@dev bob/b\n")
    ran = run(*src, "mirror", "--plan", str(plan), "--to", dest.hub_url,
              "--to-token", BOB_TOKEN, "--commit-every-files", "1")  # fmt: skip
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["ok", "ok"]
    assert lines[2].startswith("total: 2 repos (0 failed), ")
    assert "extra.txt" in _dest_files(run, dest, "bob/b", "dev")


def test_bad_destination_token_is_4(run: Run, src: list[str], dest: ServedHub) -> None:
    ran = run(*src, "mirror", "alice/model", "--to", dest.hub_url, "--to-token", "hf_wrong")
    assert ran.code == 4, ran.err
    assert ran.out.startswith("FAILED ")


def test_no_destination_token_is_4(run: Run, src: list[str], dest: ServedHub) -> None:
    """The source token is never sent to the other Hub: without --to-token, anonymous."""
    ran = run(*src, "--json", "mirror", "alice/model", "--to", dest.hub_url)
    assert ran.code == 4, ran.err
    assert ran.json()["ok"] is False


def test_unreachable_destination_is_5(run: Run, src: list[str], closed_port: str) -> None:
    ran = run(*src, "mirror", "alice/model", "--to", closed_port, "--to-token", BOB_TOKEN)
    assert ran.code == 5, ran.err


def test_unreachable_source_is_5(run: Run, dest: ServedHub, closed_port: str) -> None:
    ran = run("--max-retries", "0", "mirror", "alice/model", "--from", closed_port,
              "--to", dest.hub_url, "--to-token", BOB_TOKEN)  # fmt: skip
    assert ran.code == 5, ran.err


def test_plan_to_dir_cache_layout(run: Run, src: list[str], tmp_path: Path, hub: ServedHub) -> None:
    hub.hub.seed_repo("alice/corpus", {"train.csv": b"a,b\n"}, repo_type="dataset")
    plan = tmp_path / "plan.txt"
    plan.write_text("alice/model\ndataset:alice/corpus\n")
    cache = tmp_path / "mirror-cache"
    ran = run(*src, "-q", "mirror", "--plan", str(plan), "--to-dir", str(cache))
    assert ran.code == 0, ran.err
    assert ran.out == ""
    snapshots = list((cache / "models--alice--model" / "snapshots").iterdir())
    assert any((snap / "weights.bin").read_bytes() == FILES["weights.bin"] for snap in snapshots)
    assert list(cache.glob("datasets--alice--corpus/snapshots/*/train.csv"))


def test_one_repo_to_dir_local_layout_json(run: Run, src: list[str], tmp_path: Path) -> None:
    target = tmp_path / "repos"
    ran = run(*src, "--json", "mirror", "alice/model", "--revision", "main",
              "--to-dir", str(target), "--local-dir-layout")  # fmt: skip
    assert ran.code == 0, ran.err
    doc = ran.json()
    assert doc["ok"] is True
    assert doc["repo_id"] == "alice/model"
    assert (target / "alice" / "model" / "config.json").read_bytes() == FILES["config.json"]


def test_missing_repo_to_dir_is_3(run: Run, src: list[str], tmp_path: Path) -> None:
    ran = run(*src, "mirror", "alice/missing", "--to-dir", str(tmp_path / "d"))
    assert ran.code == 3, ran.err


def test_bad_plan_file_is_2(run: Run, src: list[str], tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("alice/model\nthis is not a plan line\n")
    ran = run(*src, "--json", "mirror", "--plan", str(plan), "--to-dir", str(tmp_path / "d"))
    assert ran.code == 2
    assert ran.json()["error"]["type"] == "PlanError"
    assert ":2:" in ran.err


def test_live_progress_on_a_terminal_keeps_stdout_clean(
    run: Run, src: list[str], dest: ServedHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    ran = run(*src, "mirror", "alice/model", "bob/tty", "--to", dest.hub_url,
              "--to-token", BOB_TOKEN)  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.out.startswith("ok ")
    down = run(*src, "download", "alice/model")
    assert down.code == 0, down.err
    assert Path(down.out.strip()).is_dir()
    assert "\x1b[" in ran.err + down.err  # rich drew (and cleared) live bars on stderr
    assert "\x1b[" not in ran.out + down.out


def test_every_repo_of_an_author(run: Run, src: list[str], hub: ServedHub, dest: ServedHub) -> None:
    for repo_type in ("model", "dataset", "space"):
        hub.hub.seed_repo(f"zed/author-{repo_type}", {"a.txt": repo_type}, repo_type=repo_type)
    ran = run(*src, "--json", "mirror", "--author", "zed", "--to", dest.hub_url,
              "--to-token", BOB_TOKEN, "--dest-namespace", "bob")  # fmt: skip
    assert ran.code == 0, ran.err
    report = ran.json()
    assert report["ok"] is True
    got = {(r["repo_type"], r["repo_id"], r["dest_repo_id"]) for r in report["results"]}
    assert got == {
        (kind, f"zed/author-{kind}", f"bob/author-{kind}") for kind in ("model", "dataset", "space")
    }
    only = run(*src, "--json", "mirror", "--author", "zed", "--repo-type", "dataset", "--to",
               dest.hub_url, "--to-token", BOB_TOKEN, "--dest-namespace", "bob")  # fmt: skip
    assert only.code == 0, only.err
    assert [r["repo_id"] for r in only.json()["results"]] == ["zed/author-dataset"]
    assert only.json()["totals"]["files_copied"] == 0  # mirrored a moment ago


def test_an_author_with_no_repos_is_3(run: Run, src: list[str], dest: ServedHub) -> None:
    ran = run(*src, "--json", "mirror", "--author", "nobody-here", "--to", dest.hub_url,
              "--to-token", BOB_TOKEN)  # fmt: skip
    assert ran.code == 3
    assert ran.json()["error"]["type"] == "NoReposError"


@pytest.mark.parametrize(
    "extra",
    [
        ["--author", "zed", "--revision", "v1"],
        ["--author", "zed", "--dest-namespace", "a/b"],
        ["alice/model", "--dest-namespace", "bob"],
        ["alice/model", "--author", "zed"],
    ],
)
def test_author_usage_errors_are_2(
    run: Run, src: list[str], dest: ServedHub, extra: list[str]
) -> None:
    ran = run(*src, "mirror", *extra, "--to", dest.hub_url, "--to-token", BOB_TOKEN)
    assert ran.code == 2, ran.err
