"""The default transport: httpx's, with a leaner connection-pool bookkeeping.

httpcore 1.0's pool re-examines every connection for every queued request each time a request
enters or leaves it, and probes the socket of every idle connection on each pass
(``has_expired`` polls the socket). With 32-64 connections that bookkeeping costs more CPU than
the HTTP calls themselves. :class:`_LeanPool` keeps the same states and decisions but probes
only the connection it is about to hand out and never assigns two requests to one HTTP/1.1
connection. It is applied only to a plain (no proxy, HTTP/1.1) ``httpcore.AsyncConnectionPool``
of a known shape; anything else keeps httpx's own pool.
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx

__all__ = ["default_transport"]


class _LeanPool(httpcore.AsyncConnectionPool):
    """``httpcore.AsyncConnectionPool`` with O(connections) bookkeeping per pool event."""

    def _assign_requests_to_connections(self) -> list[Any]:
        closing: list[Any] = []
        connections: list[Any] = self._connections
        connections[:] = [c for c in connections if not c.is_closed()]
        busy = {id(r.connection) for r in self._requests if r.connection is not None}

        for request in [r for r in self._requests if r.is_queued()]:
            origin = request.request.url.origin
            chosen = None
            for connection in list(connections):
                if id(connection) in busy or not connection.can_handle_request(origin):
                    continue
                if not connection.is_available():
                    continue
                if connection.has_expired():  # probe only what we are about to hand out
                    connections.remove(connection)
                    closing.append(connection)
                    continue
                chosen = connection
                break
            if chosen is None:
                if len(connections) >= self._max_connections:
                    idle = next((c for c in connections if id(c) not in busy and c.is_idle()), None)
                    if idle is None:
                        continue  # stays queued until a connection frees up
                    connections.remove(idle)
                    closing.append(idle)
                chosen = self.create_connection(origin)
                connections.append(chosen)
            request.assign_to_connection(chosen)
            busy.add(id(chosen))

        if len(connections) > self._max_keepalive_connections:
            idle = [c for c in connections if id(c) not in busy and c.is_idle()]
            for connection in idle[: max(0, len(idle) - self._max_keepalive_connections)]:
                connections.remove(connection)
                closing.append(connection)
        return closing


_POOL_ATTRIBUTES = ("_connections", "_requests", "_max_connections", "_max_keepalive_connections")


def default_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's async transport with these limits, using :class:`_LeanPool` when it safely can."""
    transport = httpx.AsyncHTTPTransport(limits=limits, http1=True, http2=False)
    pool = getattr(transport, "_pool", None)
    if type(pool) is httpcore.AsyncConnectionPool and all(
        hasattr(pool, name) for name in _POOL_ATTRIBUTES
    ):
        pool.__class__ = _LeanPool
    return transport
