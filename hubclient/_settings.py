"""Client settings, read from the ``HF_*`` environment when a client is built (never at import).

Every field can be overridden per client::

    settings = HubSettings.from_env(endpoint="http://127.0.0.1:8000", max_retries=0)
    settings.token          # HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the token file, unless disabled

Environment variables honoured (the same as huggingface_hub): ``HF_ENDPOINT``, ``HF_TOKEN``,
``HUGGING_FACE_HUB_TOKEN``, ``HF_TOKEN_PATH``, ``HF_HOME`` (``XDG_CACHE_HOME``), ``HF_HUB_CACHE``
(``HUGGINGFACE_HUB_CACHE``), ``HF_HUB_OFFLINE`` (``TRANSFORMERS_OFFLINE``),
``HF_HUB_DISABLE_IMPLICIT_TOKEN``, ``HF_HUB_ETAG_TIMEOUT``, ``HF_HUB_DOWNLOAD_TIMEOUT``,
``HF_HUB_DISABLE_PROGRESS_BARS``, ``HF_HUB_DISABLE_XET``.
``HF_HUB_DISABLE_PROGRESS_BARS``; and hubclient's own ``HUBCLIENT_HTTP_BACKEND``
(``auto``, ``aiohttp`` or ``httpx``: see ``http_backend``).
"""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hubclient._urls import origin_of
from hubclient._version import __version__
from hubclient.errors import HFValidationError, LocalTokenNotFoundError

__all__ = [
    "DEFAULT_DATASETS_SERVER_URL",
    "DEFAULT_ENDPOINT",
    "DEFAULT_INFERENCE_CATALOG_URL",
    "DEFAULT_INFERENCE_ENDPOINTS_URL",
    "HubSettings",
    "default_user_agent",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_INFERENCE_ENDPOINTS_URL = "https://api.endpoints.huggingface.cloud/v2"
"""The Inference Endpoints API (huggingface_hub's ``constants.INFERENCE_ENDPOINTS_ENDPOINT``;
it reads no environment variable for it)."""
DEFAULT_INFERENCE_CATALOG_URL = "https://endpoints.huggingface.co/api/v1/catalog"
"""The Inference Catalog API (huggingface_hub's ``constants.INFERENCE_CATALOG_ENDPOINT``)."""
DEFAULT_DATASETS_SERVER_URL = "https://datasets-server.huggingface.co"
"""The Dataset Viewer API of huggingface.co (huggingface_hub's
``constants.DATASETS_SERVER_ENDPOINT``; no environment variable)."""
_BACKENDS = ("auto", "aiohttp", "httpx")
_TRUE = {"1", "ON", "YES", "TRUE"}


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().upper() in _TRUE


def _as_float(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _backend_from_env(environ: Mapping[str, str]) -> str:
    return (environ.get("HUBCLIENT_HTTP_BACKEND") or "auto").strip().lower() or "auto"


def _expand(path: str) -> Path:
    return Path(os.path.expandvars(os.path.expanduser(path)))


def _clean_token(token: str | None) -> str | None:
    if token is None:
        return None
    token = token.replace("\r", "").replace("\n", "").strip()
    return token or None


def default_user_agent() -> str:
    """``hubclient/<version>; python/<x.y.z>``: names the library on every Hub request."""
    return f"hubclient/{__version__}; python/{platform.python_version()}"


#: The APIs beside the Hub that get its token (settings), each with huggingface.co's URL.
CompanionApi = Literal["inference_endpoints_url", "inference_catalog_url", "datasets_server_url"]
_COMPANION_DEFAULTS: dict[CompanionApi, str] = {
    "inference_endpoints_url": DEFAULT_INFERENCE_ENDPOINTS_URL,
    "inference_catalog_url": DEFAULT_INFERENCE_CATALOG_URL,
    "datasets_server_url": DEFAULT_DATASETS_SERVER_URL,
}


class HubSettings(BaseModel):
    """Everything a client needs to know before it sends a request. Immutable.

    Build it with :meth:`from_env` (environment + overrides), copy it with :meth:`replace`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: str = DEFAULT_ENDPOINT
    """Base URL of the Hub, without a trailing ``/`` (may carry a path prefix)."""
    inference_endpoints_url: str = DEFAULT_INFERENCE_ENDPOINTS_URL
    """Base URL of the Inference Endpoints API (its own origin; it gets the token too)."""
    inference_catalog_url: str = DEFAULT_INFERENCE_CATALOG_URL
    """Base URL of the Inference Catalog API (its own origin; it gets the token too)."""
    datasets_server_url: str = DEFAULT_DATASETS_SERVER_URL
    """Base URL of the Dataset Viewer API (``list_dataset_parquet_files``). It gets the token
    too, once it serves the endpoint's Hub: huggingface.co's viewer only for huggingface.co
    (see `viewer_serves_endpoint`)."""
    token: str | None = Field(default=None, repr=False)
    """The token sent to the Hub origin by default (None: anonymous)."""
    offline: bool = False
    """Raise ``OfflineModeIsEnabled`` before any request is sent."""
    hf_home: Path = Field(default_factory=lambda: Path("~/.cache/huggingface").expanduser())
    hub_cache: Path = Field(default_factory=lambda: Path("~/.cache/huggingface/hub").expanduser())
    token_path: Path = Field(
        default_factory=lambda: Path("~/.cache/huggingface/token").expanduser()
    )
    disable_progress_bars: bool = False
    xet: bool = True
    """Move LFS files through Xet where the Hub offers it and hf_xet is installed (the ``xet``
    extra); ``HF_HUB_DISABLE_XET=1`` turns it off. Without hf_xet: classic LFS."""

    timeout: float | None = 60.0
    """Seconds per read/write/pool operation of API calls (None: no limit)."""
    connect_timeout: float = 10.0
    etag_timeout: float = 10.0
    """Seconds for file-metadata (HEAD) requests."""
    download_timeout: float = 10.0
    """Seconds per connect/read operation while downloading content."""

    max_retries: int = 5
    """Retries after the first try, for idempotent calls on 408/429/5xx and network errors."""
    connect_retries: int = 1
    """Retries of a connection that cannot be opened to an origin that has never answered this
    client (at most ``max_retries``; none when the name does not resolve or the connect attempt
    timed out), so that a wrong or unreachable endpoint fails fast."""
    retry_backoff_base: float = 1.0
    retry_backoff_max: float = 8.0
    max_retry_wait: float = 300.0
    """Longest server-requested wait (Retry-After / RateLimit) honoured before giving up."""

    max_connections: int = 100
    max_keepalive_connections: int = 100
    keepalive_expiry: float = 30.0
    max_redirects: int = 20
    max_response_bytes: int | None = 128 * 2**20
    """Largest API answer read, once decompressed: a buffered body, or one page of a listing
    (None: no limit). Content downloads are bounded by the file's size instead."""
    max_pages: int | None = 100_000
    """Pages of one paginated listing followed at most (None: no limit)."""
    max_items: int | None = 10_000_000
    """Items of one paginated listing yielded at most (None: no limit)."""

    http_backend: str = Field(default_factory=lambda: _backend_from_env(os.environ))
    """``auto``: aiohttp under asyncio when installed (and no httpx client or httpx-only
    transport was given), httpx otherwise; ``aiohttp``: the same but an error when aiohttp is
    missing; ``httpx``: always httpx. Trio always uses httpx. Default: ``HUBCLIENT_HTTP_BACKEND``
    or ``auto``."""

    user_agent: str = Field(default_factory=default_user_agent)
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra headers sent with every request to the Hub origin."""

    @field_validator(
        "endpoint", "inference_endpoints_url", "inference_catalog_url", "datasets_server_url"
    )
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"must be an http(s) URL such as https://huggingface.co, got {value!r}"
            )
        return value

    @field_validator("http_backend")
    @classmethod
    def _check_backend(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in _BACKENDS:
            raise ValueError(f"http_backend must be one of {', '.join(_BACKENDS)}, got {value!r}")
        return value

    @field_validator("timeout")
    @classmethod
    def _inf_is_none(cls, value: float | None) -> float | None:
        return None if value is not None and math.isinf(value) else value

    @field_validator("max_response_bytes", "max_pages", "max_items")
    @classmethod
    def _positive_bound(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError("must be >= 1 (or None: no limit)")
        return value

    @field_validator(
        "max_retries", "connect_retries", "max_connections", "max_keepalive_connections"
    )
    @classmethod
    def _non_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be >= 0")
        return value

    @classmethod
    def from_env(
        cls,
        *,
        token: str | bool | None = None,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> HubSettings:
        """Read the ``HF_*`` environment now, then apply the overrides (None means "not given").

        ``token``: a string is used as is; ``False`` means anonymous; ``True`` requires a token
        from the environment or the token file (``LocalTokenNotFoundError`` otherwise); ``None``
        takes the implicit token unless ``HF_HUB_DISABLE_IMPLICIT_TOKEN`` is set.

        Example::

            HubSettings.from_env(endpoint="http://127.0.0.1:8000", token="hf_x", max_retries=1)
        """
        environ: Mapping[str, str] = os.environ if env is None else env
        given = {k: v for k, v in overrides.items() if v is not None}

        hf_home = _expand(
            environ.get("HF_HOME")
            or os.path.join(
                environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                "huggingface",
            )
        )
        if "hf_home" in given:
            hf_home = Path(given["hf_home"])
        hub_cache = _expand(
            environ.get("HF_HUB_CACHE")
            or environ.get("HUGGINGFACE_HUB_CACHE")
            or str(hf_home / "hub")
        )
        token_path = _expand(environ.get("HF_TOKEN_PATH") or str(hf_home / "token"))

        values: dict[str, Any] = {
            "endpoint": environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT,
            "offline": _is_true(environ.get("HF_HUB_OFFLINE"))
            or _is_true(environ.get("TRANSFORMERS_OFFLINE")),
            "hf_home": hf_home,
            "hub_cache": hub_cache,
            "token_path": token_path,
            "disable_progress_bars": _is_true(environ.get("HF_HUB_DISABLE_PROGRESS_BARS")),
            "xet": not _is_true(environ.get("HF_HUB_DISABLE_XET")),
            "http_backend": _backend_from_env(environ),
        }
        etag = _as_float(environ.get("HF_HUB_ETAG_TIMEOUT"))
        if etag:
            values["etag_timeout"] = etag
        download = _as_float(environ.get("HF_HUB_DOWNLOAD_TIMEOUT"))
        if download:
            values["download_timeout"] = download
        values.update(given)

        if isinstance(token, str):
            values["token"] = _clean_token(token)
        elif token is False:
            values["token"] = None
        else:
            implicit_allowed = token is True or not _is_true(
                environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN")
            )
            found = (
                _implicit_token(environ, Path(values["token_path"])) if implicit_allowed else None
            )
            if token is True and found is None:
                raise LocalTokenNotFoundError(
                    "token=True but no token was found in HF_TOKEN, HUGGING_FACE_HUB_TOKEN "
                    "or the token file"
                )
            values["token"] = found
        return cls._validated(values)

    def replace(self, **changes: Any) -> HubSettings:
        """A validated copy with some fields changed (None values are ignored)."""
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        return type(self)._validated(data)

    @classmethod
    def _validated(cls, values: dict[str, Any]) -> HubSettings:
        """``model_validate``, a bad value raised as :class:`HFValidationError` (one line per
        field: ``endpoint: must be an http(s) URL, got 'foo'``), never as pydantic's error."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = []
            for error in exc.errors(include_url=False):
                field = ".".join(str(part) for part in error["loc"]) or "settings"
                message = str(error["msg"]).removeprefix("Value error, ")
                problems.append(f"{field}: {message}")
            raise HFValidationError("invalid client settings: " + "; ".join(problems)) from None

    @property
    def hub_origin(self) -> str:
        """``scheme://host[:port]`` of the endpoint (default ports left out)."""
        return origin_of(self.endpoint)

    def serves_endpoint(self, api: CompanionApi) -> bool:
        """Whether the API at setting ``api`` serves the endpoint's Hub: huggingface.co's
        (the defaults) serve huggingface.co only, so a client of another Hub (a private Hub, a
        mirror) names that Hub's."""
        return self.endpoint == DEFAULT_ENDPOINT or getattr(self, api) != _COMPANION_DEFAULTS[api]

    def url_for_this_hub(self, api: CompanionApi, what: str) -> str:
        """The URL at setting ``api`` (``what`` names it in the error), once it serves the
        endpoint's Hub; ``HFValidationError`` otherwise, raised before anything is sent."""
        if not self.serves_endpoint(api):
            raise HFValidationError(
                f"huggingface.co's {what} serves huggingface.co only, and this client talks to "
                f"{self.endpoint}: pass {api}= (that Hub's) to the client; huggingface.co never "
                "gets another Hub's token"
            )
        url: str = getattr(self, api)
        return url

    @property
    def viewer_serves_endpoint(self) -> bool:
        """Whether `datasets_server_url` is the Dataset Viewer of the endpoint's Hub."""
        return self.serves_endpoint("datasets_server_url")

    @property
    def token_origins(self) -> frozenset[str]:
        """The origins the token is sent to: the Hub's, and the Inference Endpoints, Catalog and
        Dataset Viewer APIs' when they serve this Hub (huggingface_hub sends the Hub token to
        all of them, whatever the Hub). Nothing else gets it: huggingface.co's APIs never get
        the token of another Hub."""
        urls = [self.endpoint]
        urls += [getattr(self, api) for api in _COMPANION_DEFAULTS if self.serves_endpoint(api)]
        return frozenset(origin_of(url) for url in urls)


def _implicit_token(environ: Mapping[str, str], token_path: Path) -> str | None:
    token = _clean_token(environ.get("HF_TOKEN") or environ.get("HUGGING_FACE_HUB_TOKEN"))
    if token is not None:
        return token
    try:
        return _clean_token(token_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
