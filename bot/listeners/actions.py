"""Buttons on answer cards: open another match, 👍/👎, and "Share in channel".

Every click carries a ``response_url``; replies go there, ephemerally, so they work the same in
channels, threads, direct messages and on ephemeral answers. ("Follow this case" is handled by
:mod:`bot.follow`.)
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext

from store.answer import item_by_key
from store.records import ItemRecord

from ..blocks import (
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    OPEN_ITEM,
    SHARE_ANSWER,
    escape_mrkdwn,
    item_card_blocks,
    question_context,
    ui,
)
from ..context import BotContext
from ..feedback import parse_value, record_feedback
from .common import answer_message, delete_original, guarded, log_request, received_at, respond

OPEN_ITEM_PATTERN = re.compile(rf"^{OPEN_ITEM}(?:_\d+)?$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def find_record(ctx: BotContext, key: str) -> ItemRecord | None:
    """The item an "open item" button names: ``meeting_id#item_number`` or a case number."""
    return item_by_key(ctx.searcher, key)


def _action(body: dict) -> dict:
    return (body.get("actions") or [{}])[0]


def register(app: App, ctx: BotContext) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(ctx, "open_item")
    def open_item(body: dict, context: BoltContext) -> None:
        record = find_record(ctx, _action(body).get("value", ""))
        if record is None:
            respond(body["response_url"], ui("da", "not_found"))
            log_request("open_item", received_at(context), 0)
            return
        fallback = escape_mrkdwn(f"{record.case_number or ''} {record.title}".strip())
        respond(body["response_url"], fallback, item_card_blocks(record, "da"))
        log_request("open_item", received_at(context), 1)

    def vote(direction: str):
        @guarded(ctx, f"feedback_{direction}")
        def store_vote(body: dict, context: BoltContext) -> None:
            question, case_number = parse_value(_action(body).get("value", ""))
            record_feedback(
                ctx.store,
                question=question,
                case_number=case_number,
                vote=direction,
                user=(body.get("user") or {}).get("id", ""),
                channel=(body.get("channel") or {}).get("id", ""),
            )
            if body.get("response_url"):
                respond(body["response_url"], ui("da", "thanks"))
            log_request(f"feedback_{direction}", received_at(context), 0)

        store_vote.__name__ = f"store_vote_{direction}"
        return store_vote

    @guarded(ctx, "share")
    def share_answer(body: dict, context: BoltContext) -> None:
        """Post the answer for everyone (via the response_url) and remove the private one."""
        question = _action(body).get("value", "")
        user = (body.get("user") or {}).get("id", "")
        who = f"<@{user}>" if USER_ID.match(user) else escape_mrkdwn(user)
        result = ctx.searcher.search(question)
        message = answer_message(result)
        shared_by = {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{ui(result.lang, 'shared_by')} {who}"}],
        }
        blocks = [shared_by, question_context(question, result.lang), *message["blocks"]]
        url = body["response_url"]
        if respond(url, message["text"], blocks, response_type="in_channel"):
            delete_original(url)
        log_request("share", received_at(context), len(result.hits))

    app.action(OPEN_ITEM_PATTERN)(ack=acknowledge, lazy=[open_item])
    app.action(FEEDBACK_UP)(ack=acknowledge, lazy=[vote("up")])
    app.action(FEEDBACK_DOWN)(ack=acknowledge, lazy=[vote("down")])
    app.action(SHARE_ANSWER)(ack=acknowledge, lazy=[share_answer])
