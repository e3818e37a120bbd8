"""New minutes announced in a Teams channel and followers told in their personal chats, through
the real notifier with the Teams delivery, the real endpoint and the stand-in Bot Connector."""

from __future__ import annotations

from pathlib import Path

from bot.context import BotContext
from bot.notify import Notifier
from bot.teams.app import build_teams
from bot.teams.delivery import TeamsDelivery
from tests.helpers import minutes_text
from tests.teams_helpers import personal_message, post_activity, start_teams_bot, teams_settings
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
