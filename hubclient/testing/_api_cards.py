"""Card validation (``POST /api/validate-yaml``): a card's front matter as the Hub checks it.

The YAML must parse and be a mapping; the keys the Hub types (``tags``, ``license``,
``datasets``, ``language``…) must hold strings or lists of strings; a model card's
``model-index`` must be a list of entries with ``name`` and ``results``. A refusal is a 400
whose ``error`` (and ``X-Error-Message``) says what is wrong.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from starlette.responses import Response

from hubclient.testing._errors import HubError
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response

__all__ = ["ROUTES", "card_errors"]

_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
_STRING_LISTS = ("tags", "license", "datasets", "language", "metrics", "base_model", "models")


def _strings(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def card_errors(content: str, repo_type: str) -> list[str]:
    """Why the Hub would refuse this README (empty when it accepts it)."""
    match = _BLOCK.search(content)
    if match is None:
        return []
    try:
        data = yaml.safe_load(match.group(2))
    except yaml.YAMLError as exc:
        return [f"Invalid YAML in the metadata: {' '.join(str(exc).split())}"]
    if data is None:
        return []
    if not isinstance(data, dict):
        return ["The metadata must be a YAML mapping"]
    errors = [
        f'"{key}" must be a string or a list of strings'
        for key in _STRING_LISTS
        if key in data and data[key] is not None and not _strings(data[key])
    ]
    index = data.get("model-index")
    if (
        repo_type == "model"
        and index is not None
        and not (
            isinstance(index, list)
            and all(isinstance(e, dict) and "name" in e and "results" in e for e in index)
        )
    ):
        errors.append('"model-index" must be a list of entries with a name and results')
    return errors


async def validate_yaml(ctx: Ctx) -> Response:
    body = await ctx.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("content", ""), str):
        raise HubError.bad_request("Invalid body: expected {content, repoType}")
    repo_type = body.get("repoType") or "model"
    errors = card_errors(str(body.get("content", "")), str(repo_type))
    if errors:
        raise HubError(400, "; ".join(errors), body={"errors": [{"message": e} for e in errors]})
    return json_response({"errors": [], "warnings": []})


ROUTES = [Route("POST", "/api/validate-yaml", validate_yaml)]
