"""New minutes announced in a Teams channel and followers told in their personal chats, through
the real notifier with the Teams delivery, the real endpoint and the stand-in Bot Connector."""

from __future__ import annotations

import json
from pathlib import Path

from bot.context import BotContext
from bot.follow import user_follows
from bot.notify import Notifier
from bot.teams.app import build_teams
from bot.teams.delivery import TeamsDelivery
from tests.helpers import meeting_id, minutes_text
from tests.teams_helpers import (
    card_click,
    personal_message,
    post_activity,
    start_teams_bot,
    teams_settings,
)
from tests.teams_stub import TeamsStub

# How the samples' meeting is named once it is moved to 6 March (see minutes_text).
MARCH_6 = "Direktionen (Kalundborg) 6. marts 2023"

CHANNEL = "19:minutes0000@thread.tacv2"


def test_new_minutes_reach_the_channel_and_followers_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with TeamsStub() as stub:
        # Nothing listens on the configured Bot Connector: the address Teams' own (verified)
        # activities came from must be the one used.
        settings = teams_settings(stub, tmp_path / "referat.json", minutes_dir=inbox,
                                  teams_notify_channel=CHANNEL,
                                  teams_service_url="http://127.0.0.1:9/")
        ctx = BotContext.create(settings)
        _, connector = build_teams(ctx)
        notifier = Notifier(ctx, delivery=TeamsDelivery(ctx, connector),
                            retry_backoff=(0.0, 0.0))
        assert notifier.run_once() == 0  # the baseline of the empty store
        with start_teams_bot(ctx) as base:
            post_activity(base, personal_message(stub, "follow 18-034639K"), stub.sign())
            [confirmation] = stub.wait_for(1)
        assert "Du følger nu sag 18-034639K" in confirmation.text
        (inbox / "direktionen.txt").write_text(minutes_text(6), encoding="utf-8")
        sent = sum(notifier.run_once() for _ in range(3))
        assert sent == 2
        announcement, dm = stub.sent[1:]
        assert announcement.path == f"/v3/conversations/{CHANNEL}/activities"
        assert announcement.body["text"].startswith(f"Nyt referat: {MARCH_6}")
        assert "Ydelser mellem enheder" in announcement.text
        assert "Beslutning: Godkendt." in announcement.text
        assert dm.path == "/v3/conversations/a:alice-chat/activities"
        assert "Nyt referat om sag 18-034639K" in dm.text and "Godkendt." in dm.text
        assert sum(notifier.run_once() for _ in range(3)) == 0
        assert len(stub.sent) == 3
        _announcement_items_can_be_followed(stub, ctx, announcement.body)


def _follow_buttons(card: dict) -> list[dict]:
    return [action for element in card["body"] if element["type"] == "ActionSet"
            for action in element["actions"]]


def _announcement_items_can_be_followed(stub: TeamsStub, ctx: BotContext,
                                        message: dict) -> None:
    """Each open item with a case number has its own "Følg sagen"; closed items have none; a
    click follows that case for the user who clicked."""
    card = message["attachments"][0]["content"]
    buttons = _follow_buttons(card)
    items = ctx.store.items_for_meeting(meeting_id(6))
    open_cases = [item.case_number for item in items if item.case_number and not item.closed]
    closed_cases = {item.case_number for item in items if item.closed and item.case_number}
    assert len(open_cases) >= 2 and "23-000658" in closed_cases
    assert [b["data"]["value"] for b in buttons] == open_cases
    assert all(b["title"] == "Følg sagen" and b["type"] == "Action.Execute" for b in buttons)
    # Every button sits right under its own item (the text block before it names the case).
    body = card["body"]
    for n, element in enumerate(body):
        if element["type"] == "ActionSet":
            case = element["actions"][0]["data"]["value"]
            assert case in json.dumps(body[n - 3:n], ensure_ascii=False)
    other = next(b for b in buttons if b["data"]["value"] != "18-034639K")
    click = card_click(stub, other)
    click["conversation"]["id"] = CHANNEL
    with start_teams_bot(ctx) as base:
        status, body_ = post_activity(base, click, stub.sign())
    assert status == 200
    assert f"Du følger nu sag {other['data']['value']}" in body_["value"]
    ctx.store.refresh()
    follows = {f.query for f in user_follows(ctx.store, "teams:29:alice")}
    assert follows == {"18-034639K", other["data"]["value"]}
