"""``hubclient download``: files or a snapshot into the cache (or a local folder)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from hubclient import DryRunFileInfo
from hubclient.cli._common import (
    Output,
    human_size,
    make_client,
    repo_type_option,
    resolve_repo,
    show_progress,
    wrap,
)
from hubclient.cli._progress import TransferBars

__all__ = ["add_parser"]

_EXAMPLES = """examples:
  hubclient download acme/model
  hubclient download acme/model config.json tokenizer.json
  hubclient download acme/model --include "*.safetensors" --exclude "*.bin"
  hubclient download acme/corpus --repo-type dataset --revision v1 --local-dir ./corpus
  hubclient download acme/model --dry-run --json
"""


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "download",
        parents=[common],
        help="download files or a whole repo (prints the local path)",
        description=wrap(
            "Download files from the Hub into the cache (or --local-dir) and print the "
            "local path: the file for one FILENAME, else the snapshot folder. Files already "
            "cached are not downloaded again; an interrupted download resumes."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("repo_id", metavar="REPO_ID", help="namespace/name (or datasets/ns/name)")
    parser.add_argument(
        "filenames",
        metavar="FILENAMES",
        nargs="*",
        default=[],  # without a default argparse calls an empty '*' positional required
        help="files to download (default: all)",
    )
    repo_type_option(parser)
    parser.add_argument("--revision", help="branch, tag or commit (default: main)")
    parser.add_argument(
        "--include",
        nargs="+",
        action="extend",
        metavar="PAT",
        help="glob patterns of files to download",
    )
    parser.add_argument(
        "--exclude", nargs="+", action="extend", metavar="PAT", help="glob patterns to leave out"
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="cache folder (default HF_HUB_CACHE)")
    parser.add_argument(
        "--local-dir", metavar="DIR", help="put the files under DIR instead of the cache"
    )
    parser.add_argument(
        "--max-workers", type=int, metavar="N", help="files downloaded at once (default 8)"
    )
    parser.add_argument(
        "--force-download", action="store_true", help="download even if already cached"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be downloaded; download nothing"
    )
    parser.set_defaults(func=run)


async def run(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    repo_id, repo_type = resolve_repo(args.repo_id, args.repo_type)
    filenames: list[str] = list(args.filenames)
    allow: list[str] | None = args.include
    if filenames and (args.include or args.exclude):
        out.warn("--include/--exclude are ignored when FILENAMES are given")
    if filenames:
        allow = filenames
    common: dict[str, Any] = {
        "repo_type": repo_type,
        "revision": args.revision,
        "cache_dir": args.cache_dir,
        "local_dir": args.local_dir,
        "force_download": args.force_download,
    }
    base = {"repo_id": repo_id, "repo_type": repo_type, "revision": args.revision}
    with TransferBars(enabled=show_progress(args), label=f"download {repo_id}") as bars:
        async with make_client(args) as client:
            if len(filenames) == 1:
                single = await client.hf_hub_download(
                    repo_id, filenames[0], dry_run=args.dry_run, progress=bars.callback, **common
                )
                result: str | list[DryRunFileInfo] = (
                    [single] if isinstance(single, DryRunFileInfo) else single
                )
            else:
                result = await client.snapshot_download(
                    repo_id,
                    allow_patterns=allow,
                    ignore_patterns=None if filenames else args.exclude,
                    max_workers=args.max_workers,
                    dry_run=args.dry_run,
                    progress=bars.callback,
                    **common,
                )
    if isinstance(result, str):
        out.result(result, {**base, "path": result})
    else:
        files = [dataclasses.asdict(info) for info in result]
        table = _dry_run_table(result, quiet=out.quiet)
        out.result(table, {**base, "dry_run": True, "files": files})
    return 0


def _dry_run_table(files: list[DryRunFileInfo], *, quiet: bool) -> str:
    if quiet:
        return "\n".join(info.filename for info in files if info.will_download)
    lines = [f"{'ACTION':<9} {'SIZE':>10}  FILE"]
    for info in files:
        action = "download" if info.will_download else "cached"
        lines.append(f"{action:<9} {human_size(info.file_size):>10}  {info.filename}")
    needed = [info for info in files if info.will_download]
    lines.append(
        f"{len(files)} files; {len(needed)} to download "
        f"({human_size(sum(info.file_size for info in needed))})"
    )
    return "\n".join(lines)
