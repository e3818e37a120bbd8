"""Limits for the HTTP-mode server, so slow or greedy clients cannot lock Slack out.

waitress reads request headers in its event loop and only hands complete requests to its worker
threads, but on its own it lets a client hold a connection for as long as it sends a byte before
the idle timeout, and it stops accepting anyone once ``connection_limit`` connections are open.
Here, on top of waitress's own settings:

* a request must arrive completely (headers and body) within :data:`REQUEST_SECONDS` of its first
  byte, however slowly it trickles;
* one client address may hold at most :data:`CONNECTIONS_PER_CLIENT` connections; more are closed
  at once, so a few hosts cannot use up the server's connection limit;
* the WSGI application is wrapped so that a body Bolt cannot even parse (before any signature
  check) is a plain 400 with one log line, never a traceback echoing what the sender wrote.

Behind a reverse proxy every connection comes from the proxy's address; the proxy then enforces
per-client limits (see the README), and these bounds still protect the bot from the proxy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from waitress.channel import HTTPChannel

log = logging.getLogger("referat.http")

REQUEST_SECONDS = 10.0
CONNECTIONS_PER_CLIENT = 20
CLEANUP_SECONDS = 1.0

#: waitress settings (``waitress.create_server`` keywords) that go with the guard.
SERVER_SETTINGS: dict[str, Any] = {
    "channel_timeout": 15,  # seconds a connection may sit idle between requests
    "cleanup_interval": CLEANUP_SECONDS,  # how often idle and slow connections are swept
    "connection_limit": 500,
    "max_request_header_size": 64 * 1024,
    "max_request_body_size": 1024 * 1024,  # Slack's requests are a few KB
}


class _BoundedChannel(HTTPChannel):
    """A waitress channel that notes when the request it is reading began."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.monotonic()
        result = super().received(data)
        if self.request is None:
            self.request_started = None  # complete: the clock starts again with the next one
        return result


def guard_server(server: Any) -> Any:
    """Install the per-client connection cap and the whole-request deadline on ``server``."""
    server.channel_class = _channel_factory(server)
    sweep_idle = server.maintenance

    def maintenance(now: float) -> None:
        sweep_idle(now)
        cutoff = time.monotonic() - REQUEST_SECONDS
        for channel in list(server.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < cutoff:
                channel.request_started = None
                channel.will_close = True
                log.info("http: closed a connection whose request took over %.0f s",
                         REQUEST_SECONDS)

    server.maintenance = maintenance
    return server


def _channel_factory(server: Any) -> Callable[..., Any]:
    def make_channel(srv: Any, conn: Any, addr: Any, adj: Any, map: Any = None) -> Any:  # noqa: A002
        host = addr[0] if isinstance(addr, tuple) and addr else str(addr)
        same = sum(1 for ch in server.active_channels.values()
                   if isinstance(ch.addr, tuple) and ch.addr and ch.addr[0] == host)
        if same >= CONNECTIONS_PER_CLIENT:
            conn.close()
            log.info("http: refused a connection: %d already open from one client", same)
            return None
        return _BoundedChannel(srv, conn, addr, adj, map=map)

    return make_channel


def refuse_unreadable(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """WSGI middleware: a request the app raises on (a body Bolt cannot parse) is a 400.

    Bolt catches every error after it has read a request; an exception reaching this wrapper
    comes from reading the raw request, before its signature was checked, so only its type is
    logged.
    """

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            return app(environ, start_response)
        except Exception as exc:
            log.info("http: unreadable request refused (%s)", type(exc).__name__)
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"bad request"]

    return guarded
