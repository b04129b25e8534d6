"""The local Hub's command line: ``python -m hubclient.testing serve|seed ...``.

``serve`` prints exactly one line on stdout once every origin listens,
``READY hub=<url> storage=<url> bound-hub=<url> bound-storage=<url> loop=<name> http=<name>``
then ``<name>=<url>`` for each extra origin (``hub``/``storage``: the URLs clients use, public
when ``--public-url``/``--storage-public-url`` are given; ``bound-*``: where the sockets
listen; the event loop and HTTP parser serving them; the extra origins, such as the Inference
Endpoints API, where clients reach them); everything else goes to stderr. SIGINT or SIGTERM
stops it cleanly (exit status 0).
``hubclient serve`` is the same command: it parses with :func:`add_serve_options` and runs
:func:`run_serve`.
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
from hubclient.testing._serve import LOOPS, PARSERS, public_origin

__all__ = ["add_serve_options", "main", "run_serve"]

_log = logging.getLogger("hubclient.testing")


def _origin(text: str) -> str:
    try:
        return public_origin(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _pair(text: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left or not right:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return left, right


def _origin_port(text: str) -> tuple[str, int]:
    name, value = _pair(text)
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected NAME=PORT, got {text!r}")
    return name, int(value)


def _origin_url(text: str) -> tuple[str, str]:
    name, value = _pair(text)
    return name, _origin(value)


#: The sizes of the local Hub's answers: flag, metavar, default, help.
_HUB_SIZES = (
    (
        "--page-size",
        "N",
        1000,
        "entries per page of every paginated answer (lists, tree, commits); default 1000",
    ),
    (
        "--lfs-chunk-size",
        "BYTES",
        8 * 1024 * 1024,
        "part size of multipart LFS uploads; default 8 MiB",
    ),
    (
        "--lfs-multipart-threshold",
        "BYTES",
        16 * 1024 * 1024,
        "LFS objects of at least this many bytes are uploaded in parts; default 16 MiB",
    ),
    (
        "--lfs-size-threshold",
        "BYTES",
        10 * 1000 * 1000,
        "files of at least this many bytes go to LFS (preupload answer); default 10 MB",
    ),
)

#: The repeatable NAME=VALUE options of serve: flag, dest, metavar, help.
_SERVE_PAIRS = (
    (
        "--token",
        "tokens",
        "USER=TOKEN",
        "a write token for USER (who may write to their own namespace); repeatable",
    ),
    ("--read-token", "read_tokens", "USER=TOKEN", "a read-only token for USER; repeatable"),
    (
        "--org",
        "orgs",
        "USER=ORG",
        "make USER a member of organisation ORG (write access to ORG/*); repeatable",
    ),
    (
        "--seed",
        "seeds",
        "REPO_ID=FOLDER",
        "before serving, commit the files of FOLDER to the model repo REPO_ID; repeatable",
    ),
)


def _hub_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("local Hub settings")
    group.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        default=None,
        help="data directory (repos, commits, objects); reused across restarts. "
        "Default: a temporary directory deleted on exit",
    )
    for flag, metavar, default, text in _HUB_SIZES:
        group.add_argument(flag, type=int, metavar=metavar, default=default, help=text)


def add_serve_options(parser: argparse.ArgumentParser, *, log_level: str = "warning") -> None:
    """Add the options of ``serve`` to ``parser``; :func:`run_serve` runs what they parse to.

    The lists land in ``tokens``, ``read_tokens``, ``orgs`` and ``seeds`` (``(left, right)``
    pairs), so that a parser with a ``--token`` of its own elsewhere (as the ``hubclient``
    command line) keeps its ``token``. ``log_level`` is the default of ``--log-level``.

    Example::

        parser = argparse.ArgumentParser(prog="my-hub")
        add_serve_options(parser, log_level="warning")
        raise SystemExit(run_serve(parser.parse_args()))
    """
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="port of the hub origin (0: a free port; the default)"
    )
    parser.add_argument(
        "--storage-port",
        type=int,
        metavar="PORT",
        default=0,
        help="port of the storage (CDN/S3) origin (0: a free port; the default)",
    )
    parser.add_argument(
        "--no-xet",
        dest="xet",
        action="store_false",
        help="serve no Xet storage (no CAS origin; Xet token routes answer 404)",
    )
    parser.add_argument(
        "--endpoints-port",
        type=int,
        metavar="PORT",
        default=0,
        help="port of the Inference Endpoints origin (its API, the catalog, the deployed "
        "endpoints; 0: a free port; the default)",
    )
    parser.add_argument(
        "--origin-port",
        dest="origin_ports",
        action="append",
        type=_origin_port,
        default=[],
        metavar="NAME=PORT",
        help="port of the extra origin NAME (0: a free port; the default); repeatable",
    )
    parser.add_argument(
        "--origin-public-url",
        dest="origin_public_urls",
        action="append",
        type=_origin_url,
        default=[],
        metavar="NAME=URL",
        help="the origin clients reach the extra origin NAME through; repeatable",
    )
    for flag, dest, metavar, text in _SERVE_PAIRS:
        parser.add_argument(
            flag, dest=dest, action="append", type=_pair, default=[], metavar=metavar, help=text
        )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        type=_origin,
        default=None,
        help="the origin clients reach the hub through (a proxy, a port mapping): redirects and "
        "links point there. Default: where the hub listens",
    )
    parser.add_argument(
        "--storage-public-url",
        metavar="URL",
        type=_origin,
        default=None,
        help="the origin clients reach storage through: presigned URLs point there. "
        "Default: where storage listens",
    )
    parser.add_argument(
        "--loop",
        choices=LOOPS,
        default="auto",
        help="event loop: auto (uvloop when installed), asyncio or uvloop; printed on READY",
    )
    parser.add_argument(
        "--http",
        choices=PARSERS,
        default="auto",
        help="HTTP parser: auto (httptools when installed), h11 or httptools; printed on READY",
    )
    parser.add_argument(
        "--signed-url-ttl",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="lifetime of presigned storage URLs, in seconds (default 3600)",
    )
    parser.add_argument(
        "--log-level",
        default=log_level,
        choices=["debug", "info", "warning", "error"],
        help=f"log level on stderr (default {log_level})",
    )
    _hub_options(parser)


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
    add_serve_options(serve)

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
        choices=["model", "dataset", "space", "kernel"],
        help="repo type (default model)",
    )
    seed.add_argument("--revision", default="main", help="branch to commit to (default main)")
    seed.add_argument("--message", default="seed", help="commit message (default 'seed')")
    seed.add_argument("--private", action="store_true", help="make a new repo private")
    seed.add_argument("--gated", action="store_true", help="make a new repo gated ('auto')")
    _hub_options(seed)
    return parser


def _make_hub(args: argparse.Namespace, **extra: float | bool) -> LocalHub:
    return LocalHub(
        args.data,
        page_size=args.page_size,
        lfs_chunk_size=args.lfs_chunk_size,
        lfs_multipart_threshold=args.lfs_multipart_threshold,
        lfs_size_threshold=args.lfs_size_threshold,
        **extra,  # type: ignore[arg-type]
    )


def run_serve(args: argparse.Namespace) -> int:
    """Serve the local Hub configured by ``args`` (parsed with :func:`add_serve_options`)
    until SIGINT or SIGTERM; return the exit status (0, or 1 when it cannot serve).

    Prints ``READY hub=<url> storage=<url>`` on stdout once both origins listen.

    Example::

        parser = argparse.ArgumentParser()
        add_serve_options(parser)
        run_serve(parser.parse_args(["--port", "8000", "--token", "alice=hf_alice"]))
    """
    try:
        return _serve(args)
    except (OSError, ValueError) as exc:  # the port is taken, uvloop is not installed...
        print(f"error: cannot serve: {exc}", file=sys.stderr)
        return 1


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
    hub = _make_hub(args, signed_url_ttl=args.signed_url_ttl, xet=args.xet)
    try:
        for user, org in args.orgs:
            hub.add_user(user, orgs=[org])
        for user, token in args.tokens:
            hub.add_token(token, user=user, role="write")
        for user, token in args.read_tokens:
            hub.add_token(token, user=user, role="read")
        for repo_id, folder in args.seeds:
            sha = hub.seed_repo(repo_id, Path(folder))
            _log.info("seeded %s from %s at %s", repo_id, folder, sha)
        with hub.serve(
            args.host,
            args.port,
            args.storage_port,
            # uvicorn's own lines (twice each: one server per origin) only at debug; at info
            # the lines of this command say the same once
            log_level="debug" if args.log_level == "debug" else "warning",
            public_url=args.public_url,
            storage_public_url=args.storage_public_url,
            loop=args.loop,
            http=args.http,
            ports={"endpoints": args.endpoints_port, **dict(args.origin_ports)},
            public_urls=dict(args.origin_public_urls),
        ) as served:
            _log.info(
                "hub %s, storage %s, data %s, %s",
                served.hub_url,
                served.storage_url,
                hub.data_dir,
                served.engine,
            )
            extras = "".join(
                f" {name}={url}"
                for name, url in served.origins.items()
                if name not in ("hub", "storage")
            )
            sys.stdout.write(
                f"READY hub={served.hub_url} storage={served.storage_url} "
                f"bound-hub={served.bound_hub_url} bound-storage={served.bound_storage_url} "
                f"{served.engine}{extras}\n"
            )
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
        return run_serve(args)
    return _seed(args)


if __name__ == "__main__":
    sys.exit(main())
