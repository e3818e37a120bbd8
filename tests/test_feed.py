"""The minutes feed, against a real HTTP server on loopback: RSS, Atom, an HTML listing,
conditional requests, and every way a response can be bad (all logged and retried later)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from store.db import Store
from store.sources import FEED_TABLE, FeedPoller, parse_feed
from tests.feed_server import (
    ATOM,
    ETAG,
    LAST_MODIFIED,
    FeedServer,
    Route,
    poller,
    rss,
    txt,
)
from tests.helpers import meeting_id, minutes_text


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
