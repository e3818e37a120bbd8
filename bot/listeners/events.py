"""Events API listeners: mentions, direct messages and case numbers written in channels.

Slack quirks handled here:

* A message that mentions the bot arrives twice: as ``app_mention`` and as a ``message`` event
  (different ``event_id``, same ``client_msg_id``). Only the mention handler answers it.
* ``message`` events also report edits, deletions and other bots (``subtype``) and the bot's own
  posts (``bot_id``); none of those is answered.
* Slack re-delivers an event it thinks was not acknowledged in time; the app-wide middleware in
  :mod:`bot.slack_app` drops repeated ``event_id`` values before they reach these listeners.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from store.question import help_language, is_help

from ..blocks import escape_mrkdwn, help_text, item_card_blocks
from ..context import BotContext
from ..inline import inline_items
from .common import answer_message, clean_text, guarded, log_request, post_message, received_at

HELP_WORDS = {"help", "hjælp", "hjaelp", "?"}


def _acknowledge(ack: Ack) -> None:
    ack()


def _is_from_a_bot(event: dict[str, Any], bot_user_id: str | None) -> bool:
    return bool(
        event.get("bot_id")
        or event.get("subtype") == "bot_message"
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def answer_question(ctx: BotContext, surface: str, event: dict[str, Any], question: str,
                    thread_ts: str | None, started: float) -> None:
    """Search, then post the answer card to the event's channel (in ``thread_ts`` if given)."""
    channel = event["channel"]
    if not question or question.lower() in HELP_WORDS or is_help(question):
        text = help_text(help_language(question) if question else "da")
        post_message(ctx, channel, text, thread_ts=thread_ts)
        log_request(surface, started, 0)
        return
    conversation = (channel, thread_ts)
    result = ctx.searcher.search(question, previous=ctx.threads.get(conversation))
    ctx.threads.put(conversation, result)
    post_message(ctx, channel, thread_ts=thread_ts, **answer_message(result))
    log_request(surface, started, len(result.hits))


def register(app: App, ctx: BotContext) -> None:
    @guarded(ctx, "mention")
    def answer_mention(body: dict, event: dict, context: BoltContext) -> None:
        """A mention in a channel: answer in its thread (or start one on the message)."""
        if _is_from_a_bot(event, context.bot_user_id or ctx.bot_user_id):
            return
        question = clean_text(event.get("text", ""), context.bot_user_id or ctx.bot_user_id)
        thread_ts = event.get("thread_ts") or event.get("ts")
        answer_question(ctx, "mention", event, question, thread_ts, received_at(context))

    @guarded(ctx, "message")
    def answer_message_event(body: dict, event: dict, context: BoltContext) -> None:
        """Direct messages get answers; channel messages get inline case cards."""
        bot_user_id = context.bot_user_id or ctx.bot_user_id
        if event.get("subtype") or _is_from_a_bot(event, bot_user_id):
            return
        channel_type = event.get("channel_type")
        if channel_type == "im":
            question = clean_text(event.get("text", ""), bot_user_id)
            thread_ts = event.get("thread_ts")
            answer_question(ctx, "dm", event, question, thread_ts, received_at(context))
        elif channel_type in {"channel", "group"}:
            inline_cases(ctx, event, bot_user_id, received_at(context))

    app.event("app_mention")(ack=_acknowledge, lazy=[answer_mention])
    app.event("message")(ack=_acknowledge, lazy=[answer_message_event])


def inline_cases(ctx: BotContext, event: dict[str, Any], bot_user_id: str | None,
                 started: float) -> None:
    """A compact card in the thread for each existing case number the message names.

    Each case is shown at most once per thread, remembered in memory (``ctx.inline_seen``, one
    week): a restart forgets, so a case can be shown once more after one.
    """
    channel = event.get("channel", "")
    text = event.get("text", "")
    if bot_user_id and f"<@{bot_user_id}" in text:
        return  # the mention handler answers this message
    thread_ts = event.get("thread_ts") or event.get("ts")
    found, records = inline_items(ctx, clean_text(text), channel, f"{channel}:{thread_ts}",
                                  ctx.inline_seen)
    for record in records:
        fallback = f"{record.case_number}: {record.title}"
        post_message(ctx, channel, escape_mrkdwn(fallback),
                     item_card_blocks(record, "da", compact=True), thread_ts=thread_ts)
    if found:
        log_request("inline", started, len(records))
