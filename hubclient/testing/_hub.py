"""`LocalHub`: the store, accounts, faults and request log behind the in-process and served apps."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import anyio
import httpx
from anyio.from_thread import start_blocking_portal

from hubclient.testing import _api_endpoints, _api_users, _catalog
from hubclient.testing._accounts import Accounts
from hubclient.testing._api_access_requests import add_request
from hubclient.testing._api_commit import decide_lfs
from hubclient.testing._api_oauth import oauth_document, register_app
from hubclient.testing._clock import Clock, ManualClock, WallClock, dated
from hubclient.testing._endpoints import EndpointsControl
from hubclient.testing._errors import HubError
from hubclient.testing._faults import Faults, RequestLog, instrument
from hubclient.testing._gitobjects import DEFAULT_GITATTRIBUTES
from hubclient.testing._hub_app import HubApp
from hubclient.testing._jobs import JobsControl
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
from hubclient.testing._spaces import SpacesControl
from hubclient.testing._storage_app import StorageApp
from hubclient.testing._store import REPO_TYPES, Store
from hubclient.testing._transport import LocalTransport
from hubclient.testing._viewer_app import ViewerApp
from hubclient.testing._web import Config, HubState
from hubclient.testing._webhook_delivery import WebhookOutbox
from hubclient.testing._xet_app import CasApp
from hubclient.testing._xet_service import XetService

if TYPE_CHECKING:
    from starlette.types import ASGIApp

__all__ = ["LocalHub", "OriginApp", "ServedHub"]

OriginApp: TypeAlias = "Callable[[Mapping[str, str]], ASGIApp]"
"""Builds the ASGI app of an extra origin from the URLs of every origin (``hub``, ``storage``
and the extra ones, by name), as the clients reach them."""

_ORIGIN_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}\Z")


class _Routed(httpx.AsyncBaseTransport):
    """Origins of in-process apps to their transport, every other URL to the network."""

    def __init__(
        self, local: httpx.AsyncBaseTransport, origins: set[str], network: httpx.AsyncBaseTransport
    ) -> None:
        self._local = local
        self._origins = {o.rstrip("/") for o in origins}
        self._network = network

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")
        chosen = self._local if origin in self._origins else self._network
        return await chosen.handle_async_request(request)

    async def aclose(self) -> None:
        await self._network.aclose()


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
    """The event loop and HTTP parser serving the origins."""
    origins: dict[str, str] = field(default_factory=dict)
    """Where clients reach every origin, by name: ``hub``, ``storage`` and the extra origins
    (``endpoints``, …; see `LocalHub.add_origin`)."""
    bound_origins: dict[str, str] = field(default_factory=dict)
    """Where every origin listens, by name."""

    def url(self, origin: str) -> str:
        """The URL clients reach the origin ``origin`` at (``KeyError`` for an unknown one)."""
        return self.origins[origin]

    @property
    def inference_endpoints_url(self) -> str:
        """The Inference Endpoints API of this hub (``AsyncHubClient(inference_endpoints_url=)``;
        for huggingface_hub, ``constants.INFERENCE_ENDPOINTS_ENDPOINT``)."""
        return f"{self.origins['endpoints']}/v2"

    @property
    def inference_catalog_url(self) -> str:
        """The Inference Catalog API of this hub (``AsyncHubClient(inference_catalog_url=)``;
        for huggingface_hub, ``constants.INFERENCE_CATALOG_ENDPOINT``)."""
        return f"{self.origins['endpoints']}/api/v1/catalog"


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
        hub_url: the in-process hub origin `async_transport` answers (served hubs use their
            real ``http://127.0.0.1:<port>`` origins instead).
        storage_url: the in-process storage origin, likewise.
        lfs_multipart_threshold: LFS uploads of at least this many bytes go multipart; smaller
            ones use one PUT.
        lfs_chunk_size: the part size of multipart LFS uploads.
        lfs_size_threshold: preupload answers ``lfs`` for files at least this big.
        page_size: entries per page of listings, tree and commits; as low as 1.
        expand_page_size: entries per page of the tree with ``expand``.
        signed_url_ttl: lifetime of presigned storage URLs, in seconds.
        fault_seed: seed of the random draws of `FaultRule.probability`.
        clock: the time Space builds, Jobs and Inference Endpoints follow (default the real
            time; a `ManualClock` moves only when the test calls `advance`).
        xet: serve Xet storage, as the Hub does: a CAS on the extra origin ``cas``
            (``http://cas.local`` in-process), Xet tokens, ``xetHash``/``X-Xet-Hash`` for files
            uploaded through Xet, ``"transfer": "xet"`` to LFS batches that offer it. ``False``:
            a Hub without Xet (its token routes answer 404, batches get classic LFS).
        xet_token_ttl: lifetime of Xet access tokens, in seconds.
        endpoints_url: the in-process origin of the Inference Endpoints API, the Inference
            Catalog and the deployed endpoints (an extra origin named ``endpoints``).
        dataset_viewer: serve the Dataset Viewer API (``list_dataset_parquet_files``) on the
            extra origin ``datasets-server`` (``http://datasets-server.local`` in-process):
            point a client's ``datasets_server_url`` at it.

    Besides the hub and storage origins, areas of the Hub that live on origins of their own
    (the Inference Endpoints API, a Xet CAS, the Dataset Viewer) are extra origins:
    `add_origin` registers one, `async_transport` answers it in-process at its URL, and
    `serve` gives it a socket.
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
        clock: Clock | None = None,
        xet: bool = True,
        xet_token_ttl: float = 3600.0,
        endpoints_url: str = "http://endpoints.local",
        dataset_viewer: bool = False,
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
            store,
            self.accounts,
            Signer(self.data_dir / "signing.key", signed_url_ttl),
            self.config,
            clock=clock or WallClock(),
        )
        self.webhooks = WebhookOutbox(self.state.documents, self.accounts, self.state.events)
        """Webhook deliveries: ``webhooks.policy`` (retries, timeout, limits),
        ``webhooks.deliveries()``, ``webhooks.wait_idle()``."""
        self.faults = Faults(fault_seed)
        self.log = RequestLog()
        self._served: list[ServedApps] = []
        self._closed = False
        self._extra_apps: dict[str, OriginApp] = {}
        self.origin_urls: dict[str, str] = {}
        """The in-process URL of every extra origin, by name."""
        if xet:
            service = XetService(
                self.data_dir, token_ttl=xet_token_ttl, signed_url_ttl=signed_url_ttl
            )
            self.state.xet = service
            self.add_origin("cas", lambda origins: CasApp(service, origins["cas"]))
        self.add_origin("endpoints", self._endpoints_app, url=endpoints_url)
        if dataset_viewer:
            state = self.state
            self.add_origin("datasets-server", lambda origins: ViewerApp(state, origins))

    @property
    def store(self) -> Store:
        return self.state.store

    # --- lifecycles ---

    @property
    def clock(self) -> Clock:
        """The time lifecycles follow (see `advance`)."""
        return self.state.clock

    def advance(self, seconds: float) -> float:
        """Move a `ManualClock` forward (Spaces build, Jobs run, Endpoints start meanwhile);
        returns the new time. ``TypeError`` on the wall clock."""
        clock = self.state.clock
        if not isinstance(clock, ManualClock):
            raise TypeError("advance() needs LocalHub(clock=ManualClock())")
        return clock.advance(seconds)

    @property
    def spaces(self) -> SpacesControl:
        """Plans of Space builds and a look at their runtime (see ``SpacesControl``)."""
        return SpacesControl(self.state)

    @property
    def endpoints(self) -> EndpointsControl:
        """Plans of Inference Endpoint deployments and a look at their state."""
        return EndpointsControl(self.state)

    @property
    def inference_endpoints_url(self) -> str:
        """The in-process Inference Endpoints API (served hubs: `ServedHub`'s)."""
        return f"{self.origin_urls['endpoints']}/v2"

    @property
    def inference_catalog_url(self) -> str:
        """The in-process Inference Catalog API (served hubs: `ServedHub`'s)."""
        return f"{self.origin_urls['endpoints']}/api/v1/catalog"

    def _endpoints_app(self, origins: Mapping[str, str]) -> ASGIApp:
        return HubApp(
            self.state,
            origins["endpoints"],
            origins["storage"],
            origins,
            routes=_api_endpoints.ROUTES,
        )

    @property
    def jobs(self) -> JobsControl:
        """Plans of Jobs, forced ends and a look at their stage (see ``JobsControl``)."""
        return JobsControl(self.state)

    # --- accounts ---

    def add_user(self, name: str, orgs: list[str] | tuple[str, ...] = ()) -> None:
        """Register a user (and the organisations it belongs to)."""
        self.accounts.add_user(name, orgs)

    def add_token(self, token: str, *, user: str, role: str = "write") -> None:
        """Let `token` act as `user`, with ``role`` ``"read"`` or ``"write"``."""
        self.accounts.add_token(token, user=user, role=role)

    # --- apps ---

    def add_origin(self, name: str, app: OriginApp, *, url: str | None = None) -> None:
        """Serve one more origin beside hub and storage (an API that lives on a host of its own).

        ``app(origins)`` builds its ASGI app from the URLs of every origin by name (``hub``,
        ``storage``, ``name`` and the other extra ones); it is built again for each transport and
        each `serve`, and wrapped like the others (faults and the request log see it as the origin
        ``name``). In-process it answers at ``url`` (default ``http://<name>.local``); `serve`
        binds it a socket of its own (``ports={name: N}`` picks the port).

        Example::

            hub.add_origin("echo", lambda origins: EchoApp(origins["echo"]))
            with hub.serve(ports={"echo": 9001}) as served:
                served.url("echo")          # http://127.0.0.1:9001
        """
        if not _ORIGIN_NAME.match(name) or name in ("hub", "storage"):
            raise ValueError(f"not a name for an extra origin: {name!r}")
        if name in self._extra_apps:
            raise ValueError(f"the origin {name!r} is already served")
        in_process = (url or f"http://{name}.local").rstrip("/")
        taken = {self.hub_url, self.storage_url, *self.origin_urls.values()}
        if public_origin(in_process) != in_process or in_process in taken:
            raise ValueError(f"not a free origin URL for {name!r}: {in_process!r}")
        self._extra_apps[name] = app
        self.origin_urls[name] = in_process

    @property
    def origins(self) -> dict[str, str]:
        """The in-process URL of every origin by name: ``hub``, ``storage`` and the extra ones."""
        return {"hub": self.hub_url, "storage": self.storage_url, **self.origin_urls}

    def apps(
        self, hub_url: str, storage_url: str, origins: Mapping[str, str] | None = None
    ) -> tuple[ASGIApp, ASGIApp]:
        """The instrumented hub and storage ASGI apps for the given origins (``origins``: the
        URLs of the extra origins by name, which the hub's answers may name)."""
        urls = {"hub": hub_url, "storage": storage_url, **(origins or {})}
        hub = instrument(
            HubApp(self.state, hub_url, storage_url, urls),
            origin="hub",
            faults=self.faults,
            log=self.log,
        )
        storage = instrument(
            StorageApp(self.state), origin="storage", faults=self.faults, log=self.log
        )
        return dated(hub, self.state.clock), dated(storage, self.state.clock)

    def extra_apps(self, origins: Mapping[str, str]) -> dict[str, ASGIApp]:
        """The instrumented app of every extra origin, for the URLs ``origins`` (all of them,
        ``hub`` and ``storage`` included, by name)."""
        return {
            name: dated(
                instrument(build(origins), origin=name, faults=self.faults, log=self.log),
                self.state.clock,
            )
            for name, build in self._extra_apps.items()
        }

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that answers every origin in-process: `hub_url`, `storage_url`
        and the extra origins at their `origin_urls`."""
        urls = self.origins
        hub, storage = self.apps(self.hub_url, self.storage_url, self.origin_urls)
        routes = {self.hub_url: hub, self.storage_url: storage}
        for name, app in self.extra_apps(urls).items():
            routes[urls[name]] = app
        return LocalTransport(routes)

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
        ports: Mapping[str, int] | None = None,
        public_urls: Mapping[str, str] | None = None,
    ) -> Iterator[ServedHub]:
        """Serve every origin with uvicorn (port 0: a free port) until the block exits.

        ``public_url`` / ``storage_public_url``: the origins that stand in front of the two
        sockets (a proxy, a container's port mapping); the URLs the Hub hands out (redirects,
        links, presigned storage URLs) point there. ``ports`` / ``public_urls``: the same for
        the extra origins, by name (see `add_origin`). ``loop`` / ``http``: ``auto`` takes
        uvloop and httptools when installed (see ``choose_engine``).
        """
        engine = choose_engine(loop, http)
        ports = dict(ports or {})
        publics = {name: public_origin(url) for name, url in (public_urls or {}).items()}
        if public_url:
            publics["hub"] = public_origin(public_url)
        if storage_public_url:
            publics["storage"] = public_origin(storage_public_url)
        unknown = (set(ports) | set(publics)) - {"hub", "storage", *self._extra_apps}
        if unknown:
            raise ValueError(f"no such origin to serve: {', '.join(sorted(unknown))}")
        ports.setdefault("hub", port)
        ports.setdefault("storage", storage_port)
        names = ["hub", "storage", *self._extra_apps]
        with ExitStack() as unbound:
            sockets = {}
            for name in names:
                sockets[name] = bind(host, ports.get(name, 0))
                unbound.callback(sockets[name].close)
            bound = {name: url_of(sock) for name, sock in sockets.items()}
            urls = {name: publics.get(name, bound[name]) for name in names}
            hub_app, storage_app = self.apps(
                urls["hub"], urls["storage"], {n: urls[n] for n in self._extra_apps}
            )
            apps = {"hub": hub_app, "storage": storage_app, **self.extra_apps(urls)}
            for name, public in publics.items():
                apps[name] = behind(apps[name], public)
            served = start(
                [(apps[name], sockets[name]) for name in names], log_level=log_level, engine=engine
            )
            unbound.pop_all()  # the server thread closes the sockets now
        self._served.append(served)
        try:
            with start_blocking_portal() as portal:  # webhooks go out from a thread of their own
                sender = portal.start_task_soon(self.webhooks.run)
                try:
                    yield ServedHub(
                        urls["hub"],
                        urls["storage"],
                        self,
                        bound_hub_url=bound["hub"],
                        bound_storage_url=bound["storage"],
                        engine=engine,
                        origins=urls,
                        bound_origins=bound,
                    )
                finally:
                    sender.cancel()
        finally:
            served.stop()
            self._served.remove(served)

    @asynccontextmanager
    async def deliver_webhooks(
        self,
        apps: Mapping[str, ASGIApp] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> AsyncIterator[WebhookOutbox]:
        """Send this hub's webhook deliveries from the current event loop until the block
        exits (for an in-process hub; a served hub sends from its own thread).

        ``apps`` maps origins (``http://bot.local``) to ASGI apps answered in-process; any
        other URL is posted over the network (or through ``transport``).

        Example::

            async with hub.deliver_webhooks({"http://bot.local": receiver}) as outbox:
                ...  # act on the hub
                with anyio.fail_after(10):
                    await outbox.wait_idle_async()
        """
        network = transport or httpx.AsyncHTTPTransport()
        routed = _Routed(LocalTransport(dict(apps or {})), set(apps or {}), network)
        async with anyio.create_task_group() as tg:
            tg.start_soon(self.webhooks.run, routed)
            try:
                yield self.webhooks
            finally:
                tg.cancel_scope.cancel()

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

    # --- community ---

    def request_access(
        self,
        repo_id: str,
        user: str,
        *,
        repo_type: str = "model",
        fields: Mapping[str, object] | None = None,
    ) -> str:
        """Let ``user`` ask for access to a gated repo (as the Hub's gate form does); returns
        the request's status (``accepted`` at once for an ``auto`` gate, else ``pending``)."""
        repo = self.store.find(repo_type, repo_id)
        if repo is None:
            raise KeyError(f"no {repo_type} repo {repo_id}")
        if not repo.gated:
            raise ValueError(f"{repo_id} is not gated")
        request = add_request(self.state.documents, repo, user, dict(fields or {}))
        return str(request["status"])

    def like(self, user: str, repo_id: str, *, repo_type: str = "model") -> None:
        """Let ``user`` like a repo (the Hub takes likes from its web pages only)."""
        repo = self.store.find(repo_type, repo_id)
        if repo is None:
            raise KeyError(f"no {repo_type} repo {repo_id}")
        _api_users.like(self.state.documents, user, repo)

    def follow(self, user: str, target: str) -> None:
        """Let ``user`` follow the user or organisation ``target``."""
        _api_users.follow(self.state.documents, user, target)

    def register_oauth_app(
        self,
        *,
        redirect_uris: list[str],
        client_id: str | None = None,
        confidential: bool = False,
        scopes: str = "openid profile email read-repos",
    ) -> tuple[str, str | None]:
        """Register an OAuth app (Sign in with HF): returns ``(client_id, client_secret)``,
        the secret None for a public app (which must use PKCE)."""
        client_id = client_id or secrets.token_hex(16)
        secret = secrets.token_urlsafe(24) if confidential else None
        register_app(oauth_document(self.state.documents), client_id, secret, redirect_uris, scopes)
        return client_id, secret

    def set_oauth_consent(self, user: str, allow: bool) -> None:
        """Whether ``user`` grants access when an app asks them to sign in (default True)."""
        doc = oauth_document(self.state.documents)
        with doc.lock:
            doc.data.setdefault("consent", {})[user] = allow
            doc.save()

    # --- Hub-wide content: papers, leaderboards ---

    def add_paper(
        self,
        paper_id: str,
        *,
        title: str,
        summary: str = "",
        authors: Sequence[str | Mapping[str, Any]] = (),
        published_at: float | None = None,
        upvotes: int = 0,
        submitted_by: str | None = None,
        submitted_at: float | None = None,
        comments: int = 0,
        **extra: Any,
    ) -> None:
        """Add (or replace) a paper page; ``submitted_by`` also puts it in the daily papers.

        ``extra`` keys are sent as they are (``githubRepo="…"``, ``ai_summary="…"``). Repos whose
        card tags hold ``arxiv:<paper_id>`` are its linked models, datasets and Spaces.
        """
        _catalog.add_paper(
            self.state.documents,
            self.hub_url,
            paper_id,
            title=title,
            summary=summary,
            authors=authors,
            published_at=published_at,
            upvotes=upvotes,
            submitted_by=submitted_by,
            submitted_at=submitted_at,
            comments=comments,
            extra=extra,
        )

    def add_leaderboard_entry(
        self,
        dataset_id: str,
        *,
        model_id: str,
        value: float,
        filename: str = "results.json",
        verified: bool = False,
        source: Mapping[str, Any] | None = None,
        pull_request: int | None = None,
        notes: str | None = None,
    ) -> None:
        """Put a model's score on a benchmark dataset's leaderboard (one entry per model).

        Models whose card declares a ``base_model`` are left out of the default listing, as on
        the Hub.
        """
        _catalog.add_leaderboard_entry(
            self.state.documents,
            dataset_id,
            model_id=model_id,
            value=value,
            filename=filename,
            verified=verified,
            source=source,
            pull_request=pull_request,
            notes=notes,
        )

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
