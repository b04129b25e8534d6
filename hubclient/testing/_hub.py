"""`LocalHub`: the store, accounts, faults and request log behind the in-process and served apps."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from hubclient.testing._accounts import Accounts
from hubclient.testing._api_commit import decide_lfs
from hubclient.testing._errors import HubError
from hubclient.testing._faults import Faults, RequestLog, instrument
from hubclient.testing._gitobjects import DEFAULT_GITATTRIBUTES
from hubclient.testing._hub_app import HubApp
from hubclient.testing._operations import Operation, Put
from hubclient.testing._patterns import GitAttributes
from hubclient.testing._repo import Repo
from hubclient.testing._serve import (
    PLAIN,
    Engine,
    ServedApps,
    behind,
    bind,
    choose_engine,
    public_origin,
    start,
    url_of,
)
from hubclient.testing._signing import Signer
from hubclient.testing._storage_app import StorageApp
from hubclient.testing._store import REPO_TYPES, Store
from hubclient.testing._transport import LocalTransport
from hubclient.testing._web import Config, HubState

if TYPE_CHECKING:
    from starlette.types import ASGIApp

__all__ = ["LocalHub", "ServedHub"]


@dataclass
class ServedHub:
    """A local Hub listening on real sockets (see `LocalHub.serve`)."""

    hub_url: str
    """Where clients reach the API: the public URL when one was given, else where it listens."""
    storage_url: str
    """The origin the storage URLs it hands out point at (public, or where storage listens)."""
    hub: LocalHub
    bound_hub_url: str = ""
    """Where the hub origin listens (the upstream of whatever stands in front of it)."""
    bound_storage_url: str = ""
    engine: Engine = PLAIN
    """The event loop and HTTP parser serving both origins."""


class LocalHub:
    """A faithful, self-contained Hugging Face Hub for tests, in-process or on sockets.

    Example::

        hub = LocalHub()
        hub.add_user("alice", orgs=["acme"])
        hub.add_token("hf_alice_write", user="alice", role="write")
        sha = hub.seed_repo("alice/model", {"README.md": b"# hi", "w.bin": b"\\0" * 10})
        async with httpx.AsyncClient(transport=hub.async_transport()) as http:
            info = (await http.get(f"{hub.hub_url}/api/models/alice/model")).json()
        hub.close()

    Args:
        data_dir: where repos, commits, refs and objects live (``None``: a temp dir removed by
            `close`). The same dir after a restart gives the same hub.
        hub_url, storage_url: the in-process origins `async_transport` answers (served hubs use
            their real ``http://127.0.0.1:<port>`` origins instead).
        lfs_multipart_threshold, lfs_chunk_size: LFS uploads of at least the threshold go
            multipart, in parts of ``lfs_chunk_size`` bytes; smaller ones use one PUT.
        lfs_size_threshold: preupload answers ``lfs`` for files at least this big.
        page_size, expand_page_size: entries per page of listings, tree and commits (the
            second for tree with ``expand``); as low as 1.
        signed_url_ttl: lifetime of presigned storage URLs, in seconds.
        fault_seed: seed of the random draws of `FaultRule.probability`.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        hub_url: str = "http://hub.local",
        storage_url: str = "http://storage.local",
        lfs_multipart_threshold: int = 16 * 1024 * 1024,
        lfs_chunk_size: int = 8 * 1024 * 1024,
        lfs_size_threshold: int = 10 * 1000 * 1000,
        page_size: int = 1000,
        expand_page_size: int = 50,
        signed_url_ttl: float = 3600.0,
        fault_seed: int = 0,
    ) -> None:
        if page_size < 1 or expand_page_size < 1 or lfs_chunk_size < 1:
            raise ValueError("page sizes and the chunk size must be >= 1")
        self._temp = data_dir is None
        self.data_dir = (
            Path(tempfile.mkdtemp(prefix="localhub-")) if data_dir is None else Path(data_dir)
        )
        # a temporary data dir goes away with the hub even when close() is forgotten
        self._cleanup = (
            weakref.finalize(self, shutil.rmtree, self.data_dir, True) if self._temp else None
        )
        self.hub_url = hub_url.rstrip("/")
        self.storage_url = storage_url.rstrip("/")
        self.config = Config(
            lfs_multipart_threshold=lfs_multipart_threshold,
            lfs_chunk_size=lfs_chunk_size,
            lfs_size_threshold=lfs_size_threshold,
            page_size=page_size,
            expand_page_size=expand_page_size,
            signed_url_ttl=signed_url_ttl,
        )
        self.accounts = Accounts()
        store = Store(self.data_dir)
        self.state = HubState(
            store, self.accounts, Signer(self.data_dir / "signing.key", signed_url_ttl), self.config
        )
        self.faults = Faults(fault_seed)
        self.log = RequestLog()
        self._served: list[ServedApps] = []
        self._closed = False

    @property
    def store(self) -> Store:
        return self.state.store

    # --- accounts ---

    def add_user(self, name: str, orgs: list[str] | tuple[str, ...] = ()) -> None:
        """Register a user (and the organisations it belongs to)."""
        self.accounts.add_user(name, orgs)

    def add_token(self, token: str, *, user: str, role: str = "write") -> None:
        """Let `token` act as `user`, with ``role`` ``"read"`` or ``"write"``."""
        self.accounts.add_token(token, user=user, role=role)

    # --- apps ---

    def apps(self, hub_url: str, storage_url: str) -> tuple[ASGIApp, ASGIApp]:
        """The instrumented hub and storage ASGI apps for the given origins."""
        hub = instrument(
            HubApp(self.state, hub_url, storage_url), origin="hub", faults=self.faults, log=self.log
        )
        storage = instrument(
            StorageApp(self.state), origin="storage", faults=self.faults, log=self.log
        )
        return hub, storage

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that answers `hub_url` and `storage_url` in-process."""
        hub, storage = self.apps(self.hub_url, self.storage_url)
        return LocalTransport({self.hub_url: hub, self.storage_url: storage})

    @contextmanager
    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        storage_port: int = 0,
        *,
        log_level: str = "warning",
        public_url: str | None = None,
        storage_public_url: str | None = None,
        loop: str = "asyncio",
        http: str = "h11",
    ) -> Iterator[ServedHub]:
        """Serve both origins with uvicorn (port 0: a free port) until the block exits.

        ``public_url`` / ``storage_public_url``: the origins that stand in front of the two
        sockets (a proxy, a container's port mapping); the URLs the Hub hands out (redirects,
        links, presigned storage URLs) point there. ``loop`` / ``http``: ``auto`` takes uvloop
        and httptools when installed (see ``choose_engine``).
        """
        engine = choose_engine(loop, http)
        public_hub = public_origin(public_url) if public_url else None
        public_storage = public_origin(storage_public_url) if storage_public_url else None
        hub_sock, storage_sock = bind(host, port), bind(host, storage_port)
        hub_url, storage_url = url_of(hub_sock), url_of(storage_sock)
        hub_app, storage_app = self.apps(public_hub or hub_url, public_storage or storage_url)
        if public_hub:
            hub_app = behind(hub_app, public_hub)
        if public_storage:
            storage_app = behind(storage_app, public_storage)
        served = start(
            [(hub_app, hub_sock), (storage_app, storage_sock)], log_level=log_level, engine=engine
        )
        self._served.append(served)
        try:
            yield ServedHub(
                public_hub or hub_url,
                public_storage or storage_url,
                self,
                bound_hub_url=hub_url,
                bound_storage_url=storage_url,
                engine=engine,
            )
        finally:
            served.stop()
            self._served.remove(served)

    def close(self) -> None:
        """Stop serving and, for a temporary data dir, delete it."""
        if self._closed:
            return
        self._closed = True
        for served in list(self._served):
            served.stop()
        self.store.objects.close()
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> LocalHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update_repo(
        self,
        repo_id: str,
        *,
        repo_type: str = "model",
        private: bool | None = None,
        gated: bool | str | None = None,
        disabled: bool | None = None,
    ) -> None:
        """Change a repo's settings directly (``disabled`` repos answer 403 to everybody)."""
        repo = self.store.find(repo_type, repo_id)
        if repo is None:
            raise KeyError(f"no {repo_type} repo {repo_id}")
        changes: dict[str, object] = {}
        if private is not None:
            changes["private"] = private
        if gated is not None:
            changes["gated"] = "auto" if gated is True else gated
        if disabled is not None:
            changes["disabled"] = disabled
        repo.update_meta(**changes)

    # --- seeding ---

    def seed_repo(
        self,
        repo_id: str,
        files: Mapping[str, bytes | str] | Path | str,
        *,
        repo_type: str = "model",
        private: bool = False,
        gated: bool | str = False,
        revision: str = "main",
        message: str = "seed",
        author: str | None = None,
    ) -> str:
        """Create the repo if needed and commit `files` (a dict or a local folder) on `revision`.

        The branch is created from ``main`` when missing. Files go to LFS by the same rule as
        preupload (``.gitattributes`` at the revision, size, binary content). Returns the commit
        sha.
        """
        if repo_type not in REPO_TYPES:
            raise ValueError(f"repo_type must be one of {REPO_TYPES}, not {repo_type!r}")
        if repo_id.count("/") != 1:
            raise ValueError(f"repo_id must be 'namespace/name', not {repo_id!r}")
        namespace = repo_id.split("/", 1)[0]
        gated_value: str | bool = "auto" if gated is True else gated
        store = self.store
        repo = store.find(repo_type, repo_id)
        if repo is None:
            repo, _ = store.create(
                repo_type,
                repo_id,
                author=author or namespace,
                initial=revision != "main",
                private=private,
                gated=gated_value,
            )
        elif private or gated_value:
            repo.update_meta(
                **({"private": True} if private else {}),
                **({"gated": gated_value} if gated_value else {}),
            )
        if repo.refs.heads:
            try:
                repo.resolve(revision)
            except HubError:
                repo.create_branch(revision, None)
        operations = self._seed_operations(repo, revision, files)
        commit, _ = repo.apply(
            revision,
            operations,
            title=message,
            description="",
            author=author or namespace,
            parent_commit=None,
            create_pr=False,
            object_size=store.objects.size,
            store_regular=store.objects.put_bytes,
        )
        return commit.id

    def _seed_operations(
        self, repo: Repo, revision: str, files: Mapping[str, bytes | str] | Path | str
    ) -> list[Operation]:
        store = self.store
        if repo.refs.heads:
            snapshot = repo.snapshot(repo.resolve(revision).commit)
            entry = snapshot.files.get(".gitattributes")
            text = store.objects.read_bytes(entry.sha256).decode() if entry else ""
        else:
            text = DEFAULT_GITATTRIBUTES.decode()
        if isinstance(files, Mapping) and ".gitattributes" in files:
            value = files[".gitattributes"]
            text = value if isinstance(value, str) else value.decode()
        attributes = GitAttributes.parse(text)
        threshold = self.config.lfs_size_threshold
        operations: list[Operation] = []
        if isinstance(files, Mapping):
            for path, value in files.items():
                data = value.encode() if isinstance(value, str) else bytes(value)
                clean = path.strip("/")
                lfs = decide_lfs(clean, len(data), data[:512], attributes, threshold)
                sha256 = store.objects.put_bytes(data)
                operations.append(Put(clean, sha256, len(data), lfs, None if lfs else data))
            return operations
        root = Path(files)
        if not root.is_dir():
            raise ValueError(f"{root} is not a folder")
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = file.relative_to(root).as_posix()
            if relative.startswith((".git/", ".cache/huggingface/")):
                continue
            size = file.stat().st_size
            with file.open("rb") as f:
                sample = f.read(512)
            lfs = decide_lfs(relative, size, sample, attributes, threshold)
            if lfs:
                writer = store.objects.writer()
                with file.open("rb") as f:
                    while chunk := f.read(1024 * 1024):
                        writer.write(chunk)
                operations.append(Put(relative, writer.finish(), size, True))
            else:
                data = file.read_bytes()
                operations.append(Put(relative, store.objects.put_bytes(data), size, False, data))
        return operations
