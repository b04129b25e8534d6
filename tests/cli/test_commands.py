"""download, upload, ls and info against a served local Hub: output, --json, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient.testing import BOB_TOKEN, ServedHub
from tests.cli.conftest import FILES, Run


def test_download_one_file_prints_its_path(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "download", "alice/model", "config.json")
    assert ran.code == 0, ran.err
    path = Path(ran.out.strip())
    assert path.name == "config.json"
    assert path.read_bytes() == FILES["config.json"]
    assert ran.out.count("\n") == 1


def test_download_snapshot_with_patterns(run: Run, alice: list[str]) -> None:
    ran = run("download", "alice/model", "--include", "*.json", "docs/*", *alice)
    assert ran.code == 0, ran.err
    assert ran.err == ""  # not a terminal: no progress bars
    folder = Path(ran.out.strip())
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert files == ["config.json", "docs/readme.txt"]


def test_download_to_local_dir_with_revision(run: Run, alice: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out"
    ran = run(*alice, "download", "alice/model", "--revision", "dev", "--local-dir", str(target))
    assert ran.code == 0, ran.err
    assert Path(ran.out.strip()) == target
    assert (target / "extra.txt").read_bytes() == b"dev\n"
    assert (target / "weights.bin").read_bytes() == FILES["weights.bin"]


def test_download_dry_run_json(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "--json", "download", "alice/model", "--dry-run")
    assert ran.code == 0, ran.err
    doc = ran.json()
    assert doc["ok"] is True
    assert doc["dry_run"] is True
    by_name = {f["filename"]: f for f in doc["files"]}
    assert set(by_name) >= set(FILES)
    assert by_name["weights.bin"]["file_size"] == len(FILES["weights.bin"])
    assert all(f["will_download"] for f in doc["files"])


def test_download_json_path(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "download", "alice/model", "docs/readme.txt", "--json")
    assert ran.code == 0, ran.err
    doc = ran.json()
    assert doc["repo_id"] == "alice/model"
    assert Path(doc["path"]).read_bytes() == FILES["docs/readme.txt"]


def test_upload_folder_creates_the_repo(run: Run, alice: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "up"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"a\n")
    (folder / "sub" / "b.txt").write_bytes(b"b\n")
    (folder / "skip.tmp").write_bytes(b"x")
    ran = run(*alice, "upload", "alice/fresh", str(folder), "--exclude", "*.tmp", "--private")
    assert ran.code == 0, ran.err
    url = ran.out.strip()
    assert "/alice/fresh/commit/" in url
    listing = run(*alice, "-q", "ls", "alice/fresh", "-R")
    assert listing.code == 0, listing.err
    assert set(listing.out.split()) >= {"a.txt", "sub", "sub/b.txt"}
    assert "skip.tmp" not in listing.out
    info = run(*alice, "info", "alice/fresh", "--json")
    assert info.json()["info"]["private"] is True


def test_upload_one_file_json_to_new_branch(run: Run, alice: list[str], tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# notes\n")
    ran = run(
        *alice, "--json", "upload", "alice/notes", str(source), "docs/notes.md",
        "--revision", "feature", "--commit-message", "add notes",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    doc = ran.json()
    assert doc["ok"] is True
    assert doc["commit_message"] == "add notes"
    assert doc["commit_url"].endswith(doc["commit_oid"])
    got = run(*alice, "download", "alice/notes", "docs/notes.md", "--revision", "feature")
    assert Path(got.out.strip()).read_text() == "# notes\n"


def test_upload_create_pr(run: Run, alice: list[str], tmp_path: Path) -> None:
    source = tmp_path / "pr.txt"
    source.write_text("pr\n")
    assert run(*alice, "upload", "alice/pr-target", str(source)).code == 0
    source.write_text("changed in the PR\n")
    ran = run(*alice, "--json", "upload", "alice/pr-target", str(source), "--create-pr")
    assert ran.code == 0, ran.err
    assert ran.json()["pr_revision"] == "refs/pr/1"


def test_upload_nothing_new_warns_on_stderr(run: Run, alice: list[str], tmp_path: Path) -> None:
    source = tmp_path / "same.txt"
    source.write_text("same\n")
    assert run(*alice, "upload", "alice/same", str(source)).code == 0
    ran = run(*alice, "upload", "alice/same", str(source))
    assert ran.code == 0, ran.err
    [line] = ran.err.splitlines()
    assert line.startswith(
        "warning: nothing to commit: alice/same already holds these files; no commit was created"
    )
    assert "/alice/same/commit/" in ran.out
    quiet = run(*alice, "-q", "upload", "alice/same", str(source))
    assert quiet.err == ""


def test_a_no_op_upload_claims_no_commit(run: Run, alice: list[str], tmp_path: Path) -> None:
    """The first-hour report, item 9: no new commit, no commit message that is not its own."""
    source = tmp_path / "same.txt"
    source.write_text("same\n")
    first = run(*alice, "--json", "upload", "alice/same-json", str(source))
    assert first.json()["committed"] is True
    assert first.json()["commit_message"] == "Upload same.txt with hubclient"
    again = run(*alice, "--json", "upload", "alice/same-json", str(source), "--commit-message", "x")
    assert again.code == 0, again.err
    doc = again.json()
    assert doc["committed"] is False
    assert doc["commit_message"] is None
    assert doc["commit_oid"] == first.json()["commit_oid"]  # the head that holds the files
    assert "nothing to commit" in again.err


def test_upload_missing_local_path_is_usage(run: Run, alice: list[str], tmp_path: Path) -> None:
    ran = run(*alice, "upload", "alice/model", str(tmp_path / "nope"))
    assert ran.code == 2
    assert "is not a local file or folder" in ran.err


def test_ls_table_and_json(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "ls", "alice/model", "-R")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert lines[0].split() == ["TYPE", "SIZE", "LFS", "PATH"]
    weights = next(line for line in lines if line.endswith("weights.bin"))
    assert weights.split() == ["file", "256.0", "KiB", "lfs", "weights.bin"]
    assert any(line.split() == ["dir", "-", "docs/"] for line in lines)
    doc = run(*alice, "ls", "alice/model", "docs", "--json").json()
    assert [(e["type"], e["path"]) for e in doc["entries"]] == [("file", "docs/readme.txt")]


def test_info_human_and_json(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "info", "alice/model")
    assert ran.code == 0, ran.err
    fields = dict(line.split(":", 1) for line in ran.out.splitlines())
    assert fields["id"].strip() == "alice/model"
    assert set(fields["branches"].replace(",", " ").split()) == {"dev", "main"}
    assert fields["files"].strip().startswith("4 (")
    doc = run(*alice, "info", "alice/model", "--json").json()
    assert doc["ok"] is True
    assert len(doc["info"]["sha"]) == 40
    assert {b["name"] for b in doc["refs"]["branches"]} == {"main", "dev"}
    quiet = run(*alice, "-q", "info", "alice/model", "--revision", "dev")
    assert quiet.out.strip() == next(
        b["target_commit"] for b in doc["refs"]["branches"] if b["name"] == "dev"
    )


def test_dataset_prefix_like_hf(run: Run, alice: list[str], hub: ServedHub) -> None:
    hub.hub.seed_repo("alice/corpus", {"train.csv": b"a,b\n"}, repo_type="dataset")
    ran = run(*alice, "-q", "ls", "datasets/alice/corpus")
    assert ran.code == 0, ran.err
    assert "train.csv" in ran.out.split()
    clash = run(*alice, "ls", "datasets/alice/corpus", "--repo-type", "model")
    assert clash.code == 2


# --- exit codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ls", "alice/missing"],
        ["info", "alice/missing"],
        ["download", "alice/missing"],
        ["download", "alice/model", "nope.txt"],
        ["info", "alice/model", "--revision", "nope"],
    ],
)
def test_not_found_is_3(run: Run, alice: list[str], argv: list[str]) -> None:
    ran = run(*alice, *argv)
    assert ran.code == 3, ran.err
    assert ran.out == ""
    assert ran.err.startswith("error: ")
    assert ran.err.count("\n") == 1
    assert "Traceback" not in ran.err


def test_not_found_json_document(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "--json", "info", "alice/missing")
    assert ran.code == 3
    doc = ran.json()
    assert doc["ok"] is False
    assert doc["error"]["type"] == "RepositoryNotFoundError"
    assert doc["error"]["status_code"] == 404
    assert doc["error"]["exit_code"] == 3


@pytest.mark.parametrize(
    "argv", [["ls", "alice/model"], ["download", "alice/model", "config.json"]]
)
def test_bad_token_is_4(run: Run, hub: ServedHub, argv: list[str]) -> None:
    ran = run("--endpoint", hub.hub_url, "--token", "hf_not_a_token", *argv, "--json")
    assert ran.code == 4, ran.err
    doc = ran.json()
    assert doc["error"]["status_code"] == 401
    assert "Invalid credentials" in ran.err


def test_write_without_rights_is_4(run: Run, hub: ServedHub, tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("x")
    ran = run("--endpoint", hub.hub_url, "--token", BOB_TOKEN, "upload", "alice/model", str(source))
    assert ran.code == 4, ran.err


def test_anonymous_upload_is_4(run: Run, hub: ServedHub, tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("x")
    ran = run("--endpoint", hub.hub_url, "upload", "alice/model", str(source))
    assert ran.code == 4, ran.err


@pytest.mark.parametrize(
    "argv",
    [
        ["info", "alice/model"],
        ["ls", "alice/model"],
        ["download", "alice/model", "config.json"],
        ["download", "alice/model"],
    ],
)
def test_unreachable_endpoint_is_5(run: Run, closed_port: str, argv: list[str]) -> None:
    ran = run("--endpoint", closed_port, "--max-retries", "0", "--json", *argv)
    assert ran.code == 5, ran.err
    assert ran.json()["error"]["exit_code"] == 5
    assert ran.err.startswith("error: ")


def test_bad_repo_id_is_usage(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "info", "not a/valid/repo id")
    assert ran.code == 2, ran.err
    assert "Traceback" not in ran.err


def test_debug_prints_the_traceback(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "--debug", "info", "alice/missing")
    assert ran.code == 3
    assert "Traceback" in ran.err


def test_debug_env(run: Run, alice: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBCLIENT_DEBUG", "1")
    ran = run(*alice, "info", "alice/missing")
    assert "Traceback" in ran.err
