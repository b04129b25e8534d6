"""What happened on the local Hub, for whoever listens (the webhook outbox).

Handlers that change something publish a :class:`HubEvent` on ``ctx.state.events`` after the
change is saved; listeners are called at once, in the request, so they must be quick (the
webhook outbox only queues). Example::

    ctx.state.events.publish(HubEvent("repo.content", "update", repo, ctx.hub_url,
                                      updated_refs=[("refs/heads/main", old, new)]))
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hubclient.testing._repo import Repo

__all__ = ["EventBus", "HubEvent"]

_log = logging.getLogger("hubclient.testing")


@dataclass(frozen=True)
class HubEvent:
    """One change: its webhook ``scope`` and ``action``, the repo, and what the payload
    needs (the discussion and comment records, updated refs, updated config, new name)."""

    scope: str
    action: str
    repo: Repo
    hub_url: str
    actor: str | None = None
    discussion: dict[str, Any] | None = None
    comment: dict[str, Any] | None = None
    updated_refs: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    updated_config: dict[str, Any] | None = None
    moved_to: str | None = None
    repo_id: str = ""
    """The repo id when the event happened (a moved or deleted repo's old id)."""

    def __post_init__(self) -> None:
        if not self.repo_id:
            object.__setattr__(self, "repo_id", self.repo.id)


class EventBus:
    """Listeners of the Hub's events (thread-safe; a failing listener is logged, not raised)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Callable[[HubEvent], None]] = []

    def subscribe(self, listener: Callable[[HubEvent], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def publish(self, event: HubEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a listener's bug must not fail the request that changed the Hub
                _log.exception(
                    "local hub: event listener failed on %s.%s", event.scope, event.action
                )
