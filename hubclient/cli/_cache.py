"""``hubclient cache ls|rm|verify``: see, prune and check the local cache (no network)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hubclient import (
    CachedRepoInfo,
    HFCacheInfo,
    scan_cache_dir,
    verify_cache_dir,
)
from hubclient.cli._common import Output, human_size, wrap

__all__ = ["add_parser"]

_EXAMPLES = """examples:
  hubclient cache ls
  hubclient cache ls --revisions --json
  hubclient cache rm model/acme/bert                    every revision of a repo
  hubclient cache rm 81fd1d6e7847c99f5862c9fb81387956d99ec7aa --dry-run
  hubclient cache verify --repo acme/bert
"""


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "cache",
        help="list, delete and verify what the local cache holds",
        description=wrap(
            "The local Hub cache (HF_HUB_CACHE, shared with huggingface_hub): list its repos "
            "and revisions with their sizes, delete revisions or whole repos (saying what that "
            "frees first), and check every cached file against its hash. No network."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="cache_command", metavar="ACTION", required=True)

    ls = actions.add_parser(
        "ls",
        parents=[common],
        help="repos (or revisions) and their sizes",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _dir_option(ls)
    ls.add_argument("--revisions", action="store_true", help="one line per revision")
    ls.set_defaults(func=None, sync_func=run_ls)

    rm = actions.add_parser(
        "rm",
        parents=[common],
        help="delete revisions or repos",
        description=wrap(
            "Delete cached revisions (by commit hash) or whole repos (TYPE/NAMESPACE/NAME, "
            "e.g. model/acme/bert). Blobs still used by a revision that stays are kept."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _dir_option(rm)
    rm.add_argument("targets", metavar="TARGET", nargs="+", help="a commit hash or TYPE/REPO_ID")
    rm.add_argument("--dry-run", action="store_true", help="say what would go, delete nothing")
    rm.set_defaults(func=None, sync_func=run_rm)

    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="check every cached file against its hash",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _dir_option(verify)
    verify.add_argument(
        "--repo", dest="repos", action="append", metavar="REPO", help="only this repo (repeat)"
    )
    verify.set_defaults(func=None, sync_func=run_verify)


def _dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", dest="cache_dir", type=Path, default=None, help="the cache (default HF_HUB_CACHE)"
    )


def _repo_json(repo: CachedRepoInfo, *, revisions: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "repo_id": repo.repo_id,
        "repo_type": repo.repo_type,
        "size_on_disk": repo.size_on_disk,
        "nb_files": repo.nb_files,
        "refs": sorted(repo.refs),
        "last_accessed": repo.last_accessed,
        "last_modified": repo.last_modified,
        "path": str(repo.repo_path),
    }
    if revisions:
        data["revisions"] = [
            {
                "commit_hash": rev.commit_hash,
                "size_on_disk": rev.size_on_disk,
                "nb_files": rev.nb_files,
                "refs": sorted(rev.refs),
            }
            for rev in sorted(repo.revisions, key=lambda r: r.commit_hash)
        ]
    return data


def _warnings(out: Output, info: HFCacheInfo) -> None:
    for warning in info.warnings:
        out.warn(str(warning))


def run_ls(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    info = scan_cache_dir(args.cache_dir)
    _warnings(out, info)
    repos = sorted(info.repos, key=lambda r: r.cache_id)
    human = info.export_as_table(verbosity=1 if args.revisions else 0)
    if args.quiet:
        human = "\n".join(r.cache_id for r in repos)
    out.result(
        human,
        {
            "cache_dir": str(info.cache_dir),
            "size_on_disk": info.size_on_disk,
            "repos": [_repo_json(r, revisions=args.revisions) for r in repos],
            "incomplete_files": len(info.incomplete_files),
            "warnings": [str(w) for w in info.warnings],
        },
    )
    out.note(
        f"{len(repos)} repo(s), {human_size(info.size_on_disk)} on disk"
        + (f", {len(info.warnings)} warning(s)" if info.warnings else "")
    )
    return 0


def run_rm(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    info = scan_cache_dir(args.cache_dir)
    by_id = {repo.cache_id: repo for repo in info.repos}
    commits: list[str] = []
    unknown: list[str] = []
    for target in args.targets:
        repo = by_id.get(target) or by_id.get(f"model/{target}")
        if repo is not None:
            commits += [rev.commit_hash for rev in repo.revisions]
        elif len(target) == 40 and all(c in "0123456789abcdef" for c in target):
            commits.append(target)
        else:
            unknown.append(target)
    plan = info.delete_revisions(*commits)
    unknown += sorted(plan.not_found)
    for target in unknown:
        out.warn(f"not in the cache: {target}")
    if not args.dry_run:
        plan.execute()
    verb = "would free" if args.dry_run else "freed"
    counts = f"{len(plan.repos)} repo(s), {len(plan.snapshots)} revision(s)"
    out.result(
        f"{verb} {human_size(plan.expected_freed_size)} ({counts}, {len(plan.blobs)} blob(s))",
        {
            "dry_run": bool(args.dry_run),
            "freed": plan.expected_freed_size,
            "repos": sorted(str(p) for p in plan.repos),
            "snapshots": sorted(str(p) for p in plan.snapshots),
            "blobs": len(plan.blobs),
            "not_found": unknown,
        },
    )
    return 3 if unknown and not plan.repos and not plan.snapshots else 0


def run_verify(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    report = verify_cache_dir(args.cache_dir, repos=args.repos)
    for bad in report.failures:
        out.warn(f"{bad.reason}: {bad.blob_path} (used by {', '.join(map(str, bad.files))})")
    lines = [
        f"checked {report.checked_blobs} file(s), {human_size(report.checked_bytes)}: "
        + ("all match their hashes" if report.ok else f"{len(report.failures)} do not")
    ]
    if report.unverifiable:
        lines.append(f"{len(report.unverifiable)} file(s) could not be checked (no hash known)")
    out.result(
        "\n".join(lines),
        {
            "ok": report.ok,
            "checked_files": report.checked_blobs,
            "checked_bytes": report.checked_bytes,
            "failures": [
                {
                    "repo": f"{b.repo_type}/{b.repo_id}",
                    "blob": str(b.blob_path),
                    "expected": b.expected,
                    "actual": b.actual,
                    "reason": b.reason,
                    "files": [str(f) for f in b.files],
                }
                for b in report.failures
            ],
            "unverifiable": [str(b.blob_path) for b in report.unverifiable],
        },
    )
    sys.stdout.flush()
    return 0 if report.ok else 1
