"""Repo info, existence checks, listings, and repo management (create, delete, move, settings)."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import AsyncGenerator, Iterable, Mapping
from contextlib import aclosing
from typing import Any, Literal

import anyio

from hubclient import _urls
from hubclient._answers import parse_json, parse_model
from hubclient._http import USE_DEFAULT, HubHttp, TimeoutArg, error_from_response
from hubclient.errors import (
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from hubclient.models.repos import (
    DatasetInfo,
    DuplicatedRepoUrl,
    KernelInfo,
    ModelInfo,
    RepoUrl,
    SpaceInfo,
)

__all__ = [
    "SPACE_SDKS",
    "create_repo",
    "delete_repo",
    "duplicate_repo",
    "emission_grams",
    "list_repos",
    "move_repo",
    "needs_owner",
    "repo_exists",
    "repo_info",
    "revision_exists",
    "update_repo_settings",
    "volumes_payload",
    "within_emissions",
]

SPACE_SDKS = ("gradio", "streamlit", "docker", "static")
_SORT_NAMES = {
    "last_modified": "lastModified",
    "created_at": "createdAt",
    "trending_score": "trendingScore",
}
_CONFLICT_IN_PROGRESS = "another conflicting operation is in progress"
_MAX_CONFLICT_RETRIES = 10

_INFO_CLASSES: dict[
    str, type[ModelInfo] | type[DatasetInfo] | type[SpaceInfo] | type[KernelInfo]
] = {
    "model": ModelInfo,
    "dataset": DatasetInfo,
    "space": SpaceInfo,
    "kernel": KernelInfo,
}


def _info_params(
    *,
    files_metadata: bool,
    expand: Iterable[str] | str | None,
    security_status: bool | None,
) -> dict[str, Any]:
    expand_list = [expand] if isinstance(expand, str) else list(expand or [])
    if expand_list and (security_status or files_metadata):
        raise ValueError("`expand` cannot be used with `securityStatus` or `files_metadata`.")
    params: dict[str, Any] = {}
    if security_status:
        params["securityStatus"] = True
    if files_metadata:
        params["blobs"] = True
    if expand_list:
        params["expand"] = expand_list
    return params


async def repo_info(
    http: HubHttp,
    repo_id: str,
    *,
    repo_type: str | None = None,
    revision: str | None = None,
    timeout: TimeoutArg = USE_DEFAULT,  # noqa: ASYNC109
    files_metadata: bool = False,
    expand: Iterable[str] | str | None = None,
    security_status: bool | None = None,
    token: str | bool | None = None,
) -> ModelInfo | DatasetInfo | SpaceInfo | KernelInfo:
    kind = _urls.normalize_repo_type(repo_type)
    path = _urls.repo_info_path(kind, repo_id, revision)
    params = (
        {}  # kernels take no expand / files_metadata (huggingface_hub's kernel_info sends none)
        if kind == "kernel"
        else _info_params(
            files_metadata=files_metadata, expand=expand, security_status=security_status
        )
    )
    response = await http.request("GET", path, params=params, token=token, timeout=timeout)
    return parse_model(response, _INFO_CLASSES[kind], expected=f"a {kind} info object")


async def repo_exists(
    http: HubHttp, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None
) -> bool:
    try:
        await repo_info(http, repo_id, repo_type=repo_type, token=token)
    except GatedRepoError:
        return True  # it exists, we just may not read it
    except RepositoryNotFoundError:
        return False
    return True


async def revision_exists(
    http: HubHttp,
    repo_id: str,
    revision: str,
    *,
    repo_type: str | None = None,
    token: str | bool | None = None,
) -> bool:
    try:
        await repo_info(http, repo_id, repo_type=repo_type, revision=revision, token=token)
    except (RevisionNotFoundError, RepositoryNotFoundError):
        return False
    return True


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _prefixed(key: str, values: str | Iterable[str] | None) -> list[str]:
    return [v if v.startswith(f"{key}:") else f"{key}:{v}" for v in _as_list(values)]


def model_list_params(
    *,
    filter: str | Iterable[str] | None,
    author: str | None,
    apps: str | Iterable[str] | None,
    gated: bool | None,
    inference: str | None,
    inference_provider: str | Iterable[str] | None,
    trained_dataset: str | Iterable[str] | None,
    search: str | None,
    pipeline_tag: str | None,
    num_parameters: str | None,
    sort: str | None,
    limit: int | None,
    expand: Iterable[str] | None,
    full: bool | None,
    card_data: bool,
    fetch_config: bool,
) -> dict[str, Any]:
    if expand and (full or card_data or fetch_config):
        raise ValueError(
            "`expand` cannot be used if `full`, `cardData` or `fetch_config` are passed."
        )
    params: dict[str, Any] = {
        "filter": _as_list(filter) + _prefixed("dataset", trained_dataset) or None,
        "author": author or None,
        "apps": _as_list(apps) or None,
        "gated": gated,
        "inference": inference,
        "inference_provider": _as_list(inference_provider) or None,
        "pipeline_tag": pipeline_tag or None,
        "num_parameters": num_parameters,
        "search": search or None,
        "sort": _SORT_NAMES.get(sort, sort) if sort is not None else None,
        "limit": limit,
        "full": True if full else None,
        "config": True if fetch_config else None,
        "cardData": True if card_data else None,
        "expand": list(expand) if expand else None,
    }
    return {k: v for k, v in params.items() if v is not None}


def dataset_list_params(
    *,
    filter: str | Iterable[str] | None,
    author: str | None,
    benchmark: str | bool | None,
    dataset_name: str | None,
    gated: bool | None,
    language_creators: str | Iterable[str] | None,
    language: str | Iterable[str] | None,
    multilinguality: str | Iterable[str] | None,
    size_categories: str | Iterable[str] | None,
    task_categories: str | Iterable[str] | None,
    task_ids: str | Iterable[str] | None,
    search: str | None,
    sort: str | None,
    limit: int | None,
    expand: Iterable[str] | None,
    full: bool | None,
) -> dict[str, Any]:
    if expand and full:
        raise ValueError("`expand` cannot be used if `full` is passed.")
    filters = _as_list(filter)
    for key, value in (
        ("language_creators", language_creators),
        ("language", language),
        ("multilinguality", multilinguality),
        ("size_categories", size_categories),
        ("task_categories", task_categories),
        ("task_ids", task_ids),
    ):
        filters += _prefixed(key, value)
    if benchmark is not None and benchmark is not False:
        filters.append(f"benchmark:{'official' if benchmark is True else benchmark}")
    searches = [s for s in (dataset_name, search) if s]
    params: dict[str, Any] = {
        "filter": filters or None,
        "author": author or None,
        "gated": gated,
        "search": searches or None,
        "sort": _SORT_NAMES.get(sort, sort) if sort is not None else None,
        "limit": limit,
        "expand": list(expand) if expand else None,
        "full": True if full else None,
    }
    return {k: v for k, v in params.items() if v is not None}


def space_list_params(
    *,
    filter: str | Iterable[str] | None,
    author: str | None,
    search: str | None,
    datasets: str | Iterable[str] | None,
    models: str | Iterable[str] | None,
    linked: bool,
    sort: str | None,
    limit: int | None,
    expand: Iterable[str] | None,
    full: bool | None,
) -> dict[str, Any]:
    if expand and full:
        raise ValueError("`expand` cannot be used if `full` is passed.")
    params: dict[str, Any] = {
        "filter": _as_list(filter) or None,
        "author": author,
        "search": search,
        "sort": _SORT_NAMES.get(sort, sort) if sort is not None else None,
        "limit": limit,
        "linked": True if linked else None,
        "datasets": _as_list(datasets) or None,
        "models": _as_list(models) or None,
        "expand": list(expand) if expand else None,
        "full": True if full else None,
    }
    return {k: v for k, v in params.items() if v is not None}


async def list_repos(
    http: HubHttp,
    repo_type: Literal["model", "dataset", "space"],
    params: Mapping[str, Any],
    *,
    limit: int | None,
    token: str | bool | None = None,
) -> AsyncGenerator[Any, None]:
    """Yield ModelInfo / DatasetInfo / SpaceInfo from a paginated listing, ``limit`` at most."""
    if limit is not None and limit <= 0:
        return
    cls = _INFO_CLASSES[repo_type]

    def convert(item: Any) -> Any:
        if isinstance(item, dict) and "siblings" not in item:
            item = {**item, "siblings": None}
        return cls.model_validate(item)

    count = 0
    pages = http.paginate(
        _urls.list_repos_path(repo_type),
        params=params,
        token=token,
        expected=f"a JSON array of {repo_type} infos",
        convert=convert,
    )
    async with aclosing(pages):
        async for item in pages:
            yield item
            count += 1
            if limit is not None and count >= limit:
                return


_NUMBER = re.compile(r"\d+\.\d+|\d+")


def emission_grams(info: ModelInfo) -> float | None:
    """The CO2 emissions a model card declares (``co2_eq_emissions``, a number or a mapping
    with ``emissions``), in grams; None when it declares none."""
    card = info.card_data
    if card is None:
        return None
    emission = card.get("co2_eq_emissions")
    if isinstance(emission, dict):
        emission = emission.get("emissions")
    if not emission:
        return None
    found = _NUMBER.search(str(emission))
    return float(found.group(0)) if found else None


async def within_emissions(
    items: AsyncGenerator[Any, None], minimum: float | None, maximum: float | None
) -> AsyncGenerator[Any, None]:
    """The models of a listing whose declared emissions lie in ``[minimum, maximum]``
    (huggingface_hub's ``emissions_thresholds``; None: unbounded on that side)."""
    if minimum is None and maximum is None:
        raise ValueError("Both `minimum_threshold` and `maximum_threshold` cannot both be `None`")
    low = -1.0 if minimum is None else minimum
    high = math.inf if maximum is None else maximum
    async with aclosing(items):
        async for info in items:
            grams = emission_grams(info)
            if grams is not None and low <= grams <= high:
                yield info


def resolve_visibility(
    *, private: bool | None, visibility: str | None, repo_type: str
) -> str | None:
    if private is not None and visibility is not None:
        raise ValueError("Received both `private` and `visibility`: give only one of them.")
    if visibility is None:
        return None if private is None else ("private" if private else "public")
    if visibility not in ("public", "private", "protected"):
        raise ValueError(f"Invalid visibility {visibility!r}: public, private or protected.")
    if visibility == "protected" and repo_type != "space":
        raise ValueError("Only Spaces can be 'protected'; use 'public' or 'private'.")
    return visibility


def _split_repo_id(repo_id: str) -> tuple[str | None, str]:
    _urls.validate_repo_id(repo_id)
    if "/" in repo_id:
        namespace, name = repo_id.split("/")
        return namespace, name
    return None, repo_id


def _repo_url_for(http: HubHttp, repo_type: str, repo_id: str) -> RepoUrl:
    url = f"{http.endpoint}/{_urls.url_prefix(repo_type)}{repo_id}"
    return RepoUrl.parse(url, endpoint=http.endpoint)


async def create_repo(
    http: HubHttp,
    repo_id: str,
    *,
    token: str | bool | None = None,
    private: bool | None = None,
    visibility: str | None = None,
    repo_type: str | None = None,
    exist_ok: bool = False,
    resource_group_id: str | None = None,
    region: str | None = None,
    space_sdk: str | None = None,
    space_hardware: str | None = None,
    space_sleep_time: int | None = None,
    space_secrets: list[dict[str, str]] | None = None,
    space_variables: list[dict[str, str]] | None = None,
    space_volumes: Iterable[Any] | None = None,
    space_template: str | None = None,
) -> RepoUrl:
    kind = _urls.normalize_repo_type(repo_type)
    organization, name = _split_repo_id(repo_id)
    payload: dict[str, Any] = {"name": name, "organization": organization}
    resolved = resolve_visibility(private=private, visibility=visibility, repo_type=kind)
    template: dict[str, Any] | None = None
    if space_template is not None:
        if kind != "space":
            raise ValueError(
                f"space_template can only be used with repo_type 'space'. Got repo_type={kind}."
            )
        template = await _space_template(http, space_template, token=token)
        if template.get("preferredPrivate") and private is None and visibility is None:
            resolved = "private"  # the template recommends it, as the web UI does
        if space_sdk is not None and space_sdk != template.get("sdk"):
            raise ValueError(
                f"space_sdk must match the SDK of the chosen space_template. Got {space_sdk}, "
                f"expected {template.get('sdk')}."
            )
        space_sdk = str(template.get("sdk"))
    if resolved is not None:
        payload["visibility"] = resolved
    if kind != "model":
        payload["type"] = kind
    space_options = {
        "hardware": space_hardware,
        "sleepTimeSeconds": space_sleep_time,
        "secrets": space_secrets,
        "variables": space_variables,
        "volumes": volumes_payload(space_volumes),
    }
    if kind == "space":
        if space_sdk not in SPACE_SDKS:
            raise ValueError(
                f"space_sdk must be one of {SPACE_SDKS} for a Space, got {space_sdk!r}"
            )
        payload["sdk"] = space_sdk
        if template is not None:
            payload["template"] = template["repoId"]
        payload.update({key: value for key, value in space_options.items() if value is not None})
    elif any(value is not None for value in space_options.values()):
        given = [key for key, value in space_options.items() if value is not None]
        warnings.warn(
            f"Ignoring provided space options ({', '.join(given)}) because repo_type is not "
            "'space'.",
            stacklevel=3,
        )
    if resource_group_id is not None:
        payload["resourceGroupId"] = resource_group_id
    if region is not None:
        payload["region"] = region

    for attempt in range(_MAX_CONFLICT_RETRIES + 1):
        response = await http.request(
            "POST", "/api/repos/create", json=payload, token=token, raise_for_status=False
        )
        if (
            response.status_code == 409
            and _CONFLICT_IN_PROGRESS in response.text
            and attempt < _MAX_CONFLICT_RETRIES
        ):
            await anyio.sleep(min(2.0, 0.05 * 2**attempt))
            continue
        break

    if response.status_code == 409 and exist_ok:
        try:
            url = parse_json(response, lambda p: p.get("url"), expected="an object with a url")
        except HfHubHTTPError:
            url = None
        if isinstance(url, str):
            return RepoUrl.parse(url, endpoint=http.endpoint)
        return _repo_url_for(http, kind, repo_id)
    if response.status_code in (401, 402, 403) and exist_ok:
        # The token may not create repos, but the repo may already exist.
        try:
            await repo_info(http, repo_id, repo_type=kind, token=token)
        except HfHubHTTPError:
            pass
        else:
            return _repo_url_for(http, kind, repo_id)
    if response.is_error:
        raise error_from_response(response, method="POST")
    return parse_json(
        response,
        lambda answer: RepoUrl.parse(answer["url"], endpoint=http.endpoint),
        expected="an object with the repo's url",
    )


def volumes_payload(volumes: Iterable[Any] | None) -> list[dict[str, Any]] | None:
    """Volumes as the Hub takes them: each a ``Volume`` (its ``to_dict()``) or a mapping of
    the wire keys (``type``, ``source``, ``mountPath``, …)."""
    if volumes is None:
        return None
    out: list[dict[str, Any]] = []
    for volume in volumes:
        as_dict = getattr(volume, "to_dict", None)
        if callable(as_dict):
            out.append(dict(as_dict()))
        elif isinstance(volume, Mapping):
            out.append(dict(volume))
        else:
            raise TypeError(f"a volume is a Volume or a mapping, not {type(volume).__name__}")
    return out or None


async def _space_template(
    http: HubHttp, wanted: str, *, token: str | bool | None
) -> dict[str, Any]:
    """The official Space template named ``wanted`` (its repo id, or its name in any case)."""
    response = await http.request("GET", "/api/spaces/templates", token=token)
    listed = parse_json(
        response, lambda answer: answer.get("templates", []), expected="the Space templates"
    )
    templates = [t for t in listed if isinstance(t, dict)] if isinstance(listed, list) else []
    for template in templates:
        if (
            template.get("repoId") == wanted
            or str(template.get("name", "")).lower() == wanted.lower()
        ):
            return template
    names = ", ".join(sorted(str(t.get("name")) for t in templates))
    raise ValueError(
        f"Unknown Space template '{wanted}'. Expected one of {names}. Use "
        "list_space_templates() to list templates."
    )


async def delete_repo(
    http: HubHttp,
    repo_id: str,
    *,
    token: str | bool | None = None,
    repo_type: str | None = None,
    missing_ok: bool = False,
) -> None:
    kind = _urls.normalize_repo_type(repo_type)
    organization, name = _split_repo_id(repo_id)
    payload: dict[str, Any] = {"name": name, "organization": organization}
    if kind != "model":
        payload["type"] = kind
    try:
        await http.request("DELETE", "/api/repos/delete", json=payload, token=token, retry=False)
    except RepositoryNotFoundError:
        if not missing_ok:
            raise


async def move_repo(
    http: HubHttp,
    from_id: str,
    to_id: str,
    *,
    repo_type: str | None = None,
    token: str | bool | None = None,
) -> None:
    for rid in (from_id, to_id):
        if _split_repo_id(rid)[0] is None:
            raise ValueError(f"Invalid repo_id {rid!r}: it needs a namespace (namespace/name)")
    payload = {
        "fromRepo": from_id,
        "toRepo": to_id,
        "type": _urls.normalize_repo_type(repo_type),
    }
    await http.request("POST", "/api/repos/move", json=payload, token=token)


async def update_repo_settings(
    http: HubHttp,
    repo_id: str,
    *,
    gated: Literal["auto", "manual", False] | None = None,
    private: bool | None = None,
    visibility: str | None = None,
    token: str | bool | None = None,
    repo_type: str | None = None,
) -> None:
    kind = _urls.normalize_repo_type(repo_type)
    payload: dict[str, Any] = {}
    if gated is not None:
        if gated not in ("auto", "manual", False):
            raise ValueError(f"gated must be 'auto', 'manual' or False, got {gated!r}")
        payload["gated"] = gated
    resolved = resolve_visibility(private=private, visibility=visibility, repo_type=kind)
    if resolved is not None:
        payload["visibility"] = resolved
    if not payload:
        raise ValueError("At least one setting must be updated.")
    await http.request("PUT", _urls.settings_path(kind, repo_id), json=payload, token=token)


def needs_owner(from_id: str, to_id: str | None) -> bool:
    """Whether a duplicate's namespace is the caller's (``to_id`` names none)."""
    return _target_id(from_id, to_id)[0] is None


def _target_id(from_id: str, to_id: str | None) -> tuple[str | None, str]:
    """The namespace (None: the caller's) and name of a duplicate, as huggingface_hub reads
    them: ``to_id`` may be a repo URL, an ``hf://`` URI or ``[namespace/]name``."""

    def last_two(value: str) -> list[str]:
        value = value.split("?", 1)[0].rstrip("/")
        if value.startswith("hf://"):
            value = value[len("hf://") :]
        elif "://" in value:
            value = value.split("://", 1)[1].split("/", 1)[-1]
        parts = [p for p in value.split("/") if p]
        if parts and parts[0] in ("datasets", "spaces", "models", "kernels"):
            parts = parts[1:]
        return parts[-2:] if len(parts) >= 2 else parts

    if to_id is not None:
        parts = last_two(to_id)
        if not parts:
            raise ValueError(f"Invalid to_id {to_id!r}: expected [namespace/]name")
        return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
    return None, last_two(from_id)[-1]


async def duplicate_repo(
    http: HubHttp,
    from_id: str,
    to_id: str | None,
    *,
    owner: str | None,
    repo_type: str | None,
    private: bool | None,
    visibility: str | None,
    token: str | bool | None,
    exist_ok: bool,
    resource_group_id: str | None,
    space_options: Mapping[str, Any],
) -> DuplicatedRepoUrl:
    """``POST /api/{types}/{from_id}/duplicate``: a server-side copy, history and LFS objects
    included; ``owner`` names the namespace when ``to_id`` has none."""
    kind = _urls.normalize_repo_type(repo_type)
    if kind == "kernel":
        raise ValueError("Invalid repo type: kernels cannot be duplicated")
    namespace, name = _target_id(from_id, to_id)
    namespace = namespace or owner
    if namespace is None:
        raise ValueError("duplicate_repo needs the namespace of the new repo")
    payload: dict[str, Any] = {"repository": f"{namespace}/{name}"}
    resolved = resolve_visibility(private=private, visibility=visibility, repo_type=kind)
    if resolved is not None:
        payload["visibility"] = resolved
    if resource_group_id is not None:
        payload["resourceGroupId"] = resource_group_id
    given = {key: value for key, value in space_options.items() if value is not None}
    if kind == "space":
        payload.update(given)
    elif given:
        warnings.warn(
            f"Ignoring provided space options ({', '.join(sorted(given))}) because repo_type is "
            "not 'space'.",
            stacklevel=3,
        )
    response = await http.request(
        "POST",
        f"{_urls.api_prefix(kind, from_id)}/duplicate",
        json=payload,
        token=token,
        raise_for_status=False,
    )
    if response.is_error and not (exist_ok and response.status_code == 409):
        raise error_from_response(response, method="POST")
    try:
        data = response.json()
    except ValueError:
        data = {}
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str):
        url = f"{http.endpoint}/{_urls.url_prefix(kind)}{namespace}/{name}"
    repo_url = DuplicatedRepoUrl.parse(url, endpoint=http.endpoint)
    pending = bool(data.get("filesCopyPending", False)) if isinstance(data, dict) else False
    return repo_url.model_copy(update={"files_copy_pending": pending})
