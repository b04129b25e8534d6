"""Small filesystem operations done the way huggingface_hub does them: atomic text writes,
the ``CACHEDIR.TAG``, umask-like blob modes, relative symlinks with a copy/move fallback.

Every function here blocks: async callers run them in a worker thread.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from hubclient.cache._layout import CACHEDIR_TAG_CONTENT, relative_link

__all__ = [
    "SymlinkPolicy",
    "atomic_write_text",
    "create_cachedir_tag",
    "create_pointer",
    "finalize_file",
    "link_or_copy_blob",
    "mode_like_new_file",
]


def atomic_write_text(path: Path, text: str, *, tmp_suffix: str | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary sibling and ``os.replace``.

    Readers see the old content or the new one, never a truncated file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}{tmp_suffix or '.tmp'}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def create_cachedir_tag(directory: Path) -> None:
    """Tag ``directory`` for backup tools (https://bford.info/cachedir/), if not done yet."""
    tag = directory / "CACHEDIR.TAG"
    if tag.exists():
        return
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        atomic_write_text(tag, CACHEDIR_TAG_CONTENT)


def mode_like_new_file(directory: Path) -> int | None:
    """The mode a new file gets in ``directory`` (umask emulation without touching the umask,
    which is process-global and not thread-safe)."""
    probe = directory / f"tmp_{uuid.uuid4()}"
    try:
        probe.touch()
        return stat.S_IMODE(probe.stat().st_mode)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def finalize_file(tmp: Path, destination: Path, *, mode: int | None = None) -> None:
    """Give ``tmp`` the mode of a new file in its folder and rename it over ``destination``.

    ``mode``: that mode if the caller already probed it (:func:`mode_like_new_file`).
    ``os.replace`` replaces an existing entry itself (a symlink into a shared store included)
    instead of writing through it.
    """
    if mode is None:
        mode = mode_like_new_file(tmp.parent)
    if mode is not None:
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(tmp, destination)
    except OSError as err:
        if err.errno != errno.EXDEV:
            raise
        staged = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.new")
        try:
            shutil.copyfile(tmp, staged)
            os.replace(staged, destination)
        finally:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
        tmp.unlink()


@dataclass
class SymlinkPolicy:
    """Whether pointers in ``snapshots/`` are symlinks, probed once per directory.

    ``disabled`` mirrors ``HF_HUB_DISABLE_SYMLINKS`` (read by whoever builds the policy).
    """

    disabled: bool = False
    _probed: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SymlinkPolicy:
        env = os.environ if environ is None else environ
        value = env.get("HF_HUB_DISABLE_SYMLINKS", "")
        return cls(disabled=value.strip().upper() in {"1", "ON", "YES", "TRUE"})

    def known_supported(self, directory: Path) -> bool | None:
        """What :meth:`supported` found for ``directory`` (None: not probed yet); no I/O."""
        if self.disabled:
            return False
        return self._probed.get(str(directory))

    def supported(self, directory: Path) -> bool:
        if self.disabled:
            return False
        raw = str(directory)
        if raw in self._probed:  # the resolve() below costs a stat per path component
            return self._probed[raw]
        key = str(directory.expanduser().resolve())
        if key not in self._probed:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=directory) as tmp:
                src = Path(tmp) / "dummy_file_src"
                src.touch()
                dst = Path(tmp) / "dummy_file_dst"
                try:
                    os.symlink(os.path.relpath(src, start=dst.parent), dst)
                    self._probed[key] = True
                except OSError:
                    self._probed[key] = False
        self._probed[raw] = self._probed[key]
        return self._probed[key]


def create_pointer(
    blob: Path, pointer: Path, *, policy: SymlinkPolicy, cache_dir: Path, new_blob: bool
) -> None:
    """Make ``pointer`` (a path in ``snapshots/``) give the content of ``blob``.

    A relative symlink when the cache supports them (an absolute one if no relative path
    exists); otherwise a new blob is moved into place and an existing one copied, as
    huggingface_hub does. Replaces whatever ``pointer`` was.
    """
    pointer.parent.mkdir(parents=True, exist_ok=True)
    if policy.supported(cache_dir):
        try:
            target = relative_link(blob, pointer)
        except ValueError:  # different drives (Windows)
            target = os.path.abspath(blob)
        try:
            os.symlink(target, pointer)
            return
        except FileExistsError:
            pass  # replaced atomically below
        except PermissionError:
            target = ""  # symlinks refused across volumes: fall back to a copy
        if target:
            tmp = pointer.with_name(f".{pointer.name}.{uuid.uuid4().hex[:8]}.link")
            try:
                os.symlink(target, tmp)
                os.replace(tmp, pointer)
                return
            except PermissionError:
                pass
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
    link_or_copy_blob(blob, pointer, move=new_blob and not blob.is_symlink())


def link_or_copy_blob(blob: Path, destination: Path, *, move: bool) -> None:
    """Move (``move=True``) or copy ``blob`` to ``destination`` atomically."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if move:
        with contextlib.suppress(OSError):
            os.replace(blob, destination)
            return
    staged = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.copy")
    try:
        shutil.copyfile(blob, staged)
        os.replace(staged, destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
    if move:
        with contextlib.suppress(OSError):
            blob.unlink()
