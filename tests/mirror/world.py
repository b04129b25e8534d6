"""The must-show world: twenty repos on a source local Hub, and a tree comparator.

``build_world(hub)`` seeds models, datasets and spaces with small files (some nested), LFS files
from a few KiB up to a couple of hundred MiB (two big repos), extra branches with other content,
tags on older commits, a branch whose name has a slash, a deleted file. Content is deterministic
(seeded), so two builds give the same objects. ``scale`` shrinks every LFS size for fast tests.

``snapshot_refs(hub, repo_type, repo_id)`` reads one repo straight from a hub's store: for every
branch and tag, ``{path: (git oid, lfs sha256 or None)}``; ``assert_mirrored`` compares a plan's
sources with their destinations.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from hubclient.testing import LocalHub
from hubclient.testing._operations import Delete

__all__ = [
    "KIB",
    "MIB",
    "RefTrees",
    "World",
    "assert_mirrored",
    "build_world",
    "det_bytes",
    "plan_bytes",
    "renamed_plan",
    "snapshot_refs",
]

KIB = 1024
MIB = 1024 * 1024
_BLOCK = MIB

FileTree = dict[str, tuple[str, str | None]]  # path -> (git oid, lfs sha256 or None)


@dataclass(frozen=True)
class RefTrees:
    """Every branch and tag of one repo: name -> tree."""

    branches: dict[str, FileTree]
    tags: dict[str, FileTree]


@dataclass(frozen=True)
class World:
    """What `build_world` made: the plan (text format), its repos, and the plan's size."""

    plan_text: str
    repos: list[tuple[str, str]]  # (repo_type, repo_id), plan order
    total_bytes: int


def det_bytes(seed: int, size: int) -> bytes:
    """``size`` pseudo-random bytes, the same for the same seed; fast (one 1 MiB random block,
    each copy stamped with the seed and its offset, so no two blocks or files are equal)."""
    base = random.Random(seed).randbytes(min(size, _BLOCK))
    if size <= _BLOCK:
        return base
    out = bytearray(size)
    stamp = seed.to_bytes(8, "little", signed=True)
    for offset in range(0, size, _BLOCK):
        n = min(_BLOCK, size - offset)
        out[offset : offset + n] = base[:n]
        out[offset : offset + min(n, 16)] = (stamp + offset.to_bytes(8, "little"))[: min(n, 16)]
    return bytes(out)


def _text(rng: random.Random, lines: int) -> str:
    words = ["alpha", "beta", "gamma", "delta", "mirror", "hub", "tensor", "shard", "token"]
    return "".join(" ".join(rng.choices(words, k=8)) + "\n" for _ in range(lines))


def _kind(index: int) -> str:
    if index in (1, 6, 9, 13, 16, 19):
        return "dataset"
    if index in (4, 11, 14, 17):
        return "space"
    return "model"


def _lfs_sizes(rng: random.Random, scale: float) -> list[int]:
    sizes = [rng.choice([4 * KIB, 40 * KIB, 300 * KIB]) for _ in range(3)]
    sizes.append(rng.randint(10, 40) * MIB)
    return [max(KIB, int(s * scale)) for s in sizes]


def _scaled(size: int, scale: float) -> int:
    return max(KIB, int(size * scale))


def build_world(hub: LocalHub, *, count: int = 20, scale: float = 1.0) -> World:
    """Seed ``count`` repos (at most 20) on ``hub`` and return the plan that names them all.

    Repos 0 and 1 are the big ones (a 200 MiB model file replacing a 40 MiB one still held by
    a tag; 120 + 30 MiB of dataset files); the others hold 10-40 MiB files and small ones.
    """
    if not 1 <= count <= 20:
        raise ValueError("count must be between 1 and 20")
    repos: list[tuple[str, str]] = []
    lines: list[str] = []
    for index in range(count):
        repo_type = _kind(index)
        namespace = "acme" if index % 2 == 0 else "alice"
        repo_id = f"{namespace}/{repo_type}-{index:02d}"
        _build_repo(hub, index, repo_type, repo_id, scale)
        repos.append((repo_type, repo_id))
        lines.append(repo_id if repo_type == "model" else f"{repo_type}:{repo_id}")
    plan_text = "# the must-show world\n" + "\n".join(lines) + "\n"
    return World(plan_text, repos, plan_bytes(hub, repos))


def _build_repo(hub: LocalHub, index: int, repo_type: str, repo_id: str, scale: float) -> None:
    rng = random.Random(1000 + index)
    seed = index * 1000

    def blob(n: int, size: int) -> bytes:
        return det_bytes(seed + n, size)

    first: dict[str, bytes | str] = {
        "README.md": f"# {repo_id}\n\n" + _text(rng, 5),
        "config.json": f'{{"index": {index}, "hidden": {rng.randint(8, 4096)}}}\n',
    }
    for k in range(rng.randint(3, 12)):
        first[f"src/pkg{k % 3}/deep/mod_{k}.py"] = _text(rng, rng.randint(1, 40))
    for k, size in enumerate(_lfs_sizes(rng, scale)):
        first[f"weights/part-{k:05d}.bin"] = blob(k, size)
    if index == 0:
        first["model.safetensors"] = blob(100, _scaled(40 * MIB, scale))
    if index == 1:
        first["data/train-00000.parquet"] = blob(101, _scaled(120 * MIB, scale))
        first["data/test-00000.parquet"] = blob(102, _scaled(30 * MIB, scale))
    c1 = hub.seed_repo(repo_id, first, repo_type=repo_type, message="first")
    repo = hub.store.find(repo_type, repo_id)
    assert repo is not None
    if index % 3 == 0:
        repo.create_tag("v1.0", c1)

    second: dict[str, bytes | str] = {
        "README.md": f"# {repo_id}\n\nsecond version\n" + _text(rng, 3),
        f"weights/part-{rng.randint(0, 2):05d}.bin": blob(
            200, _scaled(rng.randint(1, 12) * MIB, scale)
        ),
    }
    if index == 0:
        second["model.safetensors"] = blob(201, _scaled(200 * MIB, scale))
    c2 = hub.seed_repo(repo_id, second, repo_type=repo_type, message="second")
    doomed = sorted(p for p in first if p.startswith("src/"))[0]
    _delete(hub, repo_type, repo_id, "main", doomed)
    if index % 4 == 0:
        repo.create_tag("v2.0", c2)  # an older commit: main moved on (the deletion)
    if index % 2 == 0:
        repo.create_branch("dev", c1)  # from the first commit, then its own content
        hub.seed_repo(
            repo_id,
            {
                "config.json": f'{{"index": {index}, "dev": true}}\n',
                "extra/dev.bin": blob(300, _scaled(rng.randint(1, 10) * MIB, scale)),
            },
            repo_type=repo_type,
            revision="dev",
            message="dev work",
        )
    if index % 5 == 0:
        repo.create_branch("feature/same-as-main", "main")  # same commit as main


def _delete(hub: LocalHub, repo_type: str, repo_id: str, revision: str, path: str) -> None:
    repo = hub.store.find(repo_type, repo_id)
    assert repo is not None
    repo.apply(
        revision,
        [Delete(path)],
        title=f"delete {path}",
        description="",
        author=repo_id.split("/")[0],
        parent_commit=None,
        create_pr=False,
        object_size=hub.store.objects.size,
        store_regular=hub.store.objects.put_bytes,
    )


# --- reading and comparing -----------------------------------------------------------------


def snapshot_refs(hub: LocalHub, repo_type: str, repo_id: str) -> RefTrees:
    """Every branch and tag of a repo, read from the hub's store (no HTTP)."""
    repo = hub.store.find(repo_type, repo_id)
    if repo is None:
        raise AssertionError(f"{hub.hub_url}: no {repo_type} repo {repo_id}")
    refs = repo.refs_copy()

    def tree(commit: str) -> FileTree:
        files = repo.snapshot(commit).files
        return {p: (e.oid, e.sha256 if e.lfs else None) for p, e in files.items()}

    return RefTrees(
        branches={name: tree(c) for name, c in refs.heads.items()},
        tags={name: tree(c) for name, c in refs.tags.items()},
    )


def plan_bytes(hub: LocalHub, repos: list[tuple[str, str]]) -> int:
    """What a perfect mirror has to send: per repo, every distinct content of every ref once."""
    total = 0
    for repo_type, repo_id in repos:
        repo = hub.store.find(repo_type, repo_id)
        assert repo is not None
        refs = repo.refs_copy()
        sizes: dict[str, int] = {}
        for commit in {*refs.heads.values(), *refs.tags.values()}:
            for entry in repo.snapshot(commit).files.values():
                sizes[entry.sha256] = entry.size
        total += sum(sizes.values())
    return total


def assert_mirrored(
    source: LocalHub,
    dest: LocalHub,
    repos: list[tuple[str, str]],
    renames: Mapping[str, str] | None = None,
) -> None:
    """Same branch and tag names, and per ref the same ``{path: (oid, sha256)}``, for every
    repo of the plan (``renames``: source id -> destination id)."""
    for repo_type, repo_id in repos:
        dest_id = (renames or {}).get(repo_id, repo_id)
        want = snapshot_refs(source, repo_type, repo_id)
        got = snapshot_refs(dest, repo_type, dest_id)
        assert sorted(got.branches) == sorted(want.branches), (repo_id, "branches")
        assert sorted(got.tags) == sorted(want.tags), (repo_id, "tags")
        for name, tree in want.branches.items():
            assert got.branches[name] == tree, (repo_id, "branch", name)
        for name, tree in want.tags.items():
            assert got.tags[name] == tree, (repo_id, "tag", name)


def renamed_plan(plan_text: str, namespace: str) -> tuple[list[str], dict[str, str]]:
    """The plan's lines with every repo renamed into ``namespace`` on the destination, and
    the renames (source id -> destination id)."""
    lines, renames = [], {}
    for line in plan_text.splitlines():
        if not line or line.startswith("#"):
            continue
        repo_id = line.split(":")[-1]
        renames[repo_id] = f"{namespace}/{repo_id.split('/')[1]}"
        lines.append(f"{line} {renames[repo_id]}")
    return lines, renames
