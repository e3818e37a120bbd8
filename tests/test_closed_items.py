"""A closed item leaves the store by number, title and case number only, whatever it holds.

The parser keeps closed items empty, but a spelling it missed, an older store file or a hand
edit can leave text in one. Here the store file itself is edited so that a closed item holds a
secret in every field, and every surface is driven for real: ``referat ask`` and ``show`` as
processes, ``/referat`` (question and ``latest``), the Home tab and an inline case card over
HTTP, the announcement and a follower's direct message from the notifier.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.follow import add_follow
from store.db import Store
from store.parse import parse_text
from store.records import ItemRecord
from tests.helpers import CHANNEL, REPO, SIGNING_SECRET, make_ctx, make_notifier, tick
from tests.slack_helpers import command_body, event_body, post_signed, start_http_bot
from tests.slack_stub import SlackStub

SECRET = "HEMMELIGT"
CASE = "23-007777"
TITLE = "Personalesag vedrørende chefstilling"

MINUTES = f"""REFERAT Direktionen d. 13-03-2023

Mødedato Mandag d. 13. marts 2023 kl. 12:30

Sak 1: Cykelparkering ved rådhuset

23-004242

Beslutning

Godkendt.

Sak 2: {TITLE}

{CASE}

Beslutning

Indstillingen blev godkendt.
"""

CONTENT_FIELDS = ("decision", "recommendation", "resume", "presentation", "treatment",
                  "economy", "text", "journal_number", "document_number")


def _leak_into_store(path: Path) -> None:
    """Edit the store file as an old version or a missed spelling might have left it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for doc in data["items"].values():
        if doc["case_number"] == CASE:
            doc["closed"] = True
            for name in CONTENT_FIELDS:
                doc[name] = f"{SECRET} {name} {SECRET}"
            doc["attachments"] = [f"{SECRET} bilag"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_closed_record_with_content_is_public_by_title_only() -> None:
    meeting = parse_text(MINUTES, "m.txt")
    record = meeting.records()[1]
    leaked = ItemRecord(**{**record.to_doc(), "closed": True,
                           **{name: SECRET for name in CONTENT_FIELDS},
                           "attachments": [SECRET]})
    shown = leaked.public()
    assert SECRET not in json.dumps(shown.to_doc())
    assert (shown.item_number, shown.title, shown.case_number) == (2, TITLE, CASE)
    assert ItemRecord.from_doc(leaked.to_doc()) == shown
    assert record.public() is record  # open items are not copied


def test_no_surface_shows_a_closed_items_content(slack_stub: SlackStub, tmp_path: Path) -> None:
    db_path = tmp_path / "referat.json"
    ctx = make_ctx(slack_stub, db_path, None)
    notifier = make_notifier(ctx)
    tick(notifier, 1)  # the baseline: an empty store
    add_follow(ctx.store, "U0ALICE", CASE)
    Store(db_path).ingest([parse_text(MINUTES, "m.txt")])
    _leak_into_store(db_path)
    tick(notifier, 1)
    surfaces: dict[str, str] = {}
    announced = [b for b in slack_stub.calls_to("chat.postMessage") if b["channel"] == CHANNEL]
    dm = [b for b in slack_stub.calls_to("chat.postMessage") if b["channel"] == "U0ALICE"]
    assert announced and dm
    surfaces["announcement"] = json.dumps(announced, ensure_ascii=False)
    surfaces["follower dm"] = json.dumps(dm, ensure_ascii=False)

    with start_http_bot(ctx) as base:
        for text in (TITLE, "latest", CASE, SECRET.lower()):  # the echo is lower case
            post_signed(base, command_body(text, slack_stub.response_url()), SIGNING_SECRET)
        home = {"type": "app_home_opened", "user": "U0ASKER", "channel": "D0", "tab": "home"}
        post_signed(base, event_body(home), SIGNING_SECRET)
        inline = {"type": "message", "channel_type": "channel", "user": "U0ASKER",
                  "text": f"hvad med {CASE}?", "ts": "1700000500.000001", "channel": "C0CASES"}
        post_signed(base, event_body(inline), SIGNING_SECRET)
        answers = slack_stub.wait_for("response_url", count=4)
        [view] = slack_stub.wait_for("views.publish")
        cards = [b for b in slack_stub.wait_for("chat.postMessage", count=3)
                 if b["channel"] == "C0CASES"]
    assert cards
    surfaces["slash"] = json.dumps(answers, ensure_ascii=False)
    surfaces["home"] = json.dumps(view, ensure_ascii=False)
    surfaces["inline card"] = json.dumps(cards, ensure_ascii=False)
    assert TITLE in surfaces["slash"] and TITLE in surfaces["home"]

    for args in (["ask", "--json", TITLE], ["ask", "--json", SECRET.lower()], ["show", CASE]):
        done = subprocess.run([sys.executable, "-m", "bot", *args, "--db", str(db_path)],
                              cwd=REPO, capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", "REFERAT_DB": str(db_path)})
        surfaces[" ".join(args)] = done.stdout + done.stderr
    assert CASE in surfaces[f"show {CASE}"]
    # Nor can a closed item be found by words of its content: that would tell what it says.
    found = json.loads(surfaces[f"ask --json {SECRET.lower()}"])["results"]
    assert [hit["case_number"] for hit in found if hit["case_number"] == CASE] == []

    leaks = {name: shown for name, shown in surfaces.items() if SECRET in shown}
    assert not leaks


def test_a_closed_item_with_content_is_stored_without_it(tmp_path: Path) -> None:
    """Whatever a parser hands over for a closed item, its content never reaches the file."""
    meeting = parse_text(MINUTES, "m.txt")
    item = meeting.items[1]
    item.closed = True
    for name in ("decision", "recommendation", "resume", "presentation", "treatment",
                 "economy", "text"):
        setattr(item, name, f"{SECRET} {name}")
    item.attachments = [SECRET]
    Store(tmp_path / "referat.json").ingest([meeting])
    stored = (tmp_path / "referat.json").read_text(encoding="utf-8")
    assert SECRET not in stored and TITLE in stored and CASE in stored
