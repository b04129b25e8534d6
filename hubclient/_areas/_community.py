"""What the community areas (discussions, access requests, collections, people, webhooks)
share: reading an answer into a model with typed errors, and bounded page-index listings."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast

import httpx
import pydantic

from hubclient._http import HubHttp
from hubclient.errors import HfHubHTTPError

__all__ = ["MAX_PAGES", "answer", "json_answer", "page_index_items", "parse_item"]

T = TypeVar("T")

#: The most pages a page-index listing follows (a server that never says "last page" stops here).
MAX_PAGES = 10_000


@lru_cache(maxsize=128)
def _adapter(cls: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(cls)


def _validate(cls: type[T], data: Any) -> T:
    return cast("T", _adapter(cast(Any, cls)).validate_python(data))


def _unexpected(response: httpx.Response | None, what: str, detail: object) -> HfHubHTTPError:
    if response is None:
        return HfHubHTTPError(
            f"Unexpected answer: expected {what} ({detail})", status_code=200, url=""
        )
    return HfHubHTTPError(
        f"Unexpected answer from {response.request.method} {response.url}: expected {what} "
        f"({detail})",
        status_code=response.status_code,
        url=str(response.url),
        method=response.request.method,
        request_id=response.headers.get("x-request-id"),
    )


def json_answer(response: httpx.Response, what: str) -> Any:
    """The JSON body of an answer; anything else is an ``HfHubHTTPError`` naming ``what``."""
    try:
        return response.json()
    except ValueError as exc:
        raise _unexpected(response, what, "not JSON") from exc


def answer(
    response: httpx.Response,
    cls: type[T],
    what: str,
    *,
    pick: Callable[[Any], Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> T:
    """The answer parsed into ``cls`` (``pick`` selects the part of the JSON to parse,
    ``extra`` adds fields); a wrong shape is an ``HfHubHTTPError``, never a raw error."""
    data = json_answer(response, what)
    try:
        if pick is not None:
            data = pick(data)
        if extra:
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            data = {**data, **extra}
        return _validate(cls, data)
    except (pydantic.ValidationError, KeyError, TypeError, IndexError) as exc:
        raise _unexpected(response, what, exc) from exc


def parse_item(
    data: Any,
    cls: type[T],
    what: str,
    *,
    response: httpx.Response | None = None,
    extra: Mapping[str, Any] | None = None,
) -> T:
    """One item of an answer (already read) parsed into ``cls`` (``extra`` adds fields to a
    JSON object); a wrong shape is an ``HfHubHTTPError`` naming ``what``."""
    try:
        if extra:
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            data = {**data, **extra}
        return _validate(cls, data)
    except (pydantic.ValidationError, TypeError) as exc:
        raise _unexpected(response, what, exc) from exc


async def page_index_items(
    http: HubHttp,
    url: str,
    *,
    key: str,
    params: Mapping[str, Any],
    token: str | bool | None,
    max_pages: int | None = None,
) -> AsyncGenerator[tuple[httpx.Response, Any], None]:
    """The items of a listing paged by index (``?p=0, 1, …``; each page says ``start``,
    ``count`` and holds ``key``), as the discussions listing is.

    Bounded: it stops on the last page (``start + len(items) >= count``), on an empty page,
    and raises an ``HfHubHTTPError`` when a page does not move forward or after
    ``max_pages`` pages.
    """
    expected = 0
    max_pages = MAX_PAGES if max_pages is None else max_pages
    for page in range(max_pages):
        response = await http.request("GET", url, params={**params, "p": page}, token=token)
        body = json_answer(response, "a page of " + key)
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            raise _unexpected(response, f"a JSON object with a {key!r} list", "another shape")
        items, start, count = body[key], body.get("start", expected), body.get("count")
        if not isinstance(start, int) or not isinstance(count, int) or start != expected:
            raise _unexpected(response, f"page {page} to start at item {expected}", start)
        for item in items:
            yield response, item
        expected = start + len(items)
        if not items or expected >= count:
            return
    raise HfHubHTTPError(
        f"pagination did not end after {max_pages} pages of {url}",
        status_code=200,
        url=http.url(url),
        method="GET",
    )
