"""Teams end to end: the real endpoint on loopback, Microsoft's side played by local stand-ins.

Every activity carries a real RS256 token signed by the stand-in's key; the bot finds that key
through the OpenID metadata document, gets its own token from the stand-in issuer and sends its
replies to the stand-in Bot Connector, which records them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.context import BotContext
from tests.teams_helpers import (
    card_click,
    channel_message,
    personal_message,
    post_activity,
    start_teams_bot,
    teams_settings,
)
from tests.teams_stub import APP_ID, OUTGOING_TOKEN, TENANT, TeamsStub, new_key

PLASTER = "hvad blev der besluttet om plasterordningen?"


@pytest.fixture
def stub() -> Iterator[TeamsStub]:
    with TeamsStub() as running:
        yield running


@pytest.fixture
def teams_ctx(stub: TeamsStub, sample_store, sample_store_path: Path) -> BotContext:
    return BotContext.create(teams_settings(stub, sample_store_path), store=sample_store)


@pytest.fixture
def bot(teams_ctx: BotContext) -> Iterator[str]:
    with start_teams_bot(teams_ctx) as base:
        yield base


def test_channel_mention_is_answered_in_its_thread(stub: TeamsStub, bot: str) -> None:
    activity = channel_message(stub, PLASTER, thread="1700000000042", mention=True)
    status, _ = post_activity(bot, activity, stub.sign())
    assert status == 200
    [reply] = stub.wait_for(1)
    conversation = activity["conversation"]["id"]
    assert reply.path == f"/v3/conversations/{conversation}/activities/{activity['id']}"
    assert reply.body["replyToId"] == activity["id"]
    assert reply.body["text"].startswith("Beslutning: Godkendt.")
    assert "18-034639K" in reply.body["text"]
    card = reply.body["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["version"] == "1.5"
    assert "Godkendt." in reply.text and "18-034639K" in reply.text
    assert reply.authorization == f"Bearer {OUTGOING_TOKEN}"
    [issued] = stub.token_requests
    assert issued["grant_type"] == "client_credentials" and TENANT in issued["path"]
    assert issued["scope"] == "https://api.botframework.com/.default"


def test_personal_chat_is_answered(stub: TeamsStub, bot: str) -> None:
    status, _ = post_activity(bot, personal_message(stub, "18-034639K"), stub.sign())
    assert status == 200
    [reply] = stub.wait_for(1)
    assert reply.path.startswith("/v3/conversations/a:alice-chat/activities/")
    assert "Godkendt." in reply.text


def test_help_in_a_personal_chat(stub: TeamsStub, bot: str) -> None:
    post_activity(bot, personal_message(stub, "help"), stub.sign())
    [reply] = stub.wait_for(1)
    assert "Mention me in a channel" in reply.text


def test_a_retried_activity_is_answered_once(stub: TeamsStub, bot: str) -> None:
    activity = channel_message(stub, PLASTER, mention=True)
    for _ in range(3):
        status, _ = post_activity(bot, activity, stub.sign())
        assert status == 200
    post_activity(bot, personal_message(stub, "18-034639K"), stub.sign())
    sent = stub.wait_for(2)
    assert len(sent) == 2
    assert sum(1 for s in sent if s.body.get("replyToId") == activity["id"]) == 1


def test_closed_item_shows_its_title_only(stub: TeamsStub, bot: str) -> None:
    post_activity(bot, personal_message(stub, "sagsnr 23-000658"), stub.sign())
    [reply] = stub.wait_for(1)
    assert "Ydelser mellem enheder" in reply.text and "23-000658" in reply.text
    assert "Lukket punkt: indholdet er ikke offentligt." in reply.text
    assert "Beslutning" not in reply.text


def test_case_number_in_a_channel_gets_one_card_per_thread(stub: TeamsStub, bot: str) -> None:
    first = channel_message(stub, "Har nogen set 18-034639K?", thread="1700000000100")
    again = channel_message(stub, "ja, 18-034639K blev godkendt", thread="1700000000100")
    other = channel_message(stub, "18-034639K", thread="1700000000200")
    unknown = channel_message(stub, "og 99-999999?", thread="1700000000300")
    for activity in (first, again, other, unknown):
        assert post_activity(bot, activity, stub.sign())[0] == 200
    sent = stub.wait_for(2)
    assert len(sent) == 2
    assert [s.body["replyToId"] for s in sent] == [first["id"], other["id"]]
    assert all("18-034639K" in s.text and "Godkendt." in s.text for s in sent)


def test_plain_channel_message_without_case_number_is_ignored(stub: TeamsStub,
                                                              bot: str) -> None:
    post_activity(bot, channel_message(stub, "hvem tager kage med i morgen?"), stub.sign())
    post_activity(bot, personal_message(stub, "18-034639K"), stub.sign())
    assert len(stub.wait_for(1)) == 1


@pytest.mark.parametrize("why", ["missing", "unsigned", "other key", "expired",
                                 "wrong audience", "wrong service url", "wrong issuer"])
def test_unverified_requests_get_401_and_no_reply(stub: TeamsStub, bot: str, why: str) -> None:
    import jwt

    tokens = {
        "missing": None,
        "unsigned": jwt.encode({"aud": APP_ID, "iss": "https://api.botframework.com",
                                "exp": 9999999999, "serviceurl": stub.service_url},
                               key="", algorithm="none"),
        "other key": stub.sign(key=new_key()),
        "expired": stub.sign(expires_in=-3600),
        "wrong audience": stub.sign(audience="someone-else"),
        "wrong service url": stub.sign(service_url="https://attacker.example/"),
        "wrong issuer": stub.sign(issuer="https://login.example.org"),
    }
    status, _ = post_activity(bot, personal_message(stub, "18-034639K"), tokens[why])
    assert status == 401
    assert stub.wait_for(1, timeout=0.5) == []


def test_feedback_and_follow_buttons(stub: TeamsStub, bot: str, teams_ctx: BotContext) -> None:
    post_activity(bot, personal_message(stub, PLASTER), stub.sign())
    [answer] = stub.wait_for(1)
    actions = answer.body["attachments"][0]["content"]["actions"]
    by_title = {a["title"]: a["data"] for a in actions}
    assert {"👍", "👎", "Følg sagen"} <= set(by_title)
    post_activity(bot, personal_message(stub, "", value=by_title["👎"]), stub.sign())
    post_activity(bot, personal_message(stub, "", value=by_title["Følg sagen"]), stub.sign())
    sent = stub.wait_for(3)
    assert "Tak for din feedback." in sent[1].text
    assert "Du følger nu sag 18-034639K" in sent[2].text
    teams_ctx.store.refresh()
    [vote] = teams_ctx.store.state_all("feedback").values()
    assert vote["vote"] == "down" and vote["question"] == PLASTER
    assert vote["case_number"] == "18-034639K" and vote["user"] == "teams:29:alice"
    from bot.follow import user_follows

    assert [f.query for f in user_follows(teams_ctx.store, "teams:29:alice")] == ["18-034639K"]


def test_message_action_answers_in_a_dialog(stub: TeamsStub, bot: str) -> None:
    invoke = personal_message(stub, "", type="invoke", name="composeExtension/fetchTask",
                              value={"commandId": "lookUpInMinutes", "commandContext": "message",
                                     "messagePayload": {"body": {
                                         "contentType": "html",
                                         "content": "<p>Hvad skete der med 18-034639K?</p>"}}})
    status, body = post_activity(bot, invoke, stub.sign())
    assert status == 200
    card = body["task"]["value"]["card"]["content"]
    assert "Godkendt." in json.dumps(card, ensure_ascii=False)
    assert stub.wait_for(1, timeout=0.3) == []  # only the user sees the dialog


def test_one_outgoing_token_serves_many_replies(stub: TeamsStub, bot: str) -> None:
    for question in ("18-034639K", "23-001310", "plasterordning"):
        post_activity(bot, personal_message(stub, question), stub.sign())
    assert len(stub.wait_for(3)) == 3
    assert len(stub.token_requests) == 1


def test_a_rotated_signing_key_is_fetched_when_a_token_names_it(
        stub: TeamsStub, teams_ctx: BotContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.teams import auth

    monkeypatch.setattr(auth, "KEY_REFRESH_MIN_SECONDS", 0.0)
    with start_teams_bot(teams_ctx) as base:
        old_token = stub.sign()
        stub.rotate()
        assert post_activity(base, personal_message(stub, "18-034639K"), stub.sign())[0] == 200
        assert post_activity(base, personal_message(stub, "18-034639K"), old_token)[0] == 401
    assert len(stub.wait_for(1)) == 1


def test_the_bot_greets_when_added_to_a_personal_chat(stub: TeamsStub, bot: str) -> None:
    update = personal_message(stub, "", type="conversationUpdate",
                              membersAdded=[{"id": "28:" + APP_ID}])
    assert post_activity(bot, update, stub.sign())[0] == 200
    [hello] = stub.wait_for(1)
    assert "Spørg, hvad der blev besluttet." in hello.text


def test_a_failing_bot_connector_is_logged_not_fatal(stub: TeamsStub, teams_ctx: BotContext,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    ctx = BotContext.create(teams_settings(stub, teams_ctx.settings.db_path,
                                           teams_app_password="wrong"), store=teams_ctx.store)
    with start_teams_bot(ctx) as base:
        status, _ = post_activity(base, personal_message(stub, "18-034639K"), stub.sign())
    assert status == 200
    assert stub.sent == []
    assert "refused the bot's credentials" in caplog.text
    assert "wrong" not in caplog.text


def test_buttons_in_a_channel_answer_the_user_privately(stub: TeamsStub, bot: str) -> None:
    mention = channel_message(stub, PLASTER, mention=True)
    post_activity(bot, mention, stub.sign())
    [answer] = stub.wait_for(1)
    data = {a["title"]: a["data"] for a in answer.body["attachments"][0]["content"]["actions"]}
    click = channel_message(stub, "")
    click["value"] = data["Følg sagen"]
    assert post_activity(bot, click, stub.sign())[0] == 200
    opened, told = stub.wait_for(3)[1:]
    assert opened.path == "/v3/conversations"
    assert opened.body["members"] == [{"id": "29:alice"}]
    assert opened.body["channelData"] == {"tenant": {"id": TENANT}}
    assert told.path.startswith("/v3/conversations/a:personal-")
    assert "Du følger nu sag 18-034639K" in told.text


def test_action_execute_confirms_to_the_clicking_user_only(stub: TeamsStub, bot: str,
                                                           teams_ctx: BotContext) -> None:
    post_activity(bot, channel_message(stub, "kommunikationsstrategi", mention=True),
                  stub.sign())
    [answer] = stub.wait_for(1)
    actions = answer.body["attachments"][0]["content"]["actions"]
    assert all(a["type"] == "Action.Execute" and a["fallback"]["type"] == "Action.Submit"
               for a in actions)
    by_title = {a["title"]: a for a in actions}

    def click(action: dict) -> dict:
        status, body = post_activity(bot, card_click(stub, action), stub.sign())
        assert status == 200
        return body

    body = click(by_title["👍"])
    assert body == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                    "value": "Tak for din feedback."}
    assert stub.wait_for(2, timeout=0.5) == [answer]  # nothing posted for everyone
    teams_ctx.store.refresh()
    [vote] = teams_ctx.store.state_all("feedback").values()
    assert vote["vote"] == "up" and vote["question"] == "kommunikationsstrategi"

    other = next(a for a in actions if a["data"]["referat"] == "open")
    click(other)
    opened = stub.wait_for(2)[1]
    meeting_id, _, number = other["data"]["key"].rpartition("#")
    [record] = [r for r in teams_ctx.store.items_for_meeting(meeting_id)
                if r.item_number == int(number)]
    assert opened.body["replyToId"] and record.title in opened.text


def test_a_retried_button_click_is_processed_once(stub: TeamsStub, bot: str,
                                                  teams_ctx: BotContext) -> None:
    post_activity(bot, channel_message(stub, PLASTER, mention=True), stub.sign())
    [answer] = stub.wait_for(1)
    actions = answer.body["attachments"][0]["content"]["actions"]
    by_title = {a["title"]: a for a in actions}

    follow_click = card_click(stub, by_title["Følg sagen"])
    vote_click = card_click(stub, by_title["👍"])
    bodies = []
    for activity in (follow_click, follow_click, vote_click, vote_click):
        status, body = post_activity(bot, activity, stub.sign())
        assert status == 200
        bodies.append(body)
    assert bodies[0] == bodies[1] and "Du følger nu sag 18-034639K" in bodies[0]["value"]
    assert "følger allerede" not in bodies[1]["value"]  # the retry was not run a second time
    assert bodies[2] == bodies[3] == {"statusCode": 200, "value": "Tak for din feedback.",
                                      "type": "application/vnd.microsoft.activity.message"}
    teams_ctx.store.refresh()
    assert len(teams_ctx.store.state_all("feedback")) == 1
    from bot.follow import user_follows

    assert [f.query for f in user_follows(teams_ctx.store, "teams:29:alice")] == ["18-034639K"]
    assert stub.wait_for(2, timeout=0.5) == [answer]  # confirmations went to the clicker only
