"""A stand-in of a municipality's web site serving a minutes feed, on a free loopback port.

:class:`FeedServer` answers each path with a :class:`Route` (status, body, ETag, Last-Modified,
delays, trickling bodies, redirects) and records every request, so tests can assert on what the
real :class:`~store.sources.FeedPoller` fetched and how.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from store.db import Store
from store.sources import FeedPoller
from tests.helpers import minutes_text

ETAG = '"feed-v1"'
LAST_MODIFIED = "Mon, 06 Mar 2023 10:00:00 GMT"
ATOM = "application/atom+xml"


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    delay: float = 0.0
    send_length: bool = True
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Location for a redirect
    trickle: float = 0.0  # seconds between the body's bytes


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    """A threaded HTTP server on 127.0.0.1 serving :class:`Route` s; records every request."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    base: str = ""

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)


class _FeedHandler(BaseHTTPRequestHandler):
    """Serves the routes of :attr:`feed` (set per server by :func:`_handler`)."""

    feed: FeedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.feed.requests.append(Seen(self.path, headers))
        route = self.feed.routes.get(self.path)
        if route is None:
            self._reply(404, b"not found", "text/plain", {})
            return
        if route.delay:
            time.sleep(route.delay)
        if route.etag and headers.get("if-none-match") == route.etag:
            self._reply(304, b"", "", {"ETag": route.etag})
            return
        if route.last_modified and headers.get("if-modified-since") == route.last_modified:
            self._reply(304, b"", "", {"Last-Modified": route.last_modified})
            return
        extra = dict(route.headers)
        if route.etag:
            extra["ETag"] = route.etag
        if route.last_modified:
            extra["Last-Modified"] = route.last_modified
        self._reply(route.status, route.body, route.content_type, extra, route.send_length,
                    route.trickle)

    def _reply(self, status: int, body: bytes, ctype: str, extra: dict[str, str],
               send_length: bool = True, trickle: float = 0.0) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if send_length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        if status != 304:
            with contextlib.suppress(OSError):  # the client gave up (size cap, timeout)
                self._write(body, trickle)

    def _write(self, body: bytes, trickle: float) -> None:
        """The body at once, or one byte every ``trickle`` seconds (a slow server)."""
        if not trickle:
            self.wfile.write(body)
            return
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(trickle)



def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_FeedHandler,), {"feed": server})


@pytest.fixture
def server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "referat.json")


def poller(store: Store, url: str, tmp_path: Path, **kwargs) -> FeedPoller:
    """A poller allowed to fetch from the loopback test server (internal addresses are
    refused unless named, as ``MINUTES_FEED_ALLOW_HOSTS`` does)."""
    kwargs.setdefault("timeout", 2.0)
    kwargs.setdefault("allow_hosts", ("127.0.0.1",))
    return FeedPoller(store, url, download_dir=tmp_path / "downloads", **kwargs)


def txt(day: int) -> Route:
    return Route(minutes_text(day).encode("utf-8"))


def rss(*links: tuple[str, str]) -> bytes:
    items = "".join(
        f"<item><title>Referat</title><guid>{url}</guid><pubDate>{date}</pubDate>"
        f'<enclosure url="{url}" type="text/plain" length="1"/></item>'
        for url, date in links
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Referater</title>{items}</channel></rss>").encode()
