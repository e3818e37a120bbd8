"""The minutes feed, against a real HTTP server on loopback: RSS, Atom, an HTML listing,
conditional requests, and every way a response can be bad (all logged and retried later)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from store.db import Store
from store.sources import FEED_TABLE, FeedPoller, parse_feed
from tests.test_sources import meeting_id, minutes_text

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


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.requests.append(Seen(self.path, headers))
            route = server.routes.get(self.path)
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
                    if not trickle:
                        self.wfile.write(body)
                    for byte in body if trickle else b"":
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(trickle)

    return Handler


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


def test_rss_files_are_ingested_and_an_unchanged_feed_costs_one_304(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    server.routes["/feed.rss"] = Route(
        rss(("/files/a.txt", "Mon, 06 Mar 2023"),
            (f"{server.base}/files/b.txt", "Tue, 07 Mar 2023")),
        content_type="application/rss+xml", etag=ETAG)
    server.routes["/files/a.txt"] = txt(6)
    server.routes["/files/b.txt"] = txt(7)
    feed = poller(store, f"{server.base}/feed.rss", tmp_path)

    result = feed.poll()
    assert result.status == "fetched" and result.links == 2 and not result.failed
    assert sorted(m.meeting_id for m in store.meetings()) == [meeting_id(6), meeting_id(7)]
    assert (tmp_path / "downloads").is_dir()

    again = feed.poll()
    assert again.status == "not_modified" and not again.ingested and not again.failed
    feed_requests = [r for r in server.requests if r.path == "/feed.rss"]
    assert feed_requests[-1].headers.get("if-none-match") == ETAG
    assert server.hits("/files/a.txt") == 1 and server.hits("/files/b.txt") == 1
    state = store.state_get(FEED_TABLE, f"file:{server.base}/files/a.txt")
    assert state is not None and state["status"] == "ingested"


def test_atom_feed_with_last_modified_and_a_changed_entry_is_fetched_again(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    def atom(updated: str) -> bytes:
        return (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>R</title>'
            f"<entry><title>Direktionen</title><updated>{updated}</updated>"
            '<link rel="alternate" href="/moeder/direktionen.html"/>'
            '<link rel="enclosure" href="/files/d.txt" type="text/plain"/></entry>'
            "</feed>"
        ).encode()

    server.routes["/atom"] = Route(atom("2023-03-06T10:00:00Z"), content_type=ATOM,
                                   last_modified=LAST_MODIFIED)
    server.routes["/files/d.txt"] = txt(8)
    feed = poller(store, f"{server.base}/atom", tmp_path)
    assert feed.poll().ingested == [f"{server.base}/files/d.txt"]
    assert feed.poll().status == "not_modified"
    assert server.requests[-1].headers.get("if-modified-since") == LAST_MODIFIED
    assert server.hits("/moeder/direktionen.html") == 0, "only document links are fetched"

    # The minutes were corrected: the entry's <updated> changes, and so does the file.
    corrected = minutes_text(8).replace("Taget til efterretning.", "Godkendt.", 1)
    server.routes["/files/d.txt"] = Route(corrected.encode("utf-8"))
    server.routes["/atom"] = Route(atom("2023-03-09T08:00:00Z"), content_type=ATOM,
                                   last_modified="Thu, 09 Mar 2023 08:00:00 GMT")
    result = feed.poll()
    assert result.ingested == [f"{server.base}/files/d.txt"]
    assert result.report is not None and result.report.updated == [meeting_id(8)]


def test_html_listing_failures_are_logged_and_retried_on_the_next_poll(
    server: FeedServer, store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes["/referater/"] = Route(
        b"<!DOCTYPE html><html><body><h1>Referater</h1><ul>"
        b'<li><a href="direktionen-6.txt">6. marts</a></li>'
        b'<li><a href="/files/login.pdf">7. marts (PDF)</a></li>'
        b'<li><a href="/files/broken.txt">8. marts</a></li>'
        b'<li><a href="/files/slow.txt">9. marts</a></li>'
        b'<li><a href="/files/huge.txt">10. marts</a></li>'
        b'<li><a href="/om-kommunen.html">Om kommunen</a></li>'
        b'<li><a href="mailto:raadhus@example.dk">Skriv</a></li>'
        b"</ul></body></html>",
        content_type="text/html; charset=utf-8")
    server.routes["/referater/direktionen-6.txt"] = txt(6)
    # A login page where the PDF should be: the usual way a site breaks a download.
    server.routes["/files/login.pdf"] = Route(b"<html><body>Log ind</body></html>",
                                              content_type="text/html")
    server.routes["/files/broken.txt"] = Route(b"oops", status=500)
    server.routes["/files/slow.txt"] = Route(minutes_text(9).encode("utf-8"), delay=1.5)
    server.routes["/files/huge.txt"] = Route(b"x" * 30_000, send_length=False)
    now = [1_000_000.0]
    feed = poller(store, f"{server.base}/referater/", tmp_path, timeout=0.5, max_bytes=20_000,
                  wallclock=lambda: now[0])

    first = feed.poll()
    assert first.status == "fetched" and first.links == 5
    assert first.ingested == [f"{server.base}/referater/direktionen-6.txt"]
    reasons = dict(first.failed)
    assert "HTML page" in reasons[f"{server.base}/files/login.pdf"]
    assert "HTTP 500" in reasons[f"{server.base}/files/broken.txt"]
    assert "timed out" in reasons[f"{server.base}/files/slow.txt"]
    assert "too large" in reasons[f"{server.base}/files/huge.txt"]
    assert "will retry" in caplog.text
    assert server.hits("/om-kommunen.html") == 0
    failed = store.state_get(FEED_TABLE, f"file:{server.base}/files/broken.txt")
    assert failed is not None and failed["status"] == "failed" and failed["attempts"] == 1

    # The site recovers: once the back-off has passed, a poll fetches only what failed.
    now[0] += 300
    server.routes["/files/login.pdf"] = txt(7)  # served as text: the content decides, not the name
    server.routes["/files/broken.txt"] = txt(8)
    server.routes["/files/slow.txt"] = txt(9)
    server.routes["/files/huge.txt"] = txt(10)
    second = feed.poll()
    assert not second.failed
    assert len(second.ingested) == 4
    assert server.hits("/referater/direktionen-6.txt") == 1
    assert sorted(m.meeting_id for m in store.meetings()) == [meeting_id(d) for d in range(6, 11)]


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    server.routes["/feed"] = Route(rss(("/big.txt", "x")), content_type="application/rss+xml")
    server.routes["/big.txt"] = Route(b"y" * 10_000)
    feed = poller(store, f"{server.base}/feed", tmp_path, max_bytes=1000)
    result = feed.poll()
    assert result.failed and "limit 1,000" in result.failed[0][1]


def test_a_feed_that_errors_or_is_unreachable_never_raises(
    server: FeedServer, store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes["/feed"] = Route(b"boom", status=503)
    feed = poller(store, f"{server.base}/feed", tmp_path)
    result = feed.poll()
    assert result.status == "error" and "503" in result.error

    server.routes["/feed"] = Route(b"<rss><channel></channel></rss>", delay=1.5)
    slow = poller(store, f"{server.base}/feed", tmp_path, timeout=0.3)
    assert "timed out" in slow.poll().error

    closed = poller(store, "http://127.0.0.1:9/feed", tmp_path)  # discard port: refused
    assert closed.poll().status == "error"
    assert "will retry" in caplog.text

    server.routes["/feed"] = Route(rss(("/m.txt", "1")), content_type="application/rss+xml")
    server.routes["/m.txt"] = txt(11)
    assert feed.poll().ingested == [f"{server.base}/m.txt"]


def test_polls_wait_for_the_interval(server: FeedServer, store: Store, tmp_path: Path) -> None:
    now = [1000.0]
    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    server.routes["/feed"] = Route(rss(), content_type="application/rss+xml")
    feed = poller(store, f"{server.base}/feed", tmp_path, interval=900, clock=clock)
    assert feed.due()
    feed.poll()
    assert not feed.due()
    now[0] += 899
    assert not feed.due()
    now[0] += 1
    assert feed.due()


def test_more_files_than_one_poll_takes_continue_on_the_next_tick(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    server.routes["/feed"] = Route(rss(*[(f"/m{d}.txt", str(d)) for d in range(12, 15)]),
                                   content_type="application/rss+xml")
    for d in range(12, 15):
        server.routes[f"/m{d}.txt"] = txt(d)
    feed = poller(store, f"{server.base}/feed", tmp_path, max_files=2, interval=900)
    first = feed.poll()
    assert len(first.ingested) == 2 and first.more and feed.due()
    second = feed.poll()
    assert len(second.ingested) == 1 and not second.more and not feed.due()
    assert len(store.meetings()) == 3


def test_parse_feed_reads_rss_atom_and_html_and_keeps_only_web_links() -> None:
    base = "https://kommune.example/referater/index.html"
    rss_body = (b'<rss version="2.0"><channel><item><link>https://kommune.example/a.pdf</link>'
                b"<pubDate>d1</pubDate></item><item><link>https://kommune.example/side</link>"
                b'</item><item><enclosure url="file:///etc/passwd"/></item>'
                b'<item><enclosure url="b.docx"/></item></channel></rss>')
    assert [link.url for link in parse_feed(rss_body, base)] == [
        "https://kommune.example/a.pdf", "https://kommune.example/referater/b.docx"]

    html = (b'<html><head><base href="https://filer.example/dok/"></head><body>'
            b'<a href="x.PDF#side2">x</a><a href="x.PDF">x igen</a><a href="y.txt?v=2">y</a>'
            b'<a href="javascript:alert(1)">z.pdf</a><a href="z.html">z</a></body></html>')
    assert [link.url for link in parse_feed(html, base, "text/html")] == [
        "https://filer.example/dok/x.PDF", "https://filer.example/dok/y.txt?v=2"]

    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><updated>u1</updated>'
            b'<link href="/r.docx"/></entry></feed>')
    links = parse_feed(atom, base)
    assert [(link.url, link.version) for link in links] == [
        ("https://kommune.example/r.docx", "u1")]


def test_feed_url_must_be_http(store: Store) -> None:
    with pytest.raises(ValueError, match="http"):
        FeedPoller(store, "file:///etc/passwd")
