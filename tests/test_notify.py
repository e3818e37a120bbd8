"""New minutes announced in Slack exactly once, end to end: a file dropped into the watched folder,
the real notifier, a real WebClient talking HTTP to the local stand-in of Slack's Web API."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot import announce
from bot.config import ConfigError, Settings
from bot.context import BotContext, make_client
from bot.notify import ANNOUNCEMENTS, BASELINE_KEY, Notifier, notifier_wanted
from store.db import Store
from store.records import ItemRecord, MeetingRecord
from tests.helpers import (
    CHANNEL,
    SlackStub,
    blocks_of,
    drop,
    make_ctx,
    make_notifier,
    meeting_id,
    minutes_text,
    posts,
    slack_settings,
    tick,
)

# How the samples' meeting is named once it is moved to 6 March (see minutes_text).
MARCH_6 = "Direktionen (Kalundborg) 6. marts 2023"

REPO = Path(__file__).resolve().parents[1]


def texts(body: dict) -> str:
    """Every mrkdwn/plain text of a message's blocks, joined."""
    out = []
    for block in blocks_of(body):
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and "text" in element:
                text = element["text"]
                out.append(text if isinstance(text, str) else text.get("text", ""))
    return "\n".join(out)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "referat.json"


def test_a_dropped_file_is_announced_exactly_once(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    ctx = make_ctx(slack_stub, db_path, inbox)
    notifier = make_notifier(ctx)
    assert tick(notifier) == 0

    drop(inbox, "direktionen-2023-03-06.txt", minutes_text(6))
    assert tick(notifier) == 1
    [body] = posts(slack_stub)
    assert body["channel"] == CHANNEL
    assert body["unfurl_links"] in (False, "0", "false") and body["text"]
    assert body["text"].startswith(f"Nyt referat: {MARCH_6}")
    shown = texts(body)
    assert MARCH_6 in shown
    assert ("*1. Status på kommunikationsstrategien*\nSag 23-001310\n*Beslutning:* Taget til"
            in shown)
    assert "*4. VSBV - Forbindsstoffer - \"Plasterordning\"*\nSag 18-034639K" in shown
    # Closed items by title only: nothing of their content, not even the case number.
    closed = [b for b in blocks_of(body)
              if "Ydelser mellem enheder" in b.get("text", {}).get("text", "")]
    assert closed and "Sag" not in closed[0]["text"]["text"] and "accessory" not in closed[0]
    store_items = ctx.store.items_for_meeting(meeting_id(6))
    for item in store_items:
        assert item.title in shown
    record = ctx.store.state_get(ANNOUNCEMENTS, meeting_id(6))
    assert record is not None and record["ts"] and record["content_hash"]

    # The same file again, under another name, and then another tick: nothing new to say.
    shutil.copyfile(inbox / "direktionen-2023-03-06.txt", inbox / "kopi.txt")
    assert tick(notifier, 3) == 0

    # A restart: a new process on the same store and folder posts nothing.
    restarted = make_notifier(make_ctx(slack_stub, db_path, inbox))
    assert tick(restarted, 3) == 0
    assert len(posts(slack_stub)) == 1


def test_first_start_on_an_existing_store_does_not_flood_the_channel(
    slack_stub: SlackStub, sample_store_path: Path, inbox: Path
) -> None:
    ctx = make_ctx(slack_stub, sample_store_path, inbox)
    assert len(ctx.store.meetings()) == 2
    notifier = make_notifier(ctx)
    assert tick(notifier) == 0
    assert posts(slack_stub, None) == []
    baseline = ctx.store.state_get(ANNOUNCEMENTS, BASELINE_KEY)
    assert baseline is not None and baseline["meetings"] == 2

    drop(inbox, "new.txt", minutes_text(6))
    assert tick(notifier) == 1
    assert posts(slack_stub)[0]["text"].startswith(f"Nyt referat: {MARCH_6}")


def test_updated_minutes_get_one_short_note_naming_what_changed(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    notifier = make_notifier(make_ctx(slack_stub, db_path, inbox))
    tick(notifier)
    path = drop(inbox, "m.txt", minutes_text(6))
    assert tick(notifier) == 1

    changed = minutes_text(6).replace(
        "Godkendt.", "Godkendt med den ændring, at ordningen ophører 1. juli.", 1)
    assert changed != minutes_text(6)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    assert tick(notifier, 3) == 1
    note = posts(slack_stub)[1]
    assert note["text"].startswith(f"Opdateret referat: {MARCH_6}")
    shown = texts(note)
    assert "ophører 1. juli" in shown and "Plasterordning" in shown
    assert "kommunikationsstrategien" not in shown, "unchanged items are not repeated"
    assert len(blocks_of(note)) < len(blocks_of(posts(slack_stub)[0]))

    restarted = make_notifier(make_ctx(slack_stub, db_path, inbox))
    assert tick(restarted, 3) == 0


def test_rate_limited_then_accepted_arrives_once(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    notifier = make_notifier(make_ctx(slack_stub, db_path, inbox))
    tick(notifier)
    drop(inbox, "m.txt", minutes_text(6))
    slack_stub.fail_next("chat.postMessage", status=429, retry_after=1)
    assert tick(notifier) == 1
    assert [c.status for c in slack_stub.attempts("chat.postMessage")] == [429, 200]
    assert len(posts(slack_stub)) == 1
    assert tick(notifier) == 0


def test_slack_failing_keeps_the_announcement_pending_until_it_recovers(
    slack_stub: SlackStub, db_path: Path, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = make_ctx(slack_stub, db_path, inbox)
    notifier = make_notifier(ctx)
    tick(notifier)
    drop(inbox, "m.txt", minutes_text(6))
    slack_stub.fail_next("chat.postMessage", status=500, times=2)
    assert tick(notifier) == 0
    assert posts(slack_stub) == []
    assert ctx.store.state_get(ANNOUNCEMENTS, meeting_id(6)) is None
    assert "Slack refused" in caplog.text or "did not take" in caplog.text
    assert tick(notifier, 1) == 0, "still failing"

    assert tick(notifier, 1) == 1
    assert len(posts(slack_stub)) == 1


def test_slack_unreachable_then_back(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    ctx = make_ctx(slack_stub, db_path, inbox)
    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/api/"
    ctx.client = WebClient(token="xoxb-test", base_url=dead, timeout=2)
    notifier = make_notifier(ctx)
    drop(inbox, "m.txt", minutes_text(6))
    assert tick(notifier, 3) == 0
    assert ctx.store.state_get(ANNOUNCEMENTS, meeting_id(6)) is None

    ctx.client = make_client(ctx.settings)  # Slack is back (a restart would do the same)
    assert tick(notifier, 1) == 1
    assert len(posts(slack_stub)) == 1


def test_backoff_pauses_posting_after_a_failure(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    notifier = Notifier(make_ctx(slack_stub, db_path, inbox), retry_backoff=(3600.0, 3600.0))
    tick(notifier)
    drop(inbox, "m.txt", minutes_text(6))
    slack_stub.fail_next("chat.postMessage", status=500)
    assert tick(notifier, 4) == 0
    assert len(slack_stub.attempts("chat.postMessage")) == 1, "no request per tick while paused"


def _record(meeting: str, number: int, title: str, decision: str,
            closed: bool = False) -> ItemRecord:
    return ItemRecord(
        meeting_id=meeting, body="Byrådet", date="2024-05-02", item_number=number, title=title,
        closed=closed, case_number=None if closed else f"24-{number:06d}", journal_number=None,
        document_number=None, decision="" if closed else decision, recommendation="", resume="",
        presentation="", treatment="", economy="", attachments=[], text="", source="x.txt",
    )


def long_meeting(n_items: int = 70) -> tuple[MeetingRecord, list[ItemRecord]]:
    mid = "Byrådet|2024-05-02"
    meeting = MeetingRecord(meeting_id=mid, body="Byrådet", date="2024-05-02", start_time="17:00",
                            place="Byrådssalen", participants=[], source="x.txt",
                            content_hash="h1", item_count=n_items)
    items = [_record(mid, n, f"Punkt nummer {n} <!here>", ("Godkendt. " * 400) if n == 3 else
                     "Godkendt.", closed=(n % 10 == 0))
             for n in range(1, n_items + 1)]
    return meeting, items


def test_a_long_agenda_is_split_within_slacks_limits() -> None:
    meeting, items = long_meeting()
    messages = announce.announcement(meeting, items)
    assert len(messages) >= 2
    seen = ""
    for message in messages:
        assert 0 < len(message.blocks) <= 50
        assert message.text
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
            seen += json.dumps(block, ensure_ascii=False)
    positions = [seen.index(f"Punkt nummer {n} ") for n in range(1, 71)]
    assert positions == sorted(positions), "every item, in agenda order"
    assert "<!here>" not in seen and "&lt;!here&gt;" in seen
    assert seen.count('"text": "Godkendt. Godkendt.') == 1, "a 4,000-char decision spans 2 sections"
    assert seen.count("Godkendt.") == 400 + 62, "no decision text is lost in the split"
    assert messages[1].text.endswith(f"(fortsat 2/{len(messages)})")


def test_an_interrupted_long_announcement_resumes_where_it_stopped(
    slack_stub: SlackStub, db_path: Path
) -> None:
    ctx = make_ctx(slack_stub, db_path, None)
    notifier = make_notifier(ctx)
    tick(notifier, 1)  # baseline of the empty store
    text = minutes_text(6)
    extra = "".join(f"\nSak {n}: Ekstra punkt {n}\n\n24-{n:06d}\n\nBeslutning\n\nGodkendt.\n"
                    for n in range(11, 71))
    path = db_path.parent / "long.txt"
    path.write_text(text + extra, encoding="utf-8")
    from store.ingest import ingest_paths

    ingest_paths(ctx.store, [path])
    items = ctx.store.items_for_meeting(meeting_id(6))
    assert len(items) > 50
    meeting = ctx.store.meeting(meeting_id(6))
    assert meeting is not None
    parts = announce.announcement(meeting, items)
    assert len(parts) >= 2
    # As if the first part went out and the process died before the rest.
    ctx.store.state_put(ANNOUNCEMENTS, meeting.meeting_id, {
        "content_hash": meeting.content_hash, "ts": "1700000000.000009", "kind": "new",
        "parts": len(parts), "sent": 1, "announced_at": "2024-01-01T00:00:00+00:00"})
    assert tick(notifier, 1) == len(parts) - 1
    sent = posts(slack_stub)
    assert [b["text"] for b in sent] == [p.text for p in parts[1:]]
    assert tick(notifier, 1) == 0


def test_without_a_channel_meetings_are_recorded_silently(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    notifier = make_notifier(make_ctx(slack_stub, db_path, inbox, notify_channel=""))
    tick(notifier)
    drop(inbox, "m.txt", minutes_text(6))
    assert tick(notifier) == 0
    assert posts(slack_stub, None) == []
    # Setting the channel later does not post the backlog.
    later = make_notifier(make_ctx(slack_stub, db_path, inbox))
    assert tick(later) == 0
    drop(inbox, "n.txt", minutes_text(7))
    assert tick(later) == 1


def test_cli_ingest_while_the_bot_runs_is_announced(
    slack_stub: SlackStub, db_path: Path, tmp_path: Path
) -> None:
    notifier = make_notifier(make_ctx(slack_stub, db_path, None))
    tick(notifier, 1)
    path = tmp_path / "m.txt"
    path.write_text(minutes_text(6), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REFERAT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", "--db", str(db_path), str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert tick(notifier, 1) == 1
    assert posts(slack_stub)[0]["text"].startswith(f"Nyt referat: {MARCH_6}")


def test_weekly_digest_posts_one_summary_when_the_oldest_has_waited_a_week(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    now = [dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)]
    ctx = make_ctx(slack_stub, db_path, inbox, notify_digest="weekly")
    notifier = make_notifier(ctx, clock=lambda: now[0])
    tick(notifier)
    drop(inbox, "a.txt", minutes_text(6))
    assert tick(notifier) == 0
    now[0] += dt.timedelta(days=3)
    drop(inbox, "b.txt", minutes_text(7))
    assert tick(notifier) == 0
    now[0] += dt.timedelta(days=3, hours=23)
    assert tick(notifier) == 0, "the oldest has waited 6 days 23 hours"
    now[0] += dt.timedelta(hours=1)
    assert tick(notifier) == 1
    [digest] = posts(slack_stub)
    assert digest["text"].startswith("Ugens referater: 2 møder")
    shown = texts(digest)
    assert MARCH_6 in shown and MARCH_6.replace("6.", "7.") in shown
    assert "Plasterordning" in shown
    assert tick(notifier) == 0
    restarted = make_notifier(make_ctx(slack_stub, db_path, inbox, notify_digest="weekly"),
                              clock=lambda: now[0] + dt.timedelta(days=30))
    assert tick(restarted) == 0


def test_the_background_thread_announces_and_survives_failing_ticks(
    slack_stub: SlackStub, db_path: Path, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = slack_settings(slack_stub, db_path, minutes_dir=inbox, notify_channel=CHANNEL,
                              minutes_feed_url="http://127.0.0.1:9/feed.rss")
    ctx = BotContext.create(settings)
    notifier = Notifier(ctx, tick_seconds=0.05, retry_backoff=(0.0, 0.0))
    notifier.run_once()  # the baseline, written to the state file beside the store
    good = db_path.read_bytes() if db_path.exists() else b""  # an empty file is an empty store
    db_path.write_bytes(b"{ this is not a store")  # e.g. a botched manual edit
    notifier.start()
    try:
        drop(inbox, "m.txt", minutes_text(6))
        deadline = time.monotonic() + 15
        while "could not reload the store" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "could not reload the store" in caplog.text
        assert notifier._thread is not None and notifier._thread.is_alive()
        spare = db_path.with_name("restore.json")
        spare.write_bytes(good)
        os.replace(spare, db_path)  # the file is fixed; the thread carries on by itself
        slack_stub.wait_for("chat.postMessage", 1, timeout=15)
    finally:
        notifier.stop()
    assert notifier._thread is None
    assert len(posts(slack_stub)) == 1
    assert notifier.run_once() == 0


def test_notifier_wanted() -> None:
    assert not notifier_wanted(Settings())
    assert notifier_wanted(Settings(notify_channel="C1"))
    assert notifier_wanted(Settings(minutes_dir=Path("x")))
    assert notifier_wanted(Settings(minutes_feed_url="https://example.dk/feed"))
    assert notifier_wanted(Settings(slack_bot_token="xoxb-1")), "follows need it too"


def test_a_backfill_of_many_meetings_is_announced_as_one_list(
    slack_stub: SlackStub, db_path: Path, tmp_path: Path
) -> None:
    notifier = make_notifier(make_ctx(slack_stub, db_path, None))
    tick(notifier, 1)
    archive = tmp_path / "archive"
    archive.mkdir()
    for day in range(1, 13):
        (archive / f"m{day}.txt").write_text(minutes_text(day), encoding="utf-8")
    from store.ingest import ingest_paths

    ingest_paths(Store(db_path), [archive])  # another process, like `referat ingest`
    assert tick(notifier, 2) == 1
    [body] = posts(slack_stub)
    assert body["text"].startswith("12 nye referater")
    shown = texts(body)
    assert all(f"Direktionen (Kalundborg) {day}. marts 2023: 10 punkter" in shown
               for day in range(1, 13))
    assert tick(notifier, 2) == 0


def test_a_feed_url_that_is_not_http_is_a_configuration_error(
    slack_stub: SlackStub, db_path: Path
) -> None:
    with pytest.raises(ConfigError, match="MINUTES_FEED_URL"):
        Notifier(make_ctx(slack_stub, db_path, None, minutes_feed_url="file:///etc/passwd"))
