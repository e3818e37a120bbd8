"""Following a topic or a case: the commands, the button, and one DM per follower per meeting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.context import BotContext
from bot.follow import (
    FOLLOWS_TABLE,
    MAX_FOLLOWS_PER_USER,
    TooManyFollows,
    add_follow,
    handle_follow_command,
    make_follow,
    user_follows,
)
from bot.notify import DM_SENT
from store.db import Store
from tests.helpers import (
    CHANNEL,
    SIGNING_SECRET,
    SlackStub,
    block_action_payload,
    blocks_of,
    drop,
    interaction_body,
    make_ctx,
    make_notifier,
    meeting_id,
    minutes_text,
    post_signed,
    posts,
    start_http_bot,
    tick,
)

# How the samples' meeting is named once it is moved to 6 March (see minutes_text).
MARCH_6 = "Direktionen (Kalundborg) 6. marts 2023"

ALICE = "U0ALICE"
BOB = "U0BOB"
CAROL = "U0CAROL"


def dms(stub: SlackStub, user: str) -> list[dict]:
    return [b for b in stub.calls_to("chat.postMessage") if b["channel"] == user]


def card_text(body: dict) -> str:
    return "\n".join(b["text"]["text"] for b in blocks_of(body) if b["type"] == "section")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "referat.json"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_what_a_follow_is() -> None:
    case = make_follow(ALICE, "sag 18-034639K")
    assert case is not None
    assert (case.kind, case.query, case.key) == ("case", "18-034639K", "18034639K")
    words = make_follow(ALICE, '  "Plasterordning"  ')
    assert words is not None and (words.kind, words.query, words.key) == (
        "words", "Plasterordning", "plasterordning")
    mixed = make_follow(ALICE, "budget 23-001310 og skoler")
    assert mixed is not None and mixed.kind == "words"
    assert make_follow(ALICE, "   ") is None


def test_follow_following_unfollow(bot_ctx: BotContext) -> None:
    reply = handle_follow_command(bot_ctx, ALICE, "follow", "plasterordning")
    assert "Du følger nu *plasterordning*" in reply
    assert "Plasterordning" in reply, "the reply names the newest matching item"
    assert "allerede" in handle_follow_command(bot_ctx, ALICE, "follow", "PLASTERORDNING")
    assert "sag *23-001310*" in handle_follow_command(bot_ctx, ALICE, "follow", "23-001310")
    assert "Ingen punkter" in handle_follow_command(bot_ctx, ALICE, "follow", "99-999999")

    listing = handle_follow_command(bot_ctx, ALICE, "following", "")
    assert listing.index("1. *plasterordning*") < listing.index("2. sag *23-001310*")
    assert "ingenting" in handle_follow_command(bot_ctx, BOB, "following", "")

    assert "ikke længere sag *23-001310*" in handle_follow_command(bot_ctx, ALICE, "unfollow", "2")
    assert "Du følger ikke *noget andet*" in handle_follow_command(
        bot_ctx, ALICE, "unfollow", "noget andet")
    assert "ikke længere" in handle_follow_command(bot_ctx, ALICE, "unfollow", "Plasterordning")
    assert user_follows(bot_ctx.store, ALICE)[0].key == "99999999"
    handle_follow_command(bot_ctx, ALICE, "unfollow", "alt")
    assert bot_ctx.store.state_get(FOLLOWS_TABLE, ALICE) is None
    assert "Skriv hvad" in handle_follow_command(bot_ctx, ALICE, "follow", "")


def test_follows_survive_a_restart_and_have_a_limit(sample_store_path: Path) -> None:
    store = Store(sample_store_path)
    add_follow(store, ALICE, "plasterordning")
    add_follow(store, ALICE, "18-034639K")
    again = Store(sample_store_path)
    assert [(f.kind, f.query) for f in user_follows(again, ALICE)] == [
        ("words", "plasterordning"), ("case", "18-034639K")]
    for n in range(MAX_FOLLOWS_PER_USER):
        add_follow(again, BOB, f"emne{n}")
    with pytest.raises(TooManyFollows):
        add_follow(again, BOB, "en til")


def test_a_follower_gets_exactly_one_dm_when_matching_minutes_arrive(
    slack_stub: SlackStub, sample_store_path: Path, inbox: Path
) -> None:
    ctx = make_ctx(slack_stub, sample_store_path, inbox)
    handle_follow_command(ctx, ALICE, "follow", "plasterordning")
    handle_follow_command(ctx, ALICE, "follow", "Forbindsstoffer")  # same item: still one DM
    handle_follow_command(ctx, BOB, "follow", "23-001310")
    handle_follow_command(ctx, CAROL, "follow", "vintertjeneste")  # nothing about it
    notifier = make_notifier(ctx)
    assert tick(notifier) == 0, "existing minutes are no news"

    drop(inbox, "direktionen-2023-03-06.txt", minutes_text(6))
    assert tick(notifier) == 3  # the announcement, Alice's DM, Bob's DM
    [alice] = dms(slack_stub, ALICE)
    shown = card_text(alice)
    assert "Plasterordning" in shown and "Godkendt." in shown
    assert "kommunikationsstrategien" not in shown, "only the matching item"
    assert MARCH_6 in alice["text"]
    assert "“plasterordning”" in alice["text"] and "“Forbindsstoffer”" in alice["text"]
    [bob] = dms(slack_stub, BOB)
    assert "Status på kommunikationsstrategien" in card_text(bob)
    assert "sag 23-001310" in bob["text"]
    assert dms(slack_stub, CAROL) == []
    assert len(posts(slack_stub)) == 1

    assert tick(notifier, 3) == 0
    restarted = make_notifier(make_ctx(slack_stub, sample_store_path, inbox))
    assert tick(restarted, 3) == 0
    assert len(dms(slack_stub, ALICE)) == 1 and len(dms(slack_stub, BOB)) == 1
    sent = restarted.store.state_get(DM_SENT, meeting_id(6))
    assert sent is not None and sent["complete"] and set(sent["users"]) == {ALICE, BOB}


def test_updated_minutes_dm_only_when_the_followed_item_changed(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    ctx = make_ctx(slack_stub, db_path, inbox, notify_channel="")
    handle_follow_command(ctx, ALICE, "follow", "plasterordning")
    notifier = make_notifier(ctx)
    tick(notifier)
    path = drop(inbox, "m.txt", minutes_text(6))
    assert tick(notifier) == 1
    assert posts(slack_stub, CHANNEL) == [], "no channel set: DMs only"

    def republish(text: str) -> None:
        path.write_text(text, encoding="utf-8")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))

    # Another item changes: Alice's item is the same, so no new message.
    republish(minutes_text(6).replace("Mødet aflyses.", "Mødet flyttes.", 1))
    assert tick(notifier, 3) == 0
    # Now her item changes: one message, saying the minutes were updated.
    republish(minutes_text(6).replace("Mødet aflyses.", "Mødet flyttes.", 1)
              .replace("Godkendt.", "Godkendt, dog først fra 2024.", 1))
    assert tick(notifier, 3) == 1
    [first, second] = dms(slack_stub, ALICE)
    assert first["text"].startswith("Nyt referat")
    assert second["text"].startswith("Opdateret referat")
    assert "dog først fra 2024" in card_text(second)


def test_a_dm_that_slack_rate_limits_arrives_once(
    slack_stub: SlackStub, db_path: Path, inbox: Path
) -> None:
    ctx = make_ctx(slack_stub, db_path, inbox, notify_channel="")
    handle_follow_command(ctx, ALICE, "follow", "plasterordning")
    notifier = make_notifier(ctx)
    tick(notifier)
    drop(inbox, "m.txt", minutes_text(6))
    slack_stub.fail_next("chat.postMessage", status=429, retry_after=1)
    assert tick(notifier) == 1
    assert len(dms(slack_stub, ALICE)) == 1
    slack_stub.fail_next("chat.postMessage", status=500)
    assert tick(notifier, 2) == 0


def test_the_follow_button_follows_the_case(
    slack_stub: SlackStub, bot_ctx: BotContext
) -> None:
    with start_http_bot(bot_ctx) as base:
        for action_id, value in (("follow_case", "18-034639K"), ("follow_case_4", "23-001310")):
            payload = block_action_payload(action_id, value, slack_stub.response_url(), user=ALICE)
            reply = post_signed(base, interaction_body(payload), SIGNING_SECRET)
            assert reply.status == 200
        answers = slack_stub.wait_for("response_url", 2)
    # The two clicks are handled concurrently, so neither order is promised.
    assert sorted(f.key for f in user_follows(bot_ctx.store, ALICE)) == ["18034639K", "23001310"]
    [first] = [a for a in answers if "18-034639K" in a["text"]]
    assert "Du følger nu sag *18-034639K*" in first["text"]
    assert first.get("response_type") == "ephemeral"
    assert first.get("replace_original") in (False, None)
