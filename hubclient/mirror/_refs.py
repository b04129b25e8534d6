"""Which source refs a mirror recreates, and under which destination names.

* ``revision=None``: every branch (the default branch ``main`` first, then by name) and every
  tag; pull requests (``refs/pr/N``) only with ``MirrorOptions(include_prs=True)``, recreated
  as destination branches named ``pr/N`` (the commit API cannot open a pull request at a
  given tree).
* ``revision`` names a branch (or ``refs/heads/<b>``): that branch only.
* ``revision`` names a tag (or ``refs/tags/<t>``): that tag only.
* ``revision`` is ``refs/pr/N``: that pull request, as branch ``pr/N``.
* anything else (a commit sha, or a revision the Hub resolves): the commit it resolves to,
  mirrored onto the destination's ``main``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hubclient.models.refs import GitRefs

__all__ = ["DEFAULT_BRANCH", "TEMP_BRANCH_PREFIX", "RefToMirror", "select_refs", "temp_branch"]

DEFAULT_BRANCH = "main"
TEMP_BRANCH_PREFIX = "hubclient-mirror-tmp/"


@dataclass(frozen=True, slots=True)
class RefToMirror:
    """One ref to recreate: its kind, its destination name, and the source commit."""

    kind: Literal["branch", "tag"]
    name: str
    commit: str


def temp_branch(tag: str) -> str:
    """The destination branch a tag is built on when no mirrored branch holds its commit
    (deleted once the tag exists; a leftover from a crashed run is reused)."""
    return f"{TEMP_BRANCH_PREFIX}{tag}"


def _pr_branch(ref_name: str) -> str:
    return "pr/" + ref_name.rsplit("/", 1)[-1]


def select_refs(refs: GitRefs, revision: str | None) -> list[RefToMirror] | None:
    """The refs to mirror (branches first, default branch first), or None when ``revision``
    names no ref (the caller resolves it to a commit and mirrors it onto ``main``)."""
    branches = {b.name: b.target_commit for b in refs.branches}
    tags = {t.name: t.target_commit for t in refs.tags}
    prs = {p.ref: p.target_commit for p in refs.pull_requests or []}
    if revision is None:
        order = sorted(branches, key=lambda name: (name != DEFAULT_BRANCH, name))
        out = [RefToMirror("branch", name, branches[name]) for name in order]
        out += [RefToMirror("branch", _pr_branch(ref), sha) for ref, sha in sorted(prs.items())]
        out += [RefToMirror("tag", name, tags[name]) for name in sorted(tags)]
        return out
    name = revision.removeprefix("refs/heads/")
    if name in branches:
        return [RefToMirror("branch", name, branches[name])]
    name = revision.removeprefix("refs/tags/")
    if name in tags:
        return [RefToMirror("tag", name, tags[name])]
    if revision in prs:
        return [RefToMirror("branch", _pr_branch(revision), prs[revision])]
    return None
