"""Webhooks: their settings (``WebhookInfo``) and the payloads the Hub sends (``WebhookPayload``).

Payloads follow the Hub's version 3 (``webhook.version``). Every field the Hub adds is kept, and
an ``event.scope`` or ``event.action`` hubclient does not know parses like any other (the Hub's
advice: treat an unknown ``repo.config.x`` scope as an ``update`` of ``repo.config``, see
:meth:`WebhookPayloadEvent.matches`).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from hubclient.models._base import HubModel

__all__ = [
    "WebhookInfo",
    "WebhookPayload",
    "WebhookPayloadComment",
    "WebhookPayloadDiscussion",
    "WebhookPayloadDiscussionChanges",
    "WebhookPayloadEvent",
    "WebhookPayloadMovedTo",
    "WebhookPayloadRepo",
    "WebhookPayloadUpdatedRef",
    "WebhookPayloadUrl",
    "WebhookPayloadWebhook",
    "WebhookWatchedItem",
]

WEBHOOK_DOMAINS = ("repo", "discussion")


class WebhookWatchedItem(HubModel):
    """What a webhook watches: a user's or organisation's repos (``type`` ``user`` / ``org``)
    or one repo (``model`` / ``dataset`` / ``space``), by ``name``."""

    type: str
    name: str


class WebhookInfo(HubModel):
    """A webhook: where it posts (``url``) or which job it triggers (``job``), what it
    watches, the event ``domains`` (``repo``, ``discussion``), its ``secret``, ``disabled``.

    Example::

        hook = await client.create_webhook(
            url="https://bot.example/hook",
            watched=[{"type": "user", "name": "alice"}],
            domains=["discussion"],
            secret="s3cr3t",
        )
    """

    id: str
    url: str | None = None
    job: dict[str, Any] | None = None
    watched: list[WebhookWatchedItem] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    secret: str | None = None
    disabled: bool = False


class WebhookPayloadUrl(HubModel):
    web: str = ""
    api: str | None = None


class _IdOnly(HubModel):
    id: str = ""


class WebhookPayloadMovedTo(HubModel):
    name: str
    owner: _IdOnly = Field(default_factory=_IdOnly)


class WebhookPayloadWebhook(HubModel):
    id: str
    version: int = 3


class WebhookPayloadEvent(HubModel):
    """``action`` (``create``, ``update``, ``delete``, ``move``, …) on ``scope`` (``repo``,
    ``repo.content``, ``repo.config``, ``discussion``, ``discussion.comment``, …)."""

    action: str
    scope: str

    def matches(self, scope: str, action: str | None = None) -> bool:
        """Whether this event is ``action`` (any when None) on ``scope`` or a narrower scope
        of it (``repo.config.dois`` counts as an ``update`` of ``repo.config``).

        Example::

            if payload.event.matches("discussion", "create"):
                ...
        """
        if scope in ("*", ""):
            return action is None or self.action == action
        if self.scope == scope:
            return action is None or self.action == action
        if self.scope.startswith(scope + "."):
            return action is None or action == "update"
        return False


class WebhookPayloadDiscussionChanges(HubModel):
    base: str
    merge_commit_id: str | None = None


class WebhookPayloadComment(HubModel):
    id: str
    author: _IdOnly = Field(default_factory=_IdOnly)
    hidden: bool = False
    content: str | None = None
    url: WebhookPayloadUrl = Field(default_factory=WebhookPayloadUrl)


class WebhookPayloadDiscussion(HubModel):
    id: str
    num: int
    author: _IdOnly = Field(default_factory=_IdOnly)
    url: WebhookPayloadUrl = Field(default_factory=WebhookPayloadUrl)
    title: str = ""
    is_pull_request: bool = False
    status: str = "open"
    changes: WebhookPayloadDiscussionChanges | None = None
    pinned: bool | None = None


class WebhookPayloadRepo(HubModel):
    id: str = ""
    owner: _IdOnly = Field(default_factory=_IdOnly)
    head_sha: str | None = None
    name: str
    private: bool = False
    subdomain: str | None = None
    tags: list[str] | None = None
    type: str = "model"
    url: WebhookPayloadUrl = Field(default_factory=WebhookPayloadUrl)


class WebhookPayloadUpdatedRef(HubModel):
    ref: str
    old_sha: str | None = None
    new_sha: str | None = None


class WebhookPayload(HubModel):
    """What the Hub posts to a webhook's URL.

    Example::

        payload = WebhookPayload.model_validate_json(body)
        if payload.event.matches("discussion", "create") and payload.discussion.is_pull_request:
            print("new PR", payload.repo.name, payload.discussion.num)
    """

    event: WebhookPayloadEvent
    repo: WebhookPayloadRepo
    discussion: WebhookPayloadDiscussion | None = None
    comment: WebhookPayloadComment | None = None
    webhook: WebhookPayloadWebhook
    moved_to: WebhookPayloadMovedTo | None = None
    updated_refs: list[WebhookPayloadUpdatedRef] | None = None
    updated_config: dict[str, Any] | None = None
