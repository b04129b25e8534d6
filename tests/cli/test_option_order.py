"""Options and positionals in any order, as ``hf`` takes them (the first-hour report, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient.cli._app import build_parser
from tests.cli.conftest import FILES, Run


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["download", "acme/m", "--revision", "v1", "a.json", "b.json"],
            {"repo_id": "acme/m", "filenames": ["a.json", "b.json"], "revision": "v1"},
        ),
        (
            ["download", "--revision", "v1", "acme/m", "a.json"],
            {"repo_id": "acme/m", "filenames": ["a.json"], "revision": "v1"},
        ),
        (
            ["download", "acme/m", "a.json", "--json", "b.json"],
            {"repo_id": "acme/m", "filenames": ["a.json", "b.json"], "json": True},
        ),
        (
            ["upload", "acme/m", "--commit-message", "x", "./dir"],
            {"repo_id": "acme/m", "local_path": "./dir", "commit_message": "x"},
        ),
        (
            ["upload", "acme/m", "--commit-message", "x", "./dir", "--private", "sub"],
            {"local_path": "./dir", "path_in_repo": "sub", "private": True},
        ),
        (
            ["upload", "--repo-type", "dataset", "acme/d", "f.csv"],
            {"repo_id": "acme/d", "local_path": "f.csv", "repo_type": "dataset"},
        ),
        (
            ["ls", "acme/m", "--revision", "dev", "sub"],
            {"repo_id": "acme/m", "path": "sub", "revision": "dev"},
        ),
        (
            ["info", "--repo-type", "space", "acme/s"],
            {"repo_id": "acme/s", "repo_type": "space"},
        ),
    ],
)
def test_options_may_come_before_positionals(argv: list[str], expected: dict[str, object]) -> None:
    args = build_parser().parse_args(argv)
    for key, value in expected.items():
        assert getattr(args, key) == value, key


def test_download_with_no_arguments_asks_for_the_repo_only(run: Run) -> None:
    ran = run("download")
    assert ran.code == 2
    assert ran.err.startswith("usage: hubclient download")
    assert "the following arguments are required: REPO_ID\n" in ran.err
    assert "FILENAMES" not in ran.err.splitlines()[-1]


def test_a_stray_argument_is_named_by_its_command(run: Run) -> None:
    ran = run("info", "acme/m", "extra")
    assert ran.code == 2
    assert ran.err.startswith("usage: hubclient info")
    assert "unrecognized arguments: extra" in ran.err


def test_download_revision_before_the_file(run: Run, alice: list[str]) -> None:
    ran = run(*alice, "download", "alice/model", "--revision", "dev", "extra.txt")
    assert ran.code == 0, ran.err
    assert Path(ran.out.strip()).read_bytes() == b"dev\n"
    both = run("download", "alice/model", "--revision", "main", "config.json", *alice)
    assert Path(both.out.strip()).read_bytes() == FILES["config.json"]


def test_upload_commit_message_before_the_folder(
    run: Run, alice: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "a.txt").write_text("a\n")
    ran = run(*alice, "--json", "upload", "alice/ordered", "--commit-message", "x", str(folder))
    assert ran.code == 0, ran.err
    assert ran.json()["commit_message"] == "x"
    listing = run(*alice, "-q", "ls", "alice/ordered")
    assert "a.txt" in listing.out.split()
