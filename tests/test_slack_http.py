"""HTTP mode end to end: signed requests over real HTTP to the waitress-served Bolt app.

Each test sends what Slack would send, signed with the app's signing secret, to the real server
on a free loopback port, and asserts on what the bot then sent to the stand-in of Slack's Web
API. Where a test proves that something did *not* happen, it sends a second request that is
answered and waits for that answer: everything before it has been handled by then.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.context import BotContext
from store.db import Store
from store.parse import parse_text
from tests.helpers import (
    BOT,
    BOT_USER_ID,
    PLASTER,
    SIGNING_SECRET,
    SLACK_TOKEN,
    SlackStub,
    block_action_payload,
    command_body,
    event_body,
    interaction_body,
    mention,
    next_ts,
    post_signed,
    rendered,
    sign,
    slack_settings,
    start_http_bot,
)


@pytest.fixture
def base_url(bot_ctx: BotContext) -> Iterator[str]:
    with start_http_bot(bot_ctx) as url:
        yield url


def channel_message(base: str, text: str, *, channel: str = "C0GENERAL",
                    thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "channel", "user": "U0ASKER", "text": text,
             "ts": next_ts(), "channel": channel, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    reply = post_signed(base, event_body(event), SIGNING_SECRET)
    assert reply.status == 200, reply
    return event


def slash(base: str, stub: SlackStub, text: str) -> Any:
    reply = post_signed(base, command_body(text, stub.response_url()), SIGNING_SECRET)
    assert reply.status == 200, reply
    return reply


def click(base: str, stub: SlackStub, action_id: str, value: str, **kw: Any) -> None:
    payload = block_action_payload(action_id, value, stub.response_url(), **kw)
    reply = post_signed(base, interaction_body(payload), SIGNING_SECRET)
    assert reply.status == 200, reply


# -- surfaces --------------------------------------------------------------------------------


def test_mention_is_answered_in_a_thread(base_url: str, slack_stub: SlackStub) -> None:
    event = mention(base_url, PLASTER)
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert reply["channel"] == "C0GENERAL"
    assert reply["thread_ts"] == event["ts"]
    assert "18-034639K" in rendered(reply) and "Godkendt" in rendered(reply)
    assert reply["unfurl_links"] is False and reply["unfurl_media"] is False
    call = slack_stub.attempts("chat.postMessage")[0]
    assert call.headers["authorization"] == f"Bearer {SLACK_TOKEN}"


def test_mention_inside_a_thread_answers_in_that_thread(base_url: str,
                                                         slack_stub: SlackStub) -> None:
    mention(base_url, "18-034639K", thread_ts="1700000000.000777")
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert reply["thread_ts"] == "1700000000.000777"
    assert "Plasterordning" in rendered(reply)


def test_direct_message_is_answered_in_the_conversation(base_url: str,
                                                        slack_stub: SlackStub) -> None:
    event = {"type": "message", "channel_type": "im", "user": "U0ASKER", "ts": next_ts(),
             "text": "hvad blev besluttet om plasterordningen?", "channel": "D0ASKER"}
    assert post_signed(base_url, event_body(event), SIGNING_SECRET).status == 200
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert reply["channel"] == "D0ASKER"
    assert "thread_ts" not in reply
    assert "Godkendt" in rendered(reply)


def test_slash_command_answers_ephemerally_with_a_share_button(base_url: str,
                                                               slack_stub: SlackStub) -> None:
    started = time.monotonic()
    ack = slash(base_url, slack_stub, PLASTER)
    assert time.monotonic() - started < 3, "Slack needs the acknowledgement within 3 seconds"
    assert ack.body == ""  # acknowledged; the answer follows on the response_url
    [answer] = slack_stub.wait_for("response_url")
    assert answer["response_type"] == "ephemeral"
    shown = rendered(answer)
    assert PLASTER in shown  # the question is repeated: nobody else saw the command
    assert "18-034639K" in shown and "Godkendt" in shown
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    share = next(b for b in buttons if b["action_id"] == "share_answer")
    assert slack_stub.calls_to("chat.postMessage") == []

    click(base_url, slack_stub, "share_answer", share["value"])
    public, deleted = slack_stub.wait_for("response_url", count=3)[1:]
    assert public["response_type"] == "in_channel"
    assert "Godkendt" in rendered(public) and "U0ASKER" in rendered(public)
    assert deleted == {"delete_original": True}


def test_slash_help_is_the_acknowledgement_itself(base_url: str, slack_stub: SlackStub) -> None:
    ack = slash(base_url, slack_stub, "help")
    body = ack.json()
    assert body["response_type"] == "ephemeral"
    assert "/referat" in body["text"] and "latest" in body["text"]


def test_slash_latest_lists_the_newest_meeting(base_url: str, slack_stub: SlackStub) -> None:
    slash(base_url, slack_stub, "latest")
    [answer] = slack_stub.wait_for("response_url")
    shown = rendered(answer)
    assert "20. februar 2023" in shown and "Godkendt." in shown
    assert "Ydelser mellem enheder" in shown  # closed: by title only
    assert "2016" not in shown


def test_slash_case_number(base_url: str, slack_stub: SlackStub) -> None:
    slash(base_url, slack_stub, "23-001310")
    [answer] = slack_stub.wait_for("response_url")
    assert "Taget til efterretning" in rendered(answer)


def test_message_shortcut_answers_ephemerally(base_url: str, slack_stub: SlackStub) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "lookup_in_minutes",
        "trigger_id": "1.2.trigger",
        "user": {"id": "U0ASKER"},
        "channel": {"id": "C0GENERAL"},
        "message": {"type": "message", "user": "U0OTHER", "ts": next_ts(),
                    "text": "Hvad skete der med plasterordningen?"},
        "response_url": slack_stub.response_url(),
    }
    assert post_signed(base_url, interaction_body(payload), SIGNING_SECRET).status == 200
    [answer] = slack_stub.wait_for("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "18-034639K" in rendered(answer) and "plasterordningen" in rendered(answer)


def test_app_home_shows_latest_decisions(base_url: str, slack_stub: SlackStub) -> None:
    event = {"type": "app_home_opened", "user": "U0ASKER", "channel": "D0ASKER", "tab": "home"}
    assert post_signed(base_url, event_body(event), SIGNING_SECRET).status == 200
    [published] = slack_stub.wait_for("views.publish")
    assert published["user_id"] == "U0ASKER"
    view = published["view"]
    assert view["type"] == "home"
    shown = json.dumps(view, ensure_ascii=False)
    assert "Godkendt." in shown and "/referat" in shown
    assert "2 møder" in shown and "opdateret" in shown


def test_other_match_button_opens_the_item(base_url: str, slack_stub: SlackStub) -> None:
    click(base_url, slack_stub, "open_item_2", "Direktionen|2016-02-29#2")
    [card] = slack_stub.wait_for("response_url")
    assert card["response_type"] == "ephemeral" and card["replace_original"] is False
    assert "Kommunikationsstrategi" in rendered(card) and "326-2015-47221" in rendered(card)


def test_feedback_is_stored_with_the_question(base_url: str, slack_stub: SlackStub,
                                              bot_ctx: BotContext) -> None:
    value = json.dumps({"q": PLASTER, "c": "18-034639K"})
    click(base_url, slack_stub, "feedback_down", value)
    [thanks] = slack_stub.wait_for("response_url")
    assert "feedback" in thanks["text"]
    votes = list(Store(bot_ctx.store.path).state_all("feedback").values())
    assert votes == [{**votes[0], "question": PLASTER, "case_number": "18-034639K",
                      "vote": "down", "user": "U0ASKER"}]


# -- inline case numbers ---------------------------------------------------------------------


def test_case_number_in_a_channel_gets_one_card_per_thread(base_url: str,
                                                           slack_stub: SlackStub) -> None:
    first = channel_message(base_url, "Hvad skete der med 18-034639K?")
    [card] = slack_stub.wait_for("chat.postMessage")
    assert card["thread_ts"] == first["ts"]
    assert "Plasterordning" in rendered(card) and "Godkendt" in rendered(card)
    # The same case again in that thread: no second card; a new case in it: a card.
    channel_message(base_url, "ja, 18034639K igen", thread_ts=first["ts"])
    channel_message(base_url, "og 23-001310", thread_ts=first["ts"])
    cards = slack_stub.wait_for("chat.postMessage", count=2)
    assert len(slack_stub.calls_to("chat.postMessage")) == 2
    assert "23-001310" in rendered(cards[1])


def test_inline_cards_are_skipped_when_not_wanted(slack_stub: SlackStub, sample_store: Store,
                                                  sample_store_path: Path) -> None:
    settings = slack_settings(slack_stub, sample_store_path, inline_case_channels=("C0CASES",))
    ctx = BotContext.create(settings, store=sample_store)
    with start_http_bot(ctx) as base:
        channel_message(base, "18-034639K", channel="C0GENERAL")  # not a listed channel
        channel_message(base, "18-034639K", channel="C0CASES", bot_id="B0OTHER")  # a bot
        channel_message(base, "18-034639K", channel="C0CASES", subtype="message_changed")
        channel_message(base, "99-999999 and 18-999999K", channel="C0CASES")  # not in the store
        channel_message(base, f"{BOT} 18-034639K", channel="C0CASES")  # the mention handles it
        channel_message(base, "23-001310", channel="C0CASES")  # the barrier
        [card] = slack_stub.wait_for("chat.postMessage")
        assert "23-001310" in rendered(card)
        assert len(slack_stub.calls_to("chat.postMessage")) == 1


def test_inline_lookup_can_be_switched_off(slack_stub: SlackStub, sample_store: Store,
                                           sample_store_path: Path) -> None:
    settings = slack_settings(slack_stub, sample_store_path, inline_case_lookup=False)
    ctx = BotContext.create(settings, store=sample_store)
    with start_http_bot(ctx) as base:
        channel_message(base, "18-034639K")
        mention(base, "23-001310")  # the barrier
        [reply] = slack_stub.wait_for("chat.postMessage")
        assert "Taget til efterretning" in rendered(reply)
        assert len(slack_stub.calls_to("chat.postMessage")) == 1


def test_a_mention_with_a_case_number_gets_one_reply(base_url: str,
                                                    slack_stub: SlackStub) -> None:
    # Slack sends both events for one message that mentions the bot.
    event = mention(base_url, "18-034639K")
    channel_message(base_url, f"{BOT} 18-034639K", client_msg_id="m1")
    barrier = mention(base_url, "23-001310")
    replies = slack_stub.wait_for("chat.postMessage", count=2)
    assert len(slack_stub.calls_to("chat.postMessage")) == 2
    assert {r["thread_ts"] for r in replies} == {event["ts"], barrier["ts"]}


# -- behaving well ---------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["unsigned", "wrong secret", "stale", "tampered"])
def test_unverified_requests_are_rejected(base_url: str, slack_stub: SlackStub,
                                          problem: str) -> None:
    body = event_body({"type": "app_mention", "user": "U0ASKER", "text": f"{BOT} {PLASTER}",
                       "ts": next_ts(), "channel": "C0GENERAL"})
    headers = {"Content-Type": "application/json"}
    if problem == "wrong secret":
        headers.update(sign(body, "not-the-secret"))
    elif problem == "stale":
        headers.update(sign(body, SIGNING_SECRET, ts=int(time.time()) - 10 * 60))
    elif problem == "tampered":
        headers.update(sign(body, SIGNING_SECRET))
        body = body.replace(b"plaster", b"plasters")
    from tests.helpers import post

    reply = post(base_url + "/slack/events", body, headers)
    assert reply.status == 401
    mention(base_url, "23-001310")  # the barrier
    [answer] = slack_stub.wait_for("chat.postMessage")
    assert "Plasterordning" not in rendered(answer)
    assert len(slack_stub.calls_to("chat.postMessage")) == 1


def test_a_retried_event_is_answered_once(base_url: str, slack_stub: SlackStub) -> None:
    event = mention(base_url, PLASTER, event_id="Ev0RETRY")
    for attempt in (1, 2):
        mention(base_url, PLASTER, ts=event["ts"], event_id="Ev0RETRY",
                headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"})
    mention(base_url, "23-001310")  # the barrier
    replies = slack_stub.wait_for("chat.postMessage", count=2)
    assert len(slack_stub.calls_to("chat.postMessage")) == 2
    assert sum("18-034639K" in rendered(r) for r in replies) == 1


def test_a_broadcast_in_a_question_pings_nobody(base_url: str, slack_stub: SlackStub) -> None:
    question = "<!channel> <@U0BOSS> <!here> plaster scheme & co?"
    slash(base_url, slack_stub, question)
    mention(base_url, question)
    answer = slack_stub.wait_for("response_url")[0]
    [reply] = slack_stub.wait_for("chat.postMessage")
    for body in (answer, reply):
        shown = rendered(body)
        for ping in ("<!channel>", "<!here>", "<@U0BOSS>"):
            assert ping not in shown
    assert "&lt;!channel&gt;" in rendered(answer) and "&amp; co" in rendered(answer)


def test_closed_items_show_no_content(base_url: str, slack_stub: SlackStub,
                                      sample_store: Store) -> None:
    closed = [r for r in sample_store.items() if r.closed]
    assert closed
    slash(base_url, slack_stub, "Ydelser mellem enheder")
    [answer] = slack_stub.wait_for("response_url")
    shown = rendered(answer)
    assert "Ydelser mellem enheder" in shown
    assert "ikke offentligt" in shown
    first_card = shown.split("Andre mulige svar")[0]
    assert "Beslutning" not in first_card and "Indstilling" not in first_card


def test_rate_limit_is_waited_out_and_one_message_posted(base_url: str,
                                                         slack_stub: SlackStub) -> None:
    slack_stub.fail_next("chat.postMessage", status=429, retry_after=0)
    mention(base_url, PLASTER)
    [reply] = slack_stub.wait_for("chat.postMessage", timeout=10)
    assert "18-034639K" in rendered(reply)
    attempts = slack_stub.attempts("chat.postMessage")
    assert [a.status for a in attempts] == [429, 200]


def test_a_failed_web_api_call_does_not_stop_the_bot(base_url: str, slack_stub: SlackStub,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    slack_stub.fail_next("chat.postMessage", status=500)
    caplog.set_level(logging.WARNING, logger="referat")
    mention(base_url, PLASTER)
    deadline = time.monotonic() + 10
    while not any("chat.postMessage" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "the failure was not logged"
        time.sleep(0.02)
    mention(base_url, "23-001310")
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert "Taget til efterretning" in rendered(reply)


def test_a_broken_store_gets_an_apology_and_the_bot_recovers(
    base_url: str, slack_stub: SlackStub, sample_store_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = sample_store_path.read_bytes()
    sample_store_path.write_text("{ this is not a store", encoding="utf-8")
    caplog.set_level(logging.ERROR, logger="referat")
    mention(base_url, PLASTER)
    [apology] = slack_stub.wait_for("chat.postMessage")
    assert "Beklager" in apology["text"]
    failure = next(r for r in caplog.records if "failed" in r.getMessage())
    assert failure.exc_info is not None  # the traceback is logged
    sample_store_path.write_bytes(good)
    mention(base_url, PLASTER)
    replies = slack_stub.wait_for("chat.postMessage", count=2)
    assert "Godkendt" in rendered(replies[1])


NEW_MINUTES = """REFERAT Direktionen d. 06-03-2023

Mødedato Mandag d. 6. marts 2023 kl. 12:30

Mødested Mødelokale 6

Sak 1: Cykelparkering ved rådhuset

23-004242

Beslutning

Godkendt med en ekstra overdækning.

Sagsfremstilling

Der etableres 40 nye cykelpladser ved rådhusets hovedindgang.
"""


def test_the_store_changing_on_disk_is_picked_up_without_restart(
    base_url: str, slack_stub: SlackStub, sample_store_path: Path
) -> None:
    Store(sample_store_path).ingest([parse_text(NEW_MINUTES, "new.txt")])  # as `referat ingest`
    mention(base_url, "23-004242")
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert "Cykelparkering" in rendered(reply) and "overdækning" in rendered(reply)
    event = {"type": "app_home_opened", "user": "U0ASKER", "channel": "D0ASKER", "tab": "home"}
    post_signed(base_url, event_body(event), SIGNING_SECRET)
    [home] = slack_stub.wait_for("views.publish")
    assert "3 møder" in json.dumps(home["view"], ensure_ascii=False)


def test_one_log_line_per_request_and_never_a_token(base_url: str, slack_stub: SlackStub,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    mention(base_url, PLASTER)
    slash(base_url, slack_stub, "kommunikationsstrategi")
    slack_stub.wait_for("chat.postMessage")
    slack_stub.wait_for("response_url")
    deadline = time.monotonic() + 5
    while len([r for r in caplog.records if "surface=" in r.getMessage()]) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    lines = sorted(r.getMessage() for r in caplog.records if "surface=" in r.getMessage())
    assert re.fullmatch(r"slack surface=command latency_ms=\d+ results=[1-9]\d*", lines[0])
    assert re.fullmatch(r"slack surface=mention latency_ms=\d+ results=1", lines[1])
    for record in caplog.records:
        text = record.getMessage() + str(record.args or "")
        assert SLACK_TOKEN not in text and SIGNING_SECRET not in text


def test_slash_follow_goes_through_the_follow_module(base_url: str, slack_stub: SlackStub,
                                                     bot_ctx: BotContext) -> None:
    slash(base_url, slack_stub, "follow 18-034639K")
    [answer] = slack_stub.wait_for("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "18-034639K" in answer["text"]
    assert Store(bot_ctx.store.path).state_all("follows")


# -- listener layer (no HTTP) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "question"),
    [
        (f"{BOT} hvad blev besluttet?", "hvad blev besluttet?"),
        (f"<@{BOT_USER_ID}|referat>   18-034639K ", "18-034639K"),
        ("se <https://kalundborg.dk/x|referatet> &amp; 23-001310", "se referatet & 23-001310"),
        ("&lt;!channel&gt; <@U0OTHER>", "<!channel> <@U0OTHER>"),
    ],
)
def test_clean_text_reads_slack_markup(raw: str, question: str) -> None:
    from bot.listeners.common import clean_text

    assert clean_text(raw, BOT_USER_ID) == question


def test_recent_keys_remember_within_ttl_and_stay_bounded() -> None:
    from bot.context import RecentKeys

    seen = RecentKeys(ttl=3600, maxsize=3)
    assert [seen.seen_before(k) for k in ("a", "b", "a")] == [False, False, True]
    for key in ("c", "d", "e"):
        seen.seen_before(key)
    assert len(seen) == 3
    assert seen.seen_before("a") is False  # the oldest was dropped to stay within maxsize
    forgetful = RecentKeys(ttl=0)
    assert forgetful.seen_before("x") is False and forgetful.seen_before("x") is False


def test_dispatch_without_http_answers_help_in_the_ack(bot_ctx: BotContext,
                                                       slack_stub: SlackStub) -> None:
    from slack_bolt.request import BoltRequest

    from bot.slack_app import build_app

    app = build_app(bot_ctx)
    body = command_body("hjælp", slack_stub.response_url()).decode()
    headers = {"content-type": ["application/x-www-form-urlencoded"],
               **{k.lower(): [v] for k, v in sign(body.encode(), SIGNING_SECRET).items()}}
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 200
    assert "/referat latest" in json.loads(response.body)["text"]
    assert bot_ctx.bot_user_id == BOT_USER_ID


def test_process_before_response_still_answers(bot_ctx: BotContext,
                                               slack_stub: SlackStub) -> None:
    """The function-as-a-service setting: the slow part still runs (as a lazy listener)."""
    from slack_bolt.request import BoltRequest

    from bot.slack_app import build_app

    app = build_app(bot_ctx, process_before_response=True)
    body = event_body({"type": "app_mention", "user": "U0ASKER", "text": f"{BOT} {PLASTER}",
                       "ts": "1700004000.000100", "channel": "C0GENERAL"}).decode()
    headers = {"content-type": ["application/json"],
               **{k.lower(): [v] for k, v in sign(body.encode(), SIGNING_SECRET).items()}}
    assert app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert reply["thread_ts"] == "1700004000.000100" and "Godkendt" in rendered(reply)
