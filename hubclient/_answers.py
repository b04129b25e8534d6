"""Reading a server's answer as the Hub would have given it, or raising a typed error.

Everything a server sends passes through here before the rest of hubclient uses it:

* :func:`read_body`: a buffered body, decompressed, but never more than a bound (a gzip bomb
  stops at the bound with :class:`~hubclient.errors.ResponseTooLargeError`);
* :func:`json_items`: the items of a JSON array, parsed as the bytes arrive, so a listing of
  100k entries is never held as one text (nor as one list);
* :func:`parse_json`: a JSON body turned into what the caller needs; HTML, invalid JSON and
  JSON of another shape become :class:`~hubclient.errors.UnexpectedResponseError` (never a
  raw ``JSONDecodeError``, ``KeyError`` or pydantic error);
* :class:`BadValue`: what a converter raises for a value that would name a file and cannot
  (it becomes :class:`~hubclient.errors.UnsafeServerValueError`, with the answer's URL);
* :func:`redact_url`: URLs in messages keep their path but not their signatures.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pydantic

from hubclient.errors import (
    HubNetworkError,
    HubTimeoutError,
    ResponseTooLargeError,
    UnexpectedResponseError,
    UnsafeServerValueError,
    network_error_class,
)

__all__ = [
    "BadValue",
    "DirectAnswer",
    "answer_error",
    "json_items",
    "list_of",
    "network_error",
    "parse_json",
    "parse_model",
    "read_body",
    "redact_url",
    "too_large",
    "value_error",
]

T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)

_SECRET_PARAM = re.compile(r"sig|credential|token|policy|key-pair|secret|auth", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n]*")
_SHAPE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


class DirectAnswer(httpx.Response):
    """An answer whose backend can give a header and the whole raw body without going
    through httpx's layers (the aiohttp backend's): :func:`read_body` then takes the short
    way for a body with no ``Content-Encoding``."""

    def header(self, name: str) -> str | None:
        """``self.headers.get(name)``."""
        value: str | None = self.headers.get(name)
        return value

    async def read_raw(self, limit: int | None) -> bytes | None:
        """The whole raw body (the response closed after it), or None once more than
        ``limit`` bytes came (the rest unread)."""
        raise NotImplementedError


def redact_url(url: str) -> str:
    """``url`` with the values of signature-like query parameters replaced by ``REDACTED``
    (``X-Amz-Signature``, ``X-Amz-Credential``, ``Signature``, ``sig``, ``token``...)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    items = parse_qsl(parts.query, keep_blank_values=True)
    if not any(_SECRET_PARAM.search(key) for key, _ in items):
        return url
    query = urlencode(
        [(key, "REDACTED" if _SECRET_PARAM.search(key) else value) for key, value in items],
        safe="/:",
    )
    return urlunsplit(parts._replace(query=query))


def network_error(exc: httpx.HTTPError, *, method: str, url: str) -> HubNetworkError:
    """The typed error for an httpx error that ends a request for good (raise it ``from``
    the httpx error); an error that already is one is returned as is."""
    if isinstance(exc, HubNetworkError):
        return exc
    if isinstance(exc, httpx.TransportError):
        cls = network_error_class(type(exc))
    else:
        cls = HubTimeoutError if isinstance(exc, httpx.TimeoutException) else HubNetworkError
    url = redact_url(url)
    detail = str(exc) or "no detail"
    try:
        request: httpx.Request | None = exc.request
    except RuntimeError:
        request = None
    return cls(
        f"{method} {url} failed: {type(exc).__name__}: {detail}",
        url=url,
        method=method,
        request=request,
    )


class BadValue(Exception):
    """Raised by a converter given to :func:`parse_json` or :func:`json_items` for a value
    that would name a file and cannot (a sha that is a path, an oid holding ``..``)."""

    def __init__(self, field: str, value: object, why: str) -> None:
        super().__init__(f"{field} {value!r} {why}")
        self.field = field
        self.value = value
        self.why = why


def _request_id(response: httpx.Response) -> str | None:
    h = response.headers
    request_id: str | None = h.get("x-request-id") or h.get("x-amz-cf-id")
    if request_id:
        return request_id
    try:
        sent: str | None = response.request.headers.get("x-amzn-trace-id")
    except RuntimeError:
        return None
    return sent


def _method(response: httpx.Response) -> str:
    try:
        return response.request.method
    except RuntimeError:
        return "GET"


def answer_error(
    response: httpx.Response,
    message: str,
    *,
    expected: str,
    cls: type[UnexpectedResponseError] = UnexpectedResponseError,
    **extra: Any,
) -> UnexpectedResponseError:
    """A typed error about ``response``: status, method, redacted URL and request id."""
    url = redact_url(str(response.url))
    request_id = _request_id(response)
    text = f"{message} (answer {response.status_code} to {_method(response)} {url}"
    text += f", request id {request_id})" if request_id else ")"
    if expected:
        text += f"; expected {expected}"
    return cls(
        text,
        expected=expected,
        status_code=response.status_code,
        url=url,
        method=_method(response),
        request_id=request_id,
        headers={k.lower(): v for k, v in response.headers.items()},
        **extra,
    )


def bad_value_error(
    response: httpx.Response, err: BadValue, expected: str
) -> UnexpectedResponseError:
    return answer_error(
        response,
        f"The server sent {err.field} {err.value!r}, which {err.why}; nothing was written with it",
        expected=expected,
        cls=UnsafeServerValueError,
        field=err.field,
        value=err.value,
    )


def value_error(
    err: BadValue, *, url: str, expected: str, status_code: int = 200
) -> UnsafeServerValueError:
    """:class:`UnsafeServerValueError` for a value met after its answer was read (a listing
    kept in the cache, a header checked later): it names the URL the value came from."""
    url = redact_url(url)
    return UnsafeServerValueError(
        f"The server sent {err.field} {err.value!r} (in the answer to GET {url}), which "
        f"{err.why}; nothing was written with it; expected {expected}",
        field=err.field,
        value=err.value,
        expected=expected,
        status_code=status_code,
        url=url,
    )


def too_large(
    response: httpx.Response, what: str, setting: str, limit: int
) -> ResponseTooLargeError:
    err = answer_error(
        response,
        f"{what} (HubSettings.{setting}={limit}); the rest was not read",
        expected=f"at most {setting}={limit}",
        cls=ResponseTooLargeError,
        setting=setting,
        limit=limit,
    )
    assert isinstance(err, ResponseTooLargeError)
    return err


_PIECE = 2**20
"""Most bytes one decompression step may produce (a 64 KiB read of a gzip bomb inflates to
64 MiB in one step otherwise)."""


class _Undecodable(Exception):
    pass


def _encodings(header: str) -> list[str]:
    """The content codings of a ``Content-Encoding`` value, ``identity`` left out."""
    return [
        e.strip().lower()
        for e in header.split(",")
        if e.strip() and e.strip().lower() != "identity"
    ]


async def _body_pieces(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body of a streamed ``response``, decompressed in pieces of at most ``_PIECE`` bytes
    for gzip and deflate (the encodings the Hub uses); other encodings through httpx."""
    try:
        already = response.content  # read before us (a mock transport's response)
    except httpx.ResponseNotRead:
        pass
    else:
        if already:
            yield already
        return
    encodings = _encodings(response.headers.get("content-encoding", ""))
    if not encodings:
        async for raw in response.aiter_raw():
            yield raw
        return
    if len(encodings) > 1 or encodings[0] not in ("gzip", "x-gzip", "deflate"):
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except httpx.DecodingError as err:
            raise _Undecodable(str(err)) from None
        return
    deflate = encodings[0] == "deflate"
    decoder = zlib.decompressobj(zlib.MAX_WBITS if deflate else zlib.MAX_WBITS | 16)
    first = True
    async for raw in response.aiter_raw():
        data = raw
        while data:
            try:
                try:
                    out = decoder.decompress(data, _PIECE)
                except zlib.error:
                    if not (deflate and first):
                        raise
                    decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no header
                    out = decoder.decompress(data, _PIECE)
            except zlib.error as err:
                raise _Undecodable(str(err)) from None
            first = False
            data = decoder.unconsumed_tail
            if out:
                yield out
            if decoder.eof:
                break
    try:
        tail = decoder.flush()
    except zlib.error as err:
        raise _Undecodable(str(err)) from None
    if tail:
        yield tail


async def _bounded_pieces(
    response: httpx.Response, limit: int | None, what: str
) -> AsyncIterator[bytes]:
    """:func:`_body_pieces`, raising :class:`ResponseTooLargeError` past ``limit`` bytes."""
    size = 0
    async for piece in _body_pieces(response):
        size += len(piece)
        if limit is not None and size > limit:
            raise too_large(
                response, f"{what} is larger than allowed once decompressed",
                "max_response_bytes", limit,
            )  # fmt: skip
        yield piece


async def read_body(response: httpx.Response, limit: int | None) -> None:
    """Read the (decompressed) body of a streamed ``response`` into it, at most ``limit`` bytes.

    Past the bound :class:`ResponseTooLargeError` is raised; memory never holds more than the
    bound and one decompressed piece (1 MiB).
    """
    direct = response if isinstance(response, DirectAnswer) else None
    if direct is not None:
        declared = direct.header("content-length") or ""
        encoding = direct.header("content-encoding")
    else:
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding")
    if (
        limit is not None
        and (encoding or "identity").strip() == "identity"
        and declared.isdigit()
        and len(declared) < 20
        and int(declared) > limit
    ):
        raise too_large(
            response, f"The answer announces {declared} bytes", "max_response_bytes", limit
        )
    if direct is not None and not (encoding and _encodings(encoding)):
        body = await direct.read_raw(limit)
        if body is None:  # only past a bound
            assert limit is not None
            raise too_large(
                response, "The answer is larger than allowed once decompressed",
                "max_response_bytes", limit,
            )  # fmt: skip
        response._content = body
        return
    chunks: list[bytes] = []
    try:
        async for chunk in _bounded_pieces(response, limit, "The answer"):
            chunks.append(chunk)
    except _Undecodable as err:
        raise _undecodable(response, str(err)) from None
    # httpx keeps a read body in ``_content`` (what ``.content``, ``.text`` and ``.json()`` use)
    response._content = b"".join(chunks)


def _undecodable(response: httpx.Response, err: str) -> UnexpectedResponseError:
    encoding = response.headers.get("content-encoding", "")
    return answer_error(
        response,
        f"The answer could not be decoded as its Content-Encoding {encoding!r} says ({err})",
        expected="a body encoded as announced",
    )


def _describe(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    try:
        head = response.content[:200]
    except httpx.ResponseNotRead:
        head = b""
    if b"<html" in head.lower() or b"<!doctype" in head.lower():
        return f"an HTML page ({kind})"
    return f"{len(response.content)} bytes of {kind}"


def parse_json(
    response: httpx.Response,
    convert: Callable[[Any], T] | None = None,
    *,
    expected: str = "a JSON document",
) -> T:
    """The JSON body of ``response``, passed through ``convert`` (e.g. a pydantic
    ``model_validate``), with every failure typed."""
    try:
        payload = json.loads(response.content)
    except (ValueError, httpx.ResponseNotRead):
        raise answer_error(
            response, f"The server sent {_describe(response)}, not JSON", expected=expected
        ) from None
    if convert is None:
        return payload  # type: ignore[no-any-return]
    return convert_value(response, convert, payload, expected=expected)


def parse_model(response: httpx.Response, cls: type[M], *, expected: str) -> M:
    """``parse_json(response, cls.model_validate, expected=expected)``, in one pass over the
    bytes by pydantic's own JSON parser (no dict built in between).

    Whatever that pass does not accept (invalid JSON, another shape, a BOM or UTF-16, a lone
    surrogate escape...) goes the :func:`parse_json` way, so the answer or the typed error
    is the one :func:`parse_json` gives."""
    try:
        return cls.model_validate_json(response.content)
    except Exception:  # the way below tells what is wrong, typed
        pass
    return parse_json(response, cls.model_validate, expected=expected)


def list_of(cls: type[M]) -> Callable[[Any], list[M]]:
    """A converter for :func:`parse_json`: a JSON array's items as models ``cls``."""

    def convert(value: Any) -> list[M]:
        if not isinstance(value, list):
            raise TypeError("not a JSON array")
        return [cls.model_validate(item) for item in value]

    return convert


def convert_value(
    response: httpx.Response, convert: Callable[[Any], T], value: Any, *, expected: str
) -> T:
    """``convert(value)`` with its failures typed as errors about ``response``."""
    try:
        return convert(value)
    except BadValue as err:
        raise bad_value_error(response, err, expected) from None
    except pydantic.ValidationError as err:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in err.errors()[:3]
        )
        raise answer_error(
            response, f"The server sent JSON of another shape ({detail})", expected=expected
        ) from None
    except _SHAPE_ERRORS as err:
        raise answer_error(
            response, f"The server sent JSON of another shape ({type(err).__name__}: {err})",
            expected=expected,
        ) from None  # fmt: skip


class _ArrayParser:
    """An incremental parser of one JSON array: text in, complete items out.

    An item is handed out once the text after it is seen (``,`` or ``]``), so a number cut by
    a chunk boundary is never taken for a shorter one. A failed parse of an unfinished item is
    retried only once the buffer has doubled, which keeps the work linear in the input.
    """

    def __init__(self) -> None:
        self._decoder = json.JSONDecoder()
        self._text = ""
        self._pos = 0
        self._state = "start"  # start, value, first, after, done
        self._retry_at = 0

    def _skip_ws(self) -> bool:
        self._pos = _WS.match(self._text, self._pos).end()  # type: ignore[union-attr]
        return self._pos < len(self._text)

    def feed(self, text: str, final: bool = False) -> list[Any]:
        if text:
            if self._pos > 65536 and self._pos * 2 > len(self._text):
                self._text = self._text[self._pos :]
                self._retry_at -= self._pos
                self._pos = 0
            self._text += text
        out: list[Any] = []
        while True:
            if not self._skip_ws():
                if final and self._state != "done":
                    raise ValueError("the JSON array is cut short")
                return out
            ch = self._text[self._pos]
            if self._state == "start":
                if ch != "[":
                    raise _NotAnArray(ch)
                self._pos += 1
                self._state = "first"
            elif self._state in ("first", "value"):
                if ch == "]" and self._state == "first":
                    self._pos += 1
                    self._state = "done"
                    continue
                if not final and len(self._text) < self._retry_at:
                    return out
                try:
                    item, end = self._decoder.raw_decode(self._text, self._pos)
                except ValueError:
                    if final:
                        raise
                    self._retry_at = self._pos + 2 * (len(self._text) - self._pos) + 1
                    return out
                if not final and (
                    end >= len(self._text)
                    or (isinstance(item, (int, float)) and self._text[end] not in " \t\r\n,]")
                ):
                    # a number may go on in the next chunk ("1" of "1.5"): decide then
                    self._retry_at = len(self._text) + 1
                    return out
                out.append(item)
                self._pos = end
                self._retry_at = 0
                self._state = "after"
            elif self._state == "after":
                self._pos += 1
                if ch == ",":
                    self._state = "value"
                elif ch == "]":
                    self._state = "done"
                else:
                    raise ValueError(f"expected ',' or ']' after an item, got {ch!r}")
            else:  # done
                raise ValueError(f"text after the end of the array: {ch!r}")


class _NotAnArray(ValueError):
    def __init__(self, first: str) -> None:
        super().__init__(f"the answer starts with {first!r}")
        self.first = first


_FAST_PAGE = 2**20
"""A listing page up to this size is parsed in one go (C speed); a larger one item by item
as it arrives (memory bounded by what the caller keeps)."""


async def json_items(
    response: httpx.Response, *, limit: int | None, expected: str
) -> AsyncIterator[Any]:
    """The items of the JSON array that is the body of a streamed ``response``; at most
    ``limit`` bytes (decompressed) are read. Small pages are parsed whole, large ones as the
    bytes arrive."""
    parser: _ArrayParser | None = None
    decoder = codecs.getincrementaldecoder("utf-8")()
    head: list[bytes] = []
    size = 0
    try:
        async for chunk in _bounded_pieces(response, limit, "The listing page"):
            size += len(chunk)
            if parser is None:
                head.append(chunk)
                if size <= _FAST_PAGE:
                    continue
                parser = _ArrayParser()
                for piece in head:
                    for item in parser.feed(decoder.decode(piece)):
                        yield item
                head.clear()
                continue
            for item in parser.feed(decoder.decode(chunk)):
                yield item
        if parser is None:
            payload = json.loads(b"".join(head))
            if not isinstance(payload, list):
                raise _NotAnArray("{" if isinstance(payload, dict) else type(payload).__name__)
            for item in payload:
                yield item
            return
        for item in parser.feed(decoder.decode(b"", final=True), final=True):
            yield item
    except _Undecodable as err:
        raise _undecodable(response, str(err)) from None
    except _NotAnArray as err:
        what = "an object" if err.first == "{" else f"text starting with {err.first!r}"
        if err.first == "<":
            what = "an HTML page"
        raise answer_error(
            response, f"The server sent {what} where a JSON array was due", expected=expected
        ) from None
    except ValueError as err:  # JSONDecodeError and UnicodeDecodeError included
        if head and head[0].lstrip()[:1] == b"<":
            raise answer_error(
                response, "The server sent an HTML page where a JSON array was due",
                expected=expected,
            ) from None  # fmt: skip
        raise answer_error(
            response, f"The server sent an invalid JSON array ({err})", expected=expected
        ) from None
