"""``hubclient upload``: a file or a folder in one commit (the repo is created if missing)."""

from __future__ import annotations

import argparse
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hubclient import CommitInfo, LocalTokenNotFoundError, NothingToCommitWarning
from hubclient.cli._common import (
    Output,
    make_client,
    repo_type_option,
    resolve_repo,
    show_progress,
    wrap,
)
from hubclient.cli._errors import UsageError
from hubclient.cli._progress import TransferBars

__all__ = ["add_parser"]

_EXAMPLES = """examples:
  hubclient upload alice/model ./out                      # the folder ./out at the repo root
  hubclient upload alice/model ./model.safetensors        # one file, same name
  hubclient upload alice/corpus ./data train --repo-type dataset
  hubclient upload alice/model ./out --include "*.json" --delete "old/*"
  hubclient upload alice/model ./out --commit-message "Epoch 34" --create-pr
"""


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "upload",
        parents=[common],
        help="upload a file or a folder in one commit (prints the commit URL)",
        description=wrap(
            "Upload a local file or folder to a repo in one commit and print the commit "
            "URL. The repo is created if it does not exist (--private makes it private); a "
            "--revision that does not exist is created as a branch. Files the repo already holds "
            "are not sent again."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("repo_id", metavar="REPO_ID", help="namespace/name (or datasets/ns/name)")
    parser.add_argument(
        "local_path",
        metavar="LOCAL_PATH",
        nargs="?",
        default=".",
        help="file or folder to upload (default: the current folder)",
    )
    parser.add_argument(
        "path_in_repo",
        metavar="PATH_IN_REPO",
        nargs="?",
        default=None,
        help="where it goes in the repo (default: the file's name, or the root for a folder)",
    )
    repo_type_option(parser)
    parser.add_argument("--revision", help="branch to commit to (default: main)")
    parser.add_argument(
        "--private", action="store_true", help="create the repo private (if it does not exist)"
    )
    parser.add_argument(
        "--include", nargs="+", action="extend", metavar="PAT", help="glob patterns to upload"
    )
    parser.add_argument(
        "--exclude", nargs="+", action="extend", metavar="PAT", help="glob patterns to leave out"
    )
    parser.add_argument(
        "--delete",
        nargs="+",
        action="extend",
        metavar="PAT",
        help="glob patterns of repo files to delete in the same commit",
    )
    parser.add_argument("--commit-message", help="summary line of the commit")
    parser.add_argument("--commit-description", help="description of the commit")
    parser.add_argument(
        "--create-pr", action="store_true", help="open a pull request instead of committing"
    )
    parser.set_defaults(func=run)


@contextmanager
def _nothing_to_commit() -> Iterator[list[str]]:
    """Collect the library's "nothing to commit" warning (the command says it in its own
    words); every other warning goes on to the printer as before."""
    seen: list[str] = []
    with warnings.catch_warnings():
        show = warnings.showwarning

        def sort(message: Warning | str, category: type[Warning], *rest: Any, **kw: Any) -> None:
            if issubclass(category, NothingToCommitWarning):
                seen.append(str(message))
            else:
                show(message, category, *rest, **kw)

        warnings.simplefilter("always", NothingToCommitWarning)
        warnings.showwarning = sort
        yield seen


async def run(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    repo_id, repo_type = resolve_repo(args.repo_id, args.repo_type)
    local, is_file, path_in_repo = _target(args, out)
    with (
        _nothing_to_commit() as nothing,
        TransferBars(enabled=show_progress(args), label=f"upload {repo_id}") as bars,
    ):
        async with make_client(args) as client:
            if client.settings.token is None:
                raise LocalTokenNotFoundError(
                    "uploading needs a write token: pass --token or set HF_TOKEN"
                )
            await client.create_repo(
                repo_id, repo_type=repo_type, private=args.private or None, exist_ok=True
            )
            if args.revision:
                await client.create_branch(
                    repo_id, branch=args.revision, repo_type=repo_type, exist_ok=True
                )
            common: dict[str, Any] = {
                "repo_id": repo_id,
                "repo_type": repo_type,
                "revision": args.revision,
                "commit_message": args.commit_message,
                "commit_description": args.commit_description,
                "create_pr": args.create_pr or None,
                "progress": bars.callback,
            }
            if is_file:
                info = await client.upload_file(
                    path_or_fileobj=os.fspath(local),
                    path_in_repo=path_in_repo or local.name,
                    **common,
                )
            else:
                info = await client.upload_folder(
                    folder_path=local,
                    path_in_repo=path_in_repo,
                    allow_patterns=args.include,
                    ignore_patterns=args.exclude,
                    delete_patterns=args.delete,
                    **common,
                )
    if nothing:
        # rc 0 (the repo holds what was asked), but no claim of a new commit: the URL is the
        # branch head that already held the files, and the JSON says committed: false
        out.warn(
            f"nothing to commit: {repo_id} already holds these files; no commit was created "
            f"(the URL is its current head, {info.oid[:12]})"
        )
        data = {**_commit_json(info, repo_id, repo_type), "committed": False}
        data.update(commit_message=None, commit_description=None)
        out.result(info.commit_url, data)
        return 0
    if info.pr_url:
        out.note(f"pull request: {info.pr_url}")
    out.result(info.commit_url, {**_commit_json(info, repo_id, repo_type), "committed": True})
    return 0


def _target(args: argparse.Namespace, out: Output) -> tuple[Path, bool, str | None]:
    """``(local path, is it a file, path in repo)``, hf's defaults applied."""
    local = Path(args.local_path)
    if not local.exists():
        raise UsageError(f"{args.local_path!r} is not a local file or folder")
    if args.create_pr and args.revision:
        raise UsageError("--create-pr opens a PR against the default branch: drop --revision")
    path_in_repo: str | None = args.path_in_repo
    if local.is_file():
        if args.include or args.exclude or args.delete:
            out.warn("--include/--exclude/--delete apply to folders; ignored for a file")
        return local, True, path_in_repo or local.name
    if path_in_repo in (None, "", ".", "/"):
        path_in_repo = None
    return local, False, path_in_repo


def _commit_json(info: CommitInfo, repo_id: str, repo_type: str) -> dict[str, Any]:
    return {
        "repo_id": repo_id,
        "repo_type": repo_type,
        "commit_url": info.commit_url,
        "commit_oid": info.oid,
        "commit_message": info.commit_message,
        "commit_description": info.commit_description,
        "repo_url": info.repo_url,
        "pr_url": info.pr_url,
        "pr_revision": info.pr_revision,
        "pr_num": info.pr_num,
    }
