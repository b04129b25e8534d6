"""Webhooks: create, read, list, update, enable, disable and delete them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import quote

from hubclient._areas._base import Area
from hubclient._areas._community import answer
from hubclient.errors import HFValidationError
from hubclient.models.webhooks import WEBHOOK_DOMAINS, WebhookInfo

__all__ = ["WebhooksArea"]

WebhookDomain = Literal["repo", "discussion"]
_WATCHED_TYPES = ("dataset", "model", "org", "space", "user", "bucket")


def _watched(items: Sequence[Any]) -> list[dict[str, str]]:
    """Watched items as the Hub takes them, from dicts or objects with ``type`` and ``name``
    (hubclient's or huggingface_hub's ``WebhookWatchedItem``)."""
    out: list[dict[str, str]] = []
    for item in items:
        kind = item.get("type") if isinstance(item, Mapping) else getattr(item, "type", None)
        name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", None)
        if kind not in _WATCHED_TYPES or not isinstance(name, str) or not name:
            raise HFValidationError(
                f"Invalid watched item {item!r}: a type among {_WATCHED_TYPES} and a name"
            )
        out.append({"type": str(kind), "name": name})
    return out


def _domains(domains: Sequence[str]) -> list[str]:
    for domain in domains:
        if domain not in WEBHOOK_DOMAINS:
            raise HFValidationError(f"Invalid domain {domain!r}: one of {WEBHOOK_DOMAINS}")
    return list(domains)


def _path(webhook_id: str, action: str = "") -> str:
    if not isinstance(webhook_id, str) or not webhook_id.isalnum():
        raise HFValidationError(f"Invalid webhook_id: {webhook_id!r}")
    return f"/api/settings/webhooks/{quote(webhook_id)}" + (f"/{action}" if action else "")


class WebhooksArea(Area):
    """Webhooks of the token's user (``create_webhook``, ``list_webhooks``, …). The payloads
    they post are :class:`~hubclient.WebhookPayload`; ``hubclient.webhooks`` receives them."""

    def _info(self, response: Any) -> WebhookInfo:
        return answer(response, WebhookInfo, "a webhook", pick=lambda d: d["webhook"])

    async def get_webhook(self, webhook_id: str, *, token: str | bool | None = None) -> WebhookInfo:
        """One of your webhooks.

        Example::

            hook = await client.get_webhook("6390e855e30d9209411de93b")
            print(hook.url, hook.watched, hook.disabled)
        """
        return self._info(await self._http.request("GET", _path(webhook_id), token=token))

    async def list_webhooks(self, *, token: str | bool | None = None) -> list[WebhookInfo]:
        """All your webhooks.

        Example::

            for hook in await client.list_webhooks():
                print(hook.id, hook.url)
        """
        response = await self._http.request("GET", "/api/settings/webhooks", token=token)
        return answer(response, list[WebhookInfo], "a list of webhooks")

    async def create_webhook(
        self,
        *,
        url: str | None = None,
        job_id: str | None = None,
        watched: list[dict[str, str] | Any],
        domains: list[WebhookDomain] | None = None,
        secret: str | None = None,
        secrets: dict[str, str] | None = None,
        token: str | bool | None = None,
    ) -> WebhookInfo:
        """Create a webhook that posts to ``url`` (or triggers the job ``job_id``) on the
        events of the ``watched`` users, organisations or repos, in ``domains`` (default
        both ``repo`` and ``discussion``); ``secret`` is sent as ``X-Webhook-Secret``.

        Example::

            hook = await client.create_webhook(
                url="https://bot.example/hook", watched=[{"type": "model", "name": "acme/m"}]
            )
        """
        body: dict[str, Any] = {
            "watched": _watched(watched),
            "domains": _domains(domains) if domains is not None else list(WEBHOOK_DOMAINS),
        }
        if secret is not None:
            body["secret"] = secret
        if url is not None and job_id is not None:
            raise HFValidationError("Set `url` or `job_id` but not both.")
        if url is not None:
            body["url"] = url
        elif job_id is not None:
            body["jobSourceId"] = job_id
        else:
            raise HFValidationError("Missing argument for webhook: `url` or `job_id`.")
        if secrets is not None:
            if job_id is None:
                raise HFValidationError("`secrets` can only be set together with `job_id`.")
            body["secrets"] = secrets
        response = await self._http.request(
            "POST", "/api/settings/webhooks", json=body, token=token
        )
        return self._info(response)

    async def update_webhook(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        job_id: str | None = None,
        watched: list[dict[str, str] | Any] | None = None,
        domains: list[WebhookDomain] | None = None,
        secret: str | None = None,
        secrets: dict[str, str] | None = None,
        token: str | bool | None = None,
    ) -> WebhookInfo:
        """Change a webhook. As with huggingface_hub, ``watched`` is always sent: leaving it
        out sends an empty list.

        Example::

            hook = await client.update_webhook(hook.id, url="https://bot.example/v2",
                                               watched=[{"type": "user", "name": "alice"}])
        """
        if url is not None and job_id is not None:
            raise HFValidationError("Set `url` or `job_id` but not both.")
        body: dict[str, Any] = {"watched": _watched(watched or [])}
        if url is not None:
            body["url"] = url
        if job_id is not None:
            body["jobSourceId"] = job_id
        if domains is not None:
            body["domains"] = _domains(domains)
        if secret is not None:
            body["secret"] = secret
        if secrets is not None:
            if job_id is None:
                raise HFValidationError("`secrets` can only be set together with `job_id`.")
            body["secrets"] = secrets
        response = await self._http.request("POST", _path(webhook_id), json=body, token=token)
        return self._info(response)

    async def enable_webhook(
        self, webhook_id: str, *, token: str | bool | None = None
    ) -> WebhookInfo:
        """Enable a disabled webhook.

        Example::

            hook = await client.enable_webhook(hook.id)
        """
        return self._info(
            await self._http.request("POST", _path(webhook_id, "enable"), token=token)
        )

    async def disable_webhook(
        self, webhook_id: str, *, token: str | bool | None = None
    ) -> WebhookInfo:
        """Disable a webhook (it keeps its settings and posts nothing until enabled).

        Example::

            hook = await client.disable_webhook(hook.id)
            assert hook.disabled
        """
        return self._info(
            await self._http.request("POST", _path(webhook_id, "disable"), token=token)
        )

    async def delete_webhook(self, webhook_id: str, *, token: str | bool | None = None) -> None:
        """Delete a webhook.

        Example::

            await client.delete_webhook(hook.id)
        """
        await self._http.request("DELETE", _path(webhook_id), token=token)
