"""What the community areas (discussions, access requests, collections, people, webhooks)
share: reading an answer into a model with typed errors, and bounded page-index listings."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast

import httpx
import pydantic

from hubclient._answers import answer_error, parse_json, redact_url
from hubclient._http import HubHttp
from hubclient.errors import UnexpectedResponseError

__all__ = ["MAX_PAGES", "answer", "json_answer", "page_index_items", "parse_item"]

T = TypeVar("T")

#: The most pages a page-index listing follows (a server that never says "last page" stops here).
MAX_PAGES = 10_000


@lru_cache(maxsize=128)
def _adapter(cls: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(cls)


def _validate(cls: type[T], data: Any) -> T:
    return cast("T", _adapter(cast(Any, cls)).validate_python(data))


def _shape(exc: Exception) -> str:
    """What was wrong with the JSON, in a line (the first pydantic errors, or the exception)."""
    if isinstance(exc, pydantic.ValidationError):
        found = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()[:3]
        )
    else:
        found = f"{type(exc).__name__}: {exc}"
    return f"JSON of another shape ({found})"


def _unexpected(
    response: httpx.Response | None, what: str, detail: object
) -> UnexpectedResponseError:
    """The typed error of an answer that is not what the Hub sends (``UnexpectedResponseError``,
    with the answer's status, method, request id and redacted URL)."""
    if response is None:
        return UnexpectedResponseError(
            f"The server sent {detail}; expected {what}", expected=what, status_code=200, url=""
        )
    return answer_error(response, f"The server sent {detail}", expected=what)


def json_answer(response: httpx.Response, what: str) -> Any:
    """The JSON body of an answer; HTML or broken JSON is an ``UnexpectedResponseError``
    naming ``what``."""
    return parse_json(response, expected=what)


def answer(
    response: httpx.Response,
    cls: type[T],
    what: str,
    *,
    pick: Callable[[Any], Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> T:
    """The answer parsed into ``cls`` (``pick`` selects the part of the JSON to parse,
    ``extra`` adds fields); a wrong shape is an ``UnexpectedResponseError``, never a raw error."""
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
        raise _unexpected(response, what, _shape(exc)) from None


def parse_item(
    data: Any,
    cls: type[T],
    what: str,
    *,
    response: httpx.Response | None = None,
    extra: Mapping[str, Any] | None = None,
) -> T:
    """One item of an answer (already read) parsed into ``cls`` (``extra`` adds fields to a
    JSON object); a wrong shape is an ``UnexpectedResponseError`` naming ``what``."""
    try:
        if extra:
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            data = {**data, **extra}
        return _validate(cls, data)
    except (pydantic.ValidationError, TypeError) as exc:
        raise _unexpected(response, what, _shape(exc)) from None


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
    and raises an ``UnexpectedResponseError`` when a page does not move forward or after
    ``max_pages`` pages.
    """
    expected = 0
    max_pages = MAX_PAGES if max_pages is None else max_pages
    for page in range(max_pages):
        response = await http.request("GET", url, params={**params, "p": page}, token=token)
        body = json_answer(response, "a page of " + key)
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            raise _unexpected(
                response, f"a JSON object with a {key!r} list", "JSON of another shape"
            )
        items, start, count = body[key], body.get("start", expected), body.get("count")
        if not isinstance(start, int) or not isinstance(count, int) or start != expected:
            raise _unexpected(
                response, f"page {page} to start at item {expected}", f"a page at {start!r}"
            )
        for item in items:
            yield response, item
        expected = start + len(items)
        if not items or expected >= count:
            return
    raise UnexpectedResponseError(
        f"pagination did not end after {max_pages} pages of {redact_url(http.url(url))}",
        expected=f"a last page within {max_pages} pages",
        status_code=200,
        url=redact_url(http.url(url)),
        method="GET",
    )
