"""The Dataset Viewer API of the local Hub, on its extra origin ``datasets-server``
(``http://datasets-server.local`` in-process): ``GET /parquet?dataset=…[&config=…]``.

The real viewer converts every dataset to Parquet (``refs/convert/parquet``); this one lists
the Parquet files a dataset's default branch already holds, in the viewer's answer shape: a
file at ``<config>/<split>/<name>.parquet`` belongs to that config and split, any other to
config ``default``, its split named by the file (``train-…``, ``test…``, ``validation…``) or
its folder, else ``train``. URLs point at the Hub's resolve route of each file. A dataset
that is missing, or private or gated to the caller, gets the viewer's answer for all three: 401
``ExternalUnauthenticatedError`` without a token, 404 ``ExternalAuthenticatedError`` with one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from hubclient.testing._errors import HubError
from hubclient.testing._hub_app import lifespan
from hubclient.testing._web import HubState, json_response, serve_plain

__all__ = ["ViewerApp"]

_SPLITS = ("train", "test", "validation")
_ALIASES = {"valid": "validation", "dev": "validation", "eval": "validation"}


def _split_of(word: str) -> str | None:
    head = word.lower().split("-", 1)[0].split("_", 1)[0].split(".", 1)[0]
    head = _ALIASES.get(head, head)
    return head if head in _SPLITS else None


def config_and_split(path: str) -> tuple[str, str]:
    """The viewer's (config, split) of a Parquet file at ``path`` in the repo."""
    parts = path.split("/")
    if len(parts) == 3 and _split_of(parts[1]) is not None:
        return parts[0], parts[1]
    split = _split_of(parts[-1]) or (_split_of(parts[-2]) if len(parts) > 1 else None)
    return "default", split or "train"


def _not_accessible(*, authenticated: bool) -> HubError:
    """The viewer's answer for a dataset that is missing, private or gated to the caller: 401
    ``ExternalUnauthenticatedError`` without a token, 404 ``ExternalAuthenticatedError`` with
    one (it does not tell which)."""
    if authenticated:
        return HubError(
            404,
            "The dataset does not exist, or is not accessible with the current credentials "
            "(private or gated). Please check the spelling of the dataset name or retry with "
            "other authentication credentials.",
            "ExternalAuthenticatedError",
        )
    return HubError(
        401,
        "The dataset does not exist, or is not accessible without authentication (private or "
        "gated). Please check the spelling of the dataset name or retry with authentication.",
        "ExternalUnauthenticatedError",
    )


class ViewerApp:
    """ASGI app of the ``datasets-server`` origin."""

    def __init__(self, state: HubState, origins: Mapping[str, str]) -> None:
        self.state = state
        self.hub_url = origins["hub"].rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        await serve_plain(scope, receive, send, self._answer, "local Dataset Viewer")

    async def _answer(self, request: Request) -> Response:
        if request.url.path.rstrip("/") != "/parquet" or request.method not in ("GET", "HEAD"):
            raise HubError(404, f"Not found: {request.method} {request.url.path}")
        dataset = request.query_params.get("dataset")
        if not dataset:
            raise HubError(422, "Parameter 'dataset' is required", "MissingRequiredParameter")
        identity = self.state.accounts.identify(request.headers.get("authorization"))
        repo = self.state.store.find("dataset", dataset)
        # what the Hub lets this caller read: private and gated datasets only for members
        readable = repo is not None and (
            not (repo.private or repo.gated)
            or (identity is not None and identity.member_of(repo.namespace))
        )
        if repo is None or not readable:
            raise _not_accessible(authenticated=identity is not None)
        wanted = request.query_params.get("config")
        head = repo.resolve(None).commit
        files: list[dict[str, Any]] = []
        for path, entry in sorted(repo.snapshot(head).files.items()):
            if not path.endswith(".parquet"):
                continue
            config, split = config_and_split(path)
            if wanted is not None and config != wanted:
                continue
            files.append(
                {
                    "dataset": dataset,
                    "config": config,
                    "split": split,
                    "url": f"{self.hub_url}/datasets/{dataset}/resolve/main/{quote(path)}",
                    "filename": path.rsplit("/", 1)[-1],
                    "size": entry.size,
                }
            )
        return json_response(
            {"parquet_files": files, "pending": [], "failed": [], "partial": False}
        )
