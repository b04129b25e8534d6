"""Hub handlers for finding things: the tag catalogues of models and datasets, and the semantic
search of Spaces.

The catalogues are the Hub's shape (``{type: [{id, label, type[, subType]}]}``): a small fixed
set of well-known tags, plus every tag the cards of the local Hub's repos declare (``license:x``
and ``language:x`` under their types, the others under ``other``). Space search ranks the Spaces
the caller may see by how many words of the query their id, card title, tags and description
hold: a deterministic stand-in for the Hub's embeddings, with its answer shape.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from hubclient.testing._api_repos import card_of, space_runtime_of
from hubclient.testing._card import card_tags
from hubclient.testing._errors import HubError
from hubclient.testing._routes import Route
from hubclient.testing._web import Ctx, json_response, parse_bool

__all__ = ["dataset_tags", "model_tags", "semantic_search"]

_MODEL_TAGS: dict[str, list[tuple[str, str, str | None]]] = {
    "pipeline_tag": [
        ("text-classification", "Text Classification", "nlp"),
        ("text-generation", "Text Generation", "nlp"),
        ("image-classification", "Image Classification", "cv"),
        ("automatic-speech-recognition", "Automatic Speech Recognition", "audio"),
    ],
    "library": [
        ("pytorch", "PyTorch", None),
        ("safetensors", "Safetensors", None),
        ("transformers", "Transformers", None),
    ],
    "license": [("apache-2.0", "apache-2.0", None), ("mit", "mit", None)],
    "language": [("en", "en", None), ("fr", "fr", None)],
}
_DATASET_TAGS: dict[str, list[tuple[str, str, str | None]]] = {
    "task_categories": [
        ("text-classification", "Text Classification", None),
        ("question-answering", "Question Answering", None),
    ],
    "size_categories": [("n<1K", "n<1K", None), ("1K<n<10K", "1K<n<10K", None)],
    "license": [("apache-2.0", "apache-2.0", None), ("mit", "mit", None)],
    "language": [("en", "en", None), ("fr", "fr", None)],
    "modality": [("text", "Text", None), ("image", "Image", None)],
}
_WORD = re.compile(r"[a-z0-9]+")


def _catalogue(
    ctx: Ctx, repo_type: str, fixed: dict[str, list[tuple[str, str, str | None]]]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, tags in fixed.items():
        for tag_id, label, sub in tags:
            # pipeline tags and libraries are bare ids; the other types are "type:value"
            full_id = tag_id if kind in ("pipeline_tag", "library") else f"{kind}:{tag_id}"
            item: dict[str, Any] = {"id": full_id, "label": label, "type": kind}
            if sub is not None:
                item["subType"] = sub
            out.setdefault(kind, []).append(item)
    known = {item["id"] for items in out.values() for item in items}
    for repo in ctx.store.repos(repo_type):
        if repo.private:
            continue
        for tag in card_tags(card_of(ctx, repo)):
            if tag in known:
                continue
            known.add(tag)
            kind, _, rest = tag.partition(":")
            if rest and kind in ("license", "language"):
                out.setdefault(kind, []).append({"id": tag, "label": rest, "type": kind})
            else:
                out.setdefault("other", []).append({"id": tag, "label": tag, "type": "other"})
    return out


async def model_tags(ctx: Ctx) -> Response:
    return json_response(_catalogue(ctx, "model", _MODEL_TAGS))


async def dataset_tags(ctx: Ctx) -> Response:
    return json_response(_catalogue(ctx, "dataset", _DATASET_TAGS))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


async def semantic_search(ctx: Ctx) -> Response:
    query = ctx.query("q")
    if not query or not query.strip():
        raise HubError.bad_request("Missing query parameter 'q'")
    wanted = _words(query)
    tags_wanted = ctx.query_list("filter")
    sdks = ctx.query_list("sdk")
    non_running = parse_bool(ctx.query("includeNonRunning"))
    results: list[tuple[float, str, dict[str, Any]]] = []
    for repo in ctx.store.repos("space"):
        if not ctx.can_read(repo) or repo.meta.get("disabled"):
            continue
        card = card_of(ctx, repo) or {}
        tags = card_tags(card)
        if tags_wanted and not all(tag in tags for tag in tags_wanted):
            continue
        sdk = str(repo.meta.get("sdk", "gradio"))
        if sdks and sdk not in sdks:
            continue
        runtime = space_runtime_of(ctx, repo)
        if not non_running and runtime.get("stage") != "RUNNING":
            continue
        title = str(card.get("title") or repo.id.split("/", 1)[1])
        description = str(card.get("short_description") or "")
        found = wanted & (
            _words(repo.id) | _words(title) | _words(" ".join(tags)) | _words(description)
        )
        if not found:
            continue
        score = round(len(found) / len(wanted), 4)
        results.append(
            (
                score,
                repo.id,
                {
                    "id": repo.id,
                    "author": repo.namespace,
                    "title": title,
                    "emoji": card.get("emoji"),
                    "sdk": sdk,
                    "likes": 0,
                    "private": repo.private,
                    "tags": tags,
                    "runtime": runtime,
                    "ai_short_description": description or None,
                    "ai_category": None,
                    "semanticRelevancyScore": score,
                    "trendingScore": 0,
                },
            )
        )
    results.sort(key=lambda r: (-r[0], r[1]))
    return json_response([item for _, _, item in results])


ROUTES = [
    Route("GET", "/api/models-tags-by-type", model_tags),
    Route("GET", "/api/datasets-tags-by-type", dataset_tags),
    Route("GET", "/api/spaces/semantic-search", semantic_search),
]
