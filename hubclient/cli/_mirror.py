"""``hubclient mirror``: one repo or a plan of many, Hub -> Hub (``--to``) or Hub -> disk
(``--to-dir``)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from hubclient import (
    AsyncHubClient,
    DatasetInfo,
    MirrorCluster,
    MirrorOptions,
    MirrorPlan,
    MirrorPlanItem,
    MirrorReport,
    MirrorResult,
    ModelInfo,
    SpaceInfo,
)
from hubclient.cli._common import (
    Output,
    human_size,
    make_client,
    parse_size,
    repo_type_option,
    resolve_repo,
    show_progress,
    wrap,
)
from hubclient.cli._errors import (
    ExitCode,
    NoReposError,
    UsageError,
    exit_code_for_mirror_errors,
)
from hubclient.cli._progress import MirrorBars
from hubclient.mirror.cluster import as_cluster

__all__ = ["TO_TOKEN_ENV", "add_parser"]

#: Environment variable read for the destination token when --to-token is not given.
TO_TOKEN_ENV = "HUBCLIENT_TO_TOKEN"

_EXAMPLES = f"""examples:
  hubclient mirror acme/model --to https://hub.internal --to-token $DEST_TOKEN
  hubclient mirror acme/model mirrors/model --to https://hub.internal --revision v1.0
  hubclient mirror --plan plan.txt --to https://hub.internal --report report.json
  hubclient mirror --plan plan.txt --to-dir /mnt/hf-cache --max-repos 8
  hubclient mirror --author acme --to https://hub.internal --dest-namespace acme-mirror
  hubclient mirror acme/model --to-dir ./repos --local-dir-layout
  hubclient mirror --plan plan.txt --to https://hub.internal --cluster auto
  hubclient mirror --plan plan.txt --to https://hub.internal --cluster local:4

A plan file lists one repo per line, [TYPE:]NAMESPACE/NAME[@REVISION] [DEST_REPO], or is JSON.
--author mirrors every repo of a user or organisation (models, datasets and spaces, or the
--repo-type given), as listed by the source Hub when the job starts.
Without --revision every branch and tag is mirrored. History is not replayed: each branch and
tag is recreated with the same files in new commits. The destination token comes from
--to-token or ${TO_TOKEN_ENV}; the source token (--token) is never sent to another Hub.
--cluster runs the job on a Ray cluster (pip install 'hubclient[ray]'): ADDRESS is auto (the
cluster of this machine, or $RAY_ADDRESS), ray://HEAD:10001, HEAD:6379, or local[:N] for a
local cluster of N worker processes; --max-repos is then the tasks in flight on the cluster.
Exit status: 0 only if every repo was mirrored completely, else the worst failure's code.
"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "mirror",
        parents=[common],
        help="copy repos to another Hub (--to) or onto local disk (--to-dir)",
        description=wrap(
            "Mirror one repo (SRC_REPO) or every repo of a plan (--plan) from the Hub "
            "(--from, default --endpoint) to another Hub (--to) or onto local disk "
            "(--to-dir, cache layout by default). What the destination already holds is "
            "not sent again, so running the same command after a crash finishes the job."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("src_repo", metavar="SRC_REPO", nargs="?", help="the repo to mirror")
    parser.add_argument(
        "dest_repo", metavar="DEST_REPO", nargs="?", help="destination repo id (default: same)"
    )
    parser.add_argument("--plan", metavar="FILE", type=Path, help="mirror every repo of FILE")
    parser.add_argument(
        "--author",
        metavar="NAME",
        help="mirror every repo of this user or organisation (as the source Hub lists them)",
    )
    parser.add_argument(
        "--dest-namespace",
        metavar="NS",
        help="with --author: put the repos under NS at the destination (default: same)",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="URL", help="destination Hub URL")
    where.add_argument("--to-dir", metavar="DIR", type=Path, help="destination folder on disk")
    parser.add_argument(
        "--local-dir-layout",
        action="store_true",
        help="with --to-dir: plain files under DIR/<repo_id> (as --local-dir), not the cache",
    )
    parser.add_argument("--from", dest="from_url", metavar="URL", help="source Hub URL")
    parser.add_argument(
        "--to-token", metavar="TOKEN", help=f"destination token (default ${TO_TOKEN_ENV})"
    )
    repo_type_option(parser)
    parser.add_argument("--revision", help="one branch, tag or commit (default: all of them)")
    parser.add_argument(
        "--private", action="store_true", help="create missing destination repos private"
    )
    limits = parser.add_argument_group("limits (over the whole job)")
    limits.add_argument("--max-repos", type=_positive_int, metavar="N", help="repos at once (4)")
    limits.add_argument("--max-files", type=_positive_int, metavar="N", help="files at once (16)")
    limits.add_argument(
        "--max-bytes-in-flight",
        type=parse_size,
        metavar="SIZE",
        help="LFS bytes streaming at once, e.g. 128M, 1G (256M)",
    )
    limits.add_argument(
        "--commit-every-files", type=_positive_int, metavar="N", help="files per commit (1000)"
    )
    limits.add_argument(
        "--commit-every-bytes", type=parse_size, metavar="SIZE", help="bytes per commit (2G)"
    )
    parser.add_argument(
        "--via-cache", action="store_true", help="stage LFS files in the local cache"
    )
    parser.add_argument(
        "--no-delete",
        action="store_true",
        help="keep destination files that the source does not have",
    )
    parser.add_argument(
        "--include-prs", action="store_true", help="also mirror pull requests (refs/pr/*)"
    )
    parser.add_argument("--report", metavar="FILE", type=Path, help="write the JSON report to FILE")
    cluster = parser.add_argument_group("cluster (Ray, pip install 'hubclient[ray]')")
    cluster.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run on a Ray cluster: auto, ray://HEAD:10001, HEAD:6379, or local[:N]",
    )
    cluster.add_argument(
        "--split-size",
        type=parse_size,
        metavar="SIZE",
        help="with --cluster: spread a repo with more LFS bytes than SIZE over several tasks (4G)",
    )
    parser.set_defaults(func=run)


def mirror_options(args: argparse.Namespace) -> MirrorOptions:
    """The :class:`MirrorOptions` the command line asks for (defaults for what it leaves out)."""
    given: dict[str, Any] = {
        "max_concurrent_repos": args.max_repos,
        "max_concurrent_files": args.max_files,
        "max_bytes_in_flight": args.max_bytes_in_flight,
        "commit_every_files": args.commit_every_files,
        "commit_every_bytes": args.commit_every_bytes,
    }
    options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if args.no_delete:
        options["delete_extraneous"] = False
    if args.via_cache:
        options["via_cache"] = True
    if args.include_prs:
        options["include_prs"] = True
    return MirrorOptions(**options)


def _check(args: argparse.Namespace) -> None:
    given = [x is not None for x in (args.src_repo, args.plan, args.author)]
    if sum(given) != 1:
        raise UsageError("give one of SRC_REPO, --plan FILE or --author NAME")
    if args.plan is not None and (args.repo_type or args.revision):
        raise UsageError("--repo-type/--revision are for one repo; a plan line says them")
    if args.author is not None and args.revision:
        raise UsageError("--revision is for one repo; --author mirrors every branch and tag")
    if args.dest_namespace is not None and args.author is None:
        raise UsageError("--dest-namespace goes with --author (a plan line names its destination)")
    if args.dest_namespace is not None and (
        not args.dest_namespace or "/" in args.dest_namespace or args.to_dir is not None
    ):
        raise UsageError("--dest-namespace is one name (no '/'), for --to")
    if args.dest_repo and args.to_dir is not None:
        raise UsageError("DEST_REPO is for --to; with --to-dir the repo keeps its id")
    if args.local_dir_layout and args.to_dir is None:
        raise UsageError("--local-dir-layout goes with --to-dir")
    if args.split_size is not None and (args.cluster is None or args.to_dir is not None):
        raise UsageError("--split-size goes with --cluster and --to")


def _cluster(args: argparse.Namespace) -> MirrorCluster | None:
    if args.cluster is None:
        return None
    try:
        cluster = as_cluster(args.cluster)
    except ValueError as err:
        raise UsageError(f"--cluster: {err}") from None
    if args.split_size is not None:
        cluster = dataclasses.replace(cluster, split_bytes=args.split_size)
    return cluster


async def _author_plan(
    source: AsyncHubClient, author: str, repo_type: str | None, dest_namespace: str | None
) -> MirrorPlan:
    """Every repo of ``author`` that the source lists (of ``repo_type``, or of every type)."""
    items: list[MirrorPlanItem] = []
    for kind in [repo_type] if repo_type else ["model", "dataset", "space"]:
        listing: AsyncIterator[ModelInfo | DatasetInfo | SpaceInfo]
        if kind == "model":
            listing = source.list_models(author=author)
        elif kind == "dataset":
            listing = source.list_datasets(author=author)
        else:
            listing = source.list_spaces(author=author)
        async for info in listing:
            dest = f"{dest_namespace}/{info.id.split('/', 1)[1]}" if dest_namespace else None
            items.append(MirrorPlanItem(repo_id=info.id, repo_type=kind, dest_repo_id=dest))
    return MirrorPlan(items=items)


def _load_plan(path: Path) -> MirrorPlan:
    if not path.is_file():
        raise UsageError(f"plan file {str(path)!r} does not exist")
    return MirrorPlan.load(path)


async def run(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    _check(args)
    options = mirror_options(args)
    cluster = _cluster(args)
    to_token = args.to_token or os.environ.get(TO_TOKEN_ENV) or None
    if args.to_dir is not None and (args.private or args.to_token):
        out.warn("--private/--to-token do not apply to --to-dir; ignored")
    # Ray's driver prints its workers' errors ("(raylet) A worker died...") on stdout, which
    # is this command's result (the JSON report): on a cluster they go to stderr
    quiet_ray = contextlib.redirect_stdout(sys.stderr) if cluster else contextlib.nullcontext()
    with quiet_ray:
        report, single = await _run_job(args, options, cluster, to_token)
    if args.report is not None:
        _write_report(args.report, report)
    _print(out, report, single, hub_to_hub=args.to is not None)
    return int(_exit_code(report))


async def _run_job(
    args: argparse.Namespace,
    options: MirrorOptions,
    cluster: MirrorCluster | None,
    to_token: str | None,
) -> tuple[MirrorReport, MirrorResult | None]:
    plan: MirrorPlan | None = None
    item: MirrorPlanItem | None = None
    single: MirrorResult | None = None
    async with make_client(args, endpoint=args.from_url) as source:
        if args.plan is not None:
            plan = _load_plan(args.plan)
            targets: MirrorPlan | list[MirrorPlanItem] = plan
        elif args.author is not None:
            plan = await _author_plan(source, args.author, args.repo_type, args.dest_namespace)
            if not plan.items:
                kinds = f"{args.repo_type} repos" if args.repo_type else "repos"
                raise NoReposError(f"{source.endpoint} lists no {kinds} of {args.author!r}")
            targets = plan
        else:
            repo_id, repo_type = resolve_repo(args.src_repo, args.repo_type)
            item = MirrorPlanItem(repo_id=repo_id, repo_type=repo_type, revision=args.revision)
            targets = [item]
        repos = len(plan.items) if plan is not None else 1
        with MirrorBars(enabled=show_progress(args), repos=repos) as bars:
            if args.to_dir is not None:
                layout = "local_dir" if args.local_dir_layout else "cache_dir"
                report = await source.download_repos(
                    targets,
                    options=options,
                    progress=bars.callback,
                    cluster=cluster,
                    **{layout: args.to_dir},
                )
                if item is not None and len(report.results) == 1:
                    single = report.results[0]
            elif plan is not None or cluster is not None:
                assert plan is not None or item is not None
                if plan is None and item is not None:  # one repo on a cluster (split if large)
                    targets = [item.model_copy(update={"dest_repo_id": args.dest_repo})]
                report = await source.mirror_repos(
                    plan if plan is not None else targets,
                    to=args.to,
                    to_token=to_token,
                    private=args.private or None,
                    options=options,
                    progress=bars.callback,
                    cluster=cluster,
                )
                if plan is None and len(report.results) == 1:
                    single = report.results[0]
            else:
                assert item is not None
                single = await source.mirror_repo(
                    item.repo_id,
                    to=args.to,
                    to_token=to_token,
                    dest_repo_id=args.dest_repo,
                    repo_type=item.repo_type,
                    revision=item.revision,
                    private=args.private or None,
                    options=options,
                    progress=bars.callback,
                )
                report = MirrorReport(results=[single], duration_seconds=single.duration_seconds)
    return report, single


def _exit_code(report: MirrorReport) -> ExitCode:
    code = exit_code_for_mirror_errors(e for r in report.results for e in r.errors)
    if code is ExitCode.OK and not report.ok:  # pragma: no cover - ok means no errors
        return ExitCode.FAILURE
    return code


def _write_report(path: Path, report: MirrorReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(report.to_json() + "\n", encoding="utf-8")
    partial.replace(path)


def _print(
    out: Output, report: MirrorReport, single: MirrorResult | None, *, hub_to_hub: bool
) -> None:
    for result in report.results:
        for error in result.errors:
            where = "".join(
                f" [{label} {value}]"
                for label, value in (("ref", error.ref), ("path", error.path))
                if value
            )
            message = " ".join(error.message.split())
            sys.stderr.write(f"error: {result.repo_id}{where}: {error.type}: {message}\n")
    if out.json:
        if single is not None:
            out.json_document({"ok": single.ok, **single.model_dump(mode="json")})
        else:
            out.json_document(json.loads(report.to_json()))
        return
    if out.quiet:
        return
    lines = [_result_line(result) for result in report.results]
    if len(report.results) != 1:
        failed = len(report.failed)
        lines.append(
            f"total: {len(report.results)} repos ({failed} failed), "
            f"{report.files_copied} files copied ({human_size(report.bytes_copied)}), "
            f"{report.files_skipped} skipped, {report.commits} commits, "
            f"{report.duration_seconds:.1f} s"
        )
    out.result("\n".join(lines), {})
    if hub_to_hub and report.commits:  # said once, where new commits were made
        out.note(f"note: {report.results[0].note}")


def _result_line(result: MirrorResult) -> str:
    status = "ok" if result.ok else "FAILED"
    dest = f" -> {result.dest_repo_id}" if result.dest_repo_id != result.repo_id else ""
    refs = f", {len(result.refs)} refs" if result.refs else ""
    return (
        f"{status:<6} {result.repo_type}:{result.repo_id}{dest}: "
        f"{result.files_copied} files copied ({human_size(result.bytes_copied)}), "
        f"{result.files_skipped} skipped, {result.files_deleted} deleted, "
        f"{result.commits} commits{refs}, {result.duration_seconds:.1f} s"
    )
