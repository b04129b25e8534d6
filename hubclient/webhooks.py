"""Receive the Hub's webhooks in any ASGI app: check the secret, parse, dispatch.

``WebhookReceiver`` is a small ASGI app (Starlette; ``pip install 'hubclient[webhooks]'``): it
answers ``POST`` with the Hub's JSON payload, compares ``X-Webhook-Secret`` (or the
``?secret=`` query parameter the Hub also allows) with the configured secret in constant time,
parses the payload into a :class:`~hubclient.WebhookPayload` and awaits the handlers registered
for its event. Mount it anywhere: ``app.mount("/webhooks", receiver)`` in FastAPI or Starlette,
or serve it alone with uvicorn.

Answers: 401 without a secret, 403 with a wrong one, 405 for anything but ``POST``, 413 past
``max_body`` bytes, 400 for a body that is not a payload (the handlers are not called in any of
these cases); else 200 ``{"handled": n}``, or 500 when a handler raised (the Hub tries again).
With ``background=True`` the answer (202) goes first and the handlers run after it.

Example::

    from hubclient.webhooks import WebhookReceiver
    from hubclient import WebhookPayload

    receiver = WebhookReceiver(secret=os.environ["WEBHOOK_SECRET"])

    @receiver.on("discussion", action="create")
    async def new_discussion(payload: WebhookPayload) -> None:
        print("new", payload.discussion.title, "on", payload.repo.name)

    app.mount("/webhooks", receiver)  # FastAPI / Starlette
"""

from __future__ import annotations

import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic

from hubclient.models.webhooks import WebhookPayload

try:
    from starlette.background import BackgroundTask
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.types import Receive, Scope, Send
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "hubclient.webhooks needs Starlette: pip install 'hubclient[webhooks]'"
    ) from exc

__all__ = ["WebhookHandler", "WebhookReceiver"]

logger = logging.getLogger("hubclient.webhooks")

WebhookHandler = Callable[[WebhookPayload], Awaitable[Any]]
"""An async function taking the payload (its return value is ignored)."""
H = TypeVar("H", bound=WebhookHandler)


@dataclass(frozen=True)
class _Route:
    scope: str
    action: str | None
    handler: WebhookHandler


class WebhookReceiver:
    """An ASGI app receiving the Hub's webhooks (see the module's documentation).

    Args:
        secret: the webhook's secret. ``None`` accepts unsigned payloads only with
            ``allow_unsigned=True`` (for local experiments): a receiver is never open by
            accident.
        allow_unsigned: accept requests without checking any secret.
        max_body: the largest body read, in bytes (the Hub's payloads are a few kB).
        background: answer 202 at once and run the handlers after the answer.
    """

    def __init__(
        self,
        secret: str | None,
        *,
        allow_unsigned: bool = False,
        max_body: int = 1024 * 1024,
        background: bool = False,
    ) -> None:
        if secret is None and not allow_unsigned:
            raise ValueError("give the webhook's secret, or allow_unsigned=True")
        if secret is not None and (not secret or not secret.isascii()):
            raise ValueError("a webhook secret is non-empty ASCII text (as the Hub takes it)")
        self._secret = secret.encode() if secret is not None else None
        self._max_body = max_body
        self._background = background
        self._routes: list[_Route] = []

    def on(self, scope: str = "*", *, action: str | None = None) -> Callable[[H], H]:
        """Register the decorated async function for events of ``scope`` (and narrower ones:
        ``repo`` also gets ``repo.content``) with ``action`` (any when None; ``*`` is every
        event).

        Example::

            @receiver.on("repo.content")
            async def pushed(payload: WebhookPayload) -> None: ...
        """

        def register(handler: H) -> H:
            self.add_handler(handler, scope, action=action)
            return handler

        return register

    def add_handler(
        self, handler: WebhookHandler, scope: str = "*", *, action: str | None = None
    ) -> None:
        """Register ``handler`` (an async function) for ``scope`` / ``action`` (see :meth:`on`)."""
        if not inspect.iscoroutinefunction(handler):
            raise TypeError(f"{handler!r} is not an async function")
        self._routes.append(_Route(scope, action, handler))

    def handlers_for(self, payload: WebhookPayload) -> list[WebhookHandler]:
        """The handlers an event goes to, in registration order."""
        return [r.handler for r in self._routes if payload.event.matches(r.scope, r.action)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        response = await self._answer(Request(scope, receive))
        await response(scope, receive, send)

    def _secret_ok(self, request: Request) -> JSONResponse | None:
        if self._secret is None:
            return None
        given = request.headers.get("x-webhook-secret") or request.query_params.get("secret")
        if given is None:
            return JSONResponse({"error": "x-webhook-secret header not set."}, 401)
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self._secret):
            return JSONResponse({"error": "Invalid webhook secret."}, 403)
        return None

    async def _answer(self, request: Request) -> JSONResponse:
        if request.method != "POST":
            return JSONResponse({"error": "Webhooks are POSTed"}, 405, headers={"Allow": "POST"})
        refused = self._secret_ok(request)
        if refused is not None:
            return refused
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self._max_body:
                return JSONResponse({"error": "Payload too large"}, 413)
        try:
            payload = WebhookPayload.model_validate_json(bytes(body))
        except pydantic.ValidationError as exc:
            detail = exc.errors(include_url=False, include_input=False)[:5]
            return JSONResponse({"error": "Not a webhook payload", "detail": detail}, 400)
        handlers = self.handlers_for(payload)
        if self._background:
            return JSONResponse(
                {"handled": len(handlers)},
                202,
                background=BackgroundTask(_run_logged, handlers, payload),
            )
        try:
            await _run(handlers, payload)
        except Exception:
            logger.exception("webhook handler failed on %s", payload.event)
            return JSONResponse({"error": "A handler failed"}, 500)
        return JSONResponse({"handled": len(handlers)})


async def _run(handlers: list[WebhookHandler], payload: WebhookPayload) -> None:
    for handler in handlers:
        await handler(payload)


async def _run_logged(handlers: list[WebhookHandler], payload: WebhookPayload) -> None:
    try:
        await _run(handlers, payload)
    except Exception:
        logger.exception("webhook handler failed on %s", payload.event)
