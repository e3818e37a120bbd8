"""The minutes feed against a hostile or broken web: internal addresses, trickling downloads,
broken links ahead of good ones, credentials in the feed URL. The real poller, a real server on
loopback (which, being internal, the tests allow by name except where the refusal is tested)."""

from __future__ import annotations

import base64
import json
import logging
import time
from pathlib import Path

import pytest

from store.db import Store
from store.sources import FEED_TABLE, FeedPoller
from tests.feed_server import FeedServer, Route, poller, rss, txt
from tests.helpers import (
    CHANNEL,
    SlackStub,
    drop,
    make_ctx,
    make_notifier,
    meeting_id,
    minutes_text,
    posts,
)

RSS = "application/rss+xml"


# -- 5: internal addresses -------------------------------------------------------------------


def test_a_feed_on_an_internal_address_is_refused_unless_allowed(
    server: FeedServer, store: Store, tmp_path: Path,
) -> None:
    server.routes["/feed"] = Route(rss(("/m.txt", "1")), content_type=RSS)
    server.routes["/m.txt"] = txt(6)
    for host in ("127.0.0.1", "localhost"):
        url = server.base.replace("127.0.0.1", host) + "/feed"
        result = FeedPoller(store, url, download_dir=tmp_path / "d").poll()
        assert result.status == "error"
        assert "internal address" in result.error and "MINUTES_FEED_ALLOW_HOSTS" in result.error
    assert server.requests == [], "not one request may reach an internal server"
    allowed = poller(store, f"{server.base}/feed", tmp_path, allow_hosts=("127.0.0.1",))
    assert allowed.poll().ingested == [f"{server.base}/m.txt"]


def test_links_and_redirects_to_other_internal_hosts_are_refused(
    server: FeedServer, store: Store, tmp_path: Path,
) -> None:
    other = server.base.replace("127.0.0.1", "localhost")
    server.routes["/feed"] = Route(rss((f"{other}/direct.txt", "1"), ("/moved.txt", "2"),
                                       ("/good.txt", "3")), content_type=RSS)
    server.routes["/moved.txt"] = Route(b"", status=302, headers={"Location": f"{other}/m.txt"})
    server.routes["/direct.txt"] = txt(6)
    server.routes["/m.txt"] = txt(7)
    server.routes["/good.txt"] = txt(8)
    result = poller(store, f"{server.base}/feed", tmp_path).poll()
    reasons = dict(result.failed)
    assert "internal address" in reasons[f"{other}/direct.txt"]
    assert "internal address" in reasons[f"{server.base}/moved.txt"]
    assert result.ingested == [f"{server.base}/good.txt"]
    assert server.hits("/m.txt") == 0 and server.hits("/direct.txt") == 0
    assert [m.meeting_id for m in store.meetings()] == [meeting_id(8)]


# -- 6: a total deadline, and the feed never blocks the notifier -----------------------------


def test_a_trickling_download_is_cut_off_at_its_deadline(
    server: FeedServer, store: Store, tmp_path: Path,
) -> None:
    server.routes["/feed"] = Route(rss(("/slow.txt", "1")), content_type=RSS)
    server.routes["/slow.txt"] = Route(minutes_text(6).encode()[:200], trickle=0.1)
    feed = poller(store, f"{server.base}/feed", tmp_path, timeout=2.0, deadline=1.0)
    started = time.monotonic()
    result = feed.poll()
    assert time.monotonic() - started < 4
    [(_, reason)] = result.failed
    assert "took over 1 s" in reason


def test_a_slow_feed_never_delays_the_folder_or_announcements(
    server: FeedServer, slack_stub: SlackStub, tmp_path: Path,
) -> None:
    server.routes["/feed"] = Route(rss(("/slow.txt", "1")), content_type=RSS)
    server.routes["/slow.txt"] = Route(minutes_text(6).encode(), trickle=0.05)  # minutes long
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    ctx = make_ctx(slack_stub, tmp_path / "referat.json", inbox)
    feed = FeedPoller(ctx.store, f"{server.base}/feed", download_dir=tmp_path / "d",
                      allow_hosts=("127.0.0.1",), timeout=5, deadline=600)
    make_notifier(ctx).run_once()  # the first start (its baseline) was before the feed was set
    notifier = make_notifier(ctx, feed=feed)
    try:
        notifier.run_once()  # the feed download starts in its own thread
        drop(inbox, "m.txt", minutes_text(7))
        started = time.monotonic()
        for _ in range(3):
            notifier.run_once()
        assert time.monotonic() - started < 3
        assert any(meeting_id(7).split("|")[1] in json.dumps(p) or "7. marts" in json.dumps(p)
                   for p in posts(slack_stub, CHANNEL))
        assert server.hits("/slow.txt") == 1
    finally:
        server.routes["/slow.txt"] = Route(b"")
        feed.deadline = 0  # let the download thread give up at its next byte
        notifier.stop(timeout=5)


def test_on_the_very_first_start_the_feeds_minutes_are_not_announced(
    server: FeedServer, slack_stub: SlackStub, tmp_path: Path,
) -> None:
    server.routes["/feed"] = Route(rss(("/m.txt", "1")), content_type=RSS)
    server.routes["/m.txt"] = txt(6)
    ctx = make_ctx(slack_stub, tmp_path / "referat.json", None)
    feed = FeedPoller(ctx.store, f"{server.base}/feed", download_dir=tmp_path / "d",
                      allow_hosts=("127.0.0.1",))
    notifier = make_notifier(ctx, feed=feed)
    for _ in range(3):
        notifier.run_once()
    feed.wait(5)
    notifier.run_once()
    assert [m.meeting_id for m in ctx.store.meetings()] == [meeting_id(6)]
    assert posts(slack_stub, CHANNEL) == []


# -- 7: broken links do not starve good ones; the feed once per interval --------------------


def test_broken_links_ahead_of_good_ones_do_not_starve_them(
    server: FeedServer, store: Store, tmp_path: Path,
) -> None:
    links = [(f"/broken{n}.pdf", str(n)) for n in range(26)]
    links += [(f"/good{d}.txt", str(d)) for d in (6, 7, 8, 9)]
    server.routes["/feed"] = Route(rss(*links), content_type=RSS)
    for d in (6, 7, 8, 9):
        server.routes[f"/good{d}.txt"] = txt(d)
    now = [1000.0]
    wall = [1_000_000.0]
    feed = poller(store, f"{server.base}/feed", tmp_path, interval=900, clock=lambda: now[0],
                  wallclock=lambda: wall[0])
    first = feed.poll()
    assert len(first.ingested) == 4 and len(first.failed) == 26
    assert len(store.meetings()) == 4
    assert not feed.due(), "the next feed poll waits for the interval"
    state = store.state_get(FEED_TABLE, f"file:{server.base}/broken0.pdf")
    assert state is not None and state["attempts"] == 1 and state["retry_at"] > wall[0]

    now[0] += 900
    wall[0] += 60  # not yet time to retry the broken ones
    before = len(server.requests)
    feed.poll()
    assert [r.path for r in server.requests[before:]] == ["/feed"]

    # Retried with a growing back-off, then given up until the entry changes.
    for _ in range(20):
        now[0] += 900
        wall[0] += 86_400
        feed.poll()
    assert server.hits("/broken0.pdf") == 8
    assert store.state_get(FEED_TABLE, f"file:{server.base}/broken0.pdf")["attempts"] == 8


def test_files_left_over_continue_without_fetching_the_feed_again(
    server: FeedServer, store: Store, tmp_path: Path,
) -> None:
    server.routes["/feed"] = Route(rss(*[(f"/m{d}.txt", str(d)) for d in range(6, 11)]),
                                   content_type=RSS)
    for d in range(6, 11):
        server.routes[f"/m{d}.txt"] = txt(d)
    feed = poller(store, f"{server.base}/feed", tmp_path, max_files=2, interval=900)
    polls = 0
    while feed.due() and polls < 10:
        feed.poll()
        polls += 1
    assert polls == 3 and len(store.meetings()) == 5
    assert server.hits("/feed") == 1


# -- 10: credentials in the feed URL ---------------------------------------------------------


def test_feed_credentials_are_sent_but_never_logged_or_stored(
    server: FeedServer, store: Store, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = server.base.replace("http://", "http://referat:S3cretPw@") + "/feed"
    server.routes["/feed"] = Route(b"down", status=503)
    feed = poller(store, url, tmp_path)
    assert feed.poll().status == "error"
    server.routes["/feed"] = Route(rss(("/m.txt", "1")), content_type=RSS)
    server.routes["/m.txt"] = txt(6)
    assert len(feed.poll().ingested) == 1
    expected = "Basic " + base64.b64encode(b"referat:S3cretPw").decode()
    assert {r.headers.get("authorization") for r in server.requests} == {expected}
    assert "S3cretPw" not in caplog.text
    stored = (tmp_path / "referat.json").read_text(encoding="utf-8")
    assert "S3cretPw" not in stored and "referat:" not in stored
