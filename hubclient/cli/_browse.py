"""``hubclient ls`` (the files of a repo) and ``hubclient info`` (what a repo is)."""

from __future__ import annotations

import argparse
from typing import Any

from hubclient import (
    DatasetInfo,
    GitRefs,
    KernelInfo,
    ModelInfo,
    RepoFile,
    RepoFolder,
    SpaceInfo,
)
from hubclient.cli._common import (
    Output,
    human_size,
    make_client,
    repo_type_option,
    resolve_repo,
    wrap,
)
from hubclient.cli._text import printable

__all__ = ["add_info_parser", "add_ls_parser"]

_LS_EXAMPLES = """examples:
  hubclient ls acme/model
  hubclient ls acme/model weights -R
  hubclient ls acme/corpus --repo-type dataset --revision v1 --json
"""

_INFO_EXAMPLES = """examples:
  hubclient info acme/model
  hubclient info acme/corpus --repo-type dataset --revision v1
  hubclient info acme/model --json | jq .info.sha
"""


def _repo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo_id", metavar="REPO_ID", help="namespace/name (or datasets/ns/name)")


def add_ls_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "ls",
        parents=[common],
        help="list the files and folders of a repo",
        description=wrap(
            "List the files and folders of a repo at a revision (under PATH if given): "
            "type, size, whether the file is stored in LFS, and its path. With --quiet, paths only."
        ),
        epilog=_LS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _repo_options(parser)
    parser.add_argument("path", metavar="PATH", nargs="?", default=None, help="a folder")
    repo_type_option(parser)
    parser.add_argument("--revision", help="branch, tag or commit (default: main)")
    parser.add_argument("-R", "--recursive", action="store_true", help="list every sub-folder too")
    parser.set_defaults(func=run_ls)


def add_info_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "info",
        parents=[common],
        help="show what a repo is: sha, visibility, files, branches and tags",
        description=wrap(
            "Show a repo: id, type, commit sha, visibility, last modified date, files "
            "(count and size) and its branches and tags."
        ),
        epilog=_INFO_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _repo_options(parser)
    repo_type_option(parser)
    parser.add_argument("--revision", help="branch, tag or commit (default: main)")
    parser.set_defaults(func=run_info)


async def run_ls(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    repo_id, repo_type = resolve_repo(args.repo_id, args.repo_type)
    async with make_client(args) as client:
        entries = [
            entry
            async for entry in client.list_repo_tree(
                repo_id,
                args.path,
                recursive=args.recursive,
                revision=args.revision,
                repo_type=repo_type,
            )
        ]
    data = {
        "repo_id": repo_id,
        "repo_type": repo_type,
        "revision": args.revision,
        "path": args.path,
        "entries": [_entry_json(entry) for entry in entries],
    }
    out.result(_ls_table(entries, quiet=out.quiet), data)
    return 0


def _entry_json(entry: RepoFile | RepoFolder) -> dict[str, Any]:
    kind = "file" if isinstance(entry, RepoFile) else "directory"
    return {"type": kind, **entry.model_dump(mode="json")}


def _ls_table(entries: list[RepoFile | RepoFolder], *, quiet: bool) -> str | None:
    if quiet:
        return "\n".join(printable(entry.path) for entry in entries) if entries else None
    rows = [("TYPE", "SIZE", "LFS", "PATH")]
    for entry in entries:
        path = printable(entry.path)
        if isinstance(entry, RepoFile):
            rows.append(("file", human_size(entry.size), "lfs" if entry.lfs else "", path))
        else:
            rows.append(("dir", "-", "", path + "/"))
    return "\n".join(f"{kind:<4}  {size:>10}  {lfs:<3}  {path}" for kind, size, lfs, path in rows)


async def run_info(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    repo_id, repo_type = resolve_repo(args.repo_id, args.repo_type)
    async with make_client(args) as client:
        info = await client.repo_info(
            repo_id, repo_type=repo_type, revision=args.revision, files_metadata=True
        )
        refs = await client.list_repo_refs(repo_id, repo_type=repo_type)
    data = {
        "repo_type": repo_type,
        "info": info.model_dump(mode="json"),
        "refs": refs.model_dump(mode="json"),
    }
    out.result(_info_text(info, refs, repo_type, quiet=out.quiet), data)
    return 0


def _info_text(
    info: ModelInfo | DatasetInfo | SpaceInfo | KernelInfo,
    refs: GitRefs,
    repo_type: str,
    *,
    quiet: bool,
) -> str:
    if quiet:
        return printable(info.sha or "")
    siblings = info.siblings or []
    size = sum(s.size or 0 for s in siblings)
    lfs = sum(1 for s in siblings if s.lfs is not None)
    modified = info.last_modified.isoformat() if info.last_modified else "-"
    rows = [
        ("id", info.id),
        ("type", repo_type),
        ("sha", info.sha or "-"),
        ("private", _yes_no(info.private)),
        ("gated", str(info.gated) if info.gated else "no"),
        ("last modified", modified),
        ("files", f"{len(siblings)} ({human_size(size)}, {lfs} in LFS)"),
        ("branches", _names(refs.branches)),
        ("tags", _names(refs.tags)),
    ]
    return "\n".join(f"{key + ':':<15}{printable(value)}" for key, value in rows)


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _names(refs: list[Any]) -> str:
    return ", ".join(ref.name for ref in refs) or "-"
