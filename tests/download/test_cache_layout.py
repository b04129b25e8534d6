"""The cache package alone: names, refs, pointers, trees, locks, partial claims, and
huggingface_hub reading what it writes (no network involved)."""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

import anyio
import pytest

from hubclient.cache import (
    CACHED_NO_EXIST,
    CACHEDIR_TAG_CONTENT,
    LocalDirPaths,
    LockTimeoutError,
    RepoCache,
    SymlinkPolicy,
    TreeEntry,
    blob_lock,
    claim_partial,
    filter_paths,
    install_blob,
    mark_no_exist,
    normalize_etag,
    prepare_repo,
    read_download_metadata,
    read_ref,
    read_tree_cache,
    repo_folder_name,
    try_to_load_from_cache,
    validate_relative_filename,
    write_download_metadata,
    write_progress,
    write_ref,
    write_tree_cache,
)
from hubclient.errors import HFValidationError

COMMIT = "a" * 40
COMMIT2 = "b" * 40


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def put(repo: RepoCache, commit: str, files: dict[str, bytes], policy: SymlinkPolicy) -> None:
    prepare_repo(repo, commit)
    for name, data in files.items():
        etag = git_sha1(data)
        tmp = repo.blobs_dir / f"{etag}.0123abcd.incomplete"
        tmp.write_bytes(data)
        install_blob(repo, tmp, etag, [repo.pointer_path(commit, name)], policy)


def test_names_match_huggingface_hub() -> None:
    from huggingface_hub.file_download import repo_folder_name as hf_name

    for repo_id, rtype in [("acme/m", "model"), ("acme/d", "dataset"), ("gpt2", "model")]:
        assert repo_folder_name(repo_id, rtype) == hf_name(repo_id=repo_id, repo_type=rtype)
    assert normalize_etag('W/"abc"') == "abc"
    assert normalize_etag('"abc"') == "abc"


@pytest.mark.parametrize(
    "bad", ["../x", "a/../../x", "/etc/passwd", "C:\\x", "a/C:x", "\\\\host\\share\\x", "", "a\0b"]
)
def test_escaping_paths_are_refused(bad: str) -> None:
    with pytest.raises(HFValidationError):
        validate_relative_filename(bad)
    with pytest.raises(HFValidationError):
        RepoCache(Path("/tmp"), "acme/m").pointer_path(COMMIT, bad)


def test_revision_cannot_escape_refs(tmp_path: Path) -> None:
    repo = RepoCache(tmp_path, "acme/m")
    with pytest.raises(HFValidationError):
        write_ref(repo, "../../evil", COMMIT)
    write_ref(repo, "refs/pr/1", COMMIT)
    assert (repo.refs_dir / "refs" / "pr" / "1").read_text() == COMMIT


def test_refs_written_atomically_and_only_on_change(tmp_path: Path) -> None:
    repo = RepoCache(tmp_path, "acme/m")
    assert write_ref(repo, "main", COMMIT) is True
    assert (repo.refs_dir / "main").read_bytes() == COMMIT.encode()  # no newline
    assert write_ref(repo, "main", COMMIT) is False
    assert write_ref(repo, COMMIT, COMMIT) is False  # a commit is never a ref
    assert write_ref(repo, "main", COMMIT2) is True
    assert read_ref(repo, "main") == COMMIT2
    assert sorted(p.name for p in repo.refs_dir.iterdir()) == ["main"]  # no temp left


def test_huggingface_hub_reads_our_cache(tmp_path: Path) -> None:
    from huggingface_hub import scan_cache_dir
    from huggingface_hub import try_to_load_from_cache as hf_try

    repo = RepoCache(tmp_path, "acme/m")
    files = {"README.md": b"hello", "sub/dir/w.bin": b"x" * 1000, "dup.bin": b"x" * 1000}
    put(repo, COMMIT, files, SymlinkPolicy())
    write_ref(repo, "main", COMMIT)
    mark_no_exist(repo, COMMIT, "missing.txt")

    assert (tmp_path / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG_CONTENT
    link = repo.pointer_path(COMMIT, "sub/dir/w.bin")
    assert link.is_symlink()
    assert os.readlink(link) == f"../../../../blobs/{git_sha1(b'x' * 1000)}"
    for name, data in files.items():
        found = hf_try("acme/m", name, cache_dir=tmp_path)
        assert isinstance(found, str)
        assert Path(found).read_bytes() == data
    from huggingface_hub.file_download import _CACHED_NO_EXIST

    assert hf_try("acme/m", "missing.txt", cache_dir=tmp_path) is _CACHED_NO_EXIST
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = scan_cache_dir(tmp_path)
    assert info.warnings == []
    (cached,) = info.repos
    assert cached.repo_id == "acme/m"
    assert cached.nb_files == 2  # the duplicate content is one blob
    (revision,) = cached.revisions
    assert revision.refs == frozenset({"main"})


def test_our_lookup_matches_huggingface_hub(tmp_path: Path) -> None:
    repo = RepoCache(tmp_path, "acme/m")
    put(repo, COMMIT, {"a.txt": b"a"}, SymlinkPolicy())
    write_ref(repo, "main", COMMIT)
    mark_no_exist(repo, COMMIT, "gone.txt")
    found = try_to_load_from_cache("acme/m", "a.txt", tmp_path)
    assert isinstance(found, str)
    assert Path(found).read_bytes() == b"a"
    assert try_to_load_from_cache("acme/m", "gone.txt", tmp_path) is CACHED_NO_EXIST
    assert try_to_load_from_cache("acme/m", "b.txt", tmp_path) is None
    assert try_to_load_from_cache("acme/other", "a.txt", tmp_path) is None
    assert try_to_load_from_cache("acme/m", "a.txt", tmp_path, revision=COMMIT2) is None


def test_without_symlinks_blobs_are_moved_or_copied(tmp_path: Path) -> None:
    from huggingface_hub import try_to_load_from_cache as hf_try

    repo = RepoCache(tmp_path, "acme/m")
    policy = SymlinkPolicy.from_env({"HF_HUB_DISABLE_SYMLINKS": "1"})
    put(repo, COMMIT, {"a.txt": b"same", "b.txt": b"same"}, policy)
    for name in ("a.txt", "b.txt"):
        pointer = repo.pointer_path(COMMIT, name)
        assert pointer.is_file()
        assert not pointer.is_symlink()
        assert pointer.read_bytes() == b"same"
        assert hf_try("acme/m", name, cache_dir=tmp_path, revision=COMMIT) == str(pointer)
    assert not repo.blob_path(git_sha1(b"same")).exists()  # moved, as huggingface_hub does


def test_tree_cache_is_byte_identical_to_huggingface_hub(tmp_path: Path) -> None:
    from huggingface_hub._tree_cache import TreeCacheEntry
    from huggingface_hub._tree_cache import write_tree_cache as hf_write

    entries = {
        "z.txt": TreeEntry(3, "1" * 40),
        "a/b.bin": TreeEntry(10, "2" * 40, "3" * 64, 10),
    }
    ours = tmp_path / "ours" / "trees" / f"{COMMIT}.json"
    write_tree_cache(ours, entries)
    hf_write(
        str(tmp_path / "theirs"),
        COMMIT,
        {k: TreeCacheEntry(**vars_of(v)) for k, v in entries.items()},
    )
    theirs = tmp_path / "theirs" / "trees" / f"{COMMIT}.json"
    assert ours.read_bytes() == theirs.read_bytes()
    assert read_tree_cache(theirs) == entries
    assert json.loads(ours.read_text())["format_version"] == 1


def vars_of(entry: TreeEntry) -> dict[str, Any]:
    return {
        "size": entry.size,
        "blob_id": entry.blob_id,
        "lfs_sha256": entry.lfs_sha256,
        "lfs_size": entry.lfs_size,
        "xet_hash": entry.xet_hash,
    }


def test_local_dir_metadata_interop(tmp_path: Path) -> None:
    from huggingface_hub._local_folder import read_download_metadata as hf_read
    from huggingface_hub._local_folder import write_download_metadata as hf_write

    paths = LocalDirPaths(tmp_path, "sub/w.bin")
    paths.file_path.parent.mkdir(parents=True)
    paths.file_path.write_bytes(b"x")
    write_download_metadata(paths, COMMIT, "e" * 64)
    assert (tmp_path / ".cache/huggingface/.gitignore").read_text() == "*"
    assert (tmp_path / ".cache/huggingface/CACHEDIR.TAG").read_text() == CACHEDIR_TAG_CONTENT
    theirs = hf_read(tmp_path, "sub/w.bin")
    assert theirs is not None
    assert (theirs.commit_hash, theirs.etag) == (COMMIT, "e" * 64)
    hf_write(tmp_path, "sub/w.bin", COMMIT2, "f" * 40)
    ours = read_download_metadata(paths)
    assert ours is not None
    assert (ours.commit_hash, ours.etag) == (COMMIT2, "f" * 40)
    from huggingface_hub._local_folder import get_local_download_paths

    hf_paths = get_local_download_paths(tmp_path, "sub/w.bin")
    assert hf_paths.metadata_path == paths.metadata_path
    assert hf_paths.lock_path == paths.lock_path
    assert (
        hf_paths.incomplete_path("e" * 64).name == paths.incomplete_stem("e" * 64) + ".incomplete"
    )


def test_patterns_match_huggingface_hub() -> None:
    from huggingface_hub.utils._paths import filter_repo_objects

    names = ["a.bin", "sub/a.bin", "sub/b.txt", ".hidden", "README.md", "data/x/y.json"]
    cases = [
        (None, None),
        (["*.bin"], None),
        ("sub/", None),
        (None, [".*", "*.md"]),
        (["data/*.json", "*.txt"], ["sub/*"]),
    ]
    for allow, ignore in cases:
        expected = list(filter_repo_objects(names, allow_patterns=allow, ignore_patterns=ignore))
        assert filter_paths(names, allow_patterns=allow, ignore_patterns=ignore) == expected


def test_claim_partial_takes_the_longest_valid_prefix(tmp_path: Path) -> None:
    etag = "c" * 64
    (tmp_path / f"{etag}.incomplete").write_bytes(b"a" * 10)  # 0.23–1.17 naming
    (tmp_path / f"{etag}.1234abcd.incomplete").write_bytes(b"b" * 30)
    parallel = tmp_path / f"{etag}.5678abcd.incomplete"
    parallel.write_bytes(b"c" * 100)  # preallocated, only 20 bytes known good
    write_progress(parallel, 20)
    (tmp_path / f"{etag}.zzz.incomplete").write_bytes(b"not ours")
    tmp = tmp_path / f"{etag}.9999aaaa.incomplete"
    assert claim_partial(tmp_path, etag, tmp, max_size=1000) == 30
    assert tmp.read_bytes() == b"b" * 30
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([tmp.name, f"{etag}.zzz.incomplete"])
    # the prefix of a preallocated file is capped by its record, and too-long files are ignored
    parallel.write_bytes(b"c" * 100)
    write_progress(parallel, 40)
    tmp2 = tmp_path / f"{etag}.0000bbbb.incomplete"
    tmp.unlink()
    assert claim_partial(tmp_path, etag, tmp2, max_size=1000) == 40
    assert tmp2.read_bytes() == b"c" * 40
    tmp2.write_bytes(b"d" * 2000)
    assert (
        claim_partial(tmp_path, etag, tmp_path / f"{etag}.1111cccc.incomplete", max_size=1000) == 0
    )


@pytest.mark.anyio
async def test_blob_lock_excludes_and_times_out(tmp_path: Path) -> None:
    path = tmp_path / ".locks" / "models--acme--m" / "x.lock"
    async with blob_lock(path):
        with pytest.raises(LockTimeoutError, match="another process"):
            async with blob_lock(path, lock_timeout=0.2):
                pass
    order: list[str] = []

    async def first() -> None:
        async with blob_lock(path):
            order.append("first in")
            await anyio.sleep(0.3)
            order.append("first out")

    async def second() -> None:
        await anyio.sleep(0.05)
        async with blob_lock(path, lock_timeout=5):
            order.append("second in")

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        tg.start_soon(second)
    assert order == ["first in", "first out", "second in"]


@pytest.mark.anyio
async def test_blob_lock_wait_is_cancellable(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    async with blob_lock(path):
        with anyio.move_on_after(0.2) as scope:
            async with blob_lock(path):
                pytest.fail("acquired a held lock")
        assert scope.cancelled_caught
    async with blob_lock(path, lock_timeout=1):  # released properly
        pass


def make_shared_blob_cache(cache: Path, repo: RepoCache, commit: str, data: bytes) -> str:
    """The 2.x shared Xet store: blobs/<2 hex>/<hash> (+ marker), per-repo blob = a symlink."""
    xet = hashlib.sha256(b"xet" + data).hexdigest()
    store = cache / "blobs"
    (store / xet[:2]).mkdir(parents=True)
    (store / ".huggingface-shared-blobs").write_text("1\n")
    (store / xet[:2] / xet).write_bytes(data)
    etag = hashlib.sha256(data).hexdigest()
    prepare_repo(repo, commit)
    os.symlink(os.path.relpath(store / xet[:2] / xet, repo.blobs_dir), repo.blob_path(etag))
    pointer = repo.pointer_path(commit, "w.safetensors")
    pointer.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(repo.blob_path(etag), pointer.parent), pointer)
    write_ref(repo, "main", commit)
    return etag


def test_shared_blob_layout_is_read_and_never_written_through(tmp_path: Path) -> None:
    repo = RepoCache(tmp_path, "acme/m")
    data = b"weights" * 100
    etag = make_shared_blob_cache(tmp_path, repo, COMMIT, data)
    found = try_to_load_from_cache("acme/m", "w.safetensors", tmp_path)
    assert isinstance(found, str)
    assert Path(found).read_bytes() == data
    # a second commit with the same content links the same per-repo blob
    from hubclient.cache import link_pointers

    other = repo.pointer_path(COMMIT2, "w.safetensors")
    link_pointers(repo, etag, [other], SymlinkPolicy(), new_blob=False)
    assert other.read_bytes() == data
    # replacing the blob (force download) replaces the link, never the shared payload
    tmp = repo.blobs_dir / f"{etag}.abcdef12.incomplete"
    tmp.write_bytes(data)
    install_blob(repo, tmp, etag, [other], SymlinkPolicy())
    assert not repo.blob_path(etag).is_symlink()
    shared = next((tmp_path / "blobs").glob("*/*"))
    assert shared.read_bytes() == data
    scan_warnings = __import__("huggingface_hub").scan_cache_dir(tmp_path).warnings
    assert scan_warnings == []


@pytest.mark.anyio
async def test_our_lock_and_filelock_exclude_each_other(tmp_path: Path) -> None:
    from filelock import FileLock, Timeout

    path = tmp_path / ".locks" / "models--acme--m" / "e.lock"
    async with blob_lock(path):
        with pytest.raises(Timeout):
            FileLock(str(path)).acquire(blocking=False)  # what huggingface_hub takes
    assert stat_mode(path) == 0o664
    theirs = FileLock(str(path), thread_local=False)
    theirs.acquire()
    try:
        with pytest.raises(LockTimeoutError):
            async with blob_lock(path, lock_timeout=0.2):
                pass
    finally:
        theirs.release()
    async with blob_lock(path, lock_timeout=1):
        pass


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
