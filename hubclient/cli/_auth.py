"""``hubclient auth login|logout|whoami|switch|list``: the login huggingface_hub's ``hf`` shares.

The token is read from a prompt that does not echo, or from one line of stdin (``--stdin``,
for scripts), or ``--token``; it is never printed, not even with ``--json``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hubclient._login import auth_list, auth_switch, login, logout
from hubclient.cli._common import Output, make_client, wrap

__all__ = ["add_parser"]

_EXAMPLES = """examples:
  hubclient auth login                      prompts for the token (not echoed)
  echo "$HF_TOKEN" | hubclient auth login --stdin
  hubclient auth whoami
  hubclient auth list
  hubclient auth switch my-other-token
  hubclient auth logout
"""


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "auth",
        help="log in and out, see who you are (the login hf uses too)",
        description=wrap(
            "Log in to the Hub (the token is checked with the Hub, stored under its name in "
            "HF_HOME and made the active one: huggingface_hub and hf see the same login), log "
            "out, list the stored tokens, switch between them, and see who the token is."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="auth_command", metavar="ACTION", required=True)
    sub: dict[str, Any] = {
        "parents": [common],
        "epilog": _EXAMPLES,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }

    p = actions.add_parser("login", help="store a token and make it the active one", **sub)
    p.add_argument("--stdin", action="store_true", help="read the token from one line of stdin")
    p.add_argument(
        "--add-to-git-credential", action="store_true", help="also give it to git's helpers"
    )
    p.add_argument("--force", action="store_true", help="log in even if a valid token is active")
    p.set_defaults(func=None, sync_func=run_login)

    p = actions.add_parser("logout", help="forget a stored token (default: all of them)", **sub)
    p.add_argument("token_name", metavar="NAME", nargs="?", default=None)
    p.set_defaults(func=None, sync_func=run_logout)

    p = actions.add_parser("switch", help="make another stored token the active one", **sub)
    p.add_argument("token_name", metavar="NAME")
    p.add_argument("--add-to-git-credential", action="store_true")
    p.set_defaults(func=None, sync_func=run_switch)

    p = actions.add_parser("list", help="the stored tokens (masked)", **sub)
    p.set_defaults(func=None, sync_func=run_list)

    p = actions.add_parser("whoami", help="who the token belongs to", **sub)
    p.set_defaults(func=run_whoami)


def run_login(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    token = args.token
    if token is None and args.stdin:
        token = sys.stdin.readline().strip()
    result = login(
        token,
        add_to_git_credential=args.add_to_git_credential,
        skip_if_logged_in=not args.force and token is None,
        endpoint=args.endpoint,
    )
    if result is None:
        out.result("already logged in (use --force to log in again)", {"logged_in": True})
        return 0
    out.result(
        f"logged in as {result.user} (token {result.token_name!r}, {result.role or 'unknown'} "
        "role); it is the active token",
        {"user": result.user, "token_name": result.token_name, "role": result.role},
    )
    return 0


def run_logout(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    logout(args.token_name)
    what = f"token {args.token_name!r}" if args.token_name else "every stored token"
    out.result(f"logged out: {what} forgotten", {"logged_out": args.token_name or "all"})
    return 0


def run_switch(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    auth_switch(args.token_name, add_to_git_credential=args.add_to_git_credential)
    out.result(f"active token: {args.token_name}", {"active": args.token_name})
    return 0


def run_list(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    entries = auth_list()
    width = max((len(e.name) for e in entries), default=4)
    lines = [f"  {'name'.ljust(width)}  token"] + [
        f"{'*' if e.active else ' '} {e.name.ljust(width)}  {e.masked}" for e in entries
    ]
    human = "\n".join(lines) if entries else "no stored tokens (hubclient auth login)"
    out.result(
        human,
        {"tokens": [{"name": e.name, "masked": e.masked, "active": e.active} for e in entries]},
    )
    return 0


async def run_whoami(args: argparse.Namespace) -> int:
    out = Output.from_args(args)
    async with make_client(args) as client:
        me = await client.whoami()
    access = me.auth.access_token if me.auth is not None else None
    orgs = [org.name for org in me.orgs or [] if org.name]
    token = {"name": access.display_name, "role": access.role} if access is not None else None
    human = me.name + (f" (orgs: {', '.join(orgs)})" if orgs else "")
    if token is not None:
        human += f"\ntoken: {token['name']} ({token['role']})"
    out.result(human, {"user": me.name, "orgs": orgs, "token": token})
    return 0
