"""The short ways of the per-request layer give what the long ways give: origins remembered
per authority, repo ids checked once, repo infos validated straight from the bytes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hubclient._answers import parse_json, parse_model
from hubclient._urls import _origin, origin_of, validate_repo_id
from hubclient.errors import HFValidationError, UnexpectedResponseError
from hubclient.models.repos import ModelInfo

_URLS = [
    "http://127.0.0.1:8000/api/x",
    "HTTPS://Hub.CO:443/x?y#z",
    "https://h",
    "http://[::1]:80/a",
    "http://x:bad/",
    "/api/x",
    "//h/x",
    "http://h\t.com/x",
    " http://h/x",
    "http://user:pw@H:8080?q",
    "ftp://h:21/",
    "http://h:/x",
    "s3+x://b/k",
    "http://h#f",
]


@pytest.mark.parametrize("url", _URLS)
def test_a_remembered_origin_is_the_computed_one(url: str) -> None:
    assert origin_of(url) == _origin(url)
    assert origin_of(url) == _origin(url)  # the second time from the memory


def test_a_checked_repo_id_is_not_checked_again_but_a_bad_one_always_is() -> None:
    assert validate_repo_id("acme/model") == "acme/model"
    assert validate_repo_id("acme/model") == "acme/model"
    for bad in ("acme/../x", "a/b/c", "acme/model.git", "-acme/x"):
        for _ in range(2):
            with pytest.raises(HFValidationError):
                validate_repo_id(bad)
    with pytest.raises(HFValidationError):
        validate_repo_id(42)  # type: ignore[arg-type]


_INFO = {"id": "acme/m", "sha": "0" * 40, "lastModified": "2024-01-01T00:00:00.000Z"}
_BODIES = [
    json.dumps(_INFO).encode(),
    json.dumps({**_INFO, "trendingScore": float("nan"), "x": {"big": 10**30}}).encode(),
    b"\xef\xbb\xbf" + json.dumps(_INFO).encode(),  # a BOM: json.loads takes it, jiter not
    json.dumps(_INFO).encode("utf-16"),
    b'{"id": "acme/\\ud800"}',  # a lone surrogate escape
    b'{"id": "acme/\xff"}',  # not UTF-8
    b"<!DOCTYPE html><html></html>",
    b'{"id": 5}',
    b"[1, 2]",
    b"",
    b'{"id": "acme/m"} trailing',
]


def _outcome(fn: Any) -> Any:
    try:
        return fn().model_dump()
    except UnexpectedResponseError as err:
        return type(err), str(err)


@pytest.mark.parametrize("body", _BODIES)
def test_parse_model_answers_as_parse_json_does(body: bytes) -> None:
    request = httpx.Request("GET", "https://hub.example/api/models/acme/m")

    def answer() -> httpx.Response:
        return httpx.Response(200, content=body, request=request)

    fast = _outcome(lambda: parse_model(answer(), ModelInfo, expected="a model info object"))
    slow = _outcome(
        lambda: parse_json(answer(), ModelInfo.model_validate, expected="a model info object")
    )
    assert repr(fast) == repr(slow)  # repr: NaN is not equal to itself
