"""The local Hub's command line: ``python -m hubclient.testing serve|seed ...``.

``serve`` prints exactly one line on stdout, ``READY hub=<url> storage=<url>``, once both origins
listen; everything else goes to stderr. SIGINT or SIGTERM stops it cleanly (exit status 0).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from hubclient.testing._hub import LocalHub

__all__ = ["main"]

_log = logging.getLogger("hubclient.testing")


def _pair(text: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left or not right:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return left, right


def _hub_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data directory (repos, commits, objects); reused across restarts. "
        "Default: a temporary directory deleted on exit",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=1000,
        help="entries per page of every paginated answer (lists, tree, commits); default 1000",
    )
    parser.add_argument(
        "--lfs-chunk-size",
        type=int,
        default=8 * 1024 * 1024,
        help="part size of multipart LFS uploads, in bytes; default 8 MiB",
    )
    parser.add_argument(
        "--lfs-multipart-threshold",
        type=int,
        default=16 * 1024 * 1024,
        help="LFS objects of at least this many bytes are uploaded in parts; default 16 MiB",
    )
    parser.add_argument(
        "--lfs-size-threshold",
        type=int,
        default=10 * 1000 * 1000,
        help="files of at least this many bytes go to LFS (preupload answer); default 10 MB",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hubclient.testing",
        description="hubclient's local Hugging Face Hub (a hub origin and a storage origin).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the hub and storage origins until SIGINT/SIGTERM",
        description="Serve the hub and storage origins. Prints 'READY hub=<url> storage=<url>' "
        "on stdout once both listen; logs go to stderr.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=0, help="port of the hub origin (0: a free port; the default)"
    )
    serve.add_argument(
        "--storage-port",
        type=int,
        default=0,
        help="port of the storage (CDN/S3) origin (0: a free port; the default)",
    )
    serve.add_argument(
        "--token",
        action="append",
        type=_pair,
        default=[],
        metavar="USER=TOKEN",
        help="a write token for USER (who may write to their own namespace); repeatable",
    )
    serve.add_argument(
        "--read-token",
        action="append",
        type=_pair,
        default=[],
        metavar="USER=TOKEN",
        help="a read-only token for USER; repeatable",
    )
    serve.add_argument(
        "--org",
        action="append",
        type=_pair,
        default=[],
        metavar="USER=ORG",
        help="make USER a member of organisation ORG (write access to ORG/*); repeatable",
    )
    serve.add_argument(
        "--seed",
        action="append",
        type=_pair,
        default=[],
        metavar="REPO_ID=FOLDER",
        help="before serving, commit the files of FOLDER to the model repo REPO_ID; repeatable",
    )
    serve.add_argument(
        "--signed-url-ttl",
        type=float,
        default=3600.0,
        help="lifetime of presigned storage URLs, in seconds (default 3600)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="log level on stderr (default info)",
    )
    _hub_options(serve)

    seed = commands.add_parser(
        "seed",
        help="commit a local folder to a repo of a data directory, then exit",
        description="Commit the files of FOLDER to REPO_ID in the data directory (creating the "
        "repo if needed) and print the commit sha. Run it while no server uses --data.",
    )
    seed.add_argument("repo_id", help="namespace/name")
    seed.add_argument("folder", type=Path, help="the local folder to upload")
    seed.add_argument(
        "--repo-type",
        default="model",
        choices=["model", "dataset", "space"],
        help="repo type (default model)",
    )
    seed.add_argument("--revision", default="main", help="branch to commit to (default main)")
    seed.add_argument("--message", default="seed", help="commit message (default 'seed')")
    seed.add_argument("--private", action="store_true", help="make a new repo private")
    seed.add_argument("--gated", action="store_true", help="make a new repo gated ('auto')")
    _hub_options(seed)
    return parser


def _make_hub(args: argparse.Namespace, **extra: float) -> LocalHub:
    return LocalHub(
        args.data,
        page_size=args.page_size,
        lfs_chunk_size=args.lfs_chunk_size,
        lfs_multipart_threshold=args.lfs_multipart_threshold,
        lfs_size_threshold=args.lfs_size_threshold,
        **extra,  # type: ignore[arg-type]
    )


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _log.info("signal %s: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    hub = _make_hub(args, signed_url_ttl=args.signed_url_ttl)
    try:
        for user, org in args.org:
            hub.add_user(user, orgs=[org])
        for user, token in args.token:
            hub.add_token(token, user=user, role="write")
        for user, token in args.read_token:
            hub.add_token(token, user=user, role="read")
        for repo_id, folder in args.seed:
            sha = hub.seed_repo(repo_id, Path(folder))
            _log.info("seeded %s from %s at %s", repo_id, folder, sha)
        with hub.serve(args.host, args.port, args.storage_port, log_level=args.log_level) as served:
            _log.info(
                "hub %s, storage %s, data %s", served.hub_url, served.storage_url, hub.data_dir
            )
            sys.stdout.write(f"READY hub={served.hub_url} storage={served.storage_url}\n")
            sys.stdout.flush()
            while not stop.wait(0.5):
                pass
    finally:
        hub.close()
    _log.info("stopped")
    return 0


def _seed(args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    if args.data is None:
        print("error: seed needs --data (a temporary hub would vanish at once)", file=sys.stderr)
        return 2
    hub = _make_hub(args)
    try:
        sha = hub.seed_repo(
            args.repo_id,
            args.folder,
            repo_type=args.repo_type,
            revision=args.revision,
            message=args.message,
            private=args.private,
            gated=args.gated,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        hub.close()
    print(sha)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        try:
            return _serve(args)
        except OSError as exc:  # e.g. the port is taken
            print(f"error: cannot serve: {exc}", file=sys.stderr)
            return 1
    return _seed(args)


if __name__ == "__main__":
    sys.exit(main())
