"""The message shortcut "Look up in minutes": the message's text, asked as a question.

The answer is ephemeral (only the person who used the shortcut sees it) and goes to the
shortcut's ``response_url``; without one, ``chat.postEphemeral`` is used.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError, SlackClientError

from ..blocks import chunk_blocks, question_context, ui
from ..context import BotContext
from .common import answer_message, clean_text, guarded, log, log_request, received_at, respond

CALLBACK_ID = "lookup_in_minutes"


def register(app: App, ctx: BotContext) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(ctx, "shortcut")
    def look_up(body: dict, context: BoltContext) -> None:
        started = received_at(context)
        message = body.get("message") or {}
        question = clean_text(message.get("text", ""), context.bot_user_id or ctx.bot_user_id)
        user = (body.get("user") or {}).get("id", "")
        channel = (body.get("channel") or {}).get("id", "")
        if not question:
            text, blocks, hits = ui("da", "not_found"), [], 0
        else:
            result = ctx.searcher.search(question)
            answer = answer_message(result)
            text = answer["text"]
            blocks = [question_context(question, result.lang), *answer["blocks"]]
            hits = len(result.hits)
        if body.get("response_url"):
            respond(body["response_url"], text, blocks)
        elif ctx.client is not None and channel and user:
            for chunk in chunk_blocks(blocks):
                try:
                    ctx.client.chat_postEphemeral(channel=channel, user=user, text=text,
                                                  blocks=chunk or None)
                except (SlackApiError, SlackClientError, OSError) as exc:
                    log.warning("slack: chat.postEphemeral failed: %s", type(exc).__name__)
        log_request("shortcut", started, hits)

    app.shortcut(CALLBACK_ID)(ack=acknowledge, lazy=[look_up])
